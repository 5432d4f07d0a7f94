"""The signed receipt of a Petikan (issue #16.6): after the handover the office scans the receipts its
members signed, and each page whose QR code is a Petikan's check code is kept as that Petikan's receipt.
One per Petikan; a record like the documents themselves: stored with its hash, never replaced."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .documents import Document
from .scoping import office_scoped


class PetikanReceipt(models.Model):
    document = models.OneToOneField(
        Document,
        on_delete=models.PROTECT,
        related_name="receipt",
        verbose_name="Petikan",
        limit_choices_to={"kind": "petikan"},
    )
    scan = models.FileField("pindaian tanda terima", upload_to="private/petikan-receipts/", max_length=300)
    scan_sha256 = models.CharField("SHA-256 pindaian", max_length=64)
    received_date = models.DateField("tanggal diterima")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="dicatat oleh",
    )
    created_at = models.DateTimeField("dicatat pada", auto_now_add=True)

    history = HistoricalRecords(verbose_name="riwayat tanda terima Petikan")
    objects = office_scoped("document__job__office").as_manager()

    class Meta:
        verbose_name = "tanda terima Petikan"
        verbose_name_plural = "tanda terima Petikan"

    def __str__(self):
        return f"Tanda terima Petikan {self.document.check_code}"
