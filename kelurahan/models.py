"""Kecamatan and kelurahan, keyed by their Kemendagri code (never by BPS statistical codes)."""

import re

from django.core.validators import RegexValidator
from django.db import models

from pps_admin.text import validate_single_line

KECAMATAN_CODE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
KELURAHAN_CODE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")

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

    class Meta:
        ordering = ["code"]
        verbose_name = "kecamatan"
        verbose_name_plural = "kecamatan"

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

    class Meta:
        ordering = ["code"]
        verbose_name = "kelurahan"
        verbose_name_plural = "kelurahan"

    def __str__(self):
        return self.name

    @property
    def compact_code(self) -> str:
        return self.code.replace(".", "")
