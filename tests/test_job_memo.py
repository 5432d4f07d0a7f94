"""The per-job memo of a worker process (secretariat/services/document_jobs/job_memo.py): what every
Petikan of a job reads alike is read once per job and dispatch, and never outlives either: a new job,
or the same job sent again (a retry), reads the database anew and prints what changed meanwhile."""

import datetime as dt

import pytest
from django.utils import timezone

from integrity.models import Pact
from integrity.services.pacts import pacts_generate
from secretariat.models import DecreeTemplate, Document, DocumentKind, DocumentStatus, GenerationJob, Person
from secretariat.services.decrees import decree_issue
from secretariat.services.demo import demo_csv
from secretariat.services.document_jobs import job_retry, render_document_pdf
from secretariat.services.document_jobs.job_memo import JOBS_KEPT, job_memo, job_memo_clear
from secretariat.services.importing import members_import

from . import pdf
from .factories import office


@pytest.fixture(autouse=True)
def _fresh_memo():
    job_memo_clear()
    yield
    job_memo_clear()


def _counter():
    calls = []

    def make():
        calls.append(1)
        return len(calls)

    return calls, make


def test_a_value_is_made_once_per_job_and_again_for_another_job():
    calls, make = _counter()
    sent = timezone.now()
    first, second = GenerationJob(pk=1, dispatched_at=sent), GenerationJob(pk=2, dispatched_at=sent)
    assert job_memo(first, "entries", make) == 1
    assert job_memo(first, "entries", make) == 1
    assert job_memo(second, "entries", make) == 2  # another job: made again
    assert len(calls) == 2


def test_the_same_job_sent_again_makes_its_values_again():
    calls, make = _counter()
    job = GenerationJob(pk=7, dispatched_at=timezone.now())
    assert job_memo(job, "entries", make) == 1
    job.dispatched_at += dt.timedelta(minutes=5)  # a retry stamps a new dispatch
    assert job_memo(job, "entries", make) == 2
    assert job_memo(job, "entries", make) == 2


def test_a_job_not_sent_keeps_nothing():
    """A retry clears the job's stamp until it is sent again: a render called before that (a test, a
    shell) reads what it prints anew, as a decree fixed after a failed render."""
    calls, make = _counter()
    job = GenerationJob(pk=8, dispatched_at=None)
    assert [job_memo(job, "decree", make) for _ in range(3)] == [1, 2, 3]


def test_a_process_keeps_few_jobs_and_none_without_a_job():
    calls, make = _counter()
    sent = timezone.now()
    jobs = [GenerationJob(pk=n, dispatched_at=sent) for n in range(1, JOBS_KEPT + 2)]
    for job in jobs:
        job_memo(job, "entries", make)
    assert job_memo(jobs[-1], "entries", make) == len(jobs)  # the latest is kept
    assert job_memo(jobs[0], "entries", make) == len(jobs) + 1  # the oldest was dropped
    assert job_memo(None, "entries", make) == len(jobs) + 2
    assert job_memo(None, "entries", make) == len(jobs) + 3  # a document without a job: never kept


@pytest.mark.django_db
def test_a_member_renamed_before_a_retry_is_printed_by_the_retried_petikan(
    django_capture_on_commit_callbacks,
):
    assert members_import(data=demo_csv(), dry_run=False).ok
    decree = decree_issue(decree_date=dt.date(2024, 6, 1))
    first, second = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).order_by("pk")[:2]
    job = first.job
    GenerationJob.objects.filter(pk=job.pk).update(dispatched_at=timezone.now())

    def rendered(document) -> str:
        return pdf.flat(render_document_pdf(Document.objects.select_related("job").get(pk=document.pk)))

    person = second.appointment.person
    assert person.name not in rendered(first)
    Person.objects.filter(pk=person.pk).update(name="Nama Baru Sekali")
    # The same dispatch: the entries were read once, with the first Petikan (that is the memo at work).
    assert person.name in rendered(second)

    # A retry sends the job again (recovery.job_retry stamps a new dispatch): the change is printed.
    Document.objects.filter(pk=second.pk).update(status=DocumentStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        assert job_retry(job=GenerationJob.objects.get(pk=job.pk)).sent
    assert GenerationJob.objects.get(pk=job.pk).dispatched_at != job.dispatched_at
    text = rendered(second)
    assert "Nama Baru Sekali" in text and person.name not in text


@pytest.mark.django_db
def test_a_letterhead_changed_in_the_template_is_printed_when_the_pact_job_is_sent_again(
    django_capture_on_commit_callbacks,
):
    """The pacts of a job share their office's letterhead, read once; the template changed meanwhile is
    what the job prints once it is sent again."""
    assert members_import(data=demo_csv(), dry_run=False).ok
    pacts_generate()
    first, second = Pact.objects.select_related("document").order_by("pk")[:2]
    job = first.document.job
    GenerationJob.objects.filter(pk=job.pk).update(dispatched_at=timezone.now())

    def rendered(pact) -> str:
        return pdf.flat(render_document_pdf(Document.objects.select_related("job").get(pk=pact.document_id)))

    assert "Jalan Kop Baru" not in rendered(first)
    template = DecreeTemplate.active(office())
    template.letterhead_address = "Jalan Kop Baru Nomor 9"
    template.save()
    assert "Jalan Kop Baru" not in rendered(second)  # the same dispatch: read once, with the first pact

    Document.objects.filter(pk=second.document_id).update(status=DocumentStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        assert job_retry(job=GenerationJob.objects.get(pk=job.pk)).sent
    assert "Jalan Kop Baru Nomor 9" in rendered(second)
