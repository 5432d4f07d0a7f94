from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from kelurahan.models import Kelurahan
from pps_admin.text import validate_multi_line, validate_single_line

from .office import Office
from .period import ElectionPeriod
from .person import Person
from .scoping import office_scoped


class Role(models.TextChoices):
    SEKRETARIS = "sekretaris", "Sekretaris"
    BENDAHARA = "bendahara", "Bendahara"
    STAF_TEKNIS = "staf_teknis", "Staf Teknis"


ROLE_ORDER = {role.value: index for index, role in enumerate(Role)}
ROLE_LABELS = dict(Role.choices)  # "sekretaris" -> "Sekretaris", for documents and messages


def post_title(role: str) -> str:
    """The post as decrees and pacts name it: the secretary heads the PPS secretariat, the others serve in
    it ("Sekretaris PPS", "Bendahara Sekretariat PPS")."""
    return "Sekretaris PPS" if role == Role.SEKRETARIS else f"{ROLE_LABELS[role]} Sekretariat PPS"


def role_order(path: str = "role") -> models.Case:
    """SQL that sorts roles in roster order (sekretaris, bendahara, staf teknis), not alphabetically.

    For admin `get_ordering()` and `admin_order_field` (an annotation in `ordering` would fail the
    admin's system checks); `path` reaches the role from another model, e.g. "appointment__role".
    """
    return models.Case(
        *[models.When(**{path: role}, then=models.Value(index)) for role, index in ROLE_ORDER.items()],
        output_field=models.PositiveSmallIntegerField(),
    )


def roster_key(appointment) -> tuple[str, int]:
    """Roster order in Python: by kelurahan code, then role as `role_order()` sorts it in SQL."""
    return appointment.kelurahan_id, ROLE_ORDER[appointment.role]


def roster_order(prefix: str = "") -> list:
    """`roster_key` for `order_by()`; `prefix` reaches the appointment from elsewhere ("appointment__")."""
    return [f"{prefix}kelurahan_id", role_order(f"{prefix}role")]


def office_id_of_kelurahan(kelurahan_code: str) -> int | None:
    """The KPU Kabupaten/Kota office of a desa/kelurahan: a Kemendagri code starts with its regency's."""
    return Office.objects.filter(regency_id=kelurahan_code[:5]).values_list("pk", flat=True).first()


class EndReason(models.TextChoices):
    DIED = "meninggal", "Meninggal dunia"
    PERMANENTLY_UNABLE = "berhalangan_tetap", "Berhalangan tetap / mutasi"
    EVALUATION = "evaluasi", "Hasil evaluasi"
    RESIGNED = "mengundurkan_diri", "Mengundurkan diri"
    TERM_ENDED = "masa_kerja_berakhir", "Masa kerja berakhir"


class AppointmentQuerySet(office_scoped("office")):
    def active(self):
        return self.filter(end_date__isnull=True)


class Appointment(models.Model):
    """One person in one post (kelurahan + role) for one election period, until ended."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="appointments", verbose_name="nama"
    )
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="appointments", verbose_name="kelurahan"
    )
    role = models.CharField("jabatan", max_length=16, choices=Role.choices)
    # The office of the kelurahan's kabupaten/kota, set from the kelurahan on save (never chosen): the
    # column lets every office-scoped list filter on one indexed key.
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="appointments", verbose_name="kantor", editable=False
    )
    period = models.ForeignKey(
        ElectionPeriod, on_delete=models.PROTECT, related_name="appointments", verbose_name="periode"
    )
    lurah_decree_number = models.CharField(
        "nomor keputusan lurah/kepala desa",
        max_length=100,
        blank=True,
        help_text="Dasar pengangkatan: Keputusan Lurah (di desa: Kepala Desa) yang memilih anggota ini.",
        validators=[validate_single_line],
    )
    lurah_decree_date = models.DateField("tanggal keputusan lurah/kepala desa", null=True, blank=True)
    start_date = models.DateField("mulai bertugas")
    end_date = models.DateField("berhenti bertugas", null=True, blank=True)
    end_reason = models.CharField("alasan berhenti", max_length=24, choices=EndReason.choices, blank=True)
    end_note = models.TextField(
        "keterangan berhenti", max_length=1000, blank=True, validators=[validate_multi_line]
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name="menggantikan",
    )
    # Whether a decree in force (status issued) lists this appointment: what the "Terbitkan SK" page counts
    # without joining the decree entries. Derived from them, so written only by services/decree_coverage.py
    # (never by forms or save(), see below) and left out of the history.
    in_issued_decree = models.BooleanField("tercantum dalam SK yang berlaku", default=False, editable=False)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at", "in_issued_decree"], verbose_name="riwayat pengangkatan"
    )
    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["kelurahan_id", "role", "-start_date"]
        verbose_name = "pengangkatan"
        verbose_name_plural = "pengangkatan"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kelurahan", "role"],
                condition=Q(end_date__isnull=True),
                name="one_active_per_post",
                violation_error_message="Jabatan ini di kelurahan tersebut sudah terisi.",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end_date__isnull=True),
                name="one_active_per_person",
                violation_error_message="Orang ini sudah memegang jabatan aktif lain.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="appointment_end_after_start",
                violation_error_message="Tanggal berhenti tidak boleh sebelum mulai bertugas.",
            ),
            models.CheckConstraint(
                condition=(Q(end_date__isnull=True) & Q(end_reason=""))
                | (Q(end_date__isnull=False) & ~Q(end_reason="")),
                name="appointment_end_has_reason",
                violation_error_message="Pengangkatan yang berakhir wajib diberi alasan.",
            ),
        ]
        indexes = [
            models.Index(fields=["kelurahan", "role"], name="appointment_post_idx"),
            # Only the active appointments no decree in force lists: the few the next decree will list.
            models.Index(
                fields=["period"],
                condition=Q(end_date__isnull=True, in_issued_decree=False),
                name="appointment_awaiting_sk_idx",
            ),
        ]

    def __str__(self):
        return f"{self.person} - {self.get_role_display()} {self.kelurahan}"

    def save(self, *args, **kwargs):
        # A full save of a row already stored writes every field but `in_issued_decree`: an instance loaded
        # before a decree listed it (an "Akhiri" form, a service handed an old object) would otherwise
        # write its stale value back over what the decree's transaction set.
        if self.kelurahan_id and (self.office_id is None or self.kelurahan_id != self._loaded_kelurahan_id):
            self.office_id = office_id_of_kelurahan(self.kelurahan_id) or self.office_id
            if kwargs.get("update_fields") is not None and "kelurahan" in kwargs["update_fields"]:
                kwargs["update_fields"] = [*kwargs["update_fields"], "office"]
        stored = not self._state.adding and not kwargs.get("force_insert")
        if stored and not args and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "in_issued_decree"
            ]
        super().save(*args, **kwargs)
        self._loaded_kelurahan_id = self.kelurahan_id

    _loaded_kelurahan_id = None  # as read from the database (from_db): its office needs no new look-up

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_kelurahan_id = instance.__dict__.get("kelurahan_id")
        return instance

    @property
    def is_active(self) -> bool:
        return self.end_date is None

    @property
    def post_title(self) -> str:
        """The post as the member's documents name it ("Sekretaris PPS", "Bendahara Sekretariat PPS")."""
        return post_title(self.role)

    def clean(self):
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "Tanggal berhenti tidak boleh sebelum mulai bertugas."
        if self.end_date and not self.end_reason:
            errors["end_reason"] = "Pilih alasan berhenti."
        if self.end_reason and not self.end_date:
            errors["end_date"] = "Isi tanggal berhenti bila ada alasan berhenti."
        if self.lurah_decree_date and self.start_date and self.lurah_decree_date > self.start_date:
            head = self.kelurahan.head_title() if self.kelurahan_id else "Lurah"
            errors["lurah_decree_date"] = f"Keputusan {head} harus terbit sebelum mulai bertugas."
        moved = (
            self._loaded_kelurahan_id
            and self.kelurahan_id
            and self.kelurahan_id[:5] != self._loaded_kelurahan_id[:5]
        )
        if moved:
            # Its decrees, pacts and documents belong to the office it was in: a post does not change office.
            errors["kelurahan"] = (
                "Kelurahan hanya dapat diganti dengan kelurahan di kabupaten/kota yang sama."
            )
        elif self.kelurahan_id and office_id_of_kelurahan(self.kelurahan_id) is None:
            errors["kelurahan"] = (
                f"Kabupaten/kota kelurahan ini ({self.kelurahan_id[:5]}) belum punya kantor KPU di aplikasi. "
                f"Buat dulu: manage.py create_office {self.kelurahan_id[:5]}."
            )
        elif (
            self.kelurahan_id
            and self.person_id
            and self.person.office_id != office_id_of_kelurahan(self.kelurahan_id)
        ):
            errors["person"] = (
                "Orang ini terdaftar di kantor KPU lain; ia tidak dapat diangkat di kelurahan ini."
            )
        if errors:
            raise ValidationError(errors)
        if self.end_date is None:
            self._check_active_conflicts()

    def _check_active_conflicts(self):
        """Name the conflicting record in the message (the database constraint only says "taken")."""
        others = Appointment.objects.active().exclude(pk=self.pk).select_related("person", "kelurahan")
        if self.person_id:
            held = others.filter(person_id=self.person_id).first()
            if held:
                raise ValidationError(
                    {
                        "person": f"{held.person.name} sudah menjabat {held.get_role_display()} di "
                        f"Kelurahan {held.kelurahan.name}. Akhiri pengangkatan itu lebih dulu; satu "
                        "orang hanya boleh memegang satu jabatan."
                    }
                )
        if self.period_id and self.kelurahan_id and self.role:
            taken = others.filter(
                period_id=self.period_id, kelurahan_id=self.kelurahan_id, role=self.role
            ).first()
            if taken:
                raise ValidationError(
                    {
                        "role": f"Jabatan {taken.get_role_display()} di Kelurahan "
                        f"{taken.kelurahan.name} sudah diisi oleh {taken.person.name}. Setiap "
                        "kelurahan hanya punya satu sekretaris, satu bendahara dan satu staf teknis."
                    }
                )
