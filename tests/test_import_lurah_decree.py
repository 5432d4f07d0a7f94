"""The optional import columns nomor_sk_lurah, tanggal_sk_lurah (issue #12, item 7): each appointment's
basis, the Lurah decree, imported with the roster instead of typed into the admin 102 times.

Files are built from the fictional demo roster; the period's service starts on 26 May 2024.
"""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from secretariat.models import Appointment, Person
from secretariat.services.demo import demo_rows
from secretariat.services.exporting import roster_csv, roster_rows
from secretariat.services.importing import members_import
from secretariat.services.roster_format import FULL_HEADER, HEADER

from .factories import replace_member

pytestmark = pytest.mark.django_db

COL = {name: index for index, name in enumerate(FULL_HEADER)}
NUMBER, DATE = COL["nomor_sk_lurah"], COL["tanggal_sk_lurah"]


def csv_bytes(rows, header=FULL_HEADER) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode()


def xlsx_bytes(rows, header=FULL_HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def state():
    return (Person.objects.count(), Appointment.objects.count(), Appointment.history.count())


def decrees():
    return {
        (a.kelurahan_id, a.role): (a.lurah_decree_number, a.lurah_decree_date)
        for a in Appointment.objects.active()
    }


@pytest.fixture
def rows(db):
    """The demo roster with a Lurah decree per row, in the three date forms of tanggal_lahir."""
    forms = ["2024-05-{:02d}", "{:02d}/05/2024", "{:02d}-05-2024"]
    return [
        [*row, f"100.3.3.2/{i + 1}/KEL/V/2024", forms[i % 3].format(i % 20 + 1)]
        for i, row in enumerate(demo_rows())
    ]


def day_of(text: str) -> int:
    return int(text[-2:]) if text.startswith("2024") else int(text[:2])


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_the_lurah_decree_of_every_row_is_written_on_its_new_appointment(rows, make):
    result = members_import(data=make(rows), dry_run=False)

    assert result.ok, result.errors[:3]
    assert decrees() == {
        (row[COL["kode_kelurahan"]], row[COL["jabatan"]]): (row[NUMBER], dt.date(2024, 5, day_of(row[DATE])))
        for row in rows
    }


def test_xlsx_date_cells_are_accepted_as_the_decree_date(rows):
    as_cells = [[*row[:DATE], dt.date(2024, 5, 20)] for row in rows]

    assert members_import(data=xlsx_bytes(as_cells), dry_run=False).ok
    assert {date for _, date in decrees().values()} == {dt.date(2024, 5, 20)}


def test_a_file_without_the_two_columns_imports_and_records_no_decree(rows):
    result = members_import(
        data=csv_bytes([row[: len(HEADER)] for row in rows], header=HEADER), dry_run=False
    )

    assert result.ok
    assert set(decrees().values()) == {("", None)}


def test_blank_decree_cells_are_allowed_row_by_row(rows):
    rows[5][NUMBER] = rows[5][DATE] = ""

    assert members_import(data=csv_bytes(rows), dry_run=False).ok
    assert decrees()[(rows[5][0], rows[5][1])] == ("", None)
    assert decrees()[(rows[6][0], rows[6][1])][0] == rows[6][NUMBER]


def test_decrees_imported_onto_a_roster_already_imported_update_its_appointments_once(rows, staff_user):
    assert members_import(
        data=csv_bytes([row[: len(HEADER)] for row in rows], header=HEADER), dry_run=False
    ).ok
    before = state()

    result = members_import(data=csv_bytes(rows), dry_run=False, user=staff_user, reason="SK Lurah")

    assert result.ok, result.errors[:3]
    assert {(r.person_action, r.appointment_action) for r in result.rows} == {("tetap", "diperbarui")}
    assert result.summary.endswith("102 pengangkatan sudah ada (102 dengan SK Lurah diperbarui)")
    assert state() == (before[0], before[1], before[2] + 102)  # one history row per appointment
    latest = Appointment.history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (staff_user, "SK Lurah")
    assert all(number for number, _ in decrees().values())
    # The same file again changes nothing.
    again = members_import(data=csv_bytes(rows), dry_run=False)
    assert {r.appointment_action for r in again.rows} == {"tetap"} and state()[2] == before[2] + 102


def test_blank_decree_cells_keep_what_an_appointment_has_recorded(rows):
    assert members_import(data=csv_bytes(rows), dry_run=False).ok
    recorded = decrees()
    cleared = [[*row[: len(HEADER)], "", ""] for row in rows]

    result = members_import(data=csv_bytes(cleared), dry_run=False)

    assert result.ok and {r.appointment_action for r in result.rows} == {"tetap"}
    assert decrees() == recorded


def test_the_export_carries_the_decrees_and_re_imports_unchanged(rows):
    assert members_import(data=csv_bytes(rows), dry_run=False).ok
    exported = roster_rows(full_nik=True)
    assert {(row[NUMBER], row[DATE]) for row in exported} == {
        (number, date.isoformat()) for number, date in decrees().values()
    }
    before = state()

    result = members_import(data=roster_csv(full_nik=True), dry_run=False)

    assert {(r.person_action, r.appointment_action) for r in result.rows} == {("tetap", "tetap")}
    assert state() == before


@pytest.mark.parametrize(
    "number,date,column,fragment",
    [
        ("100/1/KEL", "2031-01-01", "tanggal_sk_lurah", "Tanggal SK Lurah 1 Januari 2031 belum tiba"),
        (
            "100/1/KEL",
            "31/12/1999",
            "tanggal_sk_lurah",
            "Tanggal SK Lurah 31 Desember 1999 sebelum tahun 2000",
        ),
        ("100/1/KEL", "31/02/2024", "tanggal_sk_lurah", "Tanggal harus berbentuk YYYY-MM-DD"),
        ("100/1/KEL", "kemarin", "tanggal_sk_lurah", "Tanggal harus berbentuk YYYY-MM-DD"),
        ("100/1/KEL", "", "tanggal_sk_lurah", "Isi tanggal SK Lurah (nomornya sudah diisi)"),
        ("", "2024-05-20", "nomor_sk_lurah", "Isi nomor SK Lurah (tanggalnya sudah diisi)"),
        ("1" * 101, "2024-05-20", "nomor_sk_lurah", "paling banyak 100 karakter"),
        ("100/1\nKEL", "2024-05-20", "nomor_sk_lurah", "karakter kendali"),
        ("100/1/KEL", "2024-05-27", "tanggal_sk_lurah", "harus terbit sebelum mulai bertugas (26 Mei 2024)"),
    ],
)
def test_a_decree_that_cannot_be_is_refused_with_its_row_and_person(rows, number, date, column, fragment):
    rows[40][NUMBER], rows[40][DATE] = number, date
    before = state()

    result = members_import(data=csv_bytes(rows), dry_run=False)

    assert [(p.row, p.column) for p in result.errors] == [(42, column)]
    assert fragment in result.errors[0].message
    assert str(result.errors[0]).startswith(f"Baris 42 ({rows[40][COL['nama']]}), kolom {column}: ")
    assert not result.written and state() == before


def test_a_replacement_may_rest_on_a_decree_dated_after_the_term_began(rows):
    # The PAW replacement starts the day after its predecessor's last day (2 July 2024), on 3 July: its Lurah
    # decree of 30 June is in time, though it is after the 26 May on which the others started.
    assert members_import(data=csv_bytes(rows), dry_run=False).ok
    holder = Appointment.objects.active().get(kelurahan_id=rows[10][0], role=rows[10][1])
    replacement = replace_member(holder)
    exported = roster_rows(full_nik=True)
    row = next(r for r in exported if r[COL["nik"]] == replacement.person.nik)
    row[NUMBER], row[DATE] = "100.3/77/KEL/VI/2024", "30/06/2024"

    result = members_import(data=csv_bytes(exported), dry_run=False)

    assert result.ok, result.errors
    replacement.refresh_from_db()
    assert (replacement.lurah_decree_number, replacement.lurah_decree_date) == (
        "100.3/77/KEL/VI/2024",
        dt.date(2024, 6, 30),
    )
    assert replacement.start_date == dt.date(2024, 7, 3)
    row[DATE] = "04/07/2024"
    [problem] = members_import(data=csv_bytes(exported), dry_run=False).errors
    assert "harus terbit sebelum mulai bertugas (3 Juli 2024)" in problem.message


@pytest.mark.parametrize(
    "header",
    [
        [*HEADER, "nomor_sk_lurah"],
        [*HEADER, "tanggal_sk_lurah", "nomor_sk_lurah"],
        ["nomor_sk_lurah", "tanggal_sk_lurah", *HEADER],
    ],
    ids=["one-of-two", "swapped", "in-front"],
)
def test_the_two_columns_come_both_and_at_the_end(rows, header):
    [problem] = members_import(data=csv_bytes([], header=header), dry_run=True).errors

    assert problem.row is None
    assert "boleh ditambah nomor_sk_lurah,tanggal_sk_lurah di ujung" in problem.message


def test_the_admin_preview_shows_each_rows_decree_and_saves_from_either_button(staff_client, rows):
    url = reverse("admin:secretariat_import")
    response = staff_client.post(url, {"file": SimpleUploadedFile("anggota.xlsx", xlsx_bytes(rows))})

    html = response.content.decode()
    form = html[html.index('<form method="post" id="import-confirm">') :]
    form = form[: form.index("</form>")]
    assert form.count('value="Simpan impor"') == 2  # above and below the table, in the one form
    assert form.index('value="Simpan impor"') < form.index("<table") < form.rindex('value="Simpan impor"')
    assert escape(f"{rows[0][NUMBER]}, 1 Mei 2024") in form
    assert state() == (0, 0, 0)
    assert staff_client.post(url, {"token": response.context["token"]}).status_code == 302
    assert len([d for d in decrees().values() if d[0]]) == 102


def test_the_member_sees_the_imported_decree_as_the_basis_of_their_appointment(client, rows):
    # The walkthrough's portal said "Dasar: belum dicatat" for everyone.
    assert members_import(data=csv_bytes(rows), dry_run=False).ok
    person = Person.objects.get(nik=rows[7][COL["nik"]])
    person.user = get_user_model().objects.create_user("anggota.uji", password="sandi-anggota-123")
    person.save()
    client.force_login(person.user)

    html = client.get(reverse("portal:home")).content.decode()

    assert escape(f"{rows[7][NUMBER]}, {day_of(rows[7][DATE])} Mei 2024") in html
    assert "belum dicatat" not in html
