"""KPU offices: the tenants of one deployment, and which office a staff member works for.

A KPU Kabupaten/Kota office (one per kabupaten/kota) owns its people, appointments, decrees, templates,
number sequences, pacts and ceremonies. A KPU Provinsi office sits above the kabupaten/kota offices of its
province and only reads their rows. Who may see which office's rows is decided in one place,
secretariat/models/scoping.py.
"""

import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kelurahan.codes import time_zone_of
from kelurahan.models import Province, Regency
from pps_admin.text import validate_multi_line, validate_single_line


class OfficeKind(models.TextChoices):
    REGENCY = "kabkota", "KPU Kabupaten/Kota"
    PROVINCE = "provinsi", "KPU Provinsi"


# A kabupaten/kota office has its kabupaten/kota; a provincial office has none.
REGENCY_MATCHES_KIND = Q(kind="kabkota", regency__isnull=False) | Q(kind="provinsi", regency__isnull=True)


class Office(models.Model):
    """A KPU office, keyed by the Kemendagri code of its region ("64.71" for KPU Kota Balikpapan, "64" for KPU
    Provinsi Kalimantan Timur)."""

    code = models.CharField("kode wilayah", max_length=5, unique=True)
    kind = models.CharField("jenis", max_length=8, choices=OfficeKind.choices)
    name = models.CharField(
        "nama",
        max_length=150,
        validators=[validate_single_line],
        help_text="Mis. Komisi Pemilihan Umum Kota Balikpapan.",
    )
    short_name = models.CharField(
        "nama singkat",
        max_length=100,
        validators=[validate_single_line],
        help_text="Mis. KPU Kota Balikpapan.",
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="kpu_offices", verbose_name="provinsi"
    )
    regency = models.OneToOneField(
        Regency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kpu_office",
        verbose_name="kabupaten/kota",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="KPU provinsi",
        limit_choices_to={"kind": OfficeKind.PROVINCE},
    )
    city = models.CharField(
        "tempat kedudukan",
        max_length=100,
        validators=[validate_single_line],
        help_text="Tempat ditetapkannya SK dan ditandatanganinya pakta, mis. Balikpapan.",
    )
    address = models.TextField("alamat", max_length=500, blank=True, validators=[validate_multi_line])
    phone = models.CharField("telepon", max_length=40, blank=True, validators=[validate_single_line])
    email = models.EmailField("surel", blank=True)
    website = models.CharField("laman", max_length=100, blank=True, validators=[validate_single_line])

    history = HistoricalRecords(verbose_name="riwayat kantor")

    class Meta:
        ordering = ["code"]
        verbose_name = "kantor KPU"
        verbose_name_plural = "kantor KPU"
        constraints = [
            models.CheckConstraint(
                condition=REGENCY_MATCHES_KIND,
                name="office_regency_matches_kind",
                violation_error_message="KPU Kabupaten/Kota harus punya kabupaten/kota; KPU Provinsi tidak.",
            ),
            models.CheckConstraint(
                condition=Q(kind="kabkota") | Q(parent__isnull=True),
                name="office_province_has_no_parent",
                violation_error_message="KPU Provinsi tidak berada di bawah kantor lain.",
            ),
        ]

    def __str__(self):
        return self.short_name

    @property
    def time_zone(self) -> zoneinfo.ZoneInfo:
        """Where the office's clocks are (WIB, WITA or WIT, by its province): what it prints and shows."""
        return zoneinfo.ZoneInfo(time_zone_of(self.code) or settings.TIME_ZONE)

    @property
    def is_provincial(self) -> bool:
        return self.kind == OfficeKind.PROVINCE

    @classmethod
    def sole(cls) -> "Office | None":
        """The deployment's only KPU Kabupaten/Kota office when it has exactly one: commands and pages that
        need an office take it without asking there (a single-office install, `make run`)."""
        offices = list(cls.objects.filter(kind=OfficeKind.REGENCY)[:2])
        return offices[0] if len(offices) == 1 else None


class StaffMembership(models.Model):
    """The office a staff account works for. What they may do there comes from their group (roles.py): an
    operator or a viewer of a kabupaten/kota office, or a viewer of a provincial office, who reads the
    province's kabupaten/kota offices. Superusers work for the whole deployment and need none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="office_membership",
        verbose_name="pengguna",
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="staff", verbose_name="kantor")

    history = HistoricalRecords(verbose_name="riwayat keanggotaan kantor")

    class Meta:
        verbose_name = "staf kantor"
        verbose_name_plural = "staf kantor"

    def __str__(self):
        return f"{self.user} – {self.office}"
