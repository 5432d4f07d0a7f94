"""Rendering one document and storing it as a record: render, then the electronic seal or signature
(services/signing.py, when configured), then the hash of the signed bytes, then the write-once file."""

import hashlib

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

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

    The document is claimed (claim.py) from the start of its rendering until it is stored: another delivery
    of it (a redelivered task, a job sent again) waits, then finds it done. So a document is never rendered
    twice at the same time, and `attempts` counts renders. Rendering and signing run outside any
    transaction (a remote signer may take tens of seconds); only the storing takes the row's lock, checks
    the document is still to be made, and writes the file and its record together: nothing signed halfway
    is stored. A killed worker's claim dies with its connection (`documents_requeue_abandoned`). A failed
    document waits for a retry, which puts it back to pending: a message delivered late (after the broker's
    visibility timeout) leaves it as it is.
    """
    if not _mark_running(document_id):
        return Document.objects.get(pk=document_id)
    with document_claimed(document_id):
        document = Document.objects.select_related(
            "decree__office", "appointment__kelurahan", "appointment__person", "job__office"
        ).get(pk=document_id)
        if document.status in SETTLED:
            return document  # another delivery made it while this one waited for the claim
        failure = _make_and_store(document)
    for later in first_signature_settled(document.job_id, failure):
        document_send(later)
    if failure is not None:
        raise failure
    document.refresh_from_db()
    return document


def _make_and_store(document: Document) -> Exception | None:
    """Render, sign and store `document`, or record why not; the document's failure, or None."""
    try:
        relative = document_relative_path(document)
        data = render_document_pdf(document)
        data, signature = document_seal(document, data, relative=relative)  # hash of the signed file
        pages = pdf_page_count(data)
    except (OperationalError, InterfaceError):
        raise  # the database, not the document: the task tries again
    except Exception as exc:
        _record_failure(document.pk, exc)
        return exc
    with transaction.atomic():
        if Document.objects.select_for_update().get(pk=document.pk).status in SETTLED:
            return None  # settled meanwhile (SQLite has no claims): a duplicate stores nothing
        try:
            write_once(relative, data)
        except Exception as exc:
            _record_failure(document.pk, exc)
            return exc
        _record_done(document.pk, relative=relative, data=data, pages=pages, signature=signature)
    return None


def _mark_running(document_id: int) -> bool:
    """Shown while it is made, and its start counts as the job's progress; False when already settled."""
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status in SETTLED:
            return False
        document.status = DocumentStatus.RUNNING
        document.started_at = timezone.now()
        document.save(update_fields=["status", "started_at"])
    return True


def _record_done(document_id: int, *, relative: str, data: bytes, pages: int, signature: dict) -> None:
    Document.objects.filter(pk=document_id).update(
        status=DocumentStatus.DONE,
        attempts=F("attempts") + 1,
        file=relative,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        pages=pages,
        error="",
        finished_at=timezone.now(),
        **signature,
    )


def _record_failure(document_id: int, exc: Exception) -> None:
    # Never over a document stored meanwhile (by a duplicate delivery where there are no claims: SQLite).
    Document.objects.filter(pk=document_id).exclude(status=DocumentStatus.DONE).update(
        status=DocumentStatus.FAILED,
        attempts=F("attempts") + 1,
        error=failure_text(exc)[:2000],
        finished_at=timezone.now(),
    )
