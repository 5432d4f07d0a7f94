"""Appointment decrees (Keputusan) of a KPU office: their editable legal text and issued records."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from pps_admin.text import validate_multi_line, validate_single_line
from secretariat import decree_defaults_paw as paw_defaults
from secretariat.identity import parse_nip
from secretariat.services.logo import validate_logo

from .appointment import Appointment
from .office import Office
from .period import ElectionPeriod
from .scoping import office_scoped


class Paper(models.TextChoices):
    F4 = "F4", "F4 (215 × 330 mm)"
    A4 = "A4", "A4 (210 × 297 mm)"


# Every page's footer holds the check block (a 13 mm QR code, templates/documents/_check_stamp.html), set in
# the bottom margin with room to the paper's edge that printers cannot print on.
MIN_BOTTOM_MARGIN_MM = 18
PAPER_SIZES_MM = {Paper.F4: (215, 330), Paper.A4: (210, 297)}
NUMBER_PLACEHOLDERS = {"n": 1, "yyyy": 2024}


def validate_number_format(value: str) -> None:
    if "{n}" not in value:
        raise ValidationError("Format nomor harus memuat {n} (nomor urut).")
    if "{yyyy}" not in value:
        # Numbers restart every year: without the year, decree 1 of 2025 would repeat decree 1 of 2024.
        raise ValidationError(
            "Format nomor harus memuat {yyyy} (tahun), karena nomor urut dimulai lagi tiap tahun."
        )
    try:
        value.format(**NUMBER_PLACEHOLDERS)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(
            "Format nomor hanya boleh memakai {n} dan {yyyy}, mis. NOMOR {n} TAHUN {yyyy}."
        ) from exc


class DecreeTemplate(models.Model):
    """The legal text and layout of the decree, edited by staff, never by code.

    An issued decree keeps a snapshot of these values (Decree.text), so editing here never changes it.
    Lines: one point per line (Menimbang become a., b., ...; Mengingat 1., 2., ...; dictums KESATU, ...).
    Placeholders (in any point of the text): {mulai_tugas}, {akhir_tugas}, {periode}, {hari_pemungutan},
    {ba_pleno_nomor}, {ba_pleno_tanggal}. The plenary minutes differ per decree, so their number and date are
    fields staff fill before issuing; unfilled they print as a dotted blank and the issue page warns.
    """

    # The office's own facts, which its operator keeps (the admin, secretariat/admin/decree.py): who signs
    # and authenticates, where, the letterhead, the plenary minutes, the layout. Everything else is legal
    # text: a superuser's to change, read-only for operators.
    OFFICE_FACT_FIELDS = (
        "place",
        "signer_title",
        "signer_name",
        "authenticator_title",
        "authenticator_name",
        "authenticator_nip",
        "logo",
        "letterhead_name",
        "letterhead_address",
        "office_short_name",
        "plenary_minutes_number",
        "plenary_minutes_date",
        "paper",
        "margin_top_mm",
        "margin_bottom_mm",
        "margin_left_mm",
        "margin_right_mm",
    )

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="decree_templates", verbose_name="kantor"
    )
    name = models.CharField("nama templat", max_length=150, validators=[validate_single_line])
    is_active = models.BooleanField("dipakai", default=True)
    number_format = models.CharField(
        "format nomor",
        max_length=100,
        default="NOMOR {n} TAHUN {yyyy}",
        validators=[validate_single_line, validate_number_format],
        help_text="{n} = nomor urut, {yyyy} = tahun. Contoh lama: {n}/PP.04.2-Kpt/6471/KPU-Kot/{yyyy}",
    )
    issuer = models.CharField(
        "nama lembaga",
        max_length=150,
        validators=[validate_single_line],
    )
    title = models.TextField("tentang (judul)", max_length=1000, validators=[validate_multi_line])
    considerations = models.TextField("menimbang (satu butir per baris)", validators=[validate_multi_line])
    legal_basis = models.TextField("mengingat (satu butir per baris)", validators=[validate_multi_line])
    observations = models.TextField(
        "memperhatikan (satu butir per baris)", blank=True, validators=[validate_multi_line]
    )
    dictums = models.TextField(
        "diktum (satu diktum per baris: KESATU, KEDUA, ...)", validators=[validate_multi_line]
    )
    plenary_minutes_number = models.CharField(
        "nomor berita acara rapat pleno",
        max_length=100,
        blank=True,
        validators=[validate_single_line],
        help_text="Mengisi {ba_pleno_nomor} pada Memperhatikan. Perbarui untuk tiap SK yang diputus dalam "
        "rapat pleno lain. Kosong: tercetak titik-titik dan halaman Terbitkan SK memberi peringatan.",
    )
    plenary_minutes_date = models.DateField(
        "tanggal berita acara rapat pleno",
        null=True,
        blank=True,
        help_text="Mengisi {ba_pleno_tanggal}. Kosong: tercetak titik-titik.",
    )
    # A replacement (PAW) decree: its own title, Menimbang, Memperhatikan and dictums
    # (secretariat/decree_defaults_paw.py); Mengingat, signer and layout are the main decree's above.
    # Fields that name the office have no model default: a new template takes its office's
    # (services/office_texts.py).
    paw_title = models.TextField(
        "tentang (judul) SK penggantian antarwaktu",
        max_length=1000,
        validators=[validate_multi_line],
    )
    paw_considerations = models.TextField(
        "menimbang SK penggantian antarwaktu (satu butir per baris)",
        validators=[validate_multi_line],
        help_text="Butir yang memuat {nama_diganti}, {alasan_berhenti}, {tanggal_berhenti}, "
        "{nama_pengganti}, {nomor_sk_lurah}, {tanggal_sk_lurah}, {keputusan_awal}, {jabatan}, {kelurahan} "
        "atau {kecamatan} ditulis sekali untuk setiap pengganti.",
    )
    paw_observations = models.TextField(
        "memperhatikan SK penggantian antarwaktu (satu butir per baris)",
        blank=True,
        validators=[validate_multi_line],
        help_text="Kosong: tanpa Memperhatikan. {ba_pleno_nomor} dan {ba_pleno_tanggal} diisi dari Berita "
        "Acara Rapat Pleno di atas: perbarui untuk rapat pleno yang memutus penggantian ini. Butir yang "
        "memuat isian pengganti ({nama_pengganti}, {nomor_sk_lurah}, ...) ditulis sekali untuk setiap "
        "pengganti.",
    )
    paw_petikan_dictum = models.TextField(
        "diktum KESATU pada petikan SK penggantian antarwaktu",
        validators=[validate_multi_line],
        help_text="Seperti diktum KESATU petikan SK utama, untuk pengganti antarwaktu.",
    )
    paw_dictums = models.TextField(
        "diktum SK penggantian antarwaktu (satu diktum per baris)",
        validators=[validate_multi_line],
        help_text="{mulai_tugas_pengganti} = tanggal mulai bertugas pengganti; "
        "{akhir_tugas} = akhir masa kerja.",
    )
    # A corrected decree, issued for the members of a revoked one, says so in its text.
    revocation_consideration = models.TextField(
        "menimbang pencabutan",
        default=paw_defaults.revocation_consideration,
        validators=[validate_multi_line],
        help_text="Disisipkan sebelum butir menimbang terakhir pada SK yang menggantikan SK yang dicabut. "
        "{keputusan_dicabut} = nomor, tahun dan judul SK yang dicabut; {alasan_pencabutan}; "
        "{tanggal_dicabut}.",
    )
    revocation_dictum = models.TextField(
        "diktum pencabutan",
        default=paw_defaults.revocation_dictum,
        validators=[validate_multi_line],
        help_text="Disisipkan sebelum diktum terakhir (mulai berlaku).",
    )
    petikan_closing = models.TextField(
        "kalimat penutup petikan",
        default="Petikan Keputusan ini disampaikan kepada yang bersangkutan untuk diketahui dan "
        "dipergunakan sebagaimana mestinya.",
        validators=[validate_multi_line],
    )
    place = models.CharField("tempat ditetapkan", max_length=100, validators=[validate_single_line])
    signer_title = models.CharField(
        "jabatan penanda tangan",
        max_length=200,
        validators=[validate_single_line],
    )
    signer_name = models.CharField(
        "nama penanda tangan",
        max_length=150,
        blank=True,
        validators=[validate_single_line],
        help_text="Nama Ketua yang menandatangani SK. Kosong: SK belum dapat diterbitkan.",
    )
    # "Petikan sesuai dengan aslinya" is authenticated by the secretariat (usually the Sekretaris KPU),
    # not by the chair who signs the decree.
    authenticator_title = models.CharField(
        "jabatan pengesah petikan",
        max_length=200,
        help_text="Pejabat yang menandatangani “Petikan sesuai dengan aslinya”.",
        validators=[validate_single_line],
    )
    authenticator_name = models.CharField(
        "nama pengesah petikan",
        max_length=150,
        blank=True,
        help_text="Kosong: baris nama dibiarkan untuk ditulis tangan.",
        validators=[validate_single_line],
    )
    authenticator_nip = models.CharField(
        "NIP pengesah petikan",
        max_length=18,
        blank=True,
        # An official's NIP is printed in full under the signature, as on every KPU decree; masking is
        # for screens that show members' data, not for the official's own attestation.
        help_text="18 digit; dicetak lengkap di bawah nama pada petikan dan salinan.",
    )
    petikan_dictum = models.TextField(
        "diktum KESATU pada petikan",
        help_text="Petikan tidak memuat lampiran: diktum KESATU menetapkan yang bersangkutan, dan "
        "datanya dicetak di bawahnya. Placeholder sama dengan diktum.",
        validators=[validate_multi_line],
    )
    paper = models.CharField("ukuran kertas", max_length=2, choices=Paper.choices, default=Paper.F4)
    margin_top_mm = models.PositiveSmallIntegerField("margin atas (mm)", default=20)
    margin_bottom_mm = models.PositiveSmallIntegerField("margin bawah (mm)", default=20)
    margin_left_mm = models.PositiveSmallIntegerField("margin kiri (mm)", default=25)
    margin_right_mm = models.PositiveSmallIntegerField("margin kanan (mm)", default=20)
    # The letterhead (kop): one small group, read only through secretariat.services.letterhead, so that
    # it can move to a per-office model later without touching the documents.
    logo = models.FileField("logo kop (PNG/JPEG, maks. 512 KB)", upload_to="private/logos/", blank=True)
    letterhead_name = models.TextField(
        "nama kantor pada kop",
        max_length=300,
        help_text="Satu baris per baris kop, di bawah logo; dicetak pada SK, petikan, pakta, daftar hadir.",
        validators=[validate_multi_line],
    )
    letterhead_address = models.CharField(
        "alamat pada kop",
        max_length=300,
        blank=True,
        help_text="Opsional, mis. alamat, telepon, laman. Kosong: tidak dicetak.",
        validators=[validate_single_line],
    )
    office_short_name = models.CharField(
        "nama singkat kantor",
        max_length=100,
        help_text="Untuk judul dan penulis pada properti berkas PDF.",
        validators=[validate_single_line],
    )
    updated_at = models.DateTimeField("diubah", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], verbose_name="riwayat templat SK")
    objects = office_scoped("office").as_manager()

    class Meta:
        verbose_name = "templat SK"
        verbose_name_plural = "templat SK"
        constraints = [
            models.UniqueConstraint(
                fields=["office"],
                condition=Q(is_active=True),
                name="one_active_decree_template_per_office",
                violation_error_message="Hanya satu templat SK yang boleh dipakai tiap kantor.",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.authenticator_nip:
            try:
                parse_nip(self.authenticator_nip)
            except ValidationError as exc:
                raise ValidationError({"authenticator_nip": exc.messages}) from None
        for field in ("margin_top_mm", "margin_bottom_mm", "margin_left_mm", "margin_right_mm"):
            if not 5 <= (getattr(self, field) or 0) <= 60:
                raise ValidationError({field: "Margin harus antara 5 dan 60 mm."})
        if 5 <= (self.margin_bottom_mm or 0) < MIN_BOTTOM_MARGIN_MM:
            raise ValidationError(
                {
                    "margin_bottom_mm": f"Margin bawah minimal {MIN_BOTTOM_MARGIN_MM} mm: kode QR dan kode "
                    "cek dokumen dicetak di sana."
                }
            )
        if self.logo:
            try:
                validate_logo(self.logo)
            except OSError:  # a stored logo whose file is gone (e.g. media not restored after a move)
                raise ValidationError(
                    {"logo": "Berkas logo tidak ditemukan; unggah ulang atau kosongkan."}
                ) from None

    @classmethod
    def active(cls, office: Office) -> "DecreeTemplate | None":
        """The template `office` issues with: always a named office's, so that no document can print
        another office's letterhead."""
        if office is None:
            raise TypeError("DecreeTemplate.active needs the office whose template it is")
        return cls.objects.filter(is_active=True, office=office).first()


class DecreeNumberSequence(models.Model):
    """The next decree number of a year. Staff may raise it to follow the office's decree register."""

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="decree_sequences", verbose_name="kantor"
    )
    year = models.PositiveSmallIntegerField("tahun")
    next_number = models.PositiveIntegerField("nomor berikutnya", default=1)

    objects = office_scoped("office").as_manager()

    class Meta:
        verbose_name = "nomor urut SK"
        verbose_name_plural = "nomor urut SK"
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year"],
                name="decree_sequence_per_office_year",
                violation_error_message="Nomor urut tahun ini untuk kantor ini sudah ada.",
            )
        ]

    def __str__(self):
        return f"{self.year}: berikutnya {self.next_number}"


class DecreeKind(models.TextChoices):
    APPOINTMENT = "appointment", "Pengangkatan"
    REPLACEMENT = "replacement", "Penggantian antarwaktu"


class DecreeStatus(models.TextChoices):
    ISSUED = "issued", "Berlaku"
    REVOKED = "revoked", "Dicabut"


class Decree(models.Model):
    """An issued Keputusan. Never deleted or renumbered; it can only be revoked."""

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="decrees", verbose_name="kantor"
    )
    number = models.CharField("nomor", max_length=120)
    year = models.PositiveSmallIntegerField("tahun")
    sequence = models.PositiveIntegerField("nomor urut")
    decree_date = models.DateField("tanggal ditetapkan")
    period = models.ForeignKey(
        ElectionPeriod, on_delete=models.PROTECT, related_name="decrees", verbose_name="periode"
    )
    template = models.ForeignKey(
        DecreeTemplate, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="templat"
    )
    kind = models.CharField(
        "jenis", max_length=12, choices=DecreeKind.choices, default=DecreeKind.APPOINTMENT
    )
    text = models.JSONField("teks saat diterbitkan", help_text="Salinan teks hukum dan tata letak.")
    # The revoked decrees whose members this one lists again; its text says it revokes them.
    revokes = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="corrected_by", verbose_name="mencabut SK"
    )
    appointments = models.ManyToManyField(
        Appointment, through="DecreeEntry", related_name="decrees", verbose_name="pengangkatan"
    )
    status = models.CharField(
        "status", max_length=8, choices=DecreeStatus.choices, default=DecreeStatus.ISSUED
    )
    revoked_date = models.DateField("tanggal dicabut", null=True, blank=True)
    revoked_reason = models.TextField(
        "alasan dicabut", max_length=1000, blank=True, validators=[validate_multi_line]
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="dicabut oleh",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="diterbitkan oleh",
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    history = HistoricalRecords(verbose_name="riwayat SK")
    objects = office_scoped("office").as_manager()

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = "keputusan (SK)"
        verbose_name_plural = "keputusan (SK)"
        constraints = [
            # Numbers are the office's own: two offices both issue their NOMOR 1 TAHUN 2024.
            models.UniqueConstraint(
                fields=["office", "year", "sequence"], name="decree_number_unique_in_office_year"
            ),
            models.UniqueConstraint(fields=["office", "number"], name="decree_number_unique_in_office"),
            models.CheckConstraint(
                condition=Q(status="issued", revoked_date__isnull=True)
                | Q(status="revoked", revoked_date__isnull=False),
                name="decree_revocation_has_date",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.status == DecreeStatus.REVOKED


class DecreeEntry(models.Model):
    """One appointment listed in a decree's lampiran (and so given a Petikan)."""

    decree = models.ForeignKey(Decree, on_delete=models.PROTECT, related_name="entries")
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="decree_entries")
    position = models.PositiveIntegerField("nomor baris")

    objects = office_scoped("decree__office").as_manager()

    class Meta:
        ordering = ["decree", "position"]
        verbose_name = "baris lampiran"
        verbose_name_plural = "baris lampiran"
        constraints = [
            models.UniqueConstraint(fields=["decree", "appointment"], name="decree_lists_once"),
            models.UniqueConstraint(fields=["decree", "position"], name="decree_position_unique"),
        ]

    def __str__(self):
        return f"{self.decree} #{self.position}"
