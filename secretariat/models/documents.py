"""Generation jobs and the files they produce. Generated files are records: stored with their SHA-256,
never silently overwritten or deleted."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..check_code import grouped, new_check_code
from .appointment import Appointment
from .decree import Decree
from .office import Office
from .scoping import office_scoped


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Menunggu"
    RUNNING = "running", "Berjalan"
    DONE = "done", "Selesai"
    FAILED = "failed", "Gagal sebagian"


class JobKind(models.TextChoices):
    SK = "sk", "SK (keputusan, salinan, petikan)"
    PAKTA = "pakta", "Pakta integritas"  # requested by the integrity app
    DAFTAR_HADIR = "daftar_hadir", "Daftar hadir"  # the ceremony's attendance sheet, rendered on request


class GenerationJob(models.Model):
    """A batch of documents requested together (e.g. one SK: its Keputusan and every Petikan)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="jobs", verbose_name="kantor")
    kind = models.CharField("jenis", max_length=20, choices=JobKind.choices)
    status = models.CharField("status", max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    decree = models.ForeignKey(
        Decree, on_delete=models.PROTECT, null=True, blank=True, related_name="jobs", verbose_name="SK"
    )
    total = models.PositiveIntegerField("jumlah dokumen", default=0)
    error = models.TextField("kesalahan", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="diminta oleh",
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    dispatched_at = models.DateTimeField("dikirim ke worker", null=True, blank=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)
    # Under a signer that asks a passphrase (BSrE), the job's first document is signed alone; the others
    # wait for it (services/document_jobs/first_signature.py), so a wrong passphrase is sent once per job.
    awaiting_first_signature = models.BooleanField("menunggu tanda tangan pertama", default=False)

    objects = office_scoped("office").as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "pekerjaan dokumen"
        verbose_name_plural = "pekerjaan dokumen"

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    def progress(self) -> dict:
        counts = dict(self.documents.values_list("status").annotate(models.Count("id")).order_by())
        done = counts.get(DocumentStatus.DONE, 0)
        return {
            "status": self.status,
            "status_label": self.get_status_display(),
            "total": self.total,
            "done": done,
            "failed": counts.get(DocumentStatus.FAILED, 0),
            "waiting": counts.get(DocumentStatus.PENDING, 0) + counts.get(DocumentStatus.RUNNING, 0),
            "percent": round(100 * done / self.total) if self.total else 100,
        }


class DocumentKind(models.TextChoices):
    KEPUTUSAN = "keputusan", "Keputusan (dengan lampiran)"
    PETIKAN = "petikan", "Petikan keputusan"
    SALINAN = "salinan", "Salinan keputusan"  # the authenticated copy sent to others
    PAKTA = "pakta", "Pakta integritas"  # rendered by the integrity app (registered kind)
    DAFTAR_HADIR = "daftar_hadir", "Daftar hadir"  # the ceremony's attendance sheet (integrity too)


class DocumentStatus(models.TextChoices):
    PENDING = "pending", "Menunggu"
    RUNNING = "running", "Sedang dibuat"  # not "Dibuat", which reads as done
    DONE = "done", "Selesai"
    FAILED = "failed", "Gagal"


class Document(models.Model):
    """One generated PDF. Rendered once; a retry only ever touches a failed document."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Printed on the document with its QR code, assigned with the row (before rendering): the public check
    # page /cek/<code>/ (secretariat/check/). Random, never derived from the document (check_code.py).
    check_code = models.CharField(
        "kode cek", max_length=12, unique=True, default=new_check_code, editable=False
    )
    # Indexed with the status (document_job_status_idx): a job's progress counts read that index alone.
    job = models.ForeignKey(GenerationJob, on_delete=models.PROTECT, related_name="documents", db_index=False)
    kind = models.CharField("jenis", max_length=20, choices=DocumentKind.choices)
    decree = models.ForeignKey(
        Decree, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    status = models.CharField(
        "status", max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    file = models.FileField("berkas", max_length=300, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField("ukuran (bita)", null=True, blank=True)
    pages = models.PositiveSmallIntegerField("halaman", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("percobaan", default=0)
    error = models.TextField("kesalahan", blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The electronic signature of the stored file (pps_admin/signing/); signed_by empty: not signed.
    signed_by = models.CharField("ditandatangani oleh", max_length=300, blank=True)
    signature_certified = models.BooleanField("tanda tangan tersertifikasi", default=False)
    signed_at = models.DateTimeField("waktu tanda tangan", null=True, blank=True)

    objects = office_scoped("job__office").as_manager()

    class Meta:
        ordering = ["job", "id"]
        verbose_name = "dokumen"
        verbose_name_plural = "dokumen"
        indexes = [
            models.Index(fields=["job", "status"], name="document_job_status_idx"),
            # The check page's upload looks a file up by its hash.
            models.Index(fields=["sha256"], name="document_sha256_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["decree"],
                condition=Q(kind=DocumentKind.KEPUTUSAN),
                name="one_keputusan_file_per_decree",
            ),
            models.UniqueConstraint(
                fields=["decree"], condition=Q(kind=DocumentKind.SALINAN), name="one_salinan_file_per_decree"
            ),
            models.UniqueConstraint(
                fields=["decree", "appointment"],
                condition=Q(kind=DocumentKind.PETIKAN),
                name="one_petikan_per_decree_entry",
            ),
            models.CheckConstraint(
                condition=~Q(status=DocumentStatus.DONE) | (~Q(sha256="") & ~Q(file="")),
                name="done_document_has_file_and_hash",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.decree or ''} {self.appointment or ''}".strip()

    @property
    def check_code_grouped(self) -> str:
        """The check code as printed and shown to people: K7QM-3XPA-9DTR."""
        return grouped(self.check_code)


class JobPassphrase(models.Model):
    """The signer's passphrase (BSrE) for one job, Fernet-encrypted (pps_admin/signing/passphrase_box.py):
    the worker reads it for each document; it is deleted when the job finishes or fails, or when BSrE
    refuses it, and a token older than SIGNING_PASSPHRASE_MAX_HOURS is never opened."""

    job = models.OneToOneField(GenerationJob, on_delete=models.CASCADE, related_name="passphrase")
    token = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = office_scoped("job__office").as_manager()

    class Meta:
        verbose_name = "passphrase pekerjaan"
        verbose_name_plural = "passphrase pekerjaan"

    def __str__(self):
        return f"passphrase pekerjaan {self.job_id}"  # never the token
