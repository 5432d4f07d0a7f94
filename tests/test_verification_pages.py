"""Issue #16 point 5 and the check page on a phone: the portal shows each own document's check code, the
admin decree page each document's check link, and /cek/<code>/ reads at 360 px without sideways scroll."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from integrity.models import Pact
from integrity.services.pacts import pacts_generate
from secretariat.models import Document, DocumentKind
from secretariat.services.decrees import decree_issue, decree_revoke
from secretariat.services.document_jobs import document_render_and_store

from .conftest import browser_page
from .factories import make_appointment, make_person
from .verification_helpers import forget_rate_limit

PASSWORD = "sandi-anggota-uji-123"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    forget_rate_limit()
    yield
    forget_rate_limit()


@pytest.fixture
def issued(db):
    """Two members of Manggar with accounts, their decree and pacts rendered and stored."""
    appointments = [
        make_appointment(person=make_person(name="Hendra Saputra", asn=True)),
        make_appointment(person=make_person(name="Siti Aminah", gender="P"), role="bendahara"),
    ]
    for number, appointment in enumerate(appointments):
        person = appointment.person
        person.user = get_user_model().objects.create_user(f"anggota{number}", password=PASSWORD)
        person.save()
    decree = decree_issue(decree_date=dt.date(2024, 6, 1))
    pacts_generate()
    for document in Document.objects.all():
        assert document_render_and_store(document.pk).status == "done"
    return appointments, decree


def test_the_portal_shows_each_own_documents_check_code_linking_to_its_check_page(client, issued):
    appointments, decree = issued
    mine, theirs = appointments
    client.force_login(mine.person.user)
    page = client.get("/").content.decode()
    own = [
        Document.objects.get(decree=decree, kind=DocumentKind.PETIKAN, appointment=mine),
        Pact.objects.get(appointment=mine).document,
    ]
    for document in own:
        code = document.check_code_grouped
        assert f'<a href="/cek/{code}/">{code}</a>' in page
    for document in Document.objects.filter(appointment=theirs):
        assert document.check_code_grouped not in page


def test_the_admin_decree_page_links_every_document_to_its_check_page(staff_client, issued):
    _, decree = issued
    page = staff_client.get(reverse("admin:secretariat_decree_change", args=[decree.pk])).content.decode()
    documents = Document.objects.filter(decree=decree)
    assert documents.count() == 4
    for document in documents:
        code = document.check_code_grouped
        assert f'<a href="/cek/{code}/">{code}</a>' in page


@pytest.mark.parametrize("revoked", [False, True])
def test_the_check_page_reads_on_a_360_px_phone_without_sideways_scrolling(
    committed_db, chromium, plain_static_storage, live_server, issued, artifacts_dir, revoked
):
    appointments, decree = issued
    if revoked:
        decree_revoke(decree=decree, revoked_date=dt.date(2024, 6, 10), reason="Nama anggota salah tulis.")
        decree_issue(decree_date=dt.date(2024, 6, 11))
    document = Document.objects.get(decree=decree, kind=DocumentKind.PETIKAN, appointment=appointments[0])
    options = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True}
    with browser_page(chromium, viewport={"width": 360, "height": 740}, **options) as phone:
        phone.goto(f"{live_server.url}/cek/{document.check_code_grouped}/")
        assert phone.locator("#status").inner_text() == ("Dicabut" if revoked else "Berlaku")
        assert phone.locator("#sha256").inner_text() == document.sha256
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.screenshot(
            path=artifacts_dir / f"check-page-phone{'-revoked' if revoked else ''}.png", full_page=True
        )
        # The upload box, as a phone user drops the file they received.
        phone.set_input_files("#id_berkas", document.file.path)
        phone.click("button[type=submit]")
        assert "sama persis" in phone.locator("#result").inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        assert phone.context.cookies() == []
        phone.screenshot(
            path=artifacts_dir / f"check-page-phone-upload{'-revoked' if revoked else ''}.png", full_page=True
        )


def test_the_check_page_of_a_document_not_issued_yet_reads_on_a_phone_and_names_nobody(
    committed_db, chromium, plain_static_storage, live_server, artifacts_dir
):
    appointment = make_appointment(person=make_person(name="Hendra Saputra", asn=True))
    decree = decree_issue(decree_date=dt.date(2024, 6, 1))  # its documents not rendered: pending
    document = Document.objects.get(decree=decree, kind=DocumentKind.PETIKAN, appointment=appointment)
    options = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True}
    with browser_page(chromium, viewport={"width": 360, "height": 740}, **options) as phone:
        phone.goto(f"{live_server.url}/cek/{document.check_code_grouped}/")
        assert phone.locator("#status").inner_text() == "Belum diterbitkan"
        assert phone.locator("#number").inner_text() == decree.number == "NOMOR 1 TAHUN 2024"
        text = phone.locator("body").inner_text()
        assert "Hendra Saputra" not in text and "Sekretaris" not in text and "Manggar" not in text
        assert phone.locator("#sha256").count() == 0
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.screenshot(path=artifacts_dir / "check-page-phone-pending.png", full_page=True)
