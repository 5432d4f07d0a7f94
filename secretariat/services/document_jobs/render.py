"""Rendering a document and storing it as a record: render, then the electronic seal or signature
(services/signing.py, when configured), then the hash of the signed bytes, then the write-once file; and a
render task's batch of documents, one after the other."""

import hashlib
import logging
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from pps_admin import rendering

from ...models import Decree, Document, DocumentStatus, Office
from ..signing import document_seal, failure_text
from .claim import documents_claimed
from .dispatch import document_send, documents_send, job_finish_send
from .first_signature import first_signature_settled
from .job_memo import job_memo
from .kinds import document_relative_path, job_has_on_done, render_document_pdf
from .status import job_refresh
from .storage import pdf_page_count, write_once

SETTLED = (DocumentStatus.DONE, DocumentStatus.FAILED)
# A batch begins its next document only until this long after its start; the rest is sent again (in
# batches by the same rule), behind what is queued by then, so that a batch lasts about as long as one
# document at most beyond it (each well below CELERY_TASK_SOFT_TIME_LIMIT, 120 s) and other jobs are not
# held up behind a slow one.
BATCH_SECONDS = 15

log = logging.getLogger(__name__)


def documents_render_and_store(document_ids: list[int]) -> dict[int, str]:
    """A render task's documents (dispatch.py: `document_batches`), each rendered and stored on its own;
    their statuses by id. A document that fails is recorded and the next one goes on; the database
    unreachable stops the batch (the task is tried again; what it stored stays stored); after BATCH_SECONDS,
    or at the task's soft time limit, the documents not begun are put back and sent again. The progress of
    their jobs is read once, after the last one.

    The batch's documents are claimed together (claim.py) and marked running when the task starts: one
    statement each for all of them. So a worker that dies mid-batch leaves every one of its documents
    running and unclaimed, and the sweep for abandoned documents (recovery.py) sends them all again, not
    only the one being made (the others would wait for the broker's visibility timeout); on PostgreSQL a
    second delivery of the batch waits for the claims, then finds them settled (SQLite has no claims: the
    conditional store keeps one record). What a batch prints is read under the job's sending it started
    under (job_memo.py): a retry while it runs leaves its claimed documents to it."""
    clock = time.monotonic()
    statuses: dict[int, str] = {}
    jobs: dict[int, bool] = {}  # job id: whether this task stored one of its documents
    put_back: list[int] = []
    with documents_claimed(document_ids):
        to_make = _mark_running(document_ids)
        documents = _documents_read(to_make)
        made = 0
        for index, document_id in enumerate(document_ids):
            stored = False
            if document_id not in to_make:  # settled, perhaps by a delivery we waited for
                document = Document.objects.only("status", "job_id").get(pk=document_id)
            elif made and time.monotonic() - clock > BATCH_SECONDS:
                put_back = [i for i in document_ids[index:] if i in to_make]
                break
            else:
                made += 1
                try:
                    document, stored = _render_claimed(documents[document_id])
                except (OperationalError, InterfaceError):
                    raise  # the database, not the document: the task is tried again
                except Exception as exc:
                    log.exception("Rendering document %s failed", document_id)
                    document = Document.objects.get(pk=document_id)
                    if isinstance(exc, SoftTimeLimitExceeded):
                        put_back = [i for i in document_ids[index + 1 :] if i in to_make]
                        _job_seen(jobs, statuses, document, stored)
                        break
            _job_seen(jobs, statuses, document, stored)
        if put_back:
            _put_back(put_back)
    for job_id, stored_now in jobs.items():
        job = job_refresh(job_id)
        # The task that stored the job's last document queues its finishing step; a message delivered again
        # for documents made earlier (the broker's redelivery, a job sent again) does not queue it once more.
        if stored_now and job_has_on_done(job):
            job_finish_send(job.pk)
    return statuses


def _job_seen(jobs: dict[int, bool], statuses: dict[int, str], document: Document, stored: bool) -> None:
    statuses[document.pk] = document.status
    if document.job_id is not None:
        jobs[document.job_id] = jobs.get(document.job_id, False) or stored


def _put_back(document_ids: list[int]) -> None:
    """The documents a batch has not begun, still claimed by it, sent again and shown waiting. Sent first,
    while the claims hold (a worker taking the new message waits for them): if the broker refuses, they stay
    running with no claim once the batch ends, and the sweep for abandoned documents sends them within
    ABANDONED_SWEEP_SECONDS, instead of their waiting with no message for a stalled job's resend."""
    try:
        documents_send(document_ids)  # behind what is queued by now
    except Exception as exc:  # kombu/redis connection errors vary by transport
        log.warning(
            "Broker unreachable (%s): %d documents not begun are left to the sweep for abandoned documents",
            type(exc).__name__,
            len(document_ids),
        )
        return
    Document.objects.filter(pk__in=document_ids, status=DocumentStatus.RUNNING).update(
        status=DocumentStatus.PENDING
    )


def document_render_and_store(document_id: int) -> Document:
    """Render and store one document; a done document is left as it is (idempotent).

    The document is claimed (claim.py) first, and held from the start of its rendering until it is stored:
    another delivery of it (a redelivered task, a job sent again) waits, then finds it done. So a document
    is never rendered twice at the same time, and `attempts` counts renders. Under the claim a document
    costs two writes: marked running (one conditional UPDATE, which also finds a settled one), then, in
    one transaction with its write-once file, recorded done (a conditional UPDATE again, its row locked
    until the file is written and the record committed: nothing signed halfway is stored). Rendering and
    signing run outside any transaction (a remote signer may take tens of seconds). A killed worker's claim
    dies with its connection (`documents_requeue_abandoned`). A failed document waits for a retry, which
    puts it back to pending: a message delivered late (after the broker's visibility timeout) leaves it as
    it is. Measured in bench/RESULTS.md "#18 store".
    """
    with documents_claimed([document_id]):
        if not _mark_running([document_id]):
            return Document.objects.get(pk=document_id)  # settled, perhaps by a delivery we waited for
        return _render_claimed(_documents_read({document_id})[document_id])[0]


def _render_claimed(document: Document) -> tuple[Document, bool]:
    """Make one claimed document marked running: the document and whether this call stored it (False
    when another delivery had, which only SQLite lets happen); raises its failure once recorded."""
    failure, stored = _make_and_store(document)
    # Only a job holding its documents back for a first signature (first_signature.py) has any to send:
    # its flag, read with the document under the claim, is set before the job's documents are sent and
    # looked at again under the job's lock by `first_signature_settled`.
    if document.job is not None and document.job.awaiting_first_signature:
        for later in first_signature_settled(document.job_id, failure):
            document_send(later)
    if failure is not None:
        raise failure
    return document, stored


def _make_and_store(document: Document) -> tuple[Exception | None, bool]:
    """Render, sign and store `document`, or record why not: the document's failure or None, and whether
    this call stored it. Once stored, `document` holds what was recorded (no second read of its row)."""
    try:
        relative = document_relative_path(document)
        with rendering.collector_paused():
            data = render_document_pdf(document)
        data, signature = document_seal(document, data, relative=relative)  # hash of the signed file
        pages = pdf_page_count(data)
    except (OperationalError, InterfaceError):
        raise  # the database, not the document: the task tries again
    except Exception as exc:
        _record_failure(document.pk, exc)
        return exc, False
    done = {
        "status": DocumentStatus.DONE,
        "file": relative,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "pages": pages,
        "error": "",
        "finished_at": timezone.now(),
        **signature,
    }
    try:
        with transaction.atomic():
            # Never over a document settled meanwhile (SQLite has no claims: a duplicate stores nothing).
            stored = (
                Document.objects.filter(pk=document.pk)
                .exclude(status__in=SETTLED)
                .update(attempts=F("attempts") + 1, **done)
            )
            if not stored:
                document.refresh_from_db()  # what the other delivery stored
                return None, False
            write_once(relative, data)  # raises: the record above is rolled back with it
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:
        _record_failure(document.pk, exc)
        return exc, False
    for name, value in done.items():
        setattr(document, name, value)
    document.attempts += 1
    return None, True


def _documents_read(document_ids: set[int]) -> dict[int, Document]:
    """The documents (claimed, marked running) with their jobs and their appointments' own rows, in one
    statement for a batch; the job's office and the decree, the same for every document of the job, once
    per sending of the job in this process (job_memo.py), as the kinds keep what their documents share.
    The kinds' paths read the appointment's key columns, and their renders read the member and the
    kelurahan with what they print (a Petikan from the job's entries, a pact with its pact). Joining all of
    them for each document cost a plan of six tables and six model instances a document: 3.2 ms against
    1.0 for the same rows fetched raw (bench/RESULTS.md "#18 batches")."""
    documents = Document.objects.select_related("job", "appointment").filter(pk__in=document_ids)
    by_id = {}
    for document in documents:
        job = document.job
        if job is not None:
            job.office = job_memo(job, "engine-office", lambda job=job: Office.objects.get(pk=job.office_id))
            if document.decree_id is not None:
                decree_id = document.decree_id
                document.decree = job_memo(
                    job,
                    f"engine-decree-{decree_id}",
                    lambda decree_id=decree_id: Decree.objects.select_related("office").get(pk=decree_id),
                )
        by_id[document.pk] = document
    return by_id


def _mark_running(document_ids: list[int]) -> set[int]:
    """Of `document_ids` (claimed), those now marked running, to be made: shown while they are made, and
    their start counts as their job's progress; the settled ones are left out. One conditional UPDATE; only
    when some were settled (a delivery again) a second statement says which."""
    unsettled = Document.objects.filter(pk__in=document_ids).exclude(status__in=SETTLED)
    marked = unsettled.update(status=DocumentStatus.RUNNING, started_at=timezone.now())
    if marked == len(set(document_ids)):
        return set(document_ids)
    if not marked:
        return set()
    running = Document.objects.filter(pk__in=document_ids, status=DocumentStatus.RUNNING)
    return set(running.values_list("pk", flat=True))


def _record_failure(document_id: int, exc: Exception) -> None:
    # Never over a document stored meanwhile (by a duplicate delivery where there are no claims: SQLite).
    Document.objects.filter(pk=document_id).exclude(status=DocumentStatus.DONE).update(
        status=DocumentStatus.FAILED,
        attempts=F("attempts") + 1,
        error=failure_text(exc)[:2000],
        finished_at=timezone.now(),
    )
