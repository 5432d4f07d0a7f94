"""An office's own electronic seal (issue #17.4: every document names its own office, its signature too).

Kind `local`: a PKCS#12 seal (key, certificate, chain) and its passphrase; kind `bsre`: the office's BSrE
signer, by display name and NIK, signing through the deployment's Esign Client Service. The secrets (the
PKCS#12, its passphrase, the NIK) are kept only encrypted (pps_admin/signing/secret_box.py) and are left out
of the history, which records who changed the seal and when, its kind, holder and validity. `version` grows
with every change, so a worker's signer loaded for an older version is loaded again
(secretariat/services/office_seals.py is the one writer and the one reader)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from pps_admin.text import validate_single_line

from .office import Office
from .scoping import office_scoped

SECRET_FIELDS = ["pkcs12_token", "passphrase_token", "nik_token"]


class SealKind(models.TextChoices):
    LOCAL = "local", "Segel lokal (PKCS#12, tidak tersertifikasi kecuali dari BSrE)"
    BSRE = "bsre", "Sertifikat elektronik BSrE (tersertifikasi)"


class OfficeSeal(models.Model):
    office = models.OneToOneField(
        Office, on_delete=models.PROTECT, related_name="seal", verbose_name="kantor"
    )
    kind = models.CharField("jenis", max_length=8, choices=SealKind.choices)
    # Who signs, as the documents' note prints it: a local seal's certificate holder (its O, else its CN),
    # or the BSrE signer's display name ("Ketua KPU Kota Samarinda").
    holder_name = models.CharField(
        "pemegang segel", max_length=300, validators=[validate_single_line], help_text="Dicetak pada dokumen."
    )
    certificate_subject = models.CharField("subjek sertifikat", max_length=500, blank=True)
    valid_until = models.DateTimeField("sertifikat berlaku sampai", null=True, blank=True)
    pkcs12_token = models.BinaryField("PKCS#12 (terenkripsi)", blank=True, default=b"")
    passphrase_token = models.BinaryField("passphrase PKCS#12 (terenkripsi)", blank=True, default=b"")
    nik_token = models.BinaryField("NIK penanda tangan BSrE (terenkripsi)", blank=True, default=b"")
    version = models.PositiveIntegerField("versi", default=1)
    updated_at = models.DateTimeField("diubah", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="diubah oleh",
    )

    history = HistoricalRecords(
        excluded_fields=[*SECRET_FIELDS, "updated_at"], verbose_name="riwayat segel kantor"
    )
    objects = office_scoped("office").as_manager()

    class Meta:
        verbose_name = "segel elektronik kantor"
        verbose_name_plural = "segel elektronik kantor"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["local", "bsre"]),
                name="office_seal_kind_valid",
                violation_error_message="Jenis segel harus local atau bsre.",
            )
        ]

    def __str__(self):
        return f"segel {self.office} ({self.kind}, versi {self.version})"  # never a secret
