"""Redis unreachable when staff start a job: a clear message, no 500, and the job is sent later."""

import pytest
from django.conf import settings
from django.urls import reverse

from pps_admin.celery import app
from secretariat.models import GenerationJob
from secretariat.services.document_jobs import jobs_dispatch_pending

from .factories import make_appointment, office

pytestmark = pytest.mark.usefixtures("committed_db")


def use_broker(url):
    """Switch the app's broker; the connection and producer pools are rebuilt on next use."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Point the Celery app at a port where nothing listens: a real refused connection."""
    original = app.conf.broker_url
    use_broker("redis://127.0.0.1:1/0")
    yield
    use_broker(original)


def test_issuing_while_redis_is_down_keeps_the_job_and_says_so(client, staff_user, broker_down):
    make_appointment()
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:secretariat_decree_issue"), {"decree_date": "2024-06-01"}, follow=True
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "tidak dapat dihubungi" in text and "tidak perlu mengulang" in text
    job = GenerationJob.objects.get()
    assert job.status == "queued" and job.dispatched_at is None
    assert job.documents.count() == 3


def test_a_job_kept_while_redis_was_down_is_sent_once_redis_is_back(client, staff_user, broker_down):
    make_appointment()
    client.force_login(staff_user)
    client.post(reverse("admin:secretariat_decree_issue"), {"decree_date": "2024-06-01"})
    job = GenerationJob.objects.get()
    assert job.dispatched_at is None
    assert jobs_dispatch_pending(older_than_seconds=0) == 0  # still down: nothing sent, nothing lost

    use_broker(settings.CELERY_BROKER_URL)  # the broker is back
    assert jobs_dispatch_pending(older_than_seconds=0) == 1
    job.refresh_from_db()
    assert job.dispatched_at is not None
    assert jobs_dispatch_pending(older_than_seconds=0) == 0  # sent once only


def test_recent_jobs_are_left_to_their_own_dispatch(client, staff_user):
    make_appointment()
    job = GenerationJob.objects.create(office=office(), kind="sk", total=0)
    assert jobs_dispatch_pending(older_than_seconds=3600) == 0
    job.refresh_from_db()
    assert job.dispatched_at is None
