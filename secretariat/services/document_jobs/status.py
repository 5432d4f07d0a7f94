"""A job's status, derived from its documents, and waiting for it (management commands' `--wait`)."""

import time

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ...models import Document, DocumentStatus, GenerationJob, JobStatus
from ..signing import job_passphrase_forget

FINISHED = (JobStatus.DONE, JobStatus.FAILED)


def job_refresh(job_id: int) -> GenerationJob:
    """Derive the job's status from its documents (idempotent; safe to call from any task).

    While a running job still has documents to make there is nothing to derive, and the row is not locked:
    every render task calls this after its batch, and two processes locking the job row for each of their
    batches would wait on each other. This holds for the job's last documents too: each caller's own
    document is committed before it looks, so of two finishing at once at least the later one finds none
    left and takes the lock."""
    unfinished = Document.objects.filter(
        job=OuterRef("pk"), status__in=(DocumentStatus.PENDING, DocumentStatus.RUNNING)
    )
    moving = GenerationJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).filter(Exists(unfinished))
    job = moving.first()
    if job is not None:
        return job
    with transaction.atomic():
        job = GenerationJob.objects.select_for_update().get(pk=job_id)
        statuses = set(job.documents.values_list("status", flat=True).distinct())
        if statuses <= {DocumentStatus.DONE}:
            job.status, job.error = JobStatus.DONE, ""
        elif DocumentStatus.PENDING in statuses or DocumentStatus.RUNNING in statuses:
            job.status = JobStatus.RUNNING
        else:
            job.status = JobStatus.FAILED
            failed = job.documents.filter(status=DocumentStatus.FAILED).count()
            job.error = f"{failed} dokumen gagal dibuat; lihat kesalahannya dan coba lagi."
        if job.status in FINISHED:
            job.finished_at = job.finished_at or timezone.now()
            job_passphrase_forget(job.pk)  # a retry asks for it again
        job.save(update_fields=["status", "error", "finished_at"])
    return job


def job_wait(job: GenerationJob, *, timeout: float, poll: float = 1.0) -> GenerationJob:
    """Block until the job is done or failed (for `--wait`); raises TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if job.status in FINISHED:
            return job
        if time.monotonic() > deadline:
            raise TimeoutError(f"belum selesai setelah {timeout:.0f} detik: {job.progress()}")
        time.sleep(poll)


def job_written_paths(job: GenerationJob) -> list[str]:
    return [d.file.path for d in job.documents.filter(status=DocumentStatus.DONE).order_by("id")]


def job_failed_documents(job: GenerationJob):
    return job.documents.filter(status=DocumentStatus.FAILED).order_by("id")
