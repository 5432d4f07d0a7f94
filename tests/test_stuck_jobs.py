"""Jobs whose tasks were lost (a broker flush, a revoke, a task that gave up its database retries) are sent
again once they have shown no progress for STUCK_JOB_MINUTES, by the periodic sweep, at worker start and by
the admin's retry, without ever rendering a document twice at the same time or again once it is done.

The loss is real: the job's messages are sent to a queue no worker reads, and that queue is purged. The
passing of time is not: the rows' timestamps are moved back past the threshold.
"""

import contextlib
import datetime as dt
import hashlib
import threading
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import ChannelError

from pps_admin.celery import app
from secretariat.models import Document, DocumentKind, DocumentStatus, GenerationJob, JobStatus
from secretariat.services.decrees import decree_issue
from secretariat.services.document_jobs import document_render_and_store, jobs_dispatch_pending
from secretariat.tasks import dispatch_pending_jobs

from .conftest import start_worker, stop_worker, wait_for_job
from .factories import make_appointment, make_person
from .threads import Held, start

pytestmark = pytest.mark.usefixtures("committed_db")

SK_DATE = dt.date(2024, 6, 1)


def _roster():
    for name, role in [
        ("Siti Aminah", "sekretaris"),
        ("Budi Santoso", "bendahara"),
        ("Rahmat", "staf_teknis"),
    ]:
        make_appointment(person=make_person(name=name), kelurahan="64.71.01.1001", role=role)


@contextlib.contextmanager
def sending_to(queue):
    original = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield
    finally:
        app.conf.task_default_queue = original


def queue_size(queue) -> int:
    with app.connection_for_write() as conn:
        try:
            return conn.default_channel.queue_declare(queue=queue, passive=True).message_count
        except ChannelError:  # Redis keeps no empty list: an empty queue does not exist
            return 0


def purge(queue) -> int:
    """What a broker flush does to the job's messages."""
    with app.connection_for_write() as conn:
        return conn.default_channel.queue_purge(queue) or 0


@pytest.fixture
def unread_queue():
    """A queue no worker reads; messages the test sends while it is the default are lost with `purge`."""
    queue = f"stuck-{uuid.uuid4().hex[:8]}"
    with sending_to(queue):
        yield queue
    purge(queue)


def _issue_and_lose(queue) -> GenerationJob:
    """An SK whose dispatch reached the broker (the job row says so) and was then lost there."""
    decree = decree_issue(decree_date=SK_DATE)
    job = decree.jobs.get()
    assert job.dispatched_at is not None
    assert purge(queue) == 1
    return job


def _age(job, *, minutes):
    """Move every timestamp of the job and its documents `minutes` back: the time that has passed."""
    delta = dt.timedelta(minutes=minutes)
    GenerationJob.objects.filter(pk=job.pk).update(
        created_at=job.created_at - delta, dispatched_at=timezone.now() - delta
    )
    for document in job.documents.all():
        Document.objects.filter(pk=document.pk).update(
            started_at=document.started_at and document.started_at - delta,
            finished_at=document.finished_at and document.finished_at - delta,
        )


def _left_running(document, *, started_minutes_ago=0):
    """A worker took the document and was killed; its message is gone with the broker's."""
    Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RUNNING,
        attempts=1,
        started_at=timezone.now() - dt.timedelta(minutes=started_minutes_ago),
    )


def _stored(document) -> tuple:
    """Everything that shows whether a stored document was touched."""
    document.refresh_from_db()
    path = Path(document.file.path)
    stat = path.stat()
    content = hashlib.sha256(path.read_bytes()).hexdigest()
    return (document.sha256, content, stat.st_ino, stat.st_mtime_ns, document.attempts, document.finished_at)


def _assert_done_with_right_hashes(job):
    documents = list(job.documents.all())
    assert len(documents) == 5 and {d.status for d in documents} == {DocumentStatus.DONE}
    for document in documents:
        data = Path(document.file.path).read_bytes()
        assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == document.sha256


STALE = settings.STUCK_JOB_MINUTES + 1


def test_a_job_lost_by_the_broker_is_sent_again_at_worker_start_and_ends_done(
    unread_queue, media_root, tmp_path
):
    _roster()
    job = _issue_and_lose(unread_queue)
    keputusan = job.documents.get(kind=DocumentKind.KEPUTUSAN)
    document_render_and_store(keputusan.pk)  # done before the messages were lost
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    [first, *_] = job.documents.filter(kind=DocumentKind.PETIKAN)
    _left_running(first)
    _age(job, minutes=STALE)
    before = _stored(keputusan)
    assert jobs_dispatch_pending(older_than_seconds=0) == 0  # that sweep only sends jobs never sent

    log = tmp_path / "worker.log"
    worker = start_worker(unread_queue, media_root, log, concurrency=1)
    try:
        job = wait_for_job(job, timeout=90)
    finally:
        stop_worker(worker)
    assert job.status == JobStatus.DONE, log.read_text()[-3000:]
    _assert_done_with_right_hashes(job)
    assert _stored(keputusan) == before  # the stored record was not rendered or written again
    assert "sent again" in log.read_text()


def test_the_periodic_sweep_closes_a_job_left_running_without_rendering_its_done_documents(
    unread_queue, media_root, tmp_path
):
    """Every document was stored but the job's last refresh was lost: nothing is rendered again."""
    _roster()
    log = tmp_path / "worker.log"
    worker = start_worker(unread_queue, media_root, log, concurrency=1)
    try:
        job = wait_for_job(decree_issue(decree_date=SK_DATE).jobs.get(), timeout=90)
        assert job.status == JobStatus.DONE
        GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, finished_at=None)
        _age(job, minutes=STALE)
        before = [_stored(document) for document in job.documents.order_by("pk")]

        dispatch_pending_jobs.delay()  # what celery beat sends every minute
        job = wait_for_job(job, timeout=60)
    finally:
        stop_worker(worker)
    assert job.status == JobStatus.DONE and job.finished_at is not None
    assert [_stored(document) for document in job.documents.order_by("pk")] == before


def test_a_document_running_for_less_than_the_threshold_is_not_sent_again(unread_queue):
    _roster()
    job = _issue_and_lose(unread_queue)
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    _age(job, minutes=STALE)
    [first, *_] = job.documents.filter(kind=DocumentKind.PETIKAN)
    _left_running(first, started_minutes_ago=settings.STUCK_JOB_MINUTES - 1)  # still being rendered

    assert dispatch_pending_jobs() == 0
    assert queue_size(unread_queue) == 0
    first.refresh_from_db()
    assert (first.status, first.attempts) == (DocumentStatus.RUNNING, 1)
    assert GenerationJob.objects.get(pk=job.pk).status == JobStatus.RUNNING


def test_a_stalled_document_whose_renderer_still_holds_it_is_left_to_that_renderer(unread_queue):
    """The sweep sends the job again for its other documents, but never puts back one whose row is
    locked: a live renderer holds that lock until the document is stored."""
    _roster()
    job = _issue_and_lose(unread_queue)
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    first, second, _third = job.documents.filter(kind=DocumentKind.PETIKAN)
    _left_running(first)
    _left_running(second)
    _age(job, minutes=STALE)
    renderer = Held(lambda: Document.objects.select_for_update().get(pk=first.pk))
    try:
        assert dispatch_pending_jobs() == 1
    finally:
        renderer.release()
    assert queue_size(unread_queue) == 1  # the job, once
    statuses = dict(job.documents.values_list("pk", "status"))
    assert statuses[first.pk] == DocumentStatus.RUNNING
    assert statuses[second.pk] == DocumentStatus.PENDING
    assert GenerationJob.objects.get(pk=job.pk).status == JobStatus.QUEUED


def test_two_deliveries_of_one_document_at_the_same_time_render_it_once(unread_queue):
    _roster()
    job = _issue_and_lose(unread_queue)
    keputusan = job.documents.get(kind=DocumentKind.KEPUTUSAN)
    barrier = threading.Barrier(2)

    def deliver():
        barrier.wait(10)
        return document_render_and_store(keputusan.pk)

    deliveries = [start(deliver) for _ in range(2)]
    results = [delivery.finish(timeout=60) for delivery in deliveries]  # both ended, neither failed
    keputusan.refresh_from_db()
    assert keputusan.status == DocumentStatus.DONE
    assert keputusan.attempts == 1  # one render; the other delivery waited and found it done
    assert {result.sha256 for result in results} == {keputusan.sha256}
    folder = Path(keputusan.file.path).parent
    assert [p.name for p in folder.iterdir()] == ["keputusan.pdf"]


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_retry_on_the_decree_page_also_sends_documents_stalled_past_the_threshold(
    staff_client, celery_worker, media_root
):
    _roster()
    queue = f"stuck-{uuid.uuid4().hex[:8]}"
    with sending_to(queue):
        job = _issue_and_lose(queue)
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    [first, *_] = job.documents.filter(kind=DocumentKind.PETIKAN)
    _left_running(first)
    _age(job, minutes=STALE)
    url = reverse("admin:secretariat_decree_change", args=[job.decree_id])
    assert "Kirim ulang dokumen yang macet (5)" in staff_client.get(url).content.decode()

    response = staff_client.post(reverse("admin:secretariat_decree_retry", args=[job.decree_id]), follow=True)
    assert _messages(response) == [
        f"5 dokumen yang macet (tidak bergerak lebih dari {settings.STUCK_JOB_MINUTES} menit) "
        "dijadwalkan ulang."
    ]
    job = wait_for_job(job, timeout=90)  # the suite's worker renders what the retry sent
    assert job.status == JobStatus.DONE
    _assert_done_with_right_hashes(job)


def test_the_retry_leaves_documents_that_are_still_moving_alone(staff_client, unread_queue):
    _roster()
    job = _issue_and_lose(unread_queue)
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    [first, *_] = job.documents.filter(kind=DocumentKind.PETIKAN)
    _left_running(first, started_minutes_ago=1)
    url = reverse("admin:secretariat_decree_change", args=[job.decree_id])
    assert "macet" not in staff_client.get(url).content.decode()

    response = staff_client.post(reverse("admin:secretariat_decree_retry", args=[job.decree_id]), follow=True)
    assert _messages(response) == [
        "Tidak ada dokumen yang gagal atau macet; tidak ada yang dijadwalkan ulang."
    ]
    assert queue_size(unread_queue) == 0
    first.refresh_from_db()
    assert first.status == DocumentStatus.RUNNING
    assert GenerationJob.objects.get(pk=job.pk).status == JobStatus.RUNNING


@contextlib.contextmanager
def _claimed_elsewhere(document):
    """A live renderer elsewhere: another connection holding the document's claim (its advisory lock), in
    no transaction, as `document_render_and_store` holds it while it renders and signs."""
    from django.db import connection

    from secretariat.services.document_jobs.claim import documents_claimed

    holding, release = threading.Event(), threading.Event()

    def renderer():
        try:
            with documents_claimed([document.pk]):
                holding.set()
                release.wait(20)
        finally:
            connection.close()

    thread = threading.Thread(target=renderer, daemon=True)
    thread.start()
    assert holding.wait(20)
    try:
        yield
    finally:
        release.set()
        thread.join(20)


def test_a_running_document_whose_renderer_holds_its_claim_is_not_taken_for_abandoned(unread_queue):
    from secretariat.services.document_jobs import documents_requeue_abandoned

    _roster()
    job = _issue_and_lose(unread_queue)
    first, second, _third = job.documents.filter(kind=DocumentKind.PETIKAN)
    _left_running(first, started_minutes_ago=5)
    _left_running(second, started_minutes_ago=5)
    with _claimed_elsewhere(first):
        assert documents_requeue_abandoned() == 1  # the second: its renderer is gone
        assert Document.objects.get(pk=first.pk).status == DocumentStatus.RUNNING
        assert Document.objects.get(pk=second.pk).status == DocumentStatus.PENDING
    assert documents_requeue_abandoned() == 1  # the renderer gone now, without storing it
    assert Document.objects.get(pk=first.pk).status == DocumentStatus.PENDING
    assert queue_size(unread_queue) == 2


def test_a_stalled_job_sent_again_leaves_a_claimed_document_to_its_renderer(unread_queue):
    _roster()
    job = _issue_and_lose(unread_queue)
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    first, second, _third = job.documents.filter(kind=DocumentKind.PETIKAN)
    _left_running(first)
    _left_running(second)
    _age(job, minutes=STALE)
    with _claimed_elsewhere(first):
        assert dispatch_pending_jobs() == 1
    statuses = dict(job.documents.values_list("pk", "status"))
    assert statuses[first.pk] == DocumentStatus.RUNNING
    assert statuses[second.pk] == DocumentStatus.PENDING


def test_a_delivery_waits_for_the_claim_and_then_finds_the_document_stored(unread_queue):
    """While a renderer holds the claim, a second delivery waits for it (in no transaction, holding no
    row), and renders the document itself only if the first never stored it."""
    _roster()
    job = _issue_and_lose(unread_queue)
    keputusan = job.documents.get(kind=DocumentKind.KEPUTUSAN)
    with _claimed_elsewhere(keputusan):
        delivery = start(lambda: document_render_and_store(keputusan.pk))
        delivery.join(1.5)
        assert delivery.is_alive()  # waiting for the claim
        with transaction.atomic():
            Document.objects.select_for_update(nowait=True).get(pk=keputusan.pk)  # the row is free
    stored = delivery.finish(timeout=60)
    assert stored.status == DocumentStatus.DONE and stored.attempts == 1
