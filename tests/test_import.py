"""`import_members`: the roster import (service and command). All or nothing, every problem with its row.

Files are real CSV/XLSX files in tmp_path, built from the fictional 102-row demo roster and edited per test.
The header is spreadsheet row 1, so the demo row at list index i is spreadsheet row i + 2.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from secretariat import identity
from secretariat.models import Appointment, ElectionPeriod, Person
from secretariat.services.demo import demo_csv, demo_rows
from secretariat.services.importing import MAX_CELL_LENGTH, members_import
from secretariat.services.roster_format import HEADER

from .factories import make_appointment, make_person, office

pytestmark = pytest.mark.django_db

COL = {name: index for index, name in enumerate(HEADER)}
LAST = 101  # list index of the last of the 102 demo rows
LAST_ROW = 103  # ... and its spreadsheet row number


def sheet_row(index: int) -> int:
    return index + 2


def where(rows, index: int, column: str) -> str:
    """How a problem line starts: the row number, the row's person, the column."""
    return f"Baris {sheet_row(index)} ({rows[index][COL['nama']]}), kolom {column}"


# --- files -------------------------------------------------------------------------------------------


def write_csv(path, rows, *, header=HEADER, delimiter=","):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows, *, header=HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_roster(tmp_path, rows, kind="csv", **kwargs):
    writer = {"csv": write_csv, "xlsx": write_xlsx}[kind]
    return writer(tmp_path / f"anggota.{kind}", rows, **kwargs)


# --- running the import ------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_import(path, *options) -> Run:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_members", str(path), *options, stdout=out, stderr=err)
    except SystemExit as exc:
        return Run(exc.code, out.getvalue(), err.getvalue())
    return Run(0, out.getvalue(), err.getvalue())


def counts():
    return (
        Person.objects.count(),
        Appointment.objects.count(),
        Person.history.count(),
        Appointment.history.count(),
    )


def stored_roster():
    """What the database holds, in the file's column order, sorted."""
    return sorted(
        [
            a.kelurahan.code,
            a.role,
            a.person.nik,
            a.person.name,
            a.person.gender,
            a.person.birth_place,
            a.person.birth_date.isoformat(),
            a.person.employment_status,
            a.person.nip,
            a.person.phone,
            a.person.email,
            a.person.address,
        ]
        for a in Appointment.objects.active().select_related("person", "kelurahan")
    )


def assert_rejected(path, *expected, rows=()):
    """The command exits 1 listing the problems, the service reports them, and nothing is written.

    `expected` are (row, column, message fragment); every problem must be on one of their rows.
    """
    before = counts()
    run = run_import(path)
    assert run.code == 1, run.out + run.err
    assert "tidak ada data yang disimpan" in run.err
    assert "Impor selesai" not in run.out
    assert counts() == before

    result = members_import(data=path.read_bytes(), dry_run=False)
    assert not result.ok
    assert not result.written
    assert counts() == before

    for row, column, fragment in expected:
        found = [p for p in result.errors if (p.row, p.column) == (row, column) and fragment in p.message]
        assert found, f"expected row {row}, column {column}, {fragment!r}; got {result.errors}"
        for problem in found:
            assert str(problem) in run.err
    assert {p.row for p in result.errors} == {row for row, _, _ in expected}
    assert f"{len(result.errors)} masalah ditemukan" in run.err
    # The NIK is personal data: problems never repeat it in full.
    for row in rows:
        assert row[COL["nik"]] not in run.err
    return result, run


def problem_text(result):
    return "\n".join(str(p) for p in result.errors)


# --- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture
def rows(db):
    return demo_rows()


def last_index(rows, status):
    return max(i for i, row in enumerate(rows) if row[COL["status_kepegawaian"]] == status)


def row_date(row):
    return dt.date.fromisoformat(row[COL["tanggal_lahir"]])


# --- a good file -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_good_roster_of_102_rows_imports_every_person_and_appointment(tmp_path, rows, kind):
    path = write_roster(tmp_path, rows, kind)

    run = run_import(path)

    assert run.code == 0, run.err
    assert "Impor selesai: 102 baris: 102 orang baru, 0 diperbarui, 102 pengangkatan baru" in run.out
    assert stored_roster() == sorted(rows)
    period = ElectionPeriod.current()
    assert Appointment.objects.filter(period=period, start_date=period.term_start).count() == 102


def test_demo_csv_bytes_import_through_the_service(rows):
    result = members_import(data=demo_csv(), dry_run=False)

    assert result.ok, result.errors
    assert result.written
    assert len(result.rows) == 102
    assert stored_roster() == sorted(rows)


def test_the_demo_roster_never_gives_one_name_to_two_posts_of_a_kelurahan(rows):
    """Two fictional people of one name in one kelurahan read, in the matrix and the lampiran, as one
    person holding two posts (a new user took "Rahmat Latihan Manggar" for that)."""
    by_kelurahan = {}
    for row in rows:
        by_kelurahan.setdefault(row[0], []).append(row[3])
    assert len(by_kelurahan) == 34
    assert {code: names for code, names in by_kelurahan.items() if len(set(names)) != 3} == {}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_kelurahan_code_without_dots_is_accepted(tmp_path, rows, kind):
    undotted = [[row[0].replace(".", ""), *row[1:]] for row in rows]
    assert undotted[0][0] == "6471011001"

    run = run_import(write_roster(tmp_path, undotted, kind))

    assert run.code == 0, run.err
    assert stored_roster() == sorted(rows)


def test_xlsx_kelurahan_code_stored_as_a_number_cell(tmp_path, rows):
    edited = [[int(row[0].replace(".", "")), *row[1:]] for row in rows]

    run = run_import(write_roster(tmp_path, edited, "xlsx"))

    assert run.code == 0, run.err
    assert stored_roster() == sorted(rows)


def test_kelurahan_code_forms_may_be_mixed_in_one_file(tmp_path, rows):
    mixed = [[row[0].replace(".", "") if i % 2 else row[0], *row[1:]] for i, row in enumerate(rows)]

    run = run_import(write_roster(tmp_path, mixed))

    assert run.code == 0, run.err
    assert stored_roster() == sorted(rows)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_birth_dates_in_every_accepted_text_format(tmp_path, rows, kind):
    formats = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
    edited = [list(row) for row in rows]
    for i, row in enumerate(edited):
        row[COL["tanggal_lahir"]] = row_date(row).strftime(formats[i % 3])
    assert edited[1][COL["tanggal_lahir"]].count("/") == 2

    run = run_import(write_roster(tmp_path, edited, kind))

    assert run.code == 0, run.err
    assert stored_roster() == sorted(rows)


@pytest.mark.parametrize("as_datetime", [False, True], ids=["date", "datetime"])
def test_xlsx_birth_dates_as_real_date_cells(tmp_path, rows, as_datetime):
    edited = [list(row) for row in rows]
    for row in edited:
        value = row_date(row)
        row[COL["tanggal_lahir"]] = dt.datetime.combine(value, dt.time()) if as_datetime else value
    path = write_roster(tmp_path, edited, "xlsx")
    cell = openpyxl.load_workbook(path).active.cell(row=2, column=COL["tanggal_lahir"] + 1)
    assert cell.is_date

    run = run_import(path)

    assert run.code == 0, run.err
    assert stored_roster() == sorted(rows)


def test_xlsx_nik_stored_as_a_number_cell(tmp_path, rows):
    edited = [list(row) for row in rows]
    for row in edited:
        row[COL["nik"]] = int(row[COL["nik"]])
    path = write_roster(tmp_path, edited, "xlsx")
    assert openpyxl.load_workbook(path).active.cell(row=2, column=COL["nik"] + 1).data_type == "n"

    run = run_import(path)

    assert run.code == 0, run.err
    assert stored_roster() == sorted(rows)


def scientific_numbers(path):
    """Rewrite the sheet's 16-digit numbers as 6.471014506900001E+15, as some spreadsheet tools store them."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    sheet = entries["xl/worksheets/sheet1.xml"].decode()
    sheet, replaced = re.subn(r"<v>(\d{16})</v>", lambda m: f"<v>{int(m.group(1)):.15E}</v>", sheet)
    entries["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return replaced


def test_xlsx_nik_stored_as_a_floating_point_number_cell(tmp_path, rows):
    edited = [list(row) for row in rows]
    for row in edited:
        row[COL["nik"]] = int(row[COL["nik"]])
    path = write_roster(tmp_path, edited, "xlsx")
    assert scientific_numbers(path) == 102
    assert isinstance(openpyxl.load_workbook(path).active.cell(row=2, column=COL["nik"] + 1).value, float)

    run = run_import(path)

    assert run.code == 0, run.err
    assert stored_roster() == sorted(rows)


def test_csv_with_semicolons_and_upper_case_header_as_excel_saves_it(tmp_path, rows):
    path = write_csv(tmp_path / "anggota.csv", rows, header=[h.upper() for h in HEADER], delimiter=";")

    run = run_import(path)

    assert run.code == 0, run.err
    assert stored_roster() == sorted(rows)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_blank_lines_are_skipped_and_do_not_shift_row_numbers(tmp_path, rows, kind):
    edited = [list(row) for row in rows]
    edited[LAST][COL["jabatan"]] = "ketua"
    path = write_roster(tmp_path, [*edited[:50], [], ["", "", ""], *edited[50:]], kind)

    assert_rejected(path, (LAST_ROW + 2, "jabatan", "Jabatan harus"), rows=rows)


def test_multi_line_address_imports_and_counts_as_one_spreadsheet_row(tmp_path, rows):
    edited = [list(row) for row in rows]
    edited[0][COL["alamat"]] = "Jl. Mawar No. 3\nRT 12\nManggar"
    edited[LAST][COL["jabatan"]] = "ketua"
    path = write_roster(tmp_path, edited)

    # The quoted three-line cell is one record: the bad last row is still row 103.
    assert_rejected(path, (LAST_ROW, "jabatan", "Jabatan harus"), rows=rows)

    edited[LAST][COL["jabatan"]] = rows[LAST][COL["jabatan"]]
    run = run_import(write_roster(tmp_path, edited))
    assert run.code == 0, run.err
    assert Person.objects.get(nik=rows[0][COL["nik"]]).address == "Jl. Mawar No. 3\nRT 12\nManggar"


# --- one bad row: nothing is written -----------------------------------------------------------------


def nip_for(row):
    return identity.make_nip(
        birth_date=row_date(row), appointed=(2015, 3), gender=row[COL["jenis_kelamin"]], serial=7
    )


def other_year(row):
    value = row_date(row)
    return value.replace(year=value.year - 1).isoformat()


NIK_DATE = "Tanggal lahir pada NIK"
FULL_WIDTH = str.maketrans("0123456789", "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19")


def other_century(row):
    return str(int(row[COL["tanggal_lahir"]][:4]) - 100) + row[COL["tanggal_lahir"]][4:]


# (id, column edited, new value from the row, which row to edit, column reported, message fragment)
BAD_CELLS = [
    ("nik-15-digits", "nik", lambda r: r[COL["nik"]][:15], None, "nik", "harus 16 digit"),
    ("nik-17-digits", "nik", lambda r: r[COL["nik"]] + "1", None, "nik", "harus 16 digit"),
    ("nik-letters", "nik", lambda r: r[COL["nik"]][:12] + "12AB", None, "nik", "hanya boleh berisi angka"),
    ("nik-month-13", "nik", lambda r: r[COL["nik"]][:8] + "13" + r[COL["nik"]][10:], None, "nik", NIK_DATE),
    ("nik-day-32", "nik", lambda r: r[COL["nik"]][:6] + "32" + r[COL["nik"]][8:], None, "nik", NIK_DATE),
    (
        "nik-full-width-digits",
        "nik",
        lambda r: r[COL["nik"]].translate(FULL_WIDTH),
        None,
        "nik",
        "hanya boleh berisi angka",
    ),
    ("nik-serial-0000", "nik", lambda r: r[COL["nik"]][:12] + "0000", None, "nik", "0000"),
    ("nik-empty", "nik", lambda r: "", None, "nik", ""),
    (
        "birth-date-disagrees-with-nik",
        "tanggal_lahir",
        other_year,
        None,
        "tanggal_lahir",
        "sesuai dengan NIK",
    ),
    (
        "birth-date-century-typo",
        "tanggal_lahir",
        other_century,
        "NON_ASN",
        "tanggal_lahir",
        "sesuai dengan NIK",
    ),
    (
        "gender-disagrees-with-nik",
        "jenis_kelamin",
        lambda r: "L" if r[COL["jenis_kelamin"]] == "P" else "P",
        None,
        "jenis_kelamin",
        "sesuai dengan NIK",
    ),
    ("date-in-words", "tanggal_lahir", lambda r: "17 Mei 1990", None, "tanggal_lahir", "YYYY-MM-DD"),
    ("date-31-february", "tanggal_lahir", lambda r: "31/02/1990", None, "tanggal_lahir", "YYYY-MM-DD"),
    ("gender-unknown", "jenis_kelamin", lambda r: "X", None, "jenis_kelamin", "L (laki-laki)"),
    ("status-unknown", "status_kepegawaian", lambda r: "PNS", None, "status_kepegawaian", "ASN"),
    ("nip-17-digits", "nip", lambda r: r[COL["nip"]][:17], "ASN", "nip", "harus 18 digit"),
    ("nip-letters", "nip", lambda r: r[COL["nip"]][:14] + "1ABC", "ASN", "nip", "hanya boleh berisi angka"),
    (
        "nip-gender-digit-disagrees",
        "nip",
        lambda r: r[COL["nip"]][:14] + ("2" if r[COL["jenis_kelamin"]] == "L" else "1") + r[COL["nip"]][15:],
        "ASN",
        "nip",
        "jenis kelamin",
    ),
    ("asn-without-nip", "nip", lambda r: "", "ASN", "nip", "NIP wajib diisi untuk ASN"),
    ("non-asn-with-nip", "nip", nip_for, "NON_ASN", "nip", "NIP harus dikosongkan untuk non-ASN"),
    (
        "kelurahan-unknown",
        "kode_kelurahan",
        lambda r: "64.71.01.1999",
        None,
        "kode_kelurahan",
        "tidak dikenal",
    ),
    (
        "kelurahan-outside-balikpapan",
        "kode_kelurahan",
        lambda r: "6472011001",
        None,
        "kode_kelurahan",
        "64.72.01.1001 tidak dikenal",
    ),
    ("kelurahan-by-name", "kode_kelurahan", lambda r: "Manggar", None, "kode_kelurahan", "64.71.01.1001"),
    ("role-unknown", "jabatan", lambda r: "ketua", None, "jabatan", "sekretaris, bendahara, staf_teknis"),
    ("name-empty", "nama", lambda r: "", None, "nama", "Wajib diisi"),
    ("name-script-tag", "nama", lambda r: "<script>alert(1)</script>", None, "nama", "Nama hanya boleh"),
    ("name-template-variable", "nama", lambda r: "Budi {{ settings.SECRET_KEY }}", None, "nama", "Nama"),
    ("name-template-tag", "nama", lambda r: "Budi {% debug %}", None, "nama", "Nama hanya boleh"),
    ("name-with-digits", "nama", lambda r: "Budi 2", None, "nama", "Nama hanya boleh"),
    ("birth-place-markup", "tempat_lahir", lambda r: "<b>Balikpapan</b>", None, "tempat_lahir", "< > { } %"),
    ("birth-place-template", "tempat_lahir", lambda r: "{{ 7|add:7 }}", None, "tempat_lahir", "< > { } %"),
    ("birth-place-empty", "tempat_lahir", lambda r: "", None, "tempat_lahir", "Wajib diisi"),
    ("name-bell-character", "nama", lambda r: "Budi\x07 Contoh", None, "nama", "karakter kendali"),
    ("name-escape-sequence", "nama", lambda r: "\x1b[31mBudi", None, "nama", "karakter kendali"),
    ("name-newline", "nama", lambda r: "Budi\nContoh", None, "nama", "karakter kendali"),
    ("name-tab", "nama", lambda r: "Budi\tContoh", None, "nama", "karakter kendali"),
    ("address-vertical-tab", "alamat", lambda r: "Jl. Mawar\x0b3", None, "alamat", "karakter kendali"),
    ("address-delete-char", "alamat", lambda r: "Jl. Mawar\x7f", None, "alamat", "karakter kendali"),
    ("address-too-long", "alamat", lambda r: "J" * (MAX_CELL_LENGTH + 1), None, "alamat", "terlalu panjang"),
    ("name-too-long", "nama", lambda r: "Budi " * 200, None, "nama", "terlalu panjang"),
    ("phone-with-words", "telepon", lambda r: "telp 0812", None, "telepon", "telepon"),
    ("email-invalid", "email", lambda r: "budi@", None, "email", ""),
]


def pick(rows, needs):
    return LAST if needs is None else last_index(rows, needs)


@pytest.mark.parametrize(
    "column,value,needs,reported,fragment",
    [pytest.param(*case[1:], id=case[0]) for case in BAD_CELLS],
)
def test_one_bad_row_after_good_ones_is_reported_and_nothing_is_written(
    tmp_path, rows, column, value, needs, reported, fragment
):
    index = pick(rows, needs)
    edited = [list(row) for row in rows]
    edited[index][COL[column]] = value(rows[index])
    assert edited[index] != rows[index]

    assert_rejected(write_roster(tmp_path, edited), (sheet_row(index), reported, fragment), rows=rows)
    assert counts() == (0, 0, 0, 0)


def test_bad_last_row_leaves_existing_records_untouched(tmp_path, rows):
    existing = make_person(birth_date=dt.date(1985, 2, 3))
    edited = [list(row) for row in rows]
    edited[LAST][COL["jenis_kelamin"]] = "Q"

    assert_rejected(write_roster(tmp_path, edited), (LAST_ROW, "jenis_kelamin", "L (laki-laki)"), rows=rows)
    assert counts() == (1, 0, 1, 0)
    assert list(Person.objects.values_list("pk", "nik")) == [(existing.pk, existing.nik)]


@pytest.mark.parametrize(
    "column,value,needs,reported,fragment",
    [
        pytest.param(*case[1:], id=case[0])
        for case in BAD_CELLS
        if case[0]
        in {
            "nik-15-digits",
            "nik-letters",
            "gender-disagrees-with-nik",
            "non-asn-with-nip",
            "asn-without-nip",
            "kelurahan-unknown",
            "role-unknown",
            "name-script-tag",
            "address-too-long",
        }
    ],
)
def test_one_bad_row_in_xlsx_is_reported_and_nothing_is_written(
    tmp_path, rows, column, value, needs, reported, fragment
):
    index = pick(rows, needs)
    edited = [list(row) for row in rows]
    edited[index][COL[column]] = value(rows[index])

    assert_rejected(write_roster(tmp_path, edited, "xlsx"), (sheet_row(index), reported, fragment), rows=rows)


def test_huge_xlsx_cell_is_refused_with_its_row_and_column(tmp_path, rows):
    edited = [list(row) for row in rows]
    edited[40][COL["alamat"]] = "Jl. " + "Panjang " * 4000  # ~32 000 characters, Excel's cell limit

    assert_rejected(write_roster(tmp_path, edited, "xlsx"), (42, "alamat", "terlalu panjang"), rows=rows)


def test_csv_field_beyond_the_csv_reader_limit_is_refused_cleanly(tmp_path, rows):
    edited = [list(row) for row in rows]
    edited[LAST][COL["alamat"]] = "x" * 200_000
    path = write_roster(tmp_path, edited)

    result, run = assert_rejected(path, (LAST_ROW, None, "ada isian lebih dari 128 KiB"), rows=rows)
    assert "field" not in run.err and "limit" not in run.err  # the csv module's English stays out
    assert "tanda kutip" in str(result.errors[0])


def test_every_bad_row_is_listed_not_only_the_first(tmp_path, rows):
    edited = [list(row) for row in rows]
    edited[3][COL["jabatan"]] = "ketua"
    edited[50][COL["nik"]] = "12345"
    edited[LAST][COL["nama"]] = "<b>Budi</b>"

    result, _ = assert_rejected(
        write_roster(tmp_path, edited),
        (5, "jabatan", "Jabatan harus"),
        (52, "nik", "16 digit"),
        (LAST_ROW, "nama", "Nama hanya boleh"),
        rows=rows,
    )
    assert len(result.errors) == 3


def test_content_beyond_the_twelve_columns_is_refused(tmp_path, rows):
    edited = [list(row) for row in rows]
    edited[LAST].append("kolom tambahan")

    assert_rejected(write_roster(tmp_path, edited), (LAST_ROW, None, "di luar kolom"), rows=rows)


# --- conflicts within the file and with the database -------------------------------------------------


def test_duplicate_nik_within_the_file(tmp_path, rows):
    edited = [list(row) for row in rows]
    person_columns = ["nik", "nama", "jenis_kelamin", "tempat_lahir", "tanggal_lahir", "status_kepegawaian"]
    for column in [*person_columns, "nip"]:
        edited[LAST][COL[column]] = rows[10][COL[column]]

    assert_rejected(write_roster(tmp_path, edited), (LAST_ROW, "nik", "NIK sama dengan baris 12"), rows=rows)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_nik_repeated_with_another_birth_date_is_reported_as_the_duplicate_it_is(tmp_path, rows, kind):
    # The walkthrough: a NIK typed twice, the second time for someone born on another day. It was reported
    # only as "birth date does not match the NIK", which sent staff looking at the wrong cell.
    edited = [list(row) for row in rows]
    edited[LAST][COL["nik"]] = rows[10][COL["nik"]]
    assert row_date(rows[LAST]) != row_date(rows[10])

    result, run = assert_rejected(
        write_roster(tmp_path, edited, kind),
        (LAST_ROW, "nik", f"NIK sama dengan baris 12 ({rows[10][COL['nama']]})"),
        rows=rows,
    )
    # Both rows are named, each with its person; the birth date is still checked against the NIK.
    duplicate = next(p for p in result.errors if "NIK sama" in p.message)
    assert str(duplicate).startswith(where(rows, LAST, "nik") + ": NIK sama dengan baris 12 (")
    assert any(p.column == "tanggal_lahir" for p in result.errors)


def test_a_problem_line_names_the_rows_person_cleaned_and_shortened_or_not_at_all(tmp_path, rows):
    edited = [list(row) for row in rows]
    edited[3][COL["nama"]] = ""  # no name to show
    edited[4][COL["nama"]] = "Budi\u202e  Santoso"  # shown without the bidi override
    edited[5][COL["nama"]] = "Nama " * 40  # 200 characters: shown shortened
    edited[5][COL["jabatan"]] = "ketua"

    result, run = assert_rejected(
        write_roster(tmp_path, edited),
        (5, "nama", "Wajib diisi"),
        (6, "nama", "karakter kendali"),
        (7, "jabatan", "Jabatan harus"),
        (7, "nama", "paling banyak 150 karakter"),
        rows=rows,
    )
    lines = [str(p) for p in result.errors]
    assert "Baris 5, kolom nama: Wajib diisi." in lines
    assert any(line.startswith("Baris 6 (Budi Santoso), kolom nama: ") for line in lines)
    assert "\u202e" not in run.err
    shortened = next(line for line in lines if line.startswith("Baris 7 ("))
    assert shortened.startswith("Baris 7 (" + ("Nama " * 12)[:59] + "…), kolom ")


def test_fourth_member_of_a_kelurahan_is_refused(tmp_path, rows):
    fourth = list(rows[LAST])
    birth = dt.date(1991, 7, 9)
    fourth[COL["nik"]] = identity.make_nik(region="647106", birth_date=birth, gender="L", serial=9001)
    fourth[COL["nama"]] = "Anggota Keempat"
    fourth[COL["jenis_kelamin"]] = "L"
    fourth[COL["tanggal_lahir"]] = birth.isoformat()
    fourth[COL["status_kepegawaian"]] = "NON_ASN"
    fourth[COL["nip"]] = ""
    fourth[COL["telepon"]] = "081299999999"

    assert_rejected(
        write_roster(tmp_path, [*rows, fourth]),
        (104, "jabatan", f"sudah diisi di baris {LAST_ROW}"),
        rows=rows,
    )


def test_same_post_twice_is_refused_even_when_written_in_the_other_code_form(tmp_path, rows):
    edited = [list(row) for row in rows]
    # Row 3 (bendahara of 64.71.01.1001) claims the sekretaris post of row 2, code without dots.
    assert edited[1][:2] == ["64.71.01.1001", "bendahara"]
    edited[1][COL["kode_kelurahan"]] = "6471011001"
    edited[1][COL["jabatan"]] = "sekretaris"

    result, _ = assert_rejected(
        write_roster(tmp_path, edited), (3, "jabatan", "sudah diisi di baris 2"), rows=rows
    )
    assert "satu jabatan hanya untuk satu orang" in problem_text(result)


def test_post_already_held_in_the_database_by_someone_else(tmp_path, rows):
    holder = make_appointment(kelurahan="64.71.06.1005", role="staf_teknis")
    assert rows[LAST][:2] == ["64.71.06.1005", "staf_teknis"]
    before = counts()

    result, _ = assert_rejected(
        write_roster(tmp_path, rows), (LAST_ROW, "jabatan", "sudah dijabat"), rows=rows
    )
    assert holder.person.name in problem_text(result)
    assert "penggantian antarwaktu" in problem_text(result)
    assert counts() == before


def test_person_already_holding_another_post_in_the_database(tmp_path, rows):
    # The person of the last row already serves as sekretaris of Manggar; the file has no row for that post.
    source = rows[LAST]
    person = Person(
        office=office(),
        nik=source[COL["nik"]],
        name=source[COL["nama"]],
        gender=source[COL["jenis_kelamin"]],
        birth_place=source[COL["tempat_lahir"]],
        birth_date=row_date(source),
        employment_status=source[COL["status_kepegawaian"]],
        nip=source[COL["nip"]],
    )
    person.full_clean()
    person.save()
    make_appointment(person=person, kelurahan="64.71.01.1001", role="sekretaris")
    before = counts()

    result, _ = assert_rejected(
        write_roster(tmp_path, rows[1:]), (LAST_ROW - 1, "nik", "sudah menjabat Sekretaris"), rows=rows
    )
    assert "Manggar" in problem_text(result)
    assert counts() == before


def test_duplicate_nip_within_the_file(tmp_path, rows):
    index = last_index(rows, "ASN")
    source = rows[index]
    edited = [list(row) for row in rows]
    # Row 2's person becomes someone else with the same birth date and gender, claiming the same NIP.
    birth = row_date(source)
    edited[0][COL["nik"]] = identity.make_nik(
        region="647101", birth_date=birth, gender=source[COL["jenis_kelamin"]], serial=9002
    )
    for column in ("jenis_kelamin", "tanggal_lahir", "status_kepegawaian", "nip"):
        edited[0][COL[column]] = source[COL[column]]

    assert_rejected(
        write_roster(tmp_path, edited), (sheet_row(index), "nip", "NIP sama dengan baris 2"), rows=rows
    )


def test_nip_registered_to_another_person_in_the_database(tmp_path, rows):
    index = last_index(rows, "ASN")
    row = rows[index]
    make_person(
        birth_date=row_date(row),
        gender=row[COL["jenis_kelamin"]],
        asn=True,
        nip=row[COL["nip"]],
    )

    assert_rejected(write_roster(tmp_path, rows), (sheet_row(index), "nip", "orang lain"), rows=rows)


# --- files that are not a roster ---------------------------------------------------------------------


def assert_file_refused(path, fragment):
    before = counts()
    run = run_import(path)
    assert run.code == 1
    assert fragment in run.err
    assert "Traceback" not in run.err
    assert counts() == before
    result = members_import(data=path.read_bytes(), dry_run=False)
    assert [(p.row, p.column) for p in result.errors] == [(None, None)]
    assert fragment in result.errors[0].message
    assert counts() == before
    return result


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_wrong_header_is_refused_with_the_expected_header(tmp_path, rows, kind):
    header = [*HEADER]
    header[COL["nik"]] = "no_ktp"

    result = assert_file_refused(
        write_roster(tmp_path, rows, kind, header=header), "Judul kolom tidak sesuai"
    )
    assert ",".join(HEADER) in result.errors[0].message


def test_header_with_columns_in_another_order_is_refused(tmp_path, rows):
    header = [*HEADER]
    header[0], header[1] = header[1], header[0]
    swapped = [[row[1], row[0], *row[2:]] for row in rows]

    assert_file_refused(write_csv(tmp_path / "anggota.csv", swapped, header=header), "Judul kolom")


def test_file_without_header_is_refused(tmp_path, rows):
    assert_file_refused(write_csv(tmp_path / "anggota.csv", rows, header=None), "Judul kolom tidak sesuai")


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "anggota.csv"
    path.write_bytes(b"")

    assert_file_refused(path, "Berkas kosong")


def test_header_only_file_is_refused(tmp_path):
    assert_file_refused(write_csv(tmp_path / "anggota.csv", []), "tidak berisi baris data")


def test_xlsx_with_header_only_is_refused(tmp_path):
    assert_file_refused(write_xlsx(tmp_path / "anggota.xlsx", []), "tidak berisi baris data")


def test_empty_xlsx_workbook_is_refused(tmp_path):
    assert_file_refused(write_xlsx(tmp_path / "anggota.xlsx", [], header=None), "Berkas kosong")


def test_renamed_text_file_with_xlsx_name_is_refused(tmp_path):
    path = tmp_path / "anggota.xlsx"
    path.write_text("Ini catatan rapat, bukan roster.\nBaris kedua.\n", encoding="utf-8")

    assert_file_refused(path, "Judul kolom tidak sesuai")


def test_binary_garbage_with_xlsx_name_is_refused(tmp_path):
    path = tmp_path / "anggota.xlsx"
    path.write_bytes(bytes(range(256)) * 8)

    assert_file_refused(path, "data biner")


def test_png_image_renamed_to_xlsx_is_refused(tmp_path):
    path = tmp_path / "anggota.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64)

    assert_file_refused(path, "data biner")


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "anggota.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("catatan.txt", "bukan lembar kerja")

    assert_file_refused(path, "bukan XLSX yang sah")


def test_truncated_xlsx_is_refused(tmp_path, rows):
    good = write_roster(tmp_path, rows, "xlsx").read_bytes()
    path = tmp_path / "terpotong.xlsx"
    path.write_bytes(good[: len(good) // 2])

    assert_file_refused(path, "bukan XLSX yang sah")


SHEET_XML = (
    '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>{}</sheetData></worksheet>"
)


def replace_part(path, part, content):
    """Replace (None: drop) one part of a workbook, as a damaged download or a careless tool would."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    assert part in entries
    if content is None:
        del entries[part]
    else:
        entries[part] = content
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "part,content",
    [
        pytest.param("xl/worksheets/sheet1.xml", b"<worksheet", id="sheet-not-xml"),
        pytest.param("xl/worksheets/sheet1.xml", None, id="sheet-missing"),
        pytest.param("xl/workbook.xml", b"bukan xml", id="workbook-not-xml"),
        pytest.param("xl/styles.xml", b"<styleSheet", id="styles-not-xml"),
        pytest.param("[Content_Types].xml", None, id="content-types-missing"),
        pytest.param(
            "xl/worksheets/sheet1.xml",
            SHEET_XML.format('<row r="1"><c r="A1" t="n"><v>abc</v></c></row>').encode(),
            id="number-cell-with-text",
        ),
        pytest.param(
            "xl/worksheets/sheet1.xml",
            SHEET_XML.format('<row r="1"><c r="A1" t="d"><v>kemarin</v></c></row>').encode(),
            id="date-cell-with-text",
        ),
        pytest.param(
            "xl/worksheets/sheet1.xml",
            SHEET_XML.format('<row r="1"><c r="A1" t="s"><v>99999</v></c></row>').encode(),
            id="missing-shared-string",
        ),
    ],
)
def test_damaged_xlsx_is_refused_with_a_message_not_a_traceback(tmp_path, rows, part, content):
    path = replace_part(write_roster(tmp_path, rows, "xlsx"), part, content)

    assert_file_refused(path, "Berkas bukan XLSX yang sah")


def test_xlsx_with_a_wrong_dimension_tag_is_read_completely(tmp_path, rows):
    # Some tools write <dimension ref="A1"/> whatever the sheet holds; the rows are still all there.
    path = write_roster(tmp_path, rows, "xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:L103"' in sheet
    replace_part(path, "xl/worksheets/sheet1.xml", sheet.replace(b'ref="A1:L103"', b'ref="A1"'))

    run = run_import(path)

    assert run.code == 0, run.err
    assert stored_roster() == sorted(rows)


def test_legacy_xls_is_refused_with_advice_to_save_as_xlsx(tmp_path):
    path = tmp_path / "anggota.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)

    assert_file_refused(path, "Berkas .xls (Excel 97-2003) tidak didukung")


def test_csv_in_an_unknown_encoding_is_refused(tmp_path):
    path = tmp_path / "anggota.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\r\n\x81\x8d\x8f\x90\x9d\r\n")

    assert_file_refused(path, "UTF-8")


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Berkas tidak ditemukan"):
        call_command("import_members", str(tmp_path / "tidak-ada.csv"))


# --- warnings ----------------------------------------------------------------------------------------


def test_nik_issued_outside_balikpapan_imports_with_a_warning(tmp_path, rows):
    edited = [list(row) for row in rows]
    nik = "630101" + rows[LAST][COL["nik"]][6:]  # first issued in Tanah Laut, moved to Balikpapan
    edited[LAST][COL["nik"]] = nik

    run = run_import(write_roster(tmp_path, edited))

    assert run.code == 0, run.err
    assert Person.objects.filter(nik=nik).exists()
    assert Person.objects.count() == 102
    assert f"Peringatan - {where(rows, LAST, 'nik')}: NIK tidak diawali 6471" in run.err
    assert run.err.count("Peringatan") == 1
    assert nik not in run.err

    result = members_import(data=demo_csv(), dry_run=True)
    assert result.warnings == []


# --- idempotency, dry run, audit ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_importing_the_same_roster_twice_changes_nothing(tmp_path, rows, kind):
    path = write_roster(tmp_path, rows, kind)
    assert run_import(path).code == 0
    before = counts()
    updated = dict(Person.objects.values_list("nik", "updated_at"))

    run = run_import(path)

    assert run.code == 0, run.err
    assert "102 baris: 0 orang baru, 0 diperbarui, 0 pengangkatan baru, 102 pengangkatan sudah ada" in run.out
    assert counts() == before
    assert dict(Person.objects.values_list("nik", "updated_at")) == updated
    result = members_import(data=path.read_bytes(), dry_run=False)
    assert result.ok
    assert {(r.person_action, r.appointment_action) for r in result.rows} == {("tetap", "tetap")}
    assert counts() == before


def test_changed_phone_updates_only_that_person_and_records_history(tmp_path, rows):
    assert run_import(write_roster(tmp_path, rows)).code == 0
    edited = [list(row) for row in rows]
    edited[20][COL["telepon"]] = "+62 811 5400 123"
    nik = rows[20][COL["nik"]]
    untouched = dict(Person.objects.exclude(nik=nik).values_list("nik", "updated_at"))
    changed_at = Person.objects.get(nik=nik).updated_at
    appointments = list(Appointment.objects.values_list("pk", "person_id", "kelurahan_id", "role"))

    run = run_import(write_roster(tmp_path, edited))

    assert run.code == 0, run.err
    assert "102 baris: 0 orang baru, 1 diperbarui, 0 pengangkatan baru, 102 pengangkatan sudah ada" in run.out
    person = Person.objects.get(nik=nik)
    assert person.phone == "+62 811 5400 123"
    assert person.updated_at > changed_at  # "diubah" shows the import's change
    assert dict(Person.objects.exclude(nik=nik).values_list("nik", "updated_at")) == untouched
    assert list(Appointment.objects.values_list("pk", "person_id", "kelurahan_id", "role")) == appointments
    history = list(person.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[-1].phone == "+62 811 5400 123"
    assert history[0].phone == rows[20][COL["telepon"]]
    assert history[-1].history_change_reason == "import_members anggota.csv"
    assert Person.history.count() == 103


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_dry_run_checks_everything_and_writes_nothing(tmp_path, rows, kind):
    run = run_import(write_roster(tmp_path, rows, kind), "--dry-run")

    assert run.code == 0, run.err
    assert "Pemeriksaan lolos (tidak disimpan): 102 baris: 102 orang baru" in run.out
    assert counts() == (0, 0, 0, 0)


def test_dry_run_of_a_bad_file_exits_1_and_writes_nothing(tmp_path, rows):
    edited = [list(row) for row in rows]
    edited[LAST][COL["jabatan"]] = "ketua"

    run = run_import(write_roster(tmp_path, edited), "--dry-run")

    assert run.code == 1
    assert where(rows, LAST, "jabatan") in run.err
    assert counts() == (0, 0, 0, 0)


def test_dry_run_service_plans_but_does_not_write(rows):
    result = members_import(data=demo_csv(), dry_run=True)

    assert result.ok
    assert not result.written
    assert len(result.rows) == 102
    assert result.count("person_action", "baru") == 102
    assert counts() == (0, 0, 0, 0)


def test_imported_people_and_appointments_have_history_with_the_change_reason(tmp_path, rows, staff_user):
    run = run_import(write_roster(tmp_path, rows), "--user", staff_user.username)
    assert run.code == 0, run.err

    people = Person.history.filter(history_type="+")
    assert people.count() == 102
    assert set(people.values_list("history_change_reason", flat=True)) == {"import_members anggota.csv"}
    assert set(people.values_list("history_user", flat=True)) == {staff_user.pk}
    assert set(people.values_list("nik", flat=True)) == {row[COL["nik"]] for row in rows}
    appointments = Appointment.history.filter(history_type="+")
    assert appointments.count() == 102
    assert set(appointments.values_list("history_change_reason", flat=True)) == {"import_members anggota.csv"}
    assert set(appointments.values_list("history_user", flat=True)) == {staff_user.pk}


def test_service_records_the_given_user_and_reason(rows, staff_user):
    result = members_import(data=demo_csv(), dry_run=False, user=staff_user, reason="impor uji")

    assert result.written
    person = Person.objects.get(nik=rows[0][COL["nik"]])
    record = person.history.get()
    assert (record.history_user, record.history_change_reason) == (staff_user, "impor uji")


def test_unknown_user_for_the_audit_trail_is_a_command_error(tmp_path, rows):
    with pytest.raises(CommandError, match="Pengguna tidak dikenal"):
        call_command("import_members", str(write_roster(tmp_path, rows)), "--user", "siapa")
    assert counts() == (0, 0, 0, 0)


def test_without_a_current_period_nothing_is_imported(tmp_path, rows):
    ElectionPeriod.objects.update(is_current=False)

    run = run_import(write_roster(tmp_path, rows))

    assert run.code == 1
    assert "Belum ada periode pemilihan yang berjalan" in run.err
    assert counts() == (0, 0, 0, 0)


def test_existing_person_without_a_post_gets_appointed_and_updated(tmp_path, rows):
    source = rows[5]
    person = Person(
        office=office(),
        nik=source[COL["nik"]],
        name="Nama Lama",
        gender=source[COL["jenis_kelamin"]],
        birth_place="Samarinda",
        birth_date=row_date(source),
        employment_status=source[COL["status_kepegawaian"]],
        nip=source[COL["nip"]],
    )
    person.full_clean()
    person.save()

    result = members_import(data=demo_csv(), dry_run=False)

    assert result.ok, result.errors
    assert result.count("person_action", "diperbarui") == 1
    assert result.count("person_action", "baru") == 101
    assert result.count("appointment_action", "baru") == 102
    person.refresh_from_db()
    assert (person.name, person.birth_place) == (source[COL["nama"]], "Balikpapan")
    assert Person.objects.count() == 102


# --- a concurrent change between the checks and the write -------------------------------------------


def collide_before_writing(monkeypatch, make_conflict):
    """Run `make_conflict` after the file was checked and before it is written, as another staff
    member's save would land in between."""
    from secretariat.services import importing

    original = importing._apply

    def apply_after_a_concurrent_save(*args, **kwargs):
        make_conflict()
        return original(*args, **kwargs)

    monkeypatch.setattr(importing, "_apply", apply_after_a_concurrent_save)


def test_a_post_filled_during_the_import_is_reported_with_its_row(tmp_path, rows, monkeypatch):
    index = 5
    code, role = rows[index][COL["kode_kelurahan"]], rows[index][COL["jabatan"]]
    collide_before_writing(monkeypatch, lambda: make_appointment(kelurahan=code, role=role))

    result = members_import(data=write_roster(tmp_path, rows).read_bytes(), dry_run=False)

    [problem] = result.errors
    assert (problem.row, problem.column) == (sheet_row(index), "jabatan")
    assert str(problem).startswith(where(rows, index, "jabatan") + ": ")
    assert "baru saja diisi orang lain (data berubah saat impor ini berjalan)" in str(problem)
    assert not result.written and counts() == (0, 0, 0, 0)


def test_a_nik_registered_during_the_import_is_reported_masked_with_its_row(tmp_path, rows, monkeypatch):
    index = 7
    nik = rows[index][COL["nik"]]
    collide_before_writing(
        monkeypatch,
        lambda: make_person(
            nik=nik, birth_date=row_date(rows[index]), gender=rows[index][COL["jenis_kelamin"]]
        ),
    )

    result = members_import(data=write_roster(tmp_path, rows).read_bytes(), dry_run=False)

    [problem] = result.errors
    assert (problem.row, problem.column) == (sheet_row(index), "nik")
    assert identity.mask_nik(nik) in str(problem) and nik not in str(problem)
    assert counts() == (0, 0, 0, 0)
