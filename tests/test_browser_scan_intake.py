"""The ceremony's scans in a real browser with the real worker: the upload returns at once to a page that
reloads itself while the worker reads the pages, then shows the preview; confirm attaches. Screenshots of
each step go to test-artifacts/."""

import pytest

from integrity.models import Pact, PactStatus

from . import test_scan_intake as base
from .test_browser_pact import login
from .test_scan_intake import blank_page, pdf_of, scanned

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed_db")]

rendered = base.rendered


def test_staff_upload_a_scan_watch_it_read_and_confirm_in_the_browser(
    chromium, live_server, plain_static_storage, celery_worker, rendered, staff_user, artifacts_dir, tmp_path
):
    from .conftest import browser_page

    (hendra, siti, *_), petikan = rendered
    scan = tmp_path / "upacara.pdf"
    pages = [scanned(hendra.document.file.path), blank_page(), scanned(siti.document.file.path)]
    scan.write_bytes(pdf_of(pages))
    with browser_page(chromium) as page:
        login(page, live_server)
        page.goto(f"{live_server.url}/admin/integrity/pact/pindaian/")
        page.set_input_files("input[type=file]", str(scan))
        page.click("text=Periksa pindaian")
        page.wait_for_url("**/pindaian/*/")
        if page.locator(".scan-progress").count():
            page.screenshot(path=artifacts_dir / "scan-intake-reading.png", full_page=True)
        page.wait_for_selector("table.scan-pages", timeout=120_000)  # the page reloaded itself until ready
        page.screenshot(path=artifacts_dir / "scan-intake-preview.png", full_page=True)
        verdicts = page.locator("table.scan-pages tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.verdict)"
        )
        assert verdicts == ["lampirkan", "tanpa_kode", "lampirkan"]
        assert hendra.appointment.person.nik not in page.content()
        page.click("text=Lampirkan 2 pindaian dan tandai ditandatangani")
        page.wait_for_selector("text=2 pindaian dilampirkan")
        page.screenshot(path=artifacts_dir / "scan-intake-done.png", full_page=True)
    assert {p.pk for p in Pact.objects.filter(status=PactStatus.SIGNED)} == {hendra.pk, siti.pk}
