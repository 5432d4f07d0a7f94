"""Issue #16.6 with the real worker: the upload returns at once to a page that follows the worker reading the
pages (a Celery worker process on Redis and PostgreSQL, poppler and zbar), then shows the preview; the
confirm attaches in one transaction, and a second submit of the same form attaches nothing."""

import time

import pytest
from django.urls import reverse

from integrity.models import Ceremony, Pact, PactStatus

from . import test_scan_intake as base
from .test_scan_intake import jpeg_bytes, pdf_of, scanned, upload, verdicts

rendered = base.rendered  # the same members, pacts and Petikan, here committed for the worker

pytestmark = pytest.mark.usefixtures("committed_db")


def test_the_worker_reads_the_upload_the_page_follows_it_and_the_confirm_attaches_once(
    celery_worker, rendered, staff_client
):
    (hendra, siti, rudi, yusuf), petikan = rendered
    ceremony = Ceremony.objects.get()
    pages = [scanned(p.document.file.path) for p in (hendra, siti, rudi)] + [scanned(petikan.file.path)]
    response = staff_client.post(
        reverse("admin:integrity_scan_intake"), {"scans": [upload("upacara.pdf", pdf_of(pages))]}
    )
    assert response.status_code == 302
    status = response["Location"]
    seen = []
    deadline = time.monotonic() + 120
    while True:
        response = staff_client.get(status)
        preview = response.context["preview"]
        seen.append(preview.staged.done)
        if preview.staged.state != "membaca":
            break
        assert "dari 4" in response.content.decode()
        assert time.monotonic() < deadline, f"still reading: {seen}"
        time.sleep(0.3)
    assert preview.staged.state == "siap" and seen == sorted(seen)
    assert verdicts(preview) == [
        ("lampirkan", hendra.pk),
        ("lampirkan", siti.pk),
        ("lampirkan", rudi.pk),
        ("bukan_pakta", None),
    ]
    form = {"token": preview.token, "signed_date": ceremony.date.isoformat(), "signed_place": ceremony.place}
    confirm = reverse("admin:integrity_scan_intake_confirm")
    response = staff_client.post(confirm, form)
    assert "3 pindaian dilampirkan" in response.content.decode()
    assert {p.pk for p in Pact.objects.filter(status=PactStatus.SIGNED)} == {hendra.pk, siti.pk, rudi.pk}
    scans = {p.pk: p.scan.name for p in Pact.objects.all()}

    # The same form sent again (a double click, or back and submit): nothing more, and staff are told so.
    response = staff_client.post(confirm, form, follow=True)
    assert "sudah disimpan" in response.content.decode() or "kedaluwarsa" in response.content.decode()
    assert {p.pk: p.scan.name for p in Pact.objects.all()} == scans


def test_an_image_upload_read_by_the_worker(celery_worker, rendered, staff_client):
    (hendra, *_), _ = rendered
    response = staff_client.post(
        reverse("admin:integrity_scan_intake"),
        {"scans": [upload("IMG_1.jpg", jpeg_bytes(scanned(hendra.document.file.path)), "image/jpeg")]},
    )
    deadline = time.monotonic() + 60
    while (preview := staff_client.get(response["Location"]).context["preview"]).staged.state == "membaca":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert verdicts(preview) == [("lampirkan", hendra.pk)]
