"""What a document costs beyond its rendering (issue #18): the page count given by the renderer instead of
parsed back, a job's progress derived without locking its row while documents remain, and a done job's
finishing step (the print bundle) queued as a task of its own. bench/pipeline.py measures the effect."""

import datetime as dt
import io
import threading
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections, transaction
from pypdf import PdfReader

from integrity.services.pacts import pacts_generate
from secretariat.models import Document, DocumentKind, DocumentStatus, GenerationJob, JobKind, JobStatus
from secretariat.services.decrees import decree_issue
from secretariat.services.document_jobs import (
    RenderedPdf,
    document_render_and_store,
    job_finish,
    job_has_on_done,
    job_refresh,
    pdf_page_count,
    render_document_pdf,
)
from secretariat.services.document_jobs.dispatch import FINISH_DEFERRALS

from .factories import make_appointment, make_person

SK_DATE = dt.date(2024, 6, 1)


@pytest.fixture
def two_members():
    make_appointment(person=make_person(name="Rahmat Sekretaris"), role="sekretaris")
    make_appointment(person=make_person(name="Dewi Bendahara", gender="P"), role="bendahara")


def _pages_parsed(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(bytes(data))).pages)


@pytest.mark.django_db
def test_a_petikan_and_a_pact_know_their_page_count_and_it_is_the_files(two_members):
    decree = decree_issue(decree_date=SK_DATE)
    pacts_generate()
    petikan = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).first()
    pact = Document.objects.filter(kind=DocumentKind.PAKTA).first()
    for document in (petikan, pact):
        data = render_document_pdf(document)
        assert isinstance(data, RenderedPdf)
        assert data.pages == _pages_parsed(data) == 1
        stored = document_render_and_store(document.pk)
        assert stored.status == DocumentStatus.DONE, stored.error
        assert stored.pages == _pages_parsed(stored.file.read())


@pytest.mark.django_db
def test_the_page_count_of_plain_bytes_is_read_from_the_file(two_members):
    decree = decree_issue(decree_date=SK_DATE)
    keputusan = Document.objects.get(decree=decree, kind=DocumentKind.KEPUTUSAN)
    data = bytes(render_document_pdf(keputusan))  # a signer's output is plain bytes
    assert pdf_page_count(data) == _pages_parsed(data) >= 1
    # The count a renderer gives is taken as it is: only a renderer may give one.
    assert pdf_page_count(RenderedPdf(data, pages=7)) == 7


@pytest.fixture
def running_job(committed_db, two_members, own_queue):
    decree = decree_issue(decree_date=SK_DATE)
    job = decree.jobs.get()
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    return job


def _settle(documents) -> None:
    """As a render task leaves them (a done document has its file and hash)."""
    documents.update(status=DocumentStatus.DONE, file="documents/x.pdf", sha256="0" * 64)


def _hold_job_row(job_id, locked: threading.Event, release: threading.Event):
    try:
        with transaction.atomic():
            GenerationJob.objects.select_for_update().get(pk=job_id)
            locked.set()
            release.wait(30)
    finally:
        connections.close_all()


def test_progress_is_derived_without_waiting_for_the_job_row_while_documents_remain(running_job):
    job = running_job
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_job_row, args=(job.pk, locked, release))
    holder.start()
    try:
        assert locked.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")
        _settle(Document.objects.filter(job=job, kind=DocumentKind.KEPUTUSAN))
        assert job_refresh(job.pk).status == JobStatus.RUNNING  # no wait: another holds the row
        # With nothing left to make the status changes, under the row's lock: here it waits, and gives up.
        _settle(Document.objects.filter(job=job))
        with pytest.raises(OperationalError, match="lock timeout"):
            job_refresh(job.pk)
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    job = job_refresh(job.pk)
    assert (job.status, job.finished_at is not None) == (JobStatus.DONE, True)


def test_the_last_of_two_documents_finishing_at_once_ends_the_job(running_job):
    """Each caller's own document is committed before it looks: whichever looks last finds none left."""
    job = running_job
    documents = list(job.documents.order_by("pk"))
    last_two = documents[-2:]
    _settle(Document.objects.filter(pk__in=[d.pk for d in documents[:-2]]))
    _settle(Document.objects.filter(pk=last_two[0].pk))
    assert job_refresh(job.pk).status == JobStatus.RUNNING  # the first sees the second still running
    _settle(Document.objects.filter(pk=last_two[1].pk))
    assert job_refresh(job.pk).status == JobStatus.DONE


@pytest.mark.django_db
def test_only_a_done_job_of_a_kind_with_a_finishing_step_has_one(two_members):
    decree = decree_issue(decree_date=SK_DATE)
    sk = decree.jobs.get()
    pacts = pacts_generate()
    assert not job_has_on_done(sk)  # queued
    for status, expected in ((JobStatus.FAILED, False), (JobStatus.DONE, True)):
        sk.status = status
        assert job_has_on_done(sk) is expected
    pacts.status = JobStatus.DONE
    assert pacts.kind == JobKind.PAKTA and not job_has_on_done(pacts)  # pacts have no print bundle step


def _bundle_path(decree):
    from django.conf import settings

    from secretariat.services.decree_documents import _decree_folder

    name = _decree_folder(decree).rsplit("/", 1)[1]
    return Path(settings.MEDIA_ROOT) / f"documents/bundel-sk/{decree.year}/{name}.pdf"


@pytest.mark.django_db
def test_the_print_bundle_waits_behind_documents_still_to_be_made(two_members, own_queue):
    """The SK done while the pacts issued with it still wait: its bundle goes behind them in the queue, at
    most FINISH_DEFERRALS times."""
    import redis
    from django.conf import settings

    decree = decree_issue(decree_date=SK_DATE)
    pacts = pacts_generate()
    GenerationJob.objects.filter(pk=pacts.pk).update(status=JobStatus.RUNNING)
    sk = decree.jobs.get()
    for document in sk.documents.all():
        assert document_render_and_store(document.pk).status == DocumentStatus.DONE
    sk = job_refresh(sk.pk)
    assert sk.status == JobStatus.DONE and job_has_on_done(sk)
    queue = redis.Redis.from_url(settings.REDIS_URL)

    assert job_finish(sk.pk) is False
    assert queue.llen(own_queue) == 1  # sent again, to the back of the queue
    assert not _bundle_path(decree).exists()
    assert job_finish(sk.pk, deferred=FINISH_DEFERRALS) is True  # waited long enough: built now
    assert _bundle_path(decree).is_file() and queue.llen(own_queue) == 1


@pytest.mark.django_db
def test_the_print_bundle_is_built_at_once_when_nothing_waits(two_members, own_queue):
    decree = decree_issue(decree_date=SK_DATE)
    sk = decree.jobs.get()
    for document in sk.documents.all():
        document_render_and_store(document.pk)
    assert job_finish(job_refresh(sk.pk).pk) is True
    assert _bundle_path(decree).is_file()


@pytest.mark.django_db
def test_the_task_that_stores_the_last_document_queues_the_finishing_step_and_a_redelivery_does_not(
    two_members, own_queue
):
    import redis
    from django.conf import settings

    from secretariat import tasks

    decree = decree_issue(decree_date=SK_DATE)
    *first, last = decree.jobs.get().documents.order_by("pk")
    queue = redis.Redis.from_url(settings.REDIS_URL)
    for document in first:
        assert tasks.render_document.run(document.pk) == DocumentStatus.DONE
    assert queue.llen(own_queue) == 0  # the job is not done yet
    assert tasks.render_document.run(last.pk) == DocumentStatus.DONE
    assert queue.llen(own_queue) == 1  # its finishing step
    assert tasks.render_document.run(last.pk) == DocumentStatus.DONE  # delivered again: nothing to do
    assert queue.llen(own_queue) == 1
