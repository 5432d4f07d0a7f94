"""The signer's passphrase between the issue form and the worker: encrypted at rest, opened only while
young and with this SECRET_KEY, gone when the job ends or nothing was sent."""

import pytest

from pps_admin.signing.passphrase_box import passphrase_open, passphrase_seal
from secretariat.models import GenerationJob, JobPassphrase
from secretariat.services.document_jobs import job_refresh, job_retry_signed
from secretariat.services.signing import _job_credentials, job_passphrase_store
from tests.factories import office

pytestmark = pytest.mark.django_db

PASSPHRASE = "Rahasia-Ketua#2024"


@pytest.fixture
def job(own_queue):
    return GenerationJob.objects.create(office=office(), kind="sk", total=0)


def test_the_stored_passphrase_is_encrypted_and_the_worker_can_open_it(job):
    job_passphrase_store(job=job, passphrase=PASSPHRASE)
    token = bytes(JobPassphrase.objects.get(job=job).token)
    assert PASSPHRASE.encode() not in token and b"Rahasia" not in token
    assert _job_credentials(job.pk).passphrase == PASSPHRASE
    assert PASSPHRASE not in repr(_job_credentials(job.pk))


def test_an_old_token_or_one_made_with_another_secret_key_is_never_opened(settings):
    token = passphrase_seal(PASSPHRASE)
    assert passphrase_open(token, max_age_seconds=3600) == PASSPHRASE
    assert passphrase_open(token, max_age_seconds=-1) is None  # older than allowed
    settings.SECRET_KEY = "another-secret-key"
    assert passphrase_open(token, max_age_seconds=3600) is None


def test_the_passphrase_goes_when_the_job_ends(job):
    job_passphrase_store(job=job, passphrase=PASSPHRASE)
    job_refresh(job.pk)  # no documents left to make: done
    assert GenerationJob.objects.get(pk=job.pk).status == "done"
    assert not JobPassphrase.objects.exists()


def test_a_retry_with_nothing_to_send_keeps_no_passphrase(job):
    GenerationJob.objects.filter(pk=job.pk).update(status="done")
    requeued = job_retry_signed(job=job, passphrase=PASSPHRASE)
    assert not requeued.sent and not JobPassphrase.objects.exists()
