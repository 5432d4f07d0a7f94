"""A member on a phone: log in with the handover sheet, change the password, see the assignment,
download their own Petikan; another member's document address gives 404."""

import datetime as dt

import pytest

from secretariat.models import Document
from secretariat.services.accounts import portal_accounts_create
from secretariat.services.decrees import decree_issue
from secretariat.services.demo import demo_csv
from secretariat.services.document_jobs import document_render_and_store
from secretariat.services.importing import members_import

from .conftest import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed_db")]


@pytest.fixture
def issued_roster():
    assert members_import(data=demo_csv(), dry_run=False).ok
    rows = portal_accounts_create()
    decree = decree_issue(decree_date=dt.date(2024, 6, 1))
    for row in rows[:2]:
        document = Document.objects.get(decree=decree, kind="petikan", appointment__person__name=row.nama)
        document_render_and_store(document.pk)
    return rows, decree


@pytest.fixture
def phone(chromium, plain_static_storage):
    phone_options = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True, "accept_downloads": True}
    with browser_page(chromium, viewport={"width": 360, "height": 740}, **phone_options) as page:
        yield page


def test_member_logs_in_changes_password_sees_assignment_and_downloads_own_petikan(
    phone, live_server, issued_roster, artifacts_dir
):
    rows, decree = issued_roster
    me, other = rows[0], rows[1]
    phone.goto(live_server.url + "/")
    assert phone.url.endswith("/masuk/?next=/") or phone.url.endswith("/masuk/")
    phone.screenshot(path=artifacts_dir / "portal-phone-login.png", full_page=True)
    phone.fill("#id_username", me.username)
    phone.fill("#id_password", me.password)
    phone.click("main button[type=submit]")

    # First login: the one-time password must be replaced before anything else.
    phone.wait_for_selector("#id_new_password1")
    assert "sandi sekali pakai" in phone.inner_text("main")
    phone.goto(live_server.url + "/")
    assert "/sandi/ganti/" in phone.url
    phone.fill("#id_old_password", me.password)
    phone.fill("#id_new_password1", "Balikpapan-Sandi-2024")
    phone.fill("#id_new_password2", "Balikpapan-Sandi-2024")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("#assignment")
    assignment = phone.inner_text("#assignment")
    assert "Sekretaris PPS" in assignment and "Sekretaris Sekretariat PPS" not in assignment
    assert "Manggar" in assignment and "Balikpapan Timur" in assignment
    assert decree.number in assignment
    assert "26 Mei 2024" in assignment and "27 Januari 2025" in assignment
    team = phone.inner_text("#team")
    assert other.nama in team
    assert "27 November 2024" in phone.inner_text("#key-dates")
    # Nothing wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=artifacts_dir / "portal-phone-home.png", full_page=True)

    with phone.expect_download() as download:
        phone.click("#documents >> text=Unduh PDF")
    from . import pdf

    assert me.nama in pdf.flat(download.value.path())

    # Someone else's Petikan: its address exists, but not for this member.
    foreign = Document.objects.get(decree=decree, appointment__person__name=other.nama)
    response = phone.request.get(f"{live_server.url}/dokumen/{foreign.public_id}/")
    assert response.status == 404

    phone.click("text=Keluar")
    phone.wait_for_selector("#id_username")
