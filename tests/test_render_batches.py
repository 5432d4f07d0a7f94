"""A render task takes a batch of one job's documents (issue #18: what a task costs beyond its documents
is paid once for several): how a job is cut into batches, and what a batch does when one of its documents
fails, when it runs long, and at the task's soft time limit. The real worker renders batches in every
integration test (test_worker_*, test_database_restart, the browser tests); bench/pipeline.py measures."""

import base64
import datetime as dt
import json

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from secretariat import tasks
from secretariat.models import Document, DocumentKind, DocumentStatus, JobKind, JobStatus
from secretariat.services.decrees import decree_issue
from secretariat.services.document_jobs import (
    RENDER_DOCUMENTS_TASK,
    dispatch,
    document_batches,
    documents_send,
    job_create,
    job_refresh,
    job_start,
    register_document_kind,
)
from secretariat.services.document_jobs import kinds as document_kinds
from secretariat.services.document_jobs import render as engine_render
from secretariat.services.document_jobs.dispatch import BATCH_MAX, BATCH_SPREAD

from .factories import make_appointment, make_person, office

SK_DATE = dt.date(2024, 6, 1)


@pytest.mark.parametrize("count", [*range(0, 40), 102, 104, 1000, 5000])
def test_a_job_is_cut_into_batches_that_hold_each_document_once_in_order_and_shrink_to_one(count):
    ids = list(range(1000, 1000 + count))
    batches = document_batches(ids)
    assert [i for batch in batches for i in batch] == ids
    sizes = [len(batch) for batch in batches]
    assert all(1 <= size <= BATCH_MAX for size in sizes)
    assert sizes == sorted(sizes, reverse=True)  # the big ones first, the job's end in small ones
    assert sizes[-BATCH_SPREAD:] == [1] * min(BATCH_SPREAD, count)  # the processes finish together
    if count >= 2 * BATCH_MAX * BATCH_SPREAD:
        assert len(batches) < count / 4  # several documents a task, where there are many


def test_a_decree_of_104_documents_is_22_tasks():
    assert [len(b) for b in document_batches(list(range(104)))] == ([8] * 10 + [6, 4, 3, 2, 2] + [1] * 7)


def _queued(redis_client, queue: str) -> list[tuple[str, list]]:
    """The tasks waiting in `queue` (Celery's message format 2 on Redis): their names and arguments."""
    messages = []
    for raw in reversed(redis_client.lrange(queue, 0, -1)):  # LPUSH: the oldest last
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        messages.append((message["headers"]["task"], args))
    return messages


@pytest.fixture
def redis_client():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.REDIS_URL)


@pytest.fixture
def three_members():
    for name, role in (("Rahmat", "sekretaris"), ("Dewi", "bendahara"), ("Yusuf", "staf_teknis")):
        make_appointment(person=make_person(name=f"{name} Pratama"), role=role)


@pytest.fixture
def wide_batches(monkeypatch):
    """Batches as wide as the documents allow: a test's few documents in one task (the rule's shrinking
    towards a job's end would cut five into five tasks of one, the same queue as one task a document)."""
    monkeypatch.setattr(dispatch, "BATCH_SPREAD", 1)


@pytest.mark.django_db
def test_a_job_is_sent_as_batches_of_its_documents(three_members, own_queue, redis_client, wide_batches):
    decree = decree_issue(decree_date=SK_DATE)
    job = decree.jobs.get()
    ids = list(job.documents.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 5
    assert job_start(job.pk) == len(ids)
    assert _queued(redis_client, own_queue) == [(RENDER_DOCUMENTS_TASK, [ids])]  # one task for the five


@pytest.mark.django_db
def test_documents_one_by_one_are_a_task_each(three_members, own_queue, redis_client, wide_batches):
    """What `job_start` does under a passphrase (BSrE) signer, whose documents each wait on BSrE."""
    ids = list(decree_issue(decree_date=SK_DATE).documents.order_by("pk").values_list("pk", flat=True))
    documents_send(ids, one_by_one=True)
    assert _queued(redis_client, own_queue) == [(RENDER_DOCUMENTS_TASK, [[i]]) for i in ids]


@pytest.mark.django_db
def test_a_batch_delivered_again_makes_only_what_is_not_settled(three_members, own_queue):
    decree = decree_issue(decree_date=SK_DATE)
    ids = list(decree.jobs.get().documents.order_by("pk").values_list("pk", flat=True))
    assert tasks.render_documents.run(ids[:2]) == dict.fromkeys(ids[:2], DocumentStatus.DONE)
    made = {d.pk: (d.sha256, d.finished_at) for d in Document.objects.filter(pk__in=ids[:2])}

    assert tasks.render_documents.run(ids) == dict.fromkeys(ids, DocumentStatus.DONE)

    documents = Document.objects.filter(pk__in=ids)
    assert {d.pk: d.attempts for d in documents} == dict.fromkeys(ids, 1)  # each rendered once
    assert {d.pk: (d.sha256, d.finished_at) for d in documents if d.pk in made} == made  # left as they were


@pytest.mark.django_db
def test_one_document_failing_does_not_stop_its_batch(three_members, own_queue, redis_client):
    decree = decree_issue(decree_date=SK_DATE)
    job = decree.jobs.get()
    documents = list(job.documents.order_by("pk"))
    broken = documents[1]
    Document.objects.filter(pk=broken.pk).update(kind="brosur")  # a kind no app registered

    statuses = tasks.render_documents.run([d.pk for d in documents])

    assert statuses == {
        d.pk: DocumentStatus.FAILED if d.pk == broken.pk else DocumentStatus.DONE for d in documents
    }
    broken.refresh_from_db()
    assert "unknown document kind 'brosur'" in broken.error and not broken.file
    job.refresh_from_db()  # refreshed once, after the batch
    assert job.status == JobStatus.FAILED and job.error.startswith("1 dokumen gagal")
    assert _queued(redis_client, own_queue) == []  # a failed job has no finishing step


@pytest.mark.django_db
def test_the_batch_that_stores_the_last_document_queues_the_finishing_step_once(
    three_members, own_queue, redis_client
):
    decree = decree_issue(decree_date=SK_DATE)
    ids = list(decree.jobs.get().documents.order_by("pk").values_list("pk", flat=True))
    assert set(tasks.render_documents.run(ids[:2]).values()) == {DocumentStatus.DONE}
    assert _queued(redis_client, own_queue) == []  # the job is not done yet
    assert set(tasks.render_documents.run(ids[2:]).values()) == {DocumentStatus.DONE}
    assert [name for name, _ in _queued(redis_client, own_queue)] == ["secretariat.tasks.finish_job"]
    assert tasks.render_documents.run(ids) == dict.fromkeys(ids, DocumentStatus.DONE)  # delivered again
    assert len(_queued(redis_client, own_queue)) == 1  # nothing stored now: no second finishing step


@pytest.mark.django_db
def test_a_batch_past_its_time_sends_the_documents_not_begun_again(
    three_members, own_queue, redis_client, monkeypatch, wide_batches
):
    decree = decree_issue(decree_date=SK_DATE)
    ids = list(decree.jobs.get().documents.order_by("pk").values_list("pk", flat=True))
    monkeypatch.setattr(engine_render, "BATCH_SECONDS", 0)  # every document outlasts it

    assert tasks.render_documents.run(ids) == {ids[0]: DocumentStatus.DONE}  # the first is always made

    assert _queued(redis_client, own_queue) == [
        (RENDER_DOCUMENTS_TASK, [b]) for b in document_batches(ids[1:])
    ]
    statuses = Document.objects.filter(pk__in=ids[1:]).values_list("status", flat=True)
    assert set(statuses) == {DocumentStatus.PENDING}  # nothing begun, nothing half-made
    assert job_refresh(decree.jobs.get().pk).status == JobStatus.RUNNING  # not done, not failed


def _use_broker(url):
    from pps_admin.celery import app

    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def test_a_batch_that_cannot_send_back_what_it_has_not_begun_leaves_it_to_the_abandoned_sweep(
    committed_db, three_members, own_queue, redis_client, monkeypatch
):
    """The broker gone when a batch would send back the documents it has not begun: they stay running, their
    claims end with the batch, and the sweep for abandoned documents sends them (none left without a
    message until a stalled job's resend). Committed (`committed_db`, with the reference data a flush
    removes): the claims are real session locks, seen across transactions."""
    import time

    from django.conf import settings

    from pps_admin.celery import app
    from secretariat.services.document_jobs import documents_requeue_abandoned

    decree = decree_issue(decree_date=SK_DATE)
    ids = list(decree.jobs.get().documents.order_by("pk").values_list("pk", flat=True))
    monkeypatch.setattr(engine_render, "BATCH_SECONDS", 0)
    original = app.conf.broker_url
    _use_broker("redis://127.0.0.1:1/0")  # nothing listens there: a real refused connection
    try:
        assert tasks.render_documents.run(ids) == {ids[0]: DocumentStatus.DONE}
    finally:
        _use_broker(original)
    rest = Document.objects.filter(pk__in=ids[1:])
    assert set(rest.values_list("status", flat=True)) == {DocumentStatus.RUNNING}
    time.sleep(settings.ABANDONED_GRACE_SECONDS + 0.2)
    assert documents_requeue_abandoned() == len(ids) - 1  # their claims ended with the batch
    sent = [args[0] for name, args in _queued(redis_client, own_queue) if name == RENDER_DOCUMENTS_TASK]
    assert sorted(i for batch in sent for i in batch) == ids[1:]  # the job's own dispatch_job apart
    assert set(rest.values_list("status", flat=True)) == {DocumentStatus.PENDING}


@pytest.fixture
def slow_kind():
    """A kind whose render runs into the task's soft time limit (Celery raises it in the task)."""

    def render(document):
        raise SoftTimeLimitExceeded()

    register_document_kind("lambat", render=render, path=lambda d: f"documents/lambat/{d.pk}.pdf")
    try:
        yield "lambat"
    finally:
        document_kinds._DOCUMENT_KINDS.pop("lambat")


@pytest.mark.django_db
def test_at_the_soft_time_limit_a_batch_stops_and_sends_the_rest_again(
    slow_kind, own_queue, redis_client, wide_batches
):
    job = job_create(
        kind=JobKind.SK,
        office=office(),
        documents=[Document(kind=slow_kind), Document(kind=slow_kind), Document(kind=slow_kind)],
    )
    first, *rest = job.documents.order_by("pk")

    assert tasks.render_documents.run([first.pk, *(d.pk for d in rest)]) == {first.pk: DocumentStatus.FAILED}

    first.refresh_from_db()
    assert first.status == DocumentStatus.FAILED and not first.file  # recorded, nothing stored
    rest = [d.pk for d in rest]
    assert _queued(redis_client, own_queue) == [(RENDER_DOCUMENTS_TASK, [rest])]
    assert set(Document.objects.filter(pk__in=rest).values_list("status", flat=True)) == {
        DocumentStatus.PENDING
    }


@pytest.mark.django_db
def test_a_single_document_task_still_queued_from_before_batches_is_rendered(three_members, own_queue):
    decree = decree_issue(decree_date=SK_DATE)
    petikan = decree.documents.filter(kind=DocumentKind.PETIKAN).first()
    assert tasks.render_document.run(petikan.pk) == DocumentStatus.DONE
