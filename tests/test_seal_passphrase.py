"""The signer's passphrase between the issue form and the worker: encrypted at rest under a key of its own
(PASSPHRASE_KEY, else one derived from SECRET_KEY), opened only while young and with a configured key,
gone when the job ends or nothing was sent."""

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
    settings.PASSPHRASE_KEYS, settings.SECRET_KEY_FALLBACKS = [], []  # the key derived from SECRET_KEY
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


KEY = "kunci-kotak-passphrase-pertama-0123456789"
NEW_KEY = "kunci-kotak-passphrase-kedua-9876543210ab"


def test_with_a_passphrase_key_rotating_secret_key_keeps_pending_jobs_working(settings):
    settings.PASSPHRASE_KEYS = [KEY]
    token = passphrase_seal(PASSPHRASE)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-brand-new-secret-key", []
    assert passphrase_open(token, max_age_seconds=3600) == PASSPHRASE


def test_a_passphrase_key_is_rotated_by_keeping_the_old_one_second(settings):
    settings.PASSPHRASE_KEYS = [KEY]
    old_token = passphrase_seal(PASSPHRASE)
    settings.PASSPHRASE_KEYS = [NEW_KEY, KEY]
    new_token = passphrase_seal(PASSPHRASE)
    assert passphrase_open(old_token, max_age_seconds=3600) == PASSPHRASE
    settings.PASSPHRASE_KEYS = [NEW_KEY]  # the rotation done: the old key dropped
    assert passphrase_open(new_token, max_age_seconds=3600) == PASSPHRASE  # made with the new one
    assert passphrase_open(old_token, max_age_seconds=3600) is None


def test_once_a_passphrase_key_is_set_secret_key_no_longer_opens_the_box(settings):
    """The sessions' key encrypts nothing of the box then (a job pending across the change asks for its
    passphrase again on its retry)."""
    settings.PASSPHRASE_KEYS, settings.SECRET_KEY_FALLBACKS = [], []
    derived = passphrase_seal(PASSPHRASE)
    settings.PASSPHRASE_KEYS = [KEY]
    assert passphrase_open(derived, max_age_seconds=3600) is None


def test_without_a_passphrase_key_secret_key_fallbacks_keep_pending_jobs_working(settings):
    settings.PASSPHRASE_KEYS, settings.SECRET_KEY_FALLBACKS = [], []
    token = passphrase_seal(PASSPHRASE)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-rotated-secret-key"
    assert passphrase_open(token, max_age_seconds=3600) == PASSPHRASE


@pytest.mark.parametrize(
    ("keys", "expected"),
    [([], ["pps_admin.W016"]), (["pendek"], ["pps_admin.W017"]), ([KEY], [])],
    ids=["unset", "too-short", "its-own"],
)
def test_under_bsre_the_system_check_asks_for_a_passphrase_key_of_its_own(settings, keys, expected):
    from pps_admin.signing.checks import signing_check

    settings.SIGNER, settings.BSRE_URL = "bsre", "https://esign.kpu.example/"
    settings.BSRE_NIK, settings.BSRE_SIGNER_NAME = "6471010101800001", "Ketua Uji"
    settings.PASSPHRASE_KEYS = keys
    assert [problem.id for problem in signing_check(None)] == expected


def test_the_system_check_refuses_secret_key_as_the_passphrase_key(settings):
    from pps_admin.signing.checks import signing_check

    settings.SIGNER, settings.BSRE_URL = "bsre", "https://esign.kpu.example/"
    settings.BSRE_NIK, settings.BSRE_SIGNER_NAME = "6471010101800001", "Ketua Uji"
    settings.SECRET_KEY = "x" * 50
    settings.PASSPHRASE_KEYS = [settings.SECRET_KEY]
    assert [problem.id for problem in signing_check(None)] == ["pps_admin.W017"]
