"""Hostile roster uploads (issue #14, item 1): how long the import takes to refuse them.

Usage (from the project root, with the virtualenv; PostgreSQL at 127.0.0.1:5432, user postgres):
    .venv/bin/python bench/hostile_import.py [--blank-rows 3000000]

Creates a fresh PostgreSQL database (default `pps_bench_hostile`), migrates it, writes an XLSX whose
sheet holds the real header, one good row and then N blank rows (the sheet XML written directly with
zipfile: each blank row carries one styled empty cell, as spreadsheet programs write formatted rows), and
times, each in a child process:
1. the admin upload's check: `members_import(dry_run=True, max_rows=IMPORT_WEB_MAX_ROWS)`, timed inside
   the child (the gunicorn worker's timeout is 30 s),
2. `import_members FILE --dry-run` (the command line, without a row limit), wall time of the child.
Prints the first problem reported for each. Nothing is written by either.
For comparison, in this process: the time openpyxl takes to open and read a legitimate 20,000-row,
14-column roster XLSX (what an upload at IMPORT_WEB_MAX_ROWS costs before any check).
"""

import argparse
import datetime as dt
import io
import tempfile
import time
import zipfile
from pathlib import Path

from scale_common import drop_database, fresh_database, machine, manage, report

HEADER = [
    "kode_kelurahan", "jabatan", "nik", "nama", "jenis_kelamin", "tempat_lahir", "tanggal_lahir",
    "status_kepegawaian", "nip", "telepon", "email", "alamat",
]  # fmt: skip
GOOD_ROW = [
    "64.71.01.1001", "sekretaris", "6471015506900002", "Rina Uji", "P", "Balikpapan", "1990-06-15",
    "NON_ASN", "", "081200000002", "", "",
]  # fmt: skip

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main'
    '+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Anggota" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _inline_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(values)
        if value
    )
    return f'<row r="{number}">{cells}</row>'


def blank_rows_xlsx(path: Path, blank_rows: int) -> None:
    """Header, one good row, then `blank_rows` rows that each hold one empty cell."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>'
            )
            sheet.write((_inline_row(1, HEADER) + _inline_row(2, GOOD_ROW)).encode())
            chunk = []
            for number in range(3, blank_rows + 3):
                chunk.append(f'<row r="{number}"><c r="A{number}" s="0"/></row>')
                if len(chunk) == 10_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())


ADMIN_CHECK = """
import time
from django.conf import settings
from secretariat.services.importing import members_import
data = open({path!r}, "rb").read()
started = time.monotonic()
result = members_import(data=data, dry_run=True, max_rows=settings.IMPORT_WEB_MAX_ROWS)
print(f"admin check: {{time.monotonic() - started:.2f}} s; written={{result.written}}; "
      f"{{len(result.errors)}} problem(s): {{result.errors[0] if result.errors else '-'}}")
"""


def legit_roster_seconds(rows: int = 20_000) -> float:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([*HEADER, "nomor_sk_lurah", "tanggal_sk_lurah"])
    for i in range(rows):
        sheet.append(
            [f"64.71.0{i % 6 + 1}.10{i % 34:02d}", "staf_teknis", f"64710{i:011d}", f"Nama Orang Ke {i}", "P",
             "Balikpapan", "1990-01-01", "ASN", f"1990{i:014d}", "081234567890", f"orang{i}@contoh.go.id",
             f"Jl. Mawar No. {i}, RT {i % 40}", f"100.3.3.2/{i}/KEL/2024", "2024-05-20"]
        )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    started = time.monotonic()
    opened = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    opened.worksheets[0].reset_dimensions()
    for _ in opened.worksheets[0].iter_rows():
        pass
    opened.close()
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blank-rows", type=int, default=3_000_000)
    parser.add_argument("--database", default="pps_bench_hostile")
    args = parser.parse_args()

    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, {machine()}")
    url = fresh_database(args.database)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "kosong.xlsx"
            blank_rows_xlsx(path, args.blank_rows)
            print(f"  {path.name}: {args.blank_rows:,} blank rows, {path.stat().st_size / 2**20:.1f} MiB")
            run = manage(url, "migrate", "--noinput")
            assert run.status == 0, run.err
            admin = manage(url, "shell", "-c", ADMIN_CHECK.format(path=str(path)))
            lines = [line for line in admin.out.splitlines() if line.startswith("admin check")]
            print(f"  {lines[0] if lines else admin.err.strip()[-500:]} (child: {admin.seconds:.1f} s)")
            report(manage(url, "import_members", str(path), "--dry-run"))
        print(
            f"  openpyxl reading a legitimate 20,000-row roster: {legit_roster_seconds():.1f} s; {machine()}"
        )
    finally:
        drop_database(args.database)


if __name__ == "__main__":
    main()
