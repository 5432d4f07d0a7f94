"""The regions of the nation, keyed by their Kemendagri code (never by BPS statistical codes): province,
kabupaten/kota, kecamatan, desa/kelurahan. What a code says by itself (level, kind) is in kelurahan/codes.py.

The full list comes from `load_regions` (kelurahan/loading.py); Balikpapan's 6 + 34 from the migrations.
Names of kecamatan and desa/kelurahan are display names staff may edit; `official_name` keeps the name the
decree gives, so that a later load can tell a staff edit (kept) from an outdated spelling (updated).
Provinces and kabupaten/kota are read-only in the admin: their names always follow the loaded file.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Concat

from pps_admin.text import validate_single_line

from . import codes
from .codes import KECAMATAN_CODE_RE, KELURAHAN_CODE_RE
from .scope import region_scoped

# Synthetic regions (load tests, bench/loadtest) live under provinces "00" to "09" (kelurahan.codes):
# Kemendagri province codes run from 11 to 96, so a synthetic code can never collide with a real one.
SYNTHETIC_PROVINCE = codes.SYNTHETIC_PROVINCE  # "00", the first


def normalize_kelurahan_code(raw: str) -> str | None:
    """Accept 64.71.01.1001 or 6471011001; return the dotted form, or None if neither."""
    value = str(raw).strip()
    if KELURAHAN_CODE_RE.match(value):
        return value
    if re.fullmatch(r"\d{10}", value):
        return f"{value[0:2]}.{value[2:4]}.{value[4:6]}.{value[6:10]}"
    return None


def code_under_parent_constraint(parent: str, name: str, message: str) -> models.CheckConstraint:
    """The code starts with the parent's code and a dot: the foreign key can never disagree with the code."""
    return models.CheckConstraint(
        condition=models.Q(code__startswith=Concat(models.F(parent), models.Value("."))),
        name=name,
        violation_error_message=message,
    )


def official_name_field() -> models.CharField:
    return models.CharField(
        "nama resmi",
        max_length=100,
        blank=True,
        editable=False,
        help_text="Nama menurut Kepmendagri pada berkas wilayah yang terakhir dimuat (load_regions). "
        "Nama tampilan yang diubah staf tidak ditimpa saat pemuatan berikutnya.",
    )


class RegencyKind(models.TextChoices):
    KABUPATEN = codes.KABUPATEN, "Kabupaten"
    KOTA = codes.KOTA, "Kota"


class VillageKind(models.TextChoices):
    KELURAHAN = codes.KELURAHAN, "Kelurahan"
    DESA = codes.DESA, "Desa"
    DESA_ADAT = codes.DESA_ADAT, "Desa Adat"


# Who issues the basis decree of an appointment (the "SK Lurah" of a kelurahan, a Kepala Desa's in a desa);
# by province: codes.village_head (a Keuchik in Aceh).
HEAD_TITLES = codes.VILLAGE_HEADS


class Province(models.Model):
    code = models.CharField(
        "kode Kemendagri",
        max_length=2,
        primary_key=True,
        validators=[RegexValidator(codes.PROVINCE_CODE_RE, "Kode provinsi harus 2 angka, mis. 64.")],
    )
    name = models.CharField("nama", max_length=100, validators=[validate_single_line])

    objects = region_scoped("code", province_level=True).as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "provinsi"
        verbose_name_plural = "provinsi"

    def __str__(self):
        return self.name


class Regency(models.Model):
    """A kabupaten or kota; `name` without the word ("Balikpapan"), str() with it ("Kota Balikpapan")."""

    code = models.CharField(
        "kode Kemendagri",
        max_length=5,
        primary_key=True,
        validators=[RegexValidator(codes.REGENCY_CODE_RE, "Kode kabupaten/kota harus berbentuk 64.71.")],
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="regencies", verbose_name="provinsi"
    )
    name = models.CharField("nama", max_length=100, validators=[validate_single_line])
    # Where a kabupaten's government sits, printed as the place of its office's documents ("Tanah Grogot,
    # 1 Agustus 2024"); from kelurahan/data/seats.csv.xz (load_regions). Empty for a kota (its seat is its
    # name) and for a kabupaten the file does not know.
    seat = models.CharField(
        "ibu kota", max_length=100, blank=True, default="", validators=[validate_single_line]
    )

    objects = region_scoped("code").as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "kabupaten/kota"
        verbose_name_plural = "kabupaten/kota"
        constraints = [
            code_under_parent_constraint(
                "province",
                "regency_code_in_province",
                "Kode kabupaten/kota harus diawali kode provinsinya (mis. 64.71 di provinsi 64).",
            )
        ]

    def __str__(self):
        return f"{self.kind.label} {self.name}"

    @property
    def kind(self) -> RegencyKind:
        return RegencyKind(codes.regency_kind(self.code))


class Kecamatan(models.Model):
    code = models.CharField(
        "kode Kemendagri",
        max_length=8,
        primary_key=True,
        validators=[RegexValidator(KECAMATAN_CODE_RE, "Kode kecamatan harus berbentuk 64.71.01.")],
    )
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, related_name="kecamatan", verbose_name="kabupaten/kota"
    )
    name = models.CharField("nama", max_length=100, validators=[validate_single_line])
    official_name = official_name_field()

    objects = region_scoped("regency").as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "kecamatan"
        verbose_name_plural = "kecamatan"
        constraints = [
            code_under_parent_constraint(
                "regency",
                "kecamatan_code_in_regency",
                "Kode kecamatan harus diawali kode kabupaten/kota-nya (mis. 64.71.01 di 64.71).",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # The kabupaten/kota is the code's first two parts: staff adding a kecamatan type only the code.
        super().clean()
        if self.regency_id is None and KECAMATAN_CODE_RE.match(self.code or ""):
            regency = self.code[:5]
            if not Regency.objects.filter(code=regency).exists():
                raise ValidationError(
                    {
                        "code": f"Kabupaten/kota {regency} belum ada. Muat dulu wilayah provinsinya: "
                        f"manage.py load_regions {self.code[:2]}."
                    }
                )
            self.regency_id = regency


class Kelurahan(models.Model):
    code = models.CharField(
        "kode Kemendagri",
        max_length=13,
        primary_key=True,
        validators=[
            RegexValidator(
                codes.VILLAGE_CODE_RE,
                "Kode desa/kelurahan harus berbentuk 64.71.01.1001; bagian terakhirnya diawali 1 untuk "
                "kelurahan, 2 untuk desa, 3 untuk desa adat.",
            )
        ],
    )
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="kelurahan", verbose_name="kecamatan"
    )
    name = models.CharField("nama", max_length=100, validators=[validate_single_line])
    postal_code = models.CharField(
        "kode pos",
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{5}$", "Kode pos harus 5 angka.")],
    )
    official_name = official_name_field()

    objects = region_scoped("kecamatan__regency").as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "kelurahan"
        verbose_name_plural = "kelurahan"
        constraints = [
            code_under_parent_constraint(
                "kecamatan",
                "kelurahan_code_in_kecamatan",
                "Kode desa/kelurahan harus diawali kode kecamatannya (mis. 64.71.01.1001 di 64.71.01).",
            ),
        ]

    def __str__(self):
        return self.name

    # A property, not a field: the code is the key and never changes, so the kind it encodes cannot either;
    # a stored copy could only ever disagree with it.
    @property
    def kind(self) -> VillageKind:
        return VillageKind(codes.village_kind(self.code))

    def head_title(self) -> str:
        """The title of whoever heads this desa/kelurahan and issues its basis decree ("Keputusan Lurah",
        "Keputusan Kepala Desa", "Keputusan Keuchik" in a gampong of Aceh)."""
        return codes.village_head(self.kind, self.code[:2])
