"""Creating a job and handing it to the workers.

The tasks are looked up by name in the Celery app's registry instead of imported: `secretariat.tasks`
calls this engine, so importing the tasks here would close an import cycle. The names are the tasks' own
(`@shared_task(name=...)` in secretariat/tasks.py), written once, here; SecretariatConfig.ready imports
the tasks, so every process that set Django up has them registered. Calling the registered task (not
`send_task`) keeps its options, and runs it in-process when CELERY_TASK_ALWAYS_EAGER is set.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from celery import current_app
from django.db import transaction
from django.utils import timezone

from ...models import Decree, Document, DocumentStatus, GenerationJob, JobStatus
from ..office_seals import office_seal_require
from .first_signature import job_documents_to_send
from .kinds import job_on_done
from .status import job_refresh

DISPATCH_JOB_TASK = "secretariat.tasks.dispatch_job"
RENDER_DOCUMENT_TASK = "secretariat.tasks.render_document"
RENDER_DOCUMENTS_TASK = "secretariat.tasks.render_documents"
FINISH_JOB_TASK = "secretariat.tasks.finish_job"
# How often a finishing step goes back behind documents waiting to be made (see `job_finish`).
FINISH_DEFERRALS = 3
# A render task takes up to BATCH_MAX documents of one job (`document_batches`): what a task costs beyond
# its documents (the broker's hand-over, Celery's trace, the connection's check, the job's progress read)
# is then paid once for several (bench/RESULTS.md "#18 batches").
BATCH_MAX = 8
# Towards a job's end its batches shrink to a BATCH_SPREAD-th of what is left, then to one document, so
# that the worker's processes finish it together instead of one of them making a last batch alone.
BATCH_SPREAD = 4

log = logging.getLogger(__name__)


def job_create(
    *, kind: str, office, documents: Iterable[Document], user=None, decree: Decree | None = None
) -> GenerationJob:
    """`office`'s job of `kind` for the unsaved `documents` (saved here, with their ids set), sent after
    commit. Refused (ValidationError) when documents are signed and `office` has no seal: nothing is
    queued, instead of every document failing on it (the caller's transaction undoes the rest)."""
    office_seal_require(office)
    documents = list(documents)
    job = GenerationJob.objects.create(
        kind=kind, office=office, decree=decree, total=len(documents), requested_by=user
    )
    for document in documents:
        document.job = job
    Document.objects.bulk_create(documents)
    job_dispatch_on_commit(job)
    return job


def job_dispatch_on_commit(job: GenerationJob) -> None:
    job_id = job.pk
    transaction.on_commit(lambda: job_send(job_id))


def job_send(job_id: int) -> bool:
    """Hand the job to the broker. If the broker is unreachable the job row stays queued (nothing is lost)
    and `jobs_dispatch_pending` sends it later: when a worker starts, and every minute from the beat."""
    try:
        current_app.tasks[DISPATCH_JOB_TASK].apply_async((job_id,), retry=False)
    except Exception as exc:  # kombu/redis connection errors vary by transport
        log.warning(
            "Broker unreachable (%s): generation job %s stays queued until it can be sent",
            type(exc).__name__,
            job_id,
        )
        return False
    GenerationJob.objects.filter(pk=job_id, dispatched_at__isnull=True).update(dispatched_at=timezone.now())
    return True


def document_send(document_id: int, *, retry: bool = True) -> None:
    """Queue the rendering of one document. `retry=False` raises at once when the broker is unreachable
    (for a caller that keeps the document's row as it was, to try again later)."""
    current_app.tasks[RENDER_DOCUMENTS_TASK].apply_async(([document_id],), retry=retry)


def documents_send(document_ids: list[int], *, one_by_one: bool = False) -> None:
    """Queue the rendering of `document_ids` (of one job, in order) in batches (`document_batches`), or
    one task each (`one_by_one`: a signer that waits on a remote service for each document, where a batch
    would save nothing and could outlast the task's time limit)."""
    batches = [[i] for i in document_ids] if one_by_one else document_batches(document_ids)
    for batch in batches:
        current_app.tasks[RENDER_DOCUMENTS_TASK].apply_async((batch,))


def document_batches(document_ids: list[int]) -> list[list[int]]:
    """`document_ids` cut into render tasks: BATCH_MAX documents each while many are left, then a
    BATCH_SPREAD-th of what is left, the last ones alone (a decree's 104 documents: 22 tasks, the last 7
    of one document each)."""
    batches, start = [], 0
    while start < len(document_ids):
        size = max(1, min(BATCH_MAX, (len(document_ids) - start) // BATCH_SPREAD))
        batches.append(document_ids[start : start + size])
        start += size
    return batches


def job_finish_send(job_id: int, *, deferred: int = 0) -> bool:
    """Queue a done job's finishing step (`job_finish`) as a task of its own. False when the broker is
    unreachable: the step is then left (the bundle's first download builds it)."""
    try:
        current_app.tasks[FINISH_JOB_TASK].apply_async((job_id,), {"deferred": deferred}, retry=False)
    except Exception as exc:  # kombu/redis connection errors vary by transport
        name = type(exc).__name__
        log.warning("Broker unreachable (%s): the finishing step of job %s is left", name, job_id)
        return False
    return True


def job_finish(job_id: int, *, deferred: int = 0) -> bool:
    """In the worker: a done job's finishing step (`job_on_done`: the decree's print bundle, which lays out
    every Petikan again), after the documents waiting to be made. It is a convenience made of records, and
    run in the render task that finished the job it held a process for seconds while the pacts issued with
    the decree waited (bench/RESULTS.md "#18 pipeline"). While documents of jobs in progress are pending it
    goes to the back of the queue again, at most FINISH_DEFERRALS times (a job stalled with pending
    documents must not keep it waiting for ever). True when it ran."""
    waiting = Document.objects.filter(
        status=DocumentStatus.PENDING, job__status__in=(JobStatus.QUEUED, JobStatus.RUNNING)
    ).exists()
    if waiting and deferred < FINISH_DEFERRALS and job_finish_send(job_id, deferred=deferred + 1):
        return False
    job_on_done(GenerationJob.objects.get(pk=job_id))
    return True


def job_start(job_id: int) -> int:
    """In the worker: queue the renders of the documents still to do, in batches (`documents_send`; under
    a passphrase signer one a task, the first alone: first_signature.py); returns how many were queued."""
    # Queued: a new job, or one a retry put back; running already: this is a second delivery of the job.
    fresh = GenerationJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    GenerationJob.objects.filter(pk=job_id).update(status=JobStatus.RUNNING)
    GenerationJob.objects.filter(pk=job_id, dispatched_at__isnull=True).update(dispatched_at=timezone.now())
    pending = list(
        Document.objects.filter(job_id=job_id, status=DocumentStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    job = GenerationJob(pk=job_id)
    ids, one_by_one = job_documents_to_send(job, pending, fresh=bool(fresh))
    documents_send(ids, one_by_one=one_by_one)
    if not pending:
        job_refresh(job_id)
    return len(ids)


def jobs_dispatch_pending(*, older_than_seconds: int = 30) -> int:
    """Send queued jobs that never reached the broker; returns how many were sent. (Jobs that reached it
    and were lost there: `jobs_resend_stalled`.)"""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    pending = GenerationJob.objects.filter(
        status=JobStatus.QUEUED, dispatched_at__isnull=True, created_at__lte=cutoff
    ).values_list("pk", flat=True)
    return sum(job_send(job_id) for job_id in list(pending))
