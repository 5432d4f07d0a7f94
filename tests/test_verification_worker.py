"""Issue #16: the QR code of each kind of document, rendered by a real Celery worker on Redis and
PostgreSQL, read from the rasterised page with zbar and followed to its check page, whose hash is the
stored file's."""

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings

from integrity.services.pacts import pacts_generate
from secretariat.models import Document
from secretariat.services.decrees import decree_issue

from .conftest import wait_for_job
from .factories import make_appointment, make_person
from .verification_helpers import forget_rate_limit, qr_codes

pytestmark = pytest.mark.usefixtures("committed_db")

KIND_ON_PAGE = {
    "keputusan": "Keputusan (dengan lampiran)",
    "salinan": "Salinan Keputusan",
    "petikan": "Petikan Keputusan",
    "pakta": "Pakta Integritas",
}


def test_each_kinds_qr_code_leads_to_its_check_page_with_the_stored_files_hash(celery_worker, client):
    forget_rate_limit()
    members = [
        make_appointment(person=make_person(name="Hendra Saputra", asn=True)),
        make_appointment(person=make_person(name="Siti Aminah", gender="P"), role="bendahara"),
    ]
    decree = decree_issue(decree_date=dt.date(2024, 6, 1))
    jobs = [decree.jobs.get(), pacts_generate()]
    for job in jobs:
        assert wait_for_job(job).status == "done", job.error
    documents = list(Document.objects.select_related("appointment__person").order_by("pk"))
    assert sorted({d.kind for d in documents}) == sorted(KIND_ON_PAGE)
    for document in documents:
        (url,) = qr_codes(document.file.path, page=document.pages)  # the last page, where it is signed
        assert url.startswith(settings.SITE_URL + "/cek/")
        response = client.get(url[len(settings.SITE_URL) :])
        assert response.status_code == 200
        page = response.content.decode()
        assert KIND_ON_PAGE[document.kind] in page
        assert document.check_code_grouped in page
        stored = hashlib.sha256(Path(document.file.path).read_bytes()).hexdigest()
        assert re.search(r'id="sha256">([0-9a-f]{64})<', page).group(1) == stored
        if document.appointment_id:
            assert document.appointment.person.name in page
            assert document.appointment.person.nik not in page
    assert {m.person.name for m in members} <= {
        d.appointment.person.name for d in documents if d.appointment_id
    }
    forget_rate_limit()
