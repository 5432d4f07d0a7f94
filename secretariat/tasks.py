"""Celery tasks: thin wrappers that look records up by id and call the services."""

import logging

from celery import shared_task
from celery.signals import worker_ready

from .models import Document, DocumentStatus, GenerationJob, JobStatus
from .services import documents as docs

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
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


@shared_task(acks_late=True)
def render_document(document_id: int) -> str:
    try:
        document = docs.document_render_and_store(document_id)
    except Exception:
        log.exception("Rendering document %s failed", document_id)
        document = Document.objects.get(pk=document_id)
    docs.job_refresh(document.job_id)
    return document.status


@shared_task
def dispatch_pending_jobs() -> int:
    """Periodic (celery beat): send jobs whose dispatch failed while the broker was down."""
    return docs.jobs_dispatch_pending()


@worker_ready.connect
def _dispatch_pending_on_worker_start(sender=None, **kwargs):
    try:
        docs.jobs_dispatch_pending(older_than_seconds=0)
    except Exception:
        log.exception("Could not dispatch pending jobs at worker start")
