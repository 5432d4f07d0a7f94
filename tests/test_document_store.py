"""Storing a rendered document (secretariat/services/document_jobs/render.py, storage.py): the claim is
taken first, then the document is marked running, then its record and its write-once file are committed
together. A worker that dies between the claim and the write leaves no file and no record, only a
running document whose claim is free, which the sweep sends again; the file is written once; the stored
hash, size and page count are those of the file on disk."""

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from secretariat.models import Document, DocumentKind, DocumentStatus
from secretariat.services.decrees import decree_issue
from secretariat.services.demo import demo_csv
from secretariat.services.document_jobs import (
    DocumentStorageError,
    document_relative_path,
    document_render_and_store,
    documents_requeue_abandoned,
    write_once,
)
from secretariat.services.document_jobs.claim import unclaimed
from secretariat.services.importing import members_import

from . import pdf
from .conftest import worker_env

ROOT = Path(__file__).resolve().parent.parent

# A worker process that claims a Petikan and dies (SIGKILL-like: no cleanup, no exception handler) in the
# middle of rendering it, after the claim and before any write of the file or the record.
DIES_MID_RENDER = """
import os, sys
import django
django.setup()
from secretariat.models import DocumentKind
from secretariat.services.decree_documents import petikan_path
from secretariat.services.document_jobs import document_render_and_store, register_document_kind

def dies(document):
    os._exit(9)

register_document_kind(DocumentKind.PETIKAN, render=dies, path=petikan_path)
document_render_and_store(int(sys.argv[1]))
"""


def _issued_decree():
    assert members_import(data=demo_csv(), dry_run=False).ok
    return decree_issue(decree_date=dt.date(2024, 6, 1))


def _stored_file(document: Document) -> Path:
    return Path(settings.MEDIA_ROOT) / document.file.name


@pytest.mark.django_db
def test_the_stored_hash_size_and_pages_are_those_of_the_file_on_disk():
    decree = _issued_decree()
    for kind in (DocumentKind.KEPUTUSAN, DocumentKind.PETIKAN):
        document = Document.objects.filter(decree=decree, kind=kind).first()
        stored = document_render_and_store(document.pk)
        data = _stored_file(stored).read_bytes()
        assert stored.status == DocumentStatus.DONE and stored.attempts == 1
        assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
        assert stored.pages == len(pdf.read(data).pages) and stored.pages >= 1
        # What the call returned is what the database holds (the row is not read again after storing).
        row = Document.objects.get(pk=document.pk)
        fields = ("status", "sha256", "size", "pages", "attempts", "finished_at", "error")
        assert [getattr(row, f) for f in fields] == [getattr(stored, f) for f in fields]
        assert row.file.name == stored.file.name


@pytest.mark.django_db
def test_a_stored_document_is_written_once_and_not_made_again():
    decree = _issued_decree()
    document = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).first()
    stored = document_render_and_store(document.pk)
    path = _stored_file(stored)
    before = path.read_bytes()
    again = document_render_and_store(document.pk)  # a redelivered task
    assert again.attempts == 1 and again.sha256 == stored.sha256
    assert path.read_bytes() == before
    with pytest.raises(DocumentStorageError, match="sudah ada dengan isi berbeda; tidak ditimpa"):
        write_once(stored.file.name, before + b"%")
    assert path.read_bytes() == before


@pytest.mark.django_db
def test_a_different_file_already_at_the_place_fails_the_document_and_records_nothing():
    decree = _issued_decree()
    document = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).first()
    relative = document_relative_path(document)
    write_once(relative, b"%PDF- something else")
    with pytest.raises(DocumentStorageError):
        document_render_and_store(document.pk)
    document.refresh_from_db()
    # The record (written first in the store's transaction) was rolled back with the refused write.
    assert document.status == DocumentStatus.FAILED and "tidak ditimpa" in document.error
    assert not document.sha256 and not document.file and document.size is None
    assert (Path(settings.MEDIA_ROOT) / relative).read_bytes() == b"%PDF- something else"


def test_a_worker_dying_between_the_claim_and_the_write_leaves_nothing_and_is_sent_again(
    committed_db, own_queue
):
    # own_queue: the issued job goes to a queue no worker reads, so that the session's worker (if another
    # test started it) does not take the document's batch before the dying process does.
    decree = _issued_decree()
    document = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).first()
    relative = document_relative_path(document)
    env = {**worker_env("unused", settings.MEDIA_ROOT), "DJANGO_SETTINGS_MODULE": "pps_admin.settings"}
    died = subprocess.run(
        [sys.executable, "-c", DIES_MID_RENDER, str(document.pk)], cwd=ROOT, env=env, capture_output=True
    )
    assert died.returncode == 9, died.stderr.decode()[-2000:]

    document.refresh_from_db()
    assert document.status == DocumentStatus.RUNNING and document.attempts == 0
    assert not document.file and not document.sha256
    assert not (Path(settings.MEDIA_ROOT) / relative).exists()
    with transaction.atomic():
        assert unclaimed([document.pk]) == [document.pk]  # its claim died with the process

    # The sweep finds it abandoned (started before the grace) and sends it again; then it is made once.
    Document.objects.filter(pk=document.pk).update(started_at=timezone.now() - dt.timedelta(minutes=1))
    assert documents_requeue_abandoned() == 1
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.PENDING
    stored = document_render_and_store(document.pk)
    data = _stored_file(stored).read_bytes()
    assert stored.status == DocumentStatus.DONE and stored.attempts == 1
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
