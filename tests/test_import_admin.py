"""The admin's import page (upload, preview, confirm), the template download and the exports."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from secretariat.models import Appointment, Person
from secretariat.services.demo import demo_csv, demo_rows
from secretariat.services.importing import members_import
from secretariat.services.roster_format import FULL_HEADER, HEADER
from secretariat.services.spreadsheet import write_csv

from .factories import make_appointment

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:secretariat_import"
COL = {name: index for index, name in enumerate(HEADER)}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONFIRM_BUTTON = 'value="Simpan impor"'


def xlsx_bytes(rows, header=HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data, name="anggota.xlsx"):
    return client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, data)})


def confirm(client, token):
    return client.post(reverse(IMPORT_URL), {"token": token})


def counts():
    return (Person.objects.count(), Appointment.objects.count(), Person.history.count())


def staging_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "private" / "import_staging"


def staged_files():
    return set(staging_dir().glob("*.bin")) if staging_dir().exists() else set()


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def rows(db):
    return demo_rows()


@pytest.fixture
def preview(staff_client, rows):
    response = upload(staff_client, xlsx_bytes(rows))
    assert response.status_code == 200
    return response


# --- upload and preview ------------------------------------------------------------------------------


def test_import_page_offers_the_upload_form_and_the_template(staff_client):
    response = staff_client.get(reverse(IMPORT_URL))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html
    assert reverse("admin:secretariat_import_template") in html
    assert CONFIRM_BUTTON not in html


def test_good_upload_shows_a_preview_of_every_row_with_masked_niks_and_writes_nothing(preview, rows):
    html = preview.content.decode()

    assert "Pratinjau: 102 baris: 102 orang baru, 0 diperbarui, 102 pengangkatan baru" in html
    assert CONFIRM_BUTTON in html
    assert html.count("<tr><td>") == 102
    for row in rows:
        nik = row[COL["nik"]]
        assert f"<td>{nik[:4]}********{nik[-4:]}</td>" in html
        assert nik not in html
        assert escape(row[COL["nama"]]) in html
    assert counts() == (0, 0, 0)
    token = preview.context["token"]
    assert f'name="token" value="{token}"' in html
    assert (staging_dir() / f"{token}.bin").exists()


def test_confirming_the_preview_writes_everything_and_shows_102_of_102(staff_client, preview, staff_user):
    token = preview.context["token"]

    response = confirm(staff_client, token)

    assert response.status_code == 302
    assert response.url == reverse("admin:secretariat_completeness")
    assert counts() == (102, 102, 102)
    assert any("Impor selesai: 102 baris" in text for text in message_texts(response))
    assert not (staging_dir() / f"{token}.bin").exists()
    records = Person.history.all()
    assert set(records.values_list("history_user", "history_change_reason")) == {
        (staff_user.pk, "impor lewat admin")
    }

    page = staff_client.get(response.url)
    assert page.status_code == 200
    assert '<strong id="total-filled">102/102</strong>' in page.content.decode()


def test_csv_upload_previews_and_confirms_too(staff_client, rows):
    response = upload(staff_client, demo_csv(), name="anggota.csv")
    assert response.status_code == 200
    assert counts() == (0, 0, 0)

    assert confirm(staff_client, response.context["token"]).status_code == 302
    assert counts() == (102, 102, 102)


def test_upload_with_bad_rows_lists_every_problem_without_a_confirm_button(staff_client, rows):
    edited = [list(row) for row in rows]
    edited[4][COL["jabatan"]] = "ketua"
    edited[60][COL["nama"]] = "<script>alert(1)</script>"
    edited[101][COL["nik"]] = edited[101][COL["nik"]][:15]
    files_before = staged_files()

    response = upload(staff_client, xlsx_bytes(edited))

    assert response.status_code == 200
    html = response.content.decode()
    result = response.context["result"]
    assert [(p.row, p.column) for p in result.errors] == [(6, "jabatan"), (62, "nama"), (103, "nik")]
    assert "3 masalah ditemukan" in html
    for problem in result.errors:
        assert escape(str(problem)) in html
    assert escape(f"Baris 6 ({rows[4][COL['nama']]}), kolom jabatan") in html
    assert escape(f"Baris 103 ({rows[101][COL['nama']]}), kolom nik") in html
    assert "<script>alert(1)</script>" not in html
    assert CONFIRM_BUTTON not in html
    assert 'name="token"' not in html
    assert "token" not in response.context
    assert staged_files() == files_before
    assert counts() == (0, 0, 0)


def test_the_template_left_with_its_example_row_is_refused_on_the_page(staff_client, rows):
    template = staff_client.get(reverse("admin:secretariat_import_template")).getvalue()

    response = upload(staff_client, template)

    html = response.content.decode()
    assert escape("Baris 2 (Siti Contoh Saja), kolom nama: Ini baris contoh dari templat impor") in html
    assert CONFIRM_BUTTON not in html
    assert counts() == (0, 0, 0)


def test_warnings_are_shown_and_do_not_block_the_import(staff_client, rows):
    edited = [list(row) for row in rows]
    edited[7][COL["nik"]] = "630101" + rows[7][COL["nik"]][6:]

    response = upload(staff_client, xlsx_bytes(edited))

    html = response.content.decode()
    assert "Peringatan" in html
    assert escape(f"Baris 9 ({rows[7][COL['nama']]}), kolom nik: NIK tidak diawali 6471") in html
    assert CONFIRM_BUTTON in html
    assert confirm(staff_client, response.context["token"]).status_code == 302
    assert Person.objects.filter(nik=edited[7][COL["nik"]]).exists()


@pytest.mark.parametrize(
    "name,data,message",
    [
        pytest.param(
            "anggota.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
            "Berkas .xls (Excel 97-2003) tidak didukung. Simpan ulang sebagai .xlsx atau .csv.",
            id="legacy-xls",
        ),
        pytest.param(
            "foto.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64,
            "Berkas bukan CSV atau XLSX (berisi data biner).",
            id="png-image",
        ),
        pytest.param(
            "anggota.xlsx",
            b"PK\x03\x04" + b"rusak" * 40,
            "Berkas bukan XLSX yang sah (mungkin rusak).",
            id="broken-zip-named-xlsx",
        ),
        pytest.param(
            "catatan.xlsx",
            b"Catatan rapat pleno\nbukan roster\n",
            "Judul kolom tidak sesuai",
            id="text-named-xlsx",
        ),
    ],
)
def test_wrong_file_type_shows_a_clear_indonesian_error(staff_client, name, data, message):
    response = upload(staff_client, data, name=name)

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(message) in html
    assert "masalah ditemukan" in html
    assert CONFIRM_BUTTON not in html
    assert counts() == (0, 0, 0)


def test_zip_archive_that_is_not_a_workbook_shows_a_clear_error(staff_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("foto.jpg", b"\xff\xd8\xff")

    response = upload(staff_client, buffer.getvalue(), name="arsip.zip")

    assert response.status_code == 200
    assert "Berkas bukan XLSX yang sah" in response.content.decode()
    assert counts() == (0, 0, 0)


def test_damaged_xlsx_shows_a_clear_error_not_a_500(staff_client, rows):
    source = io.BytesIO(xlsx_bytes(rows))
    damaged = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(damaged, "w") as archive:
        for name in original.namelist():
            data = original.read(name)
            archive.writestr(name, data[: len(data) // 2] if name == "xl/worksheets/sheet1.xml" else data)

    response = upload(staff_client, damaged.getvalue())

    assert response.status_code == 200
    assert "Berkas bukan XLSX yang sah (mungkin rusak)." in response.content.decode()
    assert CONFIRM_BUTTON not in response.content.decode()
    assert counts() == (0, 0, 0)


def test_empty_upload_is_refused_by_the_form(staff_client):
    response = upload(staff_client, b"", name="kosong.csv")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert CONFIRM_BUTTON not in response.content.decode()
    assert counts() == (0, 0, 0)


def test_oversized_upload_is_refused_by_the_form(staff_client, settings):
    settings.IMPORT_MAX_BYTES = 1024

    response = upload(staff_client, b"kode_kelurahan," * 100, name="besar.csv")

    assert response.status_code == 200
    assert "Berkas terlalu besar" in response.content.decode()
    assert counts() == (0, 0, 0)


def test_upload_with_more_rows_than_the_page_takes_points_to_the_command_and_writes_nothing(
    staff_client, settings
):
    settings.IMPORT_WEB_MAX_ROWS = 101
    staged_before = staged_files()

    response = upload(staff_client, demo_csv(), name="anggota.csv")  # 102 rows

    text = response.content.decode()
    assert "Berkas berisi lebih dari 101 baris data" in text
    assert "python manage.py import_members" in text
    assert CONFIRM_BUTTON not in text
    assert counts() == (0, 0, 0)
    assert staged_files() == staged_before
    # At the limit the same file is previewed, and the command has no limit.
    settings.IMPORT_WEB_MAX_ROWS = 102
    assert CONFIRM_BUTTON in upload(staff_client, demo_csv(), name="anggota.csv").content.decode()
    assert members_import(data=demo_csv(), dry_run=True).ok


def test_a_row_limit_counts_data_rows_and_is_written_the_indonesian_way(rows):
    lines = demo_csv().splitlines(keepends=True)
    big = lines[0] + lines[1] * 20_001  # refused on reading the 20,001st row, before any check
    result = members_import(data=big, dry_run=True, max_rows=20_000)
    (problem,) = result.errors
    assert str(problem).startswith("Berkas: Berkas berisi lebih dari 20.000 baris data")
    # Rows with a problem count too: a file of bad rows is refused as soon, not read and checked in full.
    bad = lines[0] + lines[1].rstrip(b"\r\n") + b",di luar kolom\n"
    bad += (lines[1].rstrip(b"\r\n") + b",di luar kolom\n") * 20_000
    (problem,) = members_import(data=bad, dry_run=True, max_rows=20_000).errors
    assert "lebih dari 20.000 baris" in str(problem)
    blank_lines_between = lines[0] + b"\n".join(lines[1:4]) + b"\n,,,\n\n"  # blank rows do not count
    assert members_import(data=blank_lines_between, dry_run=True, max_rows=3).ok


# --- the confirm token -------------------------------------------------------------------------------


def assert_token_refused(response):
    assert response.status_code == 302
    assert response.url == reverse(IMPORT_URL)
    assert any("Unggah ulang" in text for text in message_texts(response))


def test_forged_token_is_refused(staff_client, preview):
    forged = "0123456789abcdef" * 2
    assert forged != preview.context["token"]

    assert_token_refused(confirm(staff_client, forged))
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("token", ["../../../etc/passwd", "", "ABCDEF" * 6, "0" * 31])
def test_malformed_token_is_refused(staff_client, preview, token):
    assert_token_refused(confirm(staff_client, token))
    assert counts() == (0, 0, 0)
    assert (staging_dir() / f"{preview.context['token']}.bin").exists()


def test_reused_token_is_refused_and_writes_nothing_more(staff_client, preview):
    token = preview.context["token"]
    assert confirm(staff_client, token).status_code == 302
    after_first = counts()

    assert_token_refused(confirm(staff_client, token))
    assert counts() == after_first == (102, 102, 102)


def test_token_of_another_staff_members_preview_is_refused(client, preview, django_user_model):
    other = django_user_model.objects.create_superuser("staf2", "staf2@kpu.test", "sandi-staf-456")
    client.force_login(other)
    token = preview.context["token"]

    assert_token_refused(confirm(client, token))
    assert counts() == (0, 0, 0)
    assert (staging_dir() / f"{token}.bin").exists()


def test_roster_changed_between_preview_and_confirm_is_reported_and_nothing_written(
    staff_client, preview, rows
):
    holder = make_appointment(kelurahan="64.71.01.1001", role="sekretaris")
    before = counts()

    response = confirm(staff_client, preview.context["token"])

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(f"Baris 2 ({rows[0][COL['nama']]}), kolom jabatan") in html
    assert escape(holder.person.name) in html
    assert CONFIRM_BUTTON not in html
    assert counts() == before


# --- permissions -------------------------------------------------------------------------------------


def test_viewer_may_not_open_or_post_to_the_import_page(client, viewer_user, rows):
    client.force_login(viewer_user)

    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert upload(client, xlsx_bytes(rows)).status_code == 403
    assert confirm(client, "0" * 32).status_code == 403
    assert counts() == (0, 0, 0)


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse(IMPORT_URL))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- downloads ---------------------------------------------------------------------------------------


def test_template_download_is_an_xlsx_attachment_with_the_header(staff_client):
    response = staff_client.get(reverse("admin:secretariat_import_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    assert [c.value for c in sheet[1]] == FULL_HEADER


@pytest.fixture
def imported(rows):
    assert members_import(data=write_csv(HEADER, rows), dry_run=False).ok


def test_csv_export_download(staff_client, imported, rows):
    response = staff_client.get(reverse("admin:secretariat_export", args=["csv"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="anggota-sekretariat-pps-')
    assert response["Content-Disposition"].endswith('.csv"')
    lines = response.getvalue().decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(FULL_HEADER)
    assert len(lines) == 103


def test_xlsx_export_download(staff_client, imported, rows):
    response = staff_client.get(reverse("admin:secretariat_export", args=["xlsx"]))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.max_row == 103
    assert [c.value for c in sheet[2]][:3] == rows[0][:3]


def test_xlsx_export_download_survives_control_characters_in_an_address(staff_client, imported, rows):
    Person.objects.filter(nik=rows[0][COL["nik"]]).update(address="Jl. Mawar\x0bRT 3")

    response = staff_client.get(reverse("admin:secretariat_export", args=["xlsx"]))

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.cell(row=2, column=COL["alamat"] + 1).value == "Jl. Mawar RT 3"


def test_unknown_export_format_is_not_found(staff_client):
    assert staff_client.get(reverse("admin:secretariat_export", args=["pdf"])).status_code == 404


def test_viewer_may_download_the_template_and_exports(client, viewer_user, imported):
    client.force_login(viewer_user)

    assert client.get(reverse("admin:secretariat_import_template")).status_code == 200
    assert client.get(reverse("admin:secretariat_export", args=["csv"])).status_code == 200
    assert client.get(reverse("admin:secretariat_export", args=["xlsx"])).status_code == 200


def test_staged_uploads_older_than_two_hours_are_removed(staff_client, settings, tmp_path):
    import os
    import time
    from pathlib import Path

    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    staging = Path(tmp_path) / "private" / "import_staging"
    staging.mkdir(parents=True)
    old, fresh = staging / ("a" * 32 + ".bin"), staging / ("b" * 32 + ".bin")
    old.write_bytes(b"6471010101900001")
    fresh.write_bytes(b"6471010101900002")
    three_hours_ago = time.time() - 3 * 3600
    os.utime(old, (three_hours_ago, three_hours_ago))
    staff_client.get(reverse("admin:secretariat_import"))
    staff_client.post(reverse("admin:secretariat_import"), {})
    assert not old.exists()
    assert fresh.exists()
