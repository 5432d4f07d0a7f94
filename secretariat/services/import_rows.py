"""The rows of a roster file: the table read within its limits, and each row checked on its own against
the format and the Person model's rules.

What needs the other rows or the database (a post filled twice, a NIP of someone else) is checked by
`importing` afterwards; a NIK written twice in the file is found before the rows are parsed, so that it is
reported as the duplicate it is even when the second copy is wrong in other ways too.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from kelurahan.codes import VILLAGE_CODE_RE, village_head, village_kind
from kelurahan.models import Kelurahan, normalize_kelurahan_code
from pps_admin.text import MULTI_LINE_FORBIDDEN, SINGLE_LINE_FORBIDDEN

from ..models import Person
from . import roster_format as fmt
from .decree_text import indonesian_date
from .spreadsheet import FORMULA_PREFIXES, Formula, SpreadsheetError, XlsxLimits, cell_text, read_rows

MAX_CELL_LENGTH = 500
NAME_SHOWN = 60  # characters of a row's name shown beside its problems
DATE_FORMATS = "Tanggal harus berbentuk YYYY-MM-DD, DD/MM/YYYY atau DD-MM-YYYY."
# Blank rows cost as much to read as full ones: an XLSX of millions of blank rows, small as a file, kept the
# admin's worker reading past its timeout (bench/RESULTS.md, "Hostile roster uploads"). No roster has a
# thousand blank rows in a row; a file that does is refused at the first thousand, and an upload may hold
# at most this many blank rows beyond its data-row limit.
MAX_BLANK_RUN = 1_000
# What an upload's XLSX may unpack to (spreadsheet._check_unpacked says why): room above what a full
# 20,000-row roster as openpyxl writes it unpacks to, per row and for its fixed parts (bench/RESULTS.md,
# "Hostile roster uploads").
XLSX_FIXED_BYTES, XLSX_FIXED_ELEMENTS = 2**20, 20_000
XLSX_BYTES_PER_ROW, XLSX_ELEMENTS_PER_ROW = 2048, 50
NAME_COLUMN = fmt.HEADER.index("nama")


@dataclass(frozen=True)
class Problem:
    row: int | None  # spreadsheet row number (header is row 1); None for the file as a whole
    column: str | None
    message: str
    name: str = ""  # the row's nama, so that staff find the row without counting (issue #12)

    def __str__(self):
        where = f"Baris {self.row}" if self.row else "Berkas"
        if self.row and self.name:
            where += f" ({self.name})"
        if self.column:
            where += f", kolom {self.column}"
        return f"{where}: {self.message}"


@dataclass
class Candidate:
    """A row whose cells are valid on their own."""

    row: int
    person: Person  # unsaved
    kelurahan: Kelurahan
    role: str
    lurah_decree_number: str  # "" when the file leaves it blank or has no such column
    lurah_decree_date: dt.date | None


def display_name(raw: str) -> str:
    """A row's nama as shown beside its problems: single line, no control characters, not too long."""
    name = " ".join(SINGLE_LINE_FORBIDDEN.sub(" ", raw).split())
    return name if len(name) <= NAME_SHOWN else name[: NAME_SHOWN - 1] + "…"


def _header(cells) -> list[str]:
    header = [cell_text(value).lower() for value in cells]
    while header and header[-1] == "":
        header.pop()
    if header not in fmt.ACCEPTED_HEADERS:
        raise SpreadsheetError(
            "Judul kolom tidak sesuai. Harus tepat: "
            + ",".join(fmt.HEADER)
            + " (boleh ditambah "
            + ",".join(fmt.LURAH_DECREE_COLUMNS)
            + " di ujung). Unduh templat impor."
        )
    return header


def _limit(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _too_many_rows(max_rows: int, *, blank: bool) -> SpreadsheetError:
    what = (
        f"lebih dari {_limit(max_rows + MAX_BLANK_RUN)} baris termasuk baris kosong"
        if blank
        else (f"lebih dari {_limit(max_rows)} baris data")
    )
    return SpreadsheetError(
        f"Berkas berisi {what}, batas impor lewat halaman ini. Impor berkas sebesar ini dengan perintah "
        "`python manage.py import_members BERKAS` di server, atau bagi menjadi beberapa berkas"
        + (" dan hapus baris kosongnya." if blank else ".")
    )


def _xlsx_limits(max_rows: int | None) -> XlsxLimits | None:
    if max_rows is None:
        return None  # the command line: no request to time out
    rows = max_rows + MAX_BLANK_RUN + 1
    return XlsxLimits(
        max_bytes=XLSX_FIXED_BYTES + rows * XLSX_BYTES_PER_ROW,
        max_elements=XLSX_FIXED_ELEMENTS + rows * XLSX_ELEMENTS_PER_ROW,
        rows=max_rows,
    )


def read_table(data: bytes, errors: list, max_rows: int | None, names: dict[int, str]):
    """(columns, [(row, {column: text})]) of the file's non-blank rows; rows that cannot be parsed at
    all (formula cells, content beyond the columns) are reported instead."""
    rows = read_rows(data, xlsx_limits=_xlsx_limits(max_rows))
    header_row = next(rows, None)
    if header_row is None:
        raise SpreadsheetError("Berkas kosong.")
    columns = _header(header_row[1])
    parsed = []
    data_rows = blank_run = 0  # the limits are on what must be read, good rows or not, blank or not
    for number, values in rows:
        if max_rows is not None and number - 1 > max_rows + MAX_BLANK_RUN:
            errors.clear()  # the rows read so far are not the point: the file goes elsewhere
            raise _too_many_rows(max_rows, blank=True)
        texts = [cell_text(value) for value in values]
        formulas = [i for i, value in enumerate(values[: len(columns)]) if isinstance(value, Formula)]
        if not formulas and not any(texts):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                first = number - blank_run + 1
                raise SpreadsheetError(
                    f"Lebih dari {_limit(MAX_BLANK_RUN)} baris kosong berturut-turut mulai baris ini; "
                    "berkas tidak dibaca lebih jauh. Hapus baris-baris kosong itu (atau salin datanya ke "
                    "lembar kerja baru), lalu unggah ulang.",
                    row=first,
                )
            continue
        blank_run = 0
        data_rows += 1
        if max_rows is not None and data_rows > max_rows:
            errors.clear()
            raise _too_many_rows(max_rows, blank=False)
        if len(values) > NAME_COLUMN and not isinstance(values[NAME_COLUMN], Formula):
            names[number] = texts[NAME_COLUMN]
        if formulas:
            for index in formulas:
                message = "Sel berisi rumus Excel; ketik nilainya sebagai teks biasa."
                errors.append(Problem(number, columns[index], message))
            continue
        if any(texts[len(columns) :]):
            errors.append(Problem(number, None, "Ada isian di luar kolom yang ditentukan."))
            continue
        texts += [""] * (len(columns) - len(texts))
        parsed.append((number, dict(zip(columns, texts, strict=False))))
    return columns, parsed


def first_rows_of_nik(parsed) -> dict[int, int]:
    """{row: earlier row with the same NIK} for every NIK the file repeats."""
    first, repeated = {}, {}
    for number, cells in parsed:
        nik = cells["nik"]
        if not nik:
            continue
        if nik in first:
            repeated[number] = first[nik]
        else:
            first[nik] = number
    return repeated


def parse_row(number, cells, *, kelurahan_by_code, errors, warnings, duplicate_of=None, names, office=None):
    """A Candidate, or None after appending this row's problems to `errors`.

    `duplicate_of`: the earlier row holding this row's NIK, if any; `names`: {row: nama} for naming it;
    `office`: the KPU office importing, whose kabupaten/kota every row's kelurahan must lie in."""
    errors_before = len(errors)

    def problem(column, message):
        errors.append(Problem(number, column, message))

    if fmt.is_example_row(cells["nik"], cells["nama"]):
        problem(
            "nama",
            "Ini baris contoh dari templat impor, bukan data anggota. Hapus baris ini dari berkas, lalu "
            "unggah ulang.",
        )
        return None
    for column, value in cells.items():
        if len(value) > MAX_CELL_LENGTH:
            problem(column, f"Isian terlalu panjang (lebih dari {MAX_CELL_LENGTH} karakter).")
        elif (MULTI_LINE_FORBIDDEN if column == "alamat" else SINGLE_LINE_FORBIDDEN).search(value):
            problem(column, "Berisi karakter kendali yang tidak diizinkan.")
        elif value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
            cells[column] = value[1:]  # written so by our own export to keep formulas inert
    if len(errors) > errors_before:
        return None
    if duplicate_of:
        earlier = display_name(names.get(duplicate_of, ""))
        problem(
            "nik",
            f"NIK sama dengan baris {duplicate_of}"
            + (f" ({earlier})" if earlier else "")
            + "; satu orang hanya boleh tercantum sekali.",
        )

    code = fmt.parse_kelurahan_code(cells["kode_kelurahan"])
    kelurahan = kelurahan_by_code.get(code) if code else None
    if not code:
        problem("kode_kelurahan", "Kode harus berbentuk 64.71.01.1001 atau 6471011001.")
    elif kelurahan is None:
        problem("kode_kelurahan", f"Kelurahan dengan kode {code} tidak dikenal.")
    elif office is not None and kelurahan.kecamatan.regency_id != office.regency_id:
        problem("kode_kelurahan", f"Kelurahan {code} bukan wilayah {office.short_name}.")
    role = fmt.parse_role(cells["jabatan"])
    if role is None:
        problem("jabatan", "Jabatan harus salah satu dari: " + ", ".join(fmt.ROLE_VALUES) + ".")
    gender = fmt.parse_gender(cells["jenis_kelamin"])
    if gender is None:
        problem("jenis_kelamin", "Isi L (laki-laki) atau P (perempuan).")
    status = fmt.parse_status(cells["status_kepegawaian"])
    if status is None:
        problem("status_kepegawaian", "Isi ASN atau NON_ASN.")
    birth_date = fmt.parse_date(cells["tanggal_lahir"])
    if birth_date is None:
        problem("tanggal_lahir", DATE_FORMATS)
    for column in ("nama", "tempat_lahir"):
        if not cells[column]:
            problem(column, "Wajib diisi.")
    decree_number, decree_date = _lurah_decree(cells, problem)

    person = Person(
        nik=cells["nik"],
        name=re.sub(r"\s+", " ", cells["nama"]).strip(),
        gender=gender or "",
        birth_place=cells["tempat_lahir"],
        birth_date=birth_date,
        employment_status=status or "",
        nip=cells["nip"],
        phone=cells["telepon"],
        email=cells["email"],
        address=cells["alamat"],
    )
    already = {p.column for p in errors[errors_before:]}
    try:
        # The office is the importing office, given when the import writes.
        person.full_clean(exclude=["office"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            column = fmt.PERSON_FIELD_COLUMNS.get(field_name)
            if column in already:
                continue  # already explained by the parsing above
            for message in messages:
                problem(column, message)
    if re.search(r"[<>{}%]", cells["tempat_lahir"]):
        problem("tempat_lahir", "Tidak boleh berisi tanda < > { } %.")

    if len(errors) > errors_before:
        return None
    if office is not None:
        person.office = office  # whose kabupaten/kota the NIK is compared with
    for warning in person.warnings():
        warnings.append(Problem(number, "nik", warning))
    return Candidate(number, person, kelurahan, role, decree_number, decree_date)


def _lurah_decree(cells, problem) -> tuple[str, dt.date | None]:
    """The optional nomor_sk_lurah / tanggal_sk_lurah: both or neither, a date that can be a decree's. In a
    desa the columns hold the Kepala Desa's decree, and the messages say so."""
    code = normalize_kelurahan_code(cells.get("kode_kelurahan", "")) or ""
    sk = f"SK {village_head(village_kind(code), code[:2])}" if VILLAGE_CODE_RE.match(code) else "SK Lurah"
    number = cells.get("nomor_sk_lurah", "")
    raw_date = cells.get("tanggal_sk_lurah", "")
    if len(number) > fmt.LURAH_DECREE_NUMBER_MAX:
        problem("nomor_sk_lurah", f"Nomor {sk} paling banyak {fmt.LURAH_DECREE_NUMBER_MAX} karakter.")
    decree_date = fmt.parse_date(raw_date) if raw_date else None
    if raw_date and decree_date is None:
        problem("tanggal_sk_lurah", DATE_FORMATS)
    elif decree_date and decree_date < fmt.LURAH_DECREE_EARLIEST:
        problem(
            "tanggal_sk_lurah",
            f"Tanggal {sk} {indonesian_date(decree_date)} sebelum tahun "
            f"{fmt.LURAH_DECREE_EARLIEST.year}; periksa tahunnya.",
        )
    elif decree_date and decree_date > timezone.localdate():
        problem(
            "tanggal_sk_lurah",
            f"Tanggal {sk} {indonesian_date(decree_date)} belum tiba; SK yang menjadi dasar "
            "pengangkatan harus sudah terbit.",
        )
    if number and not raw_date:
        problem("tanggal_sk_lurah", f"Isi tanggal {sk} (nomornya sudah diisi).")
    if raw_date and not number:
        problem("nomor_sk_lurah", f"Isi nomor {sk} (tanggalnya sudah diisi).")
    return number, decree_date
