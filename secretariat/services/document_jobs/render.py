"""Rendering one document and storing it as a record: render, then the electronic seal or signature
(services/signing.py, when configured), then the hash of the signed bytes, then the write-once file."""

import hashlib

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from pps_admin import rendering

from ...models import Document, DocumentStatus
from ..signing import document_seal, failure_text
from .claim import document_claimed
from .dispatch import document_send
from .first_signature import first_signature_settled
from .kinds import document_relative_path, render_document_pdf
from .storage import pdf_page_count, write_once

SETTLED = (DocumentStatus.DONE, DocumentStatus.FAILED)


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
    with document_claimed(document_id):
        if not _mark_running(document_id):
            return Document.objects.get(pk=document_id)  # settled, perhaps by a delivery we waited for
        # With its job: a kind's render may keep what the job's documents share (job_memo.py). The
        # appointment's own row only: the kinds' paths read its key columns, and their renders read the
        # member and the kelurahan with what they print (a Petikan from the job's entries, a pact with its
        # pact); joining them here too cost a PostgreSQL plan of seven tables per document.
        document = Document.objects.select_related("job__office", "decree__office", "appointment").get(
            pk=document_id
        )
        failure = _make_and_store(document)
    # Only a job holding its documents back for a first signature (first_signature.py) has any to send:
    # its flag, read with the document under the claim, is set before the job's documents are sent and
    # looked at again under the job's lock by `first_signature_settled`.
    if document.job is not None and document.job.awaiting_first_signature:
        for later in first_signature_settled(document.job_id, failure):
            document_send(later)
    if failure is not None:
        raise failure
    return document


def _make_and_store(document: Document) -> Exception | None:
    """Render, sign and store `document`, or record why not; the document's failure, or None. Once stored,
    `document` holds what was recorded (no second read of its row)."""
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
        return exc
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
                return None
            write_once(relative, data)  # raises: the record above is rolled back with it
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:
        _record_failure(document.pk, exc)
        return exc
    for name, value in done.items():
        setattr(document, name, value)
    document.attempts += 1
    return None


def _mark_running(document_id: int) -> bool:
    """Shown while it is made, and its start counts as the job's progress; False when already settled."""
    running = Document.objects.filter(pk=document_id).exclude(status__in=SETTLED)
    return bool(running.update(status=DocumentStatus.RUNNING, started_at=timezone.now()))


def _record_failure(document_id: int, exc: Exception) -> None:
    # Never over a document stored meanwhile (by a duplicate delivery where there are no claims: SQLite).
    Document.objects.filter(pk=document_id).exclude(status=DocumentStatus.DONE).update(
        status=DocumentStatus.FAILED,
        attempts=F("attempts") + 1,
        error=failure_text(exc)[:2000],
        finished_at=timezone.now(),
    )
