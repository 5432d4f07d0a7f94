"""axe-core (from npm, tests/axe/) in each main page of the portal and the admin, in Chromium: no critical
or serious violation (issue #14, item 9). `make test` installs axe-core with `npm ci --prefix tests/axe`."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from secretariat.models import Appointment, Decree
from secretariat.services.decrees import decree_issue
from secretariat.services.demo import demo_csv
from secretariat.services.importing import members_import

from .conftest import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed_db")]

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"critical", "serious"}
MEMBER_PASSWORD = "Sandi-Anggota-Uji-2024"


@pytest.fixture
def roster():
    assert members_import(data=demo_csv(), dry_run=False).ok
    member = Appointment.objects.select_related("person").order_by("pk").first().person
    member.user = get_user_model().objects.create_user("anggota.aksesibel", password=MEMBER_PASSWORD)
    member.save()
    return decree_issue(decree_date=dt.date(2024, 6, 1))


@pytest.fixture
def axe_page(chromium, plain_static_storage):
    # The injected axe script is inline: the product's CSP (rightly) refuses it, so this context bypasses it.
    with browser_page(chromium, bypass_csp=True) as page:
        yield page


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in found
        if v["impact"] in BLOCKING
    ]


def check(page, urls):
    """Every page's blocking violations, all reported at once."""
    found = {}
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if problems := violations(page):
            found[url] = problems
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


def log_in(page, live_server, username, password, *, admin):
    page.goto(f"{live_server.url}{'/admin/login/' if admin else '/masuk/'}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]" if admin else "main button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_the_portal_pages_have_no_serious_accessibility_violation(axe_page, live_server, roster):
    check(axe_page, [live_server.url + path for path in ("/masuk/", "/sandi/lupa/", "/tidak-ada/")])
    log_in(axe_page, live_server, "anggota.aksesibel", MEMBER_PASSWORD, admin=False)
    check(axe_page, [live_server.url + "/"])
    assert axe_page.locator("#assignment").count() == 1  # the member's home page itself was checked


def test_the_main_admin_pages_have_no_serious_accessibility_violation(
    axe_page, live_server, roster, staff_user
):
    check(axe_page, [f"{live_server.url}/admin/login/"])
    log_in(axe_page, live_server, "staf", "sandi-staf-123", admin=True)
    decree = Decree.objects.get()
    person = Appointment.objects.order_by("pk").first().person
    paths = [
        "/admin/",
        "/admin/secretariat/person/",
        "/admin/secretariat/person/?q=Siti",
        f"/admin/secretariat/person/{person.pk}/change/",
        "/admin/secretariat/appointment/",
        "/admin/secretariat/appointment/kelengkapan/",
        "/admin/secretariat/appointment/impor/",
        "/admin/secretariat/decree/",
        "/admin/secretariat/decree/terbitkan/",
        f"/admin/secretariat/decree/{decree.pk}/change/",
        "/admin/integrity/pact/dasbor/",
        "/admin/integrity/pact/",
    ]
    check(axe_page, [live_server.url + path for path in paths])


def test_the_admin_login_has_a_heading_and_help_texts_exist_where_fields_point(client, staff_user):
    html = client.get("/admin/login/").content.decode()
    assert '<h1 class="login-title">Masuk sebagai staf KPU</h1>' in html
    client.force_login(staff_user)
    html = client.get("/admin/secretariat/appointment/impor/").content.decode()
    assert 'aria-describedby="id_file_helptext"' in html and 'id="id_file_helptext"' in html
