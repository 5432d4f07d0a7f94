"""Staff issue the SK from the admin and watch the documents being made, in a real browser."""

import pytest

from secretariat.models import Decree
from secretariat.services.demo import demo_csv
from secretariat.services.importing import members_import

from .conftest import browser_page
from .test_browser_admin import login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed_db")]


def test_staff_issue_the_sk_and_watch_progress_reach_100_percent(
    page, live_server, staff_user, celery_worker, artifacts_dir
):
    assert members_import(data=demo_csv(), dry_run=False).ok
    login(page, live_server)
    page.goto(f"{live_server.url}/admin/secretariat/decree/terbitkan/")
    assert "102" in page.inner_text("#uncovered")
    page.screenshot(path=artifacts_dir / "admin-decree-issue.png", full_page=True)
    page.fill("#id_decree_date", "2024-06-01")
    page.click("input[value='Terbitkan SK']")
    page.wait_for_selector("#job")
    first = page.inner_text("#job-count")
    assert first.endswith("dari 104")
    # The bar moves without anyone reloading; at the end the page reloads itself with the links.
    # A selector wait (not wait_for_function): the page's CSP forbids evaluating strings as script.
    page.wait_for_selector("#job[data-status='done']", state="attached", timeout=240_000)
    page.wait_for_selector("text=Bundel cetak semua petikan", timeout=30_000)
    assert page.inner_text("#job-count") == "104 dari 104"
    assert page.inner_text("#job-percent") == "(100%)"
    page.screenshot(path=artifacts_dir / "admin-decree-done.png", full_page=False)
    decree = Decree.objects.get()
    assert decree.number in page.inner_text("#content-main")
    # The worker builds the bundle after the last document; a download before that builds it too.
    with page.expect_download(timeout=180_000) as download:
        page.click("text=Bundel cetak semua petikan", timeout=180_000)
    path = download.value.path()
    from . import pdf

    assert len(pdf.read(path).pages) == 102


def test_the_preview_button_shows_the_date_typed_in_the_form(page, live_server, staff_user):
    assert members_import(data=demo_csv(), dry_run=False).ok
    login(page, live_server)
    page.goto(f"{live_server.url}/admin/secretariat/decree/terbitkan/")
    page.fill("#id_decree_date", "2024-06-03")
    with page.context.expect_event(
        "response", predicate=lambda response: response.url.endswith("/pratinjau.pdf")
    ) as answer:
        page.click("#preview-button")
    assert answer.value.status == 200
    assert answer.value.request.method == "POST"
    assert "decree_date=2024-06-03" in answer.value.request.post_data
    assert answer.value.headers["content-type"] == "application/pdf"
    assert Decree.objects.count() == 0


@pytest.fixture
def page_without_csp(chromium, plain_static_storage):
    """A page whose test may add a script of its own (the app's CSP forbids inline and evaluated script)."""
    with browser_page(chromium, bypass_csp=True) as page:
        yield page


def test_a_submitted_busy_form_disables_its_buttons_and_says_it_is_working(
    page_without_csp, live_server, staff_user, own_queue
):
    """static/js/busy-submit.js. The test's own listener stops the navigation after the app's has run, so
    the page can be looked at in the state the user sees while the server works (no request is held)."""
    from .factories import make_appointment

    page = page_without_csp
    make_appointment()
    login(page, live_server)
    page.goto(f"{live_server.url}/admin/secretariat/decree/terbitkan/")
    assert not page.is_visible(".busy-note")
    page.fill("#id_decree_date", "2024-06-01")
    page.evaluate(
        """() => document.querySelector("form[data-busy]").addEventListener("submit", (event) => {
            window.submits = (window.submits || 0) + 1;
            if (!event.defaultPrevented) { window.allowed = (window.allowed || 0) + 1; }
            event.preventDefault();
        })"""
    )
    page.click("input[value='Terbitkan SK']")
    page.wait_for_selector(".busy-note", state="visible")
    page.wait_for_selector("input[value='Terbitkan SK']:disabled")
    assert page.is_disabled("#preview-button")
    assert "Sedang memproses" in page.inner_text(".busy-note")
    # Another submit (the buttons are disabled, so by script) is stopped by the app before the server.
    page.evaluate("() => document.querySelector('form[data-busy]').requestSubmit()")
    assert page.evaluate("() => [window.submits, window.allowed]") == [2, 1]
    assert Decree.objects.count() == 0
