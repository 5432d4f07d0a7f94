"""`export_members` and the import template: same format as the import, safe to open in a spreadsheet."""

import csv
import io
import random

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from kelurahan.models import Kelurahan
from secretariat.models import Appointment, ElectionPeriod, Person
from secretariat.services.appointments import appointment_end
from secretariat.services.demo import demo_rows
from secretariat.services.exporting import EXAMPLE_ROW, template_xlsx
from secretariat.services.importing import members_import
from secretariat.services.roster_format import FULL_HEADER, ROLE_VALUES
from secretariat.services.spreadsheet import write_csv

from .factories import make_person

pytestmark = pytest.mark.django_db

HEADER_LINE = (
    "kode_kelurahan,jabatan,nik,nama,jenis_kelamin,tempat_lahir,tanggal_lahir,"
    "status_kepegawaian,nip,telepon,email,alamat,nomor_sk_lurah,tanggal_sk_lurah"
)
COL = {name: index for index, name in enumerate(FULL_HEADER)}
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def rows(db):
    return demo_rows()


@pytest.fixture
def imported(rows):
    """The demo roster with a Lurah decree for every second member (the others have none recorded),
    imported in shuffled order so that database order is not the export order. Rows of 14 columns."""
    full = [
        [*row, f"100.3.3.2/{i}/KEL/2024", f"{i % 20 + 1:02d}/05/2024"] if i % 2 else [*row, "", ""]
        for i, row in enumerate(rows)
    ]
    shuffled = list(full)
    random.Random(7).shuffle(shuffled)
    assert shuffled != full
    result = members_import(data=write_csv(FULL_HEADER, shuffled), dry_run=False)
    assert result.ok, result.errors
    # Exported as written in the database: ISO dates.
    return [[*row[:13], row[13] and "2024-05-" + row[13][:2]] for row in full]


def export(tmp_path, kind, name="ekspor"):
    path = tmp_path / f"{name}.{kind}"
    out = io.StringIO()
    call_command("export_members", str(path), stdout=out)
    assert out.getvalue().strip() == str(path)
    return path


def read_csv(path):
    text = path.read_bytes().decode("utf-8-sig")
    return text, list(csv.reader(io.StringIO(text, newline="")))


def read_xlsx(path):
    sheet = openpyxl.load_workbook(path).active
    return sheet, [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def reimport(path):
    before = (Person.objects.count(), Appointment.objects.count(), Person.history.count())
    result = members_import(data=path.read_bytes(), dry_run=False)
    assert result.ok, result.errors
    assert len(result.rows) == Appointment.objects.active().count()
    assert {(r.person_action, r.appointment_action) for r in result.rows} == {("tetap", "tetap")}
    assert (Person.objects.count(), Appointment.objects.count(), Person.history.count()) == before
    return result


# --- export ------------------------------------------------------------------------------------------


def test_csv_export_has_the_exact_header_and_one_row_per_appointment_in_post_order(tmp_path, imported):
    path = export(tmp_path, "csv")

    text, table = read_csv(path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 correctly
    assert text.splitlines()[0] == HEADER_LINE
    assert table[1:] == imported
    order = {role: i for i, role in enumerate(ROLE_VALUES)}
    posts = [(row[0], order[row[1]]) for row in table[1:]]
    assert posts == sorted(posts)
    assert len(set(posts)) == 102


def test_xlsx_export_has_the_exact_header_and_rows_stored_as_text(tmp_path, imported):
    path = export(tmp_path, "xlsx")

    sheet, table = read_xlsx(path)
    assert ",".join(table[0]) == HEADER_LINE
    assert table[1:] == imported
    nik_cell = sheet.cell(row=2, column=COL["nik"] + 1)
    assert nik_cell.data_type == "s"
    assert nik_cell.value == imported[0][COL["nik"]]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_lists_only_active_appointments_of_the_current_period(tmp_path, imported, kind):
    period = ElectionPeriod.current()
    ended = Appointment.objects.get(kelurahan_id="64.71.03.1002", role="bendahara")
    appointment_end(appointment=ended, end_date=period.term_start, reason="mengundurkan_diri")
    old = ElectionPeriod.objects.create(
        name="Pemilu 2019", vote_date="2019-04-17", term_start="2018-06-01", term_end="2019-06-30"
    )
    other = Appointment.objects.get(kelurahan_id="64.71.01.1001", role="sekretaris")
    Appointment.objects.create(
        person=make_person(),
        kelurahan=other.kelurahan,
        role="sekretaris",
        period=old,
        start_date=old.term_start,
    )

    path = export(tmp_path, kind)

    table = read_csv(path)[1] if kind == "csv" else read_xlsx(path)[1]
    expected = [row for row in imported if row[:2] != ["64.71.03.1002", "bendahara"]]
    assert table[1:] == expected


def test_export_of_an_empty_roster_is_just_the_header(tmp_path, db):
    text, table = read_csv(export(tmp_path, "csv"))
    assert table == [FULL_HEADER]
    assert read_xlsx(export(tmp_path, "xlsx"))[1] == [FULL_HEADER]


def test_export_to_another_file_type_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match=".csv atau .xlsx"):
        call_command("export_members", str(tmp_path / "ekspor.pdf"))
    assert not (tmp_path / "ekspor.pdf").exists()


def test_export_into_a_missing_folder_is_a_command_error_not_a_traceback(tmp_path, imported):
    with pytest.raises(CommandError, match="Tidak dapat menulis"):
        call_command("export_members", str(tmp_path / "tidak-ada" / "ekspor.csv"))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_reimports_with_no_changes(tmp_path, imported, kind):
    result = reimport(export(tmp_path, kind))
    assert len(result.rows) == 102


# --- formulas are neutralised ------------------------------------------------------------------------


@pytest.fixture
def formula_person(imported):
    person = Person.objects.get(nik=imported[10][COL["nik"]])
    Person.objects.filter(pk=person.pk).update(address=FORMULA, phone="+62 812 0000 0011")
    return person


def test_formula_in_csv_export_is_neutralised_and_survives_the_round_trip(tmp_path, formula_person):
    path = export(tmp_path, "csv")

    _, table = read_csv(path)
    row = next(r for r in table if r[COL["nik"]] == formula_person.nik)
    assert row[COL["alamat"]] == "'" + FORMULA
    assert row[COL["telepon"]] == "'+62 812 0000 0011"
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in table for cell in r)

    reimport(path)
    formula_person.refresh_from_db()
    assert (formula_person.address, formula_person.phone) == (FORMULA, "+62 812 0000 0011")


def test_formula_in_xlsx_export_is_neutralised_and_survives_the_round_trip(tmp_path, formula_person):
    path = export(tmp_path, "xlsx")

    sheet, table = read_xlsx(path)
    index = next(i for i, r in enumerate(table) if r[COL["nik"]] == formula_person.nik)
    cell = sheet.cell(row=index + 1, column=COL["alamat"] + 1)
    assert cell.data_type == "s"  # text, not a formula
    assert cell.value == "'" + FORMULA
    assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)

    reimport(path)
    formula_person.refresh_from_db()
    assert formula_person.address == FORMULA


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_control_characters_stored_by_other_means_do_not_break_the_export(tmp_path, imported, kind):
    # Stored before the forms refused them (a line break pasted from Word arrives as U+000B), or by SQL:
    # C0, C1 and bidi characters, which the import would refuse, are exported as spaces.
    person = Person.objects.get(nik=imported[30][COL["nik"]])
    Person.objects.filter(pk=person.pk).update(address="Jl. Mawar\x0bRT\x1b3\u202eB\x85C")

    path = export(tmp_path, kind)

    table = read_csv(path)[1] if kind == "csv" else read_xlsx(path)[1]
    row = next(r for r in table if r[COL["nik"]] == person.nik)
    assert row[COL["alamat"]] == "Jl. Mawar RT 3 B C"
    result = members_import(data=path.read_bytes(), dry_run=False)
    assert result.ok, result.errors
    changed = [(r.row, r.person_action) for r in result.rows if r.person_action != "tetap"]
    assert changed == [(32, "diperbarui")]
    person.refresh_from_db()
    assert person.address == "Jl. Mawar RT 3 B C"


# --- the import template -----------------------------------------------------------------------------


def template_workbook():
    return openpyxl.load_workbook(io.BytesIO(template_xlsx()))


def list_validation(sheet, cell):
    found = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"one validation expected on {cell}"
    assert found[0].type == "list"
    return found[0]


def referenced_values(workbook, formula):
    sheet_name, cells = formula.split("!")
    return [c.value for (c,) in workbook[sheet_name][cells.replace("$", "")]]


def test_template_has_the_header_and_one_example_row(db):
    sheet = template_workbook().active

    rows = [["" if v is None else v for v in r] for r in sheet.iter_rows(values_only=True)]
    assert ",".join(rows[0]) == HEADER_LINE
    assert rows[1:] == [EXAMPLE_ROW]
    assert sheet.cell(row=2, column=COL["nik"] + 1).data_type == "s"


def test_template_offers_lists_of_roles_and_all_34_kelurahan_codes(db):
    workbook = template_workbook()
    sheet = workbook["Anggota"]

    role = list_validation(sheet, "B2")
    assert "B1500" in role.sqref
    assert referenced_values(workbook, role.formula1) == ROLE_VALUES
    code = list_validation(sheet, "A2")
    assert "A1500" in code.sqref
    codes = referenced_values(workbook, code.formula1)
    assert len(codes) == 34
    assert codes == list(Kelurahan.objects.order_by("code").values_list("code", flat=True))
    assert "A1" not in code.sqref  # the header itself is not constrained


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_template_example_row_is_refused_with_a_clear_message(imported, kind):
    # Staff who forget to delete it: refused as the example it is, not as a post already taken.
    data = template_xlsx() if kind == "xlsx" else write_csv(FULL_HEADER, [EXAMPLE_ROW])
    result = members_import(data=data, dry_run=False)

    [problem] = result.errors
    assert (problem.row, problem.column) == (2, "nama")
    assert str(problem).startswith("Baris 2 (Siti Contoh Saja), kolom nama: Ini baris contoh dari templat")
    assert "Hapus baris ini" in problem.message
    assert not result.written
    assert not Person.objects.filter(nik=EXAMPLE_ROW[COL["nik"]]).exists()


def test_template_example_row_is_recognised_however_its_name_is_spaced_or_cased(db):
    row = list(EXAMPLE_ROW)
    row[COL["nama"]] = "  SITI   contoh saja "
    row[COL["kode_kelurahan"]] = "6471011001"
    result = members_import(data=write_csv(FULL_HEADER, [row]), dry_run=False)

    assert [(p.row, p.column) for p in result.errors] == [(2, "nama")]
    assert not Person.objects.exists()


def test_template_example_row_is_valid_otherwise_and_a_real_holder_of_its_nik_imports(tmp_path, imported):
    # Only the NIK and the name together mark the example: someone really holding that NIK imports, and
    # the example row is right in every other column (with its Lurah decree).
    period = ElectionPeriod.current()
    freed = Appointment.objects.get(kelurahan_id="64.71.04.1003", role="staf_teknis")
    appointment_end(appointment=freed, end_date=period.term_start, reason="evaluasi")
    workbook = template_workbook()
    workbook.active["A2"] = "64.71.04.1003"
    workbook.active["B2"] = "staf_teknis"
    workbook.active["D2"] = "Siti Nyata Sekali"
    path = tmp_path / "templat.xlsx"
    workbook.save(path)

    result = members_import(data=path.read_bytes(), dry_run=False)

    assert result.ok, result.errors
    assert result.warnings == []
    assert (result.count("person_action", "baru"), result.count("appointment_action", "baru")) == (1, 1)
    holder = Appointment.objects.active().get(kelurahan_id="64.71.04.1003", role="staf_teknis")
    assert (holder.person.nik, holder.person.name) == (EXAMPLE_ROW[COL["nik"]], "Siti Nyata Sekali")
    assert holder.lurah_decree_number == EXAMPLE_ROW[COL["nomor_sk_lurah"]]
    assert holder.lurah_decree_date.isoformat() == EXAMPLE_ROW[COL["tanggal_sk_lurah"]]
    assert Appointment.objects.active().count() == 102
