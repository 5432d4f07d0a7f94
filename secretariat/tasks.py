"""Celery tasks: thin wrappers that look records up by id and call the services."""

import logging

from celery import shared_task
from celery.signals import task_retry, worker_ready
from django.db import InterfaceError, OperationalError

from .services import document_jobs as jobs

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


# Named by the engine, which sends them by name (services/document_jobs/dispatch.py).
@shared_task(name=jobs.DISPATCH_JOB_TASK, acks_late=True, **DATABASE_RETRY)
def dispatch_job(job_id: int) -> int:
    """Queue the render tasks of the documents still to do (batches of them: `document_batches`)."""
    return jobs.job_start(job_id)


@shared_task(name=jobs.RENDER_DOCUMENTS_TASK, acks_late=True, **DATABASE_RETRY)
def render_documents(document_ids: list[int]) -> dict[int, str]:
    """Render and store a batch of one job's documents (the engine's `document_batches`)."""
    return jobs.documents_render_and_store(document_ids)


@shared_task(name=jobs.RENDER_DOCUMENT_TASK, acks_late=True, **DATABASE_RETRY)
def render_document(document_id: int) -> str:
    """One document: what the engine sent before it sent batches (a message still queued from then)."""
    return jobs.documents_render_and_store([document_id])[document_id]


@shared_task(name=jobs.FINISH_JOB_TASK, acks_late=True, **DATABASE_RETRY)
def finish_job(job_id: int, deferred: int = 0) -> None:
    """A done job's finishing step (the decree's print bundle), queued by the task that finished the job."""
    try:
        jobs.job_finish(job_id, deferred=deferred)
    except (OperationalError, InterfaceError):
        raise  # retried (DATABASE_RETRY)
    except Exception:  # e.g. the print bundle, a convenience: its download builds it again if this failed
        log.exception("The finishing step of job %s failed", job_id)


@shared_task
def dispatch_pending_jobs() -> int:
    """Periodic (celery beat): send jobs whose dispatch failed while the broker was down, and again those
    whose tasks were lost (no progress for STUCK_JOB_MINUTES)."""
    return jobs.jobs_dispatch_pending() + jobs.jobs_resend_stalled()


@shared_task
def requeue_abandoned_documents() -> int:
    """Periodic (celery beat, every ABANDONED_SWEEP_SECONDS): send again the documents of workers that
    died mid-render, long before the broker's visibility timeout would."""
    return jobs.documents_requeue_abandoned()


@task_retry.connect
def _log_retry(sender=None, request=None, reason=None, **kwargs):
    # Celery logs retries at INFO under celery.app.trace, which settings.LOGGING keeps at WARNING.
    log.warning("Task %s will be retried: %s", getattr(request, "task", sender), reason)


@worker_ready.connect
def _dispatch_pending_on_worker_start(sender=None, **kwargs):
    # A worker starting is often the one that replaces a dead one: its abandoned documents go first.
    for sweep in (
        jobs.documents_requeue_abandoned,
        jobs.documents_resend_pending_of_running_jobs,
        lambda: jobs.jobs_dispatch_pending(older_than_seconds=0),
        jobs.jobs_resend_stalled,
    ):
        try:
            sweep()
        except Exception:
            log.exception("A sweep at worker start failed; the beat's next one tries again")
