"""The staff journey in a real browser: log in, import the roster, see the matrix full."""

import pytest

from secretariat.models import Appointment
from secretariat.services.demo import demo_rows
from secretariat.services.roster_format import HEADER
from secretariat.services.spreadsheet import write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed_db")]


def login(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "staf")
    page.fill("#id_password", "sandi-staf-123")
    page.click("input[type=submit]")
    page.wait_for_selector("#quick-links")


def test_staff_logs_in_in_indonesian_and_opens_the_completeness_page(
    page, live_server, staff_user, artifacts_dir
):
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("label[for=id_username]").inner_text().startswith("Nama pengguna")
    login(page, live_server)
    page.click("text=Kelengkapan (matriks")
    page.wait_for_selector("table.matrix")
    assert page.inner_text("#total-filled") == "0/102"
    assert page.locator("table.matrix tr.group").count() == 6
    assert page.locator("td.empty").count() == 102
    page.screenshot(path=artifacts_dir / "admin-completeness-empty.png", full_page=True)


def test_staff_imports_a_102_row_spreadsheet_and_sees_the_matrix_full(
    page, live_server, staff_user, artifacts_dir, tmp_path
):
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(write_xlsx(HEADER, demo_rows(), sheet_title="Anggota"))
    login(page, live_server)
    page.click("text=Impor anggota dari XLSX/CSV")
    page.set_input_files("#id_file", str(roster))
    page.click("input[value='Periksa berkas']")
    page.wait_for_selector("table.preview, .import-errors")
    assert page.locator(".import-errors").count() == 0, page.inner_text(".import-errors")[:2000]
    assert page.locator("table.preview tbody tr").count() == 102
    assert Appointment.objects.count() == 0  # preview writes nothing
    page.screenshot(path=artifacts_dir / "admin-import-preview.png", full_page=True)
    page.click("input[value='Simpan impor']")
    page.wait_for_selector("table.matrix")
    assert page.inner_text("#total-filled") == "102/102"
    assert page.locator("td.empty").count() == 0
    assert "Impor selesai" in page.inner_text(".messagelist")
    page.screenshot(path=artifacts_dir / "admin-completeness-full.png", full_page=True)
    assert Appointment.objects.active().count() == 102
