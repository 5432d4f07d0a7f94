"""Rendering one document and storing it as a record: render, then the electronic seal or signature
(services/signing.py, when configured), then the hash of the signed bytes, then the write-once file."""

import hashlib

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from ...models import Document, DocumentStatus
from ..signing import document_seal, failure_text
from .kinds import document_relative_path, render_document_pdf
from .storage import pdf_page_count, write_once

SETTLED = (DocumentStatus.DONE, DocumentStatus.FAILED)


def document_render_and_store(document_id: int) -> Document:
    """Render and store one document; a done document is left as it is (idempotent).

    The document's row stays locked from the start of its rendering until it is stored: another delivery of
    it (a redelivered task, a job sent again) waits, then finds it done. So a document is never rendered
    twice at the same time, and `attempts` counts renders. A killed worker's lock dies with its connection
    (`documents_requeue_abandoned`). A failed document waits for a retry, which puts it back to pending: a
    message delivered late (after the broker's visibility timeout) leaves it as it is.
    """
    if not _mark_running(document_id):
        return Document.objects.get(pk=document_id)
    failure = None
    with transaction.atomic():
        if Document.objects.select_for_update().get(pk=document_id).status in SETTLED:
            return Document.objects.get(pk=document_id)  # another delivery made it meanwhile
        document = Document.objects.select_related(
            "decree", "appointment__kelurahan", "appointment__person"
        ).get(pk=document_id)
        try:
            relative, data = _produce(document)
            data, signature = document_seal(document, data, relative=relative)  # hash of the signed file
            write_once(relative, data)
            pages = pdf_page_count(data)
        except (OperationalError, InterfaceError):
            raise  # the database, not the document: the task tries again
        except Exception as exc:
            failure = exc
            _record_failure(document_id, exc)
        else:
            _record_done(document_id, relative=relative, data=data, pages=pages, signature=signature)
    if failure is not None:
        raise failure
    document.refresh_from_db()
    return document


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


def _produce(document: Document) -> tuple[str, bytes]:
    """Where the document goes and the bytes the kind renders for it (sealed afterwards, outside this
    transaction: a signer may wait on a remote service)."""
    with transaction.atomic():  # a database error while rendering must not undo the record of it
        data = render_document_pdf(document)
        relative = document_relative_path(document)
    return relative, data


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
    Document.objects.filter(pk=document_id).update(
        status=DocumentStatus.FAILED,
        attempts=F("attempts") + 1,
        error=failure_text(exc)[:2000],
        finished_at=timezone.now(),
    )
