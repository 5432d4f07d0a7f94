"""Hostile roster uploads (issue #14, item 1): files built to make the import read for a minute or answer
in English. Each is refused with an Indonesian message, and nothing is written or staged.

The 3,000,000-blank-row XLSX is written directly with zipfile: rows without coordinates, one styled empty
cell each, the same bytes repeated (what openpyxl must parse row by row; the file itself stays small).
Its time before and after the fix is in bench/RESULTS.md (bench/hostile_import.py), not asserted here.
"""

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from secretariat.models import Appointment, Person
from secretariat.services.demo import demo_rows
from secretariat.services.importing import members_import
from secretariat.services.roster_format import HEADER

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:secretariat_import"
CONFIRM_BUTTON = 'value="Simpan impor"'
BLANK_RUN = "Lebih dari 1.000 baris kosong berturut-turut mulai baris ini"

PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
        '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
        'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="Anggota" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _row(values) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' if value else "<c/>" for value in values)
    return f"<row>{cells}</row>"


def hostile_xlsx(rows, *, blank_rows=0, tail="") -> bytes:
    """The header and `rows`, then `blank_rows` rows of one styled empty cell, then raw `tail` XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>'
            )
            sheet.write("".join(_row(values) for values in [HEADER, *rows]).encode())
            block = b'<row><c s="0"/></row>' * 10_000
            for _ in range(blank_rows // 10_000):
                sheet.write(block)
            sheet.write(b'<row><c s="0"/></row>' * (blank_rows % 10_000))
            sheet.write((tail + "</sheetData></worksheet>").encode())
    return buffer.getvalue()


def counts():
    return (Person.objects.count(), Appointment.objects.count(), Person.history.count())


def staged_files():
    folder = Path(settings.MEDIA_ROOT) / "private" / "import_staging"
    return set(folder.glob("*.bin")) if folder.exists() else set()


def upload(client, data, name):
    return client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, data)})


def assert_refused_upload(client, data, name, *fragments):
    files_before = staged_files()
    response = upload(client, data, name)
    assert response.status_code == 200
    html = response.content.decode()
    result = response.context["result"]
    assert not result.ok and not result.written
    for fragment in fragments:
        assert escape(fragment) in html, html[-3000:]
    assert CONFIRM_BUTTON not in html
    assert staged_files() == files_before
    assert counts() == (0, 0, 0)
    return result


@pytest.fixture
def rows(db):
    return demo_rows()


def test_an_xlsx_of_three_million_blank_rows_is_refused_before_it_is_parsed(staff_client, rows):
    data = hostile_xlsx(rows[:1], blank_rows=3_000_000)  # 63 MB of sheet XML, 0.3 MB of file

    result = assert_refused_upload(
        staff_client,
        data,
        "anggota.xlsx",
        "Berkas: Isi berkas XLSX ini jauh lebih besar daripada roster 20.000 baris yang dapat diperiksa",
    )
    assert "salin data saja ke lembar kerja baru" in result.errors[0].message


def test_the_unpacked_size_limit_follows_the_row_limit_and_lets_real_rosters_through(rows, settings):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert members_import(data=buffer.getvalue(), dry_run=True, max_rows=102).ok
    # 40,000 blank rows (80,000 elements) are too many for a roster of 102 rows, not for one of 1,000.
    data = hostile_xlsx(rows[:1], blank_rows=40_000)
    [problem] = members_import(data=data, dry_run=True, max_rows=102).errors
    assert "daripada roster 102 baris" in problem.message
    [problem] = members_import(data=data, dry_run=True, max_rows=1_000).errors
    assert problem.message.startswith(BLANK_RUN)


def test_blank_rows_under_the_size_limit_are_refused_at_the_first_thousand(staff_client, rows):
    data = hostile_xlsx(rows[:1], blank_rows=30_000)  # 60,000 elements: under the upload's 1,070,050

    result = assert_refused_upload(staff_client, data, "anggota.xlsx", f"Baris 3: {BLANK_RUN}")
    assert [(p.row, p.column) for p in result.errors] == [(3, None)]
    assert "Hapus baris-baris kosong itu" in result.errors[0].message


def test_a_far_away_cell_does_not_make_the_reader_walk_a_million_empty_rows(staff_client, rows):
    # openpyxl fills a gap in row numbers with empty rows; one cell at Excel's last row is such a gap.
    data = hostile_xlsx(
        rows[:2], tail='<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    )

    result = assert_refused_upload(staff_client, data, "anggota.xlsx", f"Baris 4: {BLANK_RUN}")
    assert len(result.errors) == 1


def test_the_command_line_refuses_the_blank_rows_too(tmp_path, rows):
    path = tmp_path / "kosong.xlsx"
    path.write_bytes(hostile_xlsx(rows[:1], blank_rows=100_000))

    result = members_import(data=path.read_bytes(), dry_run=False)

    assert [(p.row, str(p)) for p in result.errors] == [(3, f"Baris 3: {result.errors[0].message}")]
    assert result.errors[0].message.startswith(BLANK_RUN)
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_up_to_a_thousand_blank_rows_in_a_row_are_still_only_blank_rows(rows, kind):
    # Trailing formatted rows and blank lines between kecamatan are normal: a thousand of them import.
    if kind == "xlsx":
        data = hostile_xlsx(rows[:50], blank_rows=1_000, tail="".join(_row(row) for row in rows[50:]))
    else:
        buffer = io.StringIO()
        csv.writer(buffer).writerows([HEADER, *rows[:50], *[[]] * 1_000, *rows[50:]])
        data = buffer.getvalue().encode()

    result = members_import(data=data, dry_run=True)

    assert result.ok, result.errors[:3]
    assert [r.row for r in result.rows][49:51] == [51, 1052]


def test_an_upload_counts_blank_rows_between_data_rows_too(staff_client, rows, settings):
    # Never a thousand blank rows in a row, but 999 after every data row: a web upload reads at most its
    # row limit plus 1,000 rows, blank or not.
    settings.IMPORT_WEB_MAX_ROWS = 5
    tail = "".join(_row(row) + '<row><c s="0"/></row>' * 999 for row in rows[1:5])
    data = hostile_xlsx(rows[:1], tail=tail)

    assert_refused_upload(
        staff_client, data, "anggota.xlsx", "Berkas berisi lebih dari 1.005 baris termasuk baris kosong"
    )
    # The command line has no row limit: the same file is checked there.
    assert members_import(data=data, dry_run=True).ok


def test_a_csv_field_over_128_kib_is_refused_in_indonesian(staff_client, rows):
    edited = [list(row) for row in rows[:3]]
    edited[2][HEADER.index("alamat")] = "x" * 200_000
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *edited])

    result = assert_refused_upload(
        staff_client, buffer.getvalue().encode(), "anggota.csv", "Baris 4: CSV tidak dapat dibaca: ada isian"
    )
    message = result.errors[0].message
    assert "128 KiB" in message and "tanda kutip" in message
    assert "field" not in message and "limit" not in message


def test_an_unclosed_quote_that_swallows_the_file_names_the_row_where_it_starts(rows):
    lines = [",".join(HEADER), *(",".join(row) for row in rows[:3])]
    lines[2] = lines[2].replace(",P,", ',"P,', 1).replace(",L,", ',"L,', 1)  # a stray quote in row 3
    data = ("\r\n".join(lines) + "\r\n" + "x" * 140_000 + "\r\n").encode()

    result = members_import(data=data, dry_run=True)

    [problem] = result.errors
    assert problem.row == 3 and "tanda kutip" in problem.message


def test_a_nul_byte_deep_in_a_csv_is_refused_with_its_row(rows):
    edited = [list(row) for row in rows]
    edited[40][HEADER.index("nama")] += "\x00"  # far past the 4 KiB the file type check looks at
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *edited])

    result = members_import(data=buffer.getvalue().encode(), dry_run=True)

    assert [(p.row, p.column) for p in result.errors] == [(42, "nama")]
    assert result.errors[0].message == "Berisi karakter kendali yang tidak diizinkan."


def test_a_sheet_of_rows_beyond_the_columns_is_still_one_problem_per_row(rows):
    # Not slow, but worth pinning: a row with a cell far to the right is refused, not padded forever.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(rows[0])
    sheet.cell(row=2, column=16_384, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = members_import(data=buffer.getvalue(), dry_run=True)

    assert [(p.row, p.message) for p in result.errors] == [(2, "Ada isian di luar kolom yang ditentukan.")]
