"""Kecamatan and kelurahan, keyed by their Kemendagri code (never by BPS statistical codes)."""

import re

from django.core.validators import RegexValidator
from django.db import models

from pps_admin.text import validate_single_line

KECAMATAN_CODE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
KELURAHAN_CODE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")

# Synthetic regions (`seed_synthetic`, load tests at national scale) live under province "00": Kemendagri
# province codes run from 11 to 96 and are never 00, so a synthetic code can never collide with a real one.
# The database ties the prefix and the marker together, so removal by marker is exact.
SYNTHETIC_PROVINCE = "00"
SYNTHETIC_PREFIX = SYNTHETIC_PROVINCE + "."


def synthetic_marker_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(models.Q(synthetic=True) & models.Q(code__startswith=SYNTHETIC_PREFIX))
        | (models.Q(synthetic=False) & ~models.Q(code__startswith=SYNTHETIC_PREFIX)),
        name=name,
        violation_error_message="Kode berawalan 00. hanya untuk data sintetis, dan sebaliknya.",
    )


def synthetic_marker_field(
    help_text="Dibuat oleh seed_synthetic untuk uji skala; dihapus dengan seed_synthetic --remove.",
) -> models.BooleanField:
    """The marker of rows made by `seed_synthetic` (kecamatan, kelurahan, people): indexed, not editable."""
    return models.BooleanField(
        "data sintetis", default=False, db_index=True, editable=False, help_text=help_text
    )


def normalize_kelurahan_code(raw: str) -> str | None:
    """Accept 64.71.01.1001 or 6471011001; return the dotted form, or None if neither."""
    value = str(raw).strip()
    if KELURAHAN_CODE_RE.match(value):
        return value
    if re.fullmatch(r"\d{10}", value):
        return f"{value[0:2]}.{value[2:4]}.{value[4:6]}.{value[6:10]}"
    return None


class Kecamatan(models.Model):
    code = models.CharField(
        "kode Kemendagri",
        max_length=8,
        primary_key=True,
        validators=[RegexValidator(KECAMATAN_CODE_RE, "Kode kecamatan harus berbentuk 64.71.01.")],
    )
    name = models.CharField("nama", max_length=100, validators=[validate_single_line])
    synthetic = synthetic_marker_field()

    class Meta:
        ordering = ["code"]
        verbose_name = "kecamatan"
        verbose_name_plural = "kecamatan"
        constraints = [synthetic_marker_constraint("kecamatan_synthetic_code")]

    def __str__(self):
        return self.name


class Kelurahan(models.Model):
    code = models.CharField(
        "kode Kemendagri",
        max_length=13,
        primary_key=True,
        validators=[RegexValidator(KELURAHAN_CODE_RE, "Kode kelurahan harus berbentuk 64.71.01.1001.")],
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
    synthetic = synthetic_marker_field()

    class Meta:
        ordering = ["code"]
        verbose_name = "kelurahan"
        verbose_name_plural = "kelurahan"
        constraints = [synthetic_marker_constraint("kelurahan_synthetic_code")]

    def __str__(self):
        return self.name
