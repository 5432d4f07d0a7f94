"""Integrity pacts (pakta integritas): versioned texts, signing ceremonies and each appointment's pact."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from pps_admin.text import validate_multi_line, validate_single_line
from secretariat.models import Appointment, Document, Office
from secretariat.models.scoping import office_scoped

# Indonesian time zones as documents name them; a ceremony's times are its office's clock (Office.time_zone).
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PactText(models.Model):
    """One version of the pact text. Versions are never edited: a change creates the next version, so a
    signed pact always points at exactly the words its signer read."""

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="pact_texts", verbose_name="kantor"
    )
    version = models.PositiveIntegerField("versi", editable=False)
    title = models.CharField(
        "judul", max_length=200, default="PAKTA INTEGRITAS", validators=[validate_single_line]
    )
    preamble = models.TextField(
        "pembuka (satu paragraf per baris)",
        validators=[validate_multi_line],
        help_text="Dicetak sebelum identitas (nama, NIK, NIP, jabatan, kelurahan).",
    )
    commitment = models.TextField(
        "pernyataan tekad",
        blank=True,
        validators=[validate_multi_line],
        help_text="Dicetak sesudah identitas, sebelum butir pakta.",
    )
    pledges = models.TextField("butir pakta (satu per baris)", validators=[validate_multi_line])
    closing = models.TextField("penutup", blank=True, validators=[validate_multi_line])
    stamp_duty = models.BooleanField(
        "kotak meterai", default=False, help_text="Tampilkan kotak meterai di tempat tanda tangan."
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="dibuat oleh",
    )

    objects = office_scoped("office").as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = "teks pakta integritas"
        verbose_name_plural = "teks pakta integritas"
        constraints = [
            models.UniqueConstraint(fields=["office", "version"], name="pact_text_version_per_office")
        ]

    def __str__(self):
        return f"Versi {self.version}"

    @property
    def pledge_list(self) -> list[str]:
        return _lines(self.pledges)

    @property
    def preamble_paragraphs(self) -> list[str]:
        return _lines(self.preamble)

    @classmethod
    def current(cls, office: Office) -> "PactText | None":
        """The newest version of `office`'s text (always a named office's, see DecreeTemplate.active)."""
        if office is None:
            raise TypeError("PactText.current needs the office whose text it is")
        return cls.objects.filter(office=office).order_by("-version").first()


class Ceremony(models.Model):
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="ceremonies", verbose_name="kantor"
    )
    name = models.CharField("nama kegiatan", max_length=200, validators=[validate_single_line])
    date = models.DateField("tanggal")
    place = models.CharField("tempat", max_length=200, validators=[validate_single_line])
    # Printed on the attendance sheet only when set ("Pukul 08.00 WITA – selesai", "Pukul 08.00 – 12.00").
    start_time = models.TimeField("pukul (mulai)", null=True, blank=True)
    end_time = models.TimeField(
        "pukul (selesai)", null=True, blank=True, help_text="Kosong: dicetak “selesai”."
    )
    city = models.CharField(
        "kota (pada pakta)",
        max_length=100,
        validators=[validate_single_line],
        help_text="Kosong: tempat kedudukan kantor.",
        blank=True,
    )
    expected = models.ManyToManyField(
        Appointment,
        blank=True,
        related_name="ceremonies",
        verbose_name="anggota yang diundang",
        help_text="Kosong berarti semua anggota aktif.",
    )

    history = HistoricalRecords(verbose_name="riwayat kegiatan", m2m_fields=[expected])
    objects = office_scoped("office").as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = "kegiatan penandatanganan"
        verbose_name_plural = "kegiatan penandatanganan"

    def __str__(self):
        return f"{self.name} ({self.date:%d-%m-%Y})"

    def clean(self):
        if self.end_time and not self.start_time:
            raise ValidationError({"start_time": "Isi pukul mulai bila pukul selesai diisi."})
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "Pukul selesai harus sesudah pukul mulai."})

    @property
    def time_label(self) -> str:
        """ "Pukul 08.00 WITA – selesai", "Pukul 08.00 – 12.00 WITA", or "" when no time is set."""
        if not self.start_time:
            return ""
        start, zone = f"{self.start_time:%H.%M}", ZONE_NAMES.get(str(self.office.time_zone), "")
        if self.end_time:
            return " ".join(filter(None, ["Pukul", start, "–", f"{self.end_time:%H.%M}", zone]))
        return " ".join(filter(None, ["Pukul", start, zone, "– selesai"]))


class PactStatus(models.TextChoices):
    NOT_PRINTED = "belum_dicetak", "Belum dicetak"
    PRINTED = "dicetak", "Dicetak"
    SIGNED = "ditandatangani", "Ditandatangani"


class Pact(models.Model):
    """An appointment's integrity pact: the version it carries, its PDF, and whether it was signed."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="pact", verbose_name="pengangkatan"
    )
    text = models.ForeignKey(PactText, on_delete=models.PROTECT, related_name="pacts", verbose_name="teks")
    ceremony = models.ForeignKey(
        Ceremony,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pacts",
        verbose_name="kegiatan",
    )
    status = models.CharField(
        "status", max_length=16, choices=PactStatus.choices, default=PactStatus.NOT_PRINTED
    )
    signed_date = models.DateField("tanggal tanda tangan", null=True, blank=True)
    signed_place = models.CharField(
        "tempat tanda tangan", max_length=200, blank=True, validators=[validate_single_line]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="dicatat oleh",
    )
    recorded_at = models.DateTimeField("dicatat pada", null=True, blank=True)
    document = models.OneToOneField(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pact",
        verbose_name="PDF pakta",
    )
    scan = models.FileField(
        "pindaian pakta bertanda tangan", upload_to="private/pact-scans/", blank=True, max_length=300
    )
    scan_sha256 = models.CharField("SHA-256 pindaian", max_length=64, blank=True)

    history = HistoricalRecords(verbose_name="riwayat pakta")
    objects = office_scoped("appointment__office").as_manager()

    # For secretariat pages, which reach pacts through the appointment's reverse relation and never
    # import this app.
    Status = PactStatus

    class Meta:
        verbose_name = "pakta integritas"
        verbose_name_plural = "pakta integritas"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=PactStatus.SIGNED)
                | (models.Q(signed_date__isnull=False) & ~models.Q(signed_place="")),
                name="signed_pact_has_date_and_place",
            )
        ]

    def __str__(self):
        return f"Pakta {self.appointment.person}"

    @property
    def is_signed(self) -> bool:
        return self.status == PactStatus.SIGNED


class AttendanceSheet(models.Model):
    """A daftar hadir as issued: a stored document with its check code, like every other. Its content (who
    is listed, the ceremony, the validator, the letterhead) is kept as rendered, and a download whose
    content is unchanged serves the same record instead of issuing another."""

    ceremony = models.ForeignKey(
        Ceremony, on_delete=models.PROTECT, related_name="attendance_sheets", verbose_name="kegiatan"
    )
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, related_name="attendance_sheet", verbose_name="PDF daftar hadir"
    )
    content = models.JSONField("isi saat dibuat")
    fingerprint = models.CharField("sidik isi (SHA-256)", max_length=64)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    objects = office_scoped("ceremony__office").as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "daftar hadir"
        verbose_name_plural = "daftar hadir"
        constraints = [
            models.UniqueConstraint(
                fields=["ceremony", "fingerprint"], name="one_attendance_sheet_per_content"
            )
        ]

    def __str__(self):
        return f"Daftar hadir {self.ceremony}"
