"""Celery tasks: thin wrappers that look records up by id and call the services."""

import logging

from celery import shared_task
from celery.signals import task_retry, worker_ready
from django.db import InterfaceError, OperationalError

from .models import Document, DocumentStatus, GenerationJob, JobStatus
from .services import documents as docs

log = logging.getLogger(__name__)

# PostgreSQL unreachable (restarting, failing over, a dropped connection) when a task runs: try again later
# instead of failing. Both tasks are idempotent. Back-off up to 1, 2, 4 ... 60 s; Celery's jitter (on by
# default, so a batch does not retry in step) picks each wait at random below that: about 12 minutes in all
# on average, 25 at most. A task that gives up leaves its job to `jobs_resend_stalled`, STUCK_JOB_MINUTES
# (above these 25) after the job's last progress.
DATABASE_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    "max_retries": 30,
}


@shared_task(acks_late=True, **DATABASE_RETRY)
def dispatch_job(job_id: int) -> int:
    """Queue one render task per document still to do."""
    from django.utils import timezone

    GenerationJob.objects.filter(pk=job_id).update(status=JobStatus.RUNNING)
    GenerationJob.objects.filter(pk=job_id, dispatched_at__isnull=True).update(dispatched_at=timezone.now())
    ids = list(
        Document.objects.filter(job_id=job_id, status=DocumentStatus.PENDING).values_list("pk", flat=True)
    )
    for document_id in ids:
        render_document.delay(document_id)
    if not ids:
        docs.job_refresh(job_id)
    return len(ids)


@shared_task(acks_late=True, **DATABASE_RETRY)
def render_document(document_id: int) -> str:
    try:
        document = docs.document_render_and_store(document_id)
    except (OperationalError, InterfaceError):
        raise  # the database, not the document: retried (DATABASE_RETRY)
    except Exception:
        log.exception("Rendering document %s failed", document_id)
        document = Document.objects.get(pk=document_id)
    job = docs.job_refresh(document.job_id)
    try:
        docs.decree_bundle_prepare(job)
    except Exception:  # the bundle is a convenience: the download builds it again if this failed
        log.exception("Could not prepare the print bundle of job %s", job.pk)
    return document.status


@shared_task
def dispatch_pending_jobs() -> int:
    """Periodic (celery beat): send jobs whose dispatch failed while the broker was down, and again those
    whose tasks were lost (no progress for STUCK_JOB_MINUTES)."""
    return docs.jobs_dispatch_pending() + docs.jobs_resend_stalled()


@shared_task
def requeue_abandoned_documents() -> int:
    """Periodic (celery beat, every ABANDONED_SWEEP_SECONDS): send again the documents of workers that
    died mid-render, long before the broker's visibility timeout would."""
    return docs.documents_requeue_abandoned()


@task_retry.connect
def _log_retry(sender=None, request=None, reason=None, **kwargs):
    # Celery logs retries at INFO under celery.app.trace, which settings.LOGGING keeps at WARNING.
    log.warning("Task %s will be retried: %s", getattr(request, "task", sender), reason)


@worker_ready.connect
def _dispatch_pending_on_worker_start(sender=None, **kwargs):
    # A worker starting is often the one that replaces a dead one: its abandoned documents go first.
    for sweep in (
        docs.documents_requeue_abandoned,
        lambda: docs.jobs_dispatch_pending(older_than_seconds=0),
        docs.jobs_resend_stalled,
    ):
        try:
            sweep()
        except Exception:
            log.exception("A sweep at worker start failed; the beat's next one tries again")
