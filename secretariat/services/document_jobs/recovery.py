"""Jobs whose tasks were lost, documents whose worker died, and the admin's retry."""

import datetime as dt
import logging
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ...models import Document, DocumentStatus, GenerationJob, JobStatus
from ..office_seals import office_seal_require
from ..signing import job_passphrase_forget, job_passphrase_store
from .claim import unclaimed
from .dispatch import document_send, job_dispatch_on_commit
from .first_signature import jobs_awaiting_probes

log = logging.getLogger(__name__)

MOVING = (JobStatus.QUEUED, JobStatus.RUNNING)

# --- jobs whose tasks were lost ----------------------------------------------------------------------
# A task can be lost without its worker dying: a broker flush, a revoke, a task that gave up its database
# retries. Its job stays queued or running for ever. Such a job shows no progress: no document of it
# started or finished since it was sent. After STUCK_JOB_MINUTES of that it is sent again. This is safe
# however wrong the guess: a document being rendered is claimed by its renderer (claim.py), so it is never
# put back and a second delivery waits for it; a done document is never rendered again.


def stuck_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.STUCK_JOB_MINUTES)


def jobs_stalled(*, cutoff: dt.datetime) -> QuerySet[GenerationJob]:
    """Jobs sent to the workers before `cutoff`, still queued or running, none of whose documents started
    or finished after it. (Never-sent jobs are `jobs_dispatch_pending`'s.)"""
    moved = Document.objects.filter(job=OuterRef("pk")).filter(
        Q(started_at__gte=cutoff) | Q(finished_at__gte=cutoff)
    )
    return GenerationJob.objects.filter(status__in=MOVING, dispatched_at__lt=cutoff).exclude(Exists(moved))


def job_overview(job: GenerationJob | None) -> dict:
    """What a page showing a generation job needs: its progress and how many of its documents have stalled
    (waiting or being made, the job idle past STUCK_JOB_MINUTES; 0 while it moves). The documents are
    counted once, by `progress()`; the stall check runs only for a job that still has some waiting."""
    if job is None:
        return {"job": None, "progress": None, "stalled": 0, "stuck_minutes": settings.STUCK_JOB_MINUTES}
    progress = job.progress()
    stalled = 0
    if (
        progress["waiting"]
        and job.status in MOVING
        and jobs_stalled(cutoff=timezone.now() - stuck_after()).filter(pk=job.pk).exists()
    ):
        stalled = progress["waiting"]
    return {"job": job, "progress": progress, "stalled": stalled, "stuck_minutes": settings.STUCK_JOB_MINUTES}


class Requeued(NamedTuple):
    failed: int = 0  # failed documents put back
    stalled: int = 0  # stalled pending or running documents put back
    sent: bool = False  # whether the job was sent again


def _job_requeue(job_id: int, *, cutoff: dt.datetime, failed: bool) -> Requeued:
    with transaction.atomic():
        job = GenerationJob.objects.select_for_update().get(pk=job_id)
        stalled = jobs_stalled(cutoff=cutoff).filter(pk=job_id).exists()
        stalled_ids = []
        if stalled:
            # Documents claimed right now are being rendered, and rows locked right now are being stored
            # (or put back by another sweep): theirs, not ours.
            unfinished = job.documents.filter(
                status__in=(DocumentStatus.PENDING, DocumentStatus.RUNNING)
            ).select_for_update(skip_locked=True)
            stalled_ids = unclaimed(list(unfinished.values_list("pk", flat=True)))
            # A document running this long lost its worker: pending again, so `job_start` sends it.
            Document.objects.filter(pk__in=stalled_ids, status=DocumentStatus.RUNNING).update(
                status=DocumentStatus.PENDING
            )
        failed_count = 0
        if failed:
            failed_count = job.documents.filter(status=DocumentStatus.FAILED).update(
                status=DocumentStatus.PENDING, error=""
            )
        if not (stalled or failed_count):
            return Requeued()
        # Sent again like a new job: `job_send` stamps dispatched_at, or `jobs_dispatch_pending` sends it
        # once the broker is back. A job whose documents are all done is only refreshed by `job_start`.
        GenerationJob.objects.filter(pk=job.pk).update(
            status=JobStatus.QUEUED, error="", finished_at=None, dispatched_at=None
        )
        job_dispatch_on_commit(job)
    return Requeued(failed=failed_count, stalled=len(stalled_ids), sent=True)


def jobs_resend_stalled(*, older_than: dt.timedelta | None = None) -> int:
    """Send again every job stalled for `older_than` (STUCK_JOB_MINUTES); returns how many were sent."""
    older_than = stuck_after() if older_than is None else older_than
    cutoff = timezone.now() - older_than
    sent = 0
    for job_id in list(jobs_stalled(cutoff=cutoff).values_list("pk", flat=True)):
        requeued = _job_requeue(job_id, cutoff=cutoff, failed=False)
        if requeued.sent:
            log.warning(
                "Generation job %s showed no progress for %d minutes: sent again (%d documents put back)",
                job_id,
                older_than.total_seconds() // 60,
                requeued.stalled,
            )
            sent += 1
    return sent


def job_retry(*, job: GenerationJob) -> Requeued:
    """The admin's retry: failed documents, and stalled pending or running ones, back in the queue.
    Refused (ValidationError) while the job's office has no seal to sign them with."""
    office_seal_require(job.office)
    return _job_requeue(job.pk, cutoff=timezone.now() - stuck_after(), failed=True)


# --- documents whose worker died ---------------------------------------------------------------------
# A worker killed mid-render (SIGKILL, the OOM killer, a restarted container) leaves its documents
# running and their messages unacknowledged in Redis, which gives them back only after the visibility
# timeout (300 s). PostgreSQL knows sooner: a live renderer holds the claims of its batch's documents (an
# advisory lock each, claim.py) until the batch ends (`documents_render_and_store`), and a dead one's
# claims went with its connection. So a running document whose claim can be taken is abandoned: it is put
# back to pending and sent again while this sweep holds its row and its claim, so two sweeps at once (a
# worker starting, the beat) send it once, and a worker taking the new message waits until the sweep has
# committed. The dead worker's own message, delivered late, then finds the document done (or claimed, and
# then done) and changes nothing.


def abandoned_cutoff() -> dt.datetime:
    """Documents started before this and still running may be abandoned. On PostgreSQL the claim decides
    (a renderer claims its document before marking it running); the grace (a second) is a margin only.
    SQLite (`make run`) has no claims to ask: there a document is abandoned once it has been running
    longer than a task may live (CELERY_TASK_TIME_LIMIT), plus a minute."""
    if connection.features.has_select_for_update_skip_locked:
        return timezone.now() - dt.timedelta(seconds=settings.ABANDONED_GRACE_SECONDS)
    return timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def documents_requeue_abandoned() -> int:
    """Send again every running document whose renderer is gone; returns how many were sent."""
    with transaction.atomic():
        candidates = dict(
            Document.objects.filter(status=DocumentStatus.RUNNING, started_at__lt=abandoned_cutoff())
            .select_for_update(skip_locked=True)
            .values_list("pk", "job_id")
        )
        abandoned = [(pk, candidates[pk]) for pk in unclaimed(list(candidates))]
        if not abandoned:
            return 0
        Document.objects.filter(pk__in=[pk for pk, _ in abandoned]).update(status=DocumentStatus.PENDING)
        # Sent inside the transaction: if the broker fails, the rows stay running and the next sweep tries
        # again; a message taken before the commit waits for these rows' locks.
        for pk, _ in abandoned:
            document_send(pk, retry=False)
    jobs = sorted({job_id for _, job_id in abandoned})
    log.warning(
        "%d documents abandoned by a worker that died were sent again (jobs %s)",
        len(abandoned),
        ", ".join(map(str, jobs)),
    )
    return len(abandoned)


def documents_resend_pending_of_running_jobs() -> int:
    """At a worker's start: the messages a dead worker had taken but not begun (a document still pending,
    its message handed to a pool process that was killed before marking it running) come back only after
    the broker's visibility timeout. Each pending document of a job in progress is sent again; a second
    message for a document changes nothing (the render takes the document's claim and finds it settled, so
    it is rendered once). Only at a worker's start, not in the beat's sweep: a batch's queued documents are
    pending too, and a start is rare."""
    rows = (
        Document.objects.filter(status=DocumentStatus.PENDING, job__status=JobStatus.RUNNING)
        .order_by("pk")
        .values_list("pk", "job_id", "job__awaiting_first_signature")
    )
    pending, waiting = [], {}
    for pk, job_id, awaiting in rows:
        if awaiting:  # a job trying its passphrase on one document: that one only (first_signature.py)
            waiting.setdefault(job_id, []).append(pk)
        else:
            pending.append(pk)
    pending += jobs_awaiting_probes(waiting)
    for pk in pending:
        document_send(pk, retry=False)
    if pending:
        log.info("%d pending documents of jobs in progress were sent again at worker start", len(pending))
    return len(pending)


def job_retry_signed(*, job: GenerationJob, passphrase: str | None = None):
    """`job_retry` with the passphrase typed again, stored before the job is sent (same transaction)."""
    with transaction.atomic():
        if passphrase is not None:
            job_passphrase_store(job=job, passphrase=passphrase)
        requeued = job_retry(job=job)
        if not requeued.sent:
            job_passphrase_forget(job.pk)  # nothing to sign: the job will not end again to delete it
    return requeued
