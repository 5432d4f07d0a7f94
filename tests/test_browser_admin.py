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
    page.click("#quick-links >> text=Kelengkapan")
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
    page.click("#quick-links >> text=Impor anggota")
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


def test_staff_replace_a_member_by_searching_or_adding_the_replacement(page, live_server, staff_user):
    import datetime as dt

    from secretariat.identity import make_nik

    from .factories import make_appointment, make_person

    old = make_appointment(person=make_person(name="Siti Contoh Manggar"))
    make_person(name="Budi Pengganti Contoh")
    login(page, live_server)
    page.goto(f"{live_server.url}/admin/secretariat/appointment/{old.pk}/ganti/")
    page.click(".select2-selection")
    page.keyboard.type("pe")  # the search waits for three characters, and says so
    page.wait_for_selector(".select2-results__option >> text=Masukkan 1 huruf lagi")
    page.keyboard.type("ngganti")
    page.wait_for_selector(".select2-results__option >> text=Budi Pengganti Contoh")

    # Not registered yet: "+" opens the person form in a pop-up; saving it selects the new person.
    page.keyboard.press("Escape")
    with page.expect_popup() as popup_info:
        page.click("#add_id_replacement")
    popup = popup_info.value
    popup.fill("#id_nik", make_nik(region="647101", birth_date=dt.date(1991, 2, 3), gender="L", serial=77))
    popup.fill("#id_name", "Rudi Baru Fiktif")
    popup.select_option("#id_gender", "L")
    popup.fill("#id_birth_date", "1991-02-03")
    popup.fill("#id_birth_place", "Balikpapan")
    popup.select_option("#id_employment_status", "NON_ASN")
    # Listening before the click: the pop-up can close before a wait started after it would begin, and
    # that wait then timed out by chance.
    with popup.expect_event("close"):
        popup.click("input[name=_save]")
    assert "Rudi Baru Fiktif" in page.inner_text(".select2-selection__rendered")

    page.fill("#id_end_date", "2024-08-01")
    page.select_option("#id_reason", "mengundurkan_diri")
    page.fill("#id_lurah_decree_number", "100.3/15/KEL/2024")
    page.fill("#id_lurah_decree_date", "2024-07-30")
    page.fill("#id_start_date", "2024-08-02")
    page.click("input[value=Simpan]")
    page.wait_for_selector("text=Rudi Baru Fiktif menggantikan Siti Contoh Manggar")
    old.refresh_from_db()
    assert old.replaced_by.person.name == "Rudi Baru Fiktif"


def test_admin_and_portal_pages_load_a_favicon_without_any_404(page, live_server, staff_user):
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    page.goto(f"{live_server.url}/masuk/")
    login(page, live_server)
    page.goto(f"{live_server.url}/admin/secretariat/appointment/")
    page.wait_for_timeout(500)  # the browser asks for the icon after the page
    assert page.locator("link[rel=icon]").count() == 1
    assert missing == []


def bottom(page, selector) -> float:
    box = page.locator(selector).first.bounding_box()
    return box["y"] + box["height"]


def top(page, selector) -> float:
    return page.locator(selector).first.bounding_box()["y"]


@pytest.mark.parametrize("width", [1280, 1024])
def test_completeness_tools_sit_above_the_table_not_over_its_header(
    page, live_server, staff_user, artifacts_dir, width
):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server)
    page.goto(f"{live_server.url}/admin/secretariat/appointment/kelengkapan/")

    assert bottom(page, ".completeness .object-tools a") <= top(page, "table.matrix thead")
    assert bottom(page, ".completeness .object-tools") <= top(page, "table.matrix")
    page.screenshot(path=artifacts_dir / f"admin-completeness-tools-{width}.png")


def test_appointment_list_tools_leave_the_title_readable(page, live_server, staff_user):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server)
    page.goto(f"{live_server.url}/admin/secretariat/appointment/")

    assert top(page, ".object-tools") >= bottom(page, "#content > h1")
