"""Property-based tests of the roster import as a whole (issue #6, item 5).

Hypothesis builds roster files (CSV or XLSX, the real import format) from the fictional demo roster with a
random mix of good rows and broken ones: a bad NIK, a NIK twice, a fourth member (a post filled twice),
an unknown kelurahan, control and bidi characters, formulas (text in a CSV, real formula cells in an XLSX),
huge cells, impossible dates. The property:
either the import succeeds and the database holds exactly the file's rows, or it fails with errors that
each name a row (every broken row among them) and the database is unchanged.
"""

import csv
import io

import openpyxl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secretariat.models import Appointment, Person
from secretariat.services.demo import demo_rows
from secretariat.services.importing import members_import
from secretariat.services.roster_format import HEADER

pytestmark = pytest.mark.django_db

COL = {name: index for index, name in enumerate(HEADER)}
BROKEN = ["bad_nik", "dup_nik", "fourth_member", "unknown_kelurahan", "control", "huge", "bad_date"]
KINDS = ["valid", "valid", "valid", "formula", *BROKEN]
BAD_NIKS = [
    "12345",
    "64710A1705900001",
    "６４７１０１１７０５９００００１",
    "6471013102900001",
    "0000000000000000",
]
# openpyxl cannot write C0 control characters into a cell at all, so XLSX files get the others.
CONTROL_ANY = ["\u202e", "\x85", "\u2066", "\u200f"]
CONTROL_CSV_ONLY = ["\x1b[31m", "\x07", "\x7f", "\x0b"]
FORMULAS = ['=HYPERLINK("http://contoh.invalid","klik")', "'=SUM(A1:A9)", "+62 812", "@ALAMAT", "-1+1"]

import_examples = settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _file(rows, kind) -> bytes:
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        writer.writerows(rows)
        return buffer.getvalue().encode()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@st.composite
def rosters(draw, demo):
    """(file bytes, kind, rows, spreadsheet numbers of the rows broken on purpose)."""
    kind = draw(st.sampled_from(["csv", "xlsx"]))
    plan = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=8))
    start = draw(st.integers(0, len(demo) - 1))
    rows, broken, valid_rows = [], set(), []
    for offset, what in enumerate(plan):
        row = list(demo[(start + offset * 7) % len(demo)])  # distinct posts and people
        number = len(rows) + 2  # the header is row 1
        if what == "bad_nik":
            row[COL["nik"]] = draw(st.sampled_from(BAD_NIKS))
        elif what == "dup_nik" and valid_rows:
            source = draw(st.sampled_from(valid_rows))
            for column in ("nik", "nama", "jenis_kelamin", "tanggal_lahir", "status_kepegawaian", "nip"):
                row[COL[column]] = source[COL[column]]
        elif what == "fourth_member" and valid_rows:
            source = draw(st.sampled_from(valid_rows))
            row[COL["kode_kelurahan"]], row[COL["jabatan"]] = (
                source[COL["kode_kelurahan"]],
                source[COL["jabatan"]],
            )
        elif what == "unknown_kelurahan":
            row[COL["kode_kelurahan"]] = draw(
                st.sampled_from(["64.71.09.9999", "6471991001", "64.72.01.1001"])
            )
        elif what == "control":
            character = draw(st.sampled_from(CONTROL_ANY + (CONTROL_CSV_ONLY if kind == "csv" else [])))
            column = draw(st.sampled_from(["nama", "alamat", "tempat_lahir"]))
            row[COL[column]] = f"Bagian{character}Lain"
        elif what == "huge":
            column = draw(st.sampled_from(["nama", "alamat", "email"]))
            row[COL[column]] = "x" * draw(st.integers(501, 20_000))
        elif what == "bad_date":
            row[COL["tanggal_lahir"]] = draw(
                st.sampled_from(["31/02/1990", "1990-13-01", "00-00-0000", "kemarin"])
            )
        elif what == "formula":
            row[COL["alamat"]] = draw(st.sampled_from(FORMULAS))
            if kind == "xlsx" and row[COL["alamat"]].startswith("="):
                what = "xlsx_formula"  # a real formula cell: refused, it has no typed value
        if what == "xlsx_formula" or (
            what in BROKEN and (what not in ("dup_nik", "fourth_member") or valid_rows)
        ):
            broken.add(number)
        else:
            valid_rows.append(row)
        rows.append(row)
    return _file(rows, kind), kind, rows, broken


def _state():
    return (
        Person.objects.count(),
        Appointment.objects.count(),
        Person.history.count(),
        Appointment.history.count(),
    )


@pytest.fixture(scope="module")
def demo(django_db_blocker, django_db_setup):
    with django_db_blocker.unblock():
        return demo_rows()


@import_examples
@given(data=st.data())
def test_an_import_writes_every_row_or_nothing_and_names_each_broken_row(demo, data):
    content, kind, rows, broken = data.draw(rosters(demo))
    with transaction.atomic():
        before = _state()
        result = members_import(data=content, dry_run=False)
        after = _state()
        people = {p.nik: p for p in Person.objects.filter(nik__in=[r[COL["nik"]] for r in rows])}
        active = set(Appointment.objects.active().values_list("person__nik", "kelurahan_id", "role"))
        transaction.set_rollback(True)

    if broken:
        assert not result.ok and not result.written, (kind, rows)
        assert all(problem.row is not None for problem in result.errors), result.errors
        assert broken <= {problem.row for problem in result.errors}, (broken, result.errors)
        assert after == before  # nothing written, not even audit rows
        return
    assert result.ok and result.written, (kind, [str(e) for e in result.errors])
    assert after[0] == before[0] + len(rows) and after[1] == before[1] + len(rows)
    for row in rows:
        person = people[row[COL["nik"]]]
        assert person.name == row[COL["nama"]]
        # A cell written as '=... by our export is read back without the protecting quote; other formulas
        # are stored as the literal text they are.
        address = row[COL["alamat"]]
        assert person.address == (address[1:] if address.startswith("'=") else address)
        assert (row[COL["nik"]], row[COL["kode_kelurahan"]], row[COL["jabatan"]]) in active
