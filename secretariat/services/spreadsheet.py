"""Reading and writing the roster's tabular files (CSV and XLSX), independent of what the rows mean.

File types are recognised by content, never by name: a renamed text file is not an XLSX.
"""

import csv
import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import openpyxl

from pps_admin.text import MULTI_LINE_FORBIDDEN

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls / .doc
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Formula(str):
    """An XLSX cell holding a formula (its text, e.g. '=A1+1'), never a value typed in."""


class SpreadsheetError(Exception):
    """The file cannot be read as a table; the message is for the user (Indonesian). `row`: the
    spreadsheet row where reading failed, when known."""

    def __init__(self, message: str, *, row: int | None = None):
        super().__init__(message)
        self.row = row


def detect_kind(data: bytes) -> str:
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        raise SpreadsheetError(
            "Berkas .xls (Excel 97-2003) tidak didukung. Simpan ulang sebagai .xlsx atau .csv."
        )
    if b"\x00" in data[:4096]:
        raise SpreadsheetError("Berkas bukan CSV atau XLSX (berisi data biner).")
    return "csv"


@dataclass(frozen=True)
class XlsxLimits:
    """What an XLSX may unpack to before any of it is parsed: bytes, and XML elements (cells, rows, strings:
    each costs openpyxl the same few microseconds, whether it holds anything or not)."""

    max_bytes: int
    max_elements: int
    rows: int  # the row limit these follow from, for the message


def read_rows(data: bytes, *, xlsx_limits: XlsxLimits | None = None) -> Iterator[tuple[int, list]]:
    """Yield (spreadsheet row number, cell values) for every row, header included (row 1)."""
    if not data:
        raise SpreadsheetError("Berkas kosong.")
    kind = detect_kind(data)
    if kind == "xlsx":
        if xlsx_limits is not None:
            _check_unpacked(data, xlsx_limits)
        yield from _read_xlsx(data)
    else:
        yield from _read_csv(data)


BROKEN_XLSX = "Berkas bukan XLSX yang sah (mungkin rusak)."
UNPACK_CHUNK = 2**20


def _check_unpacked(data: bytes, limits: XlsxLimits) -> None:
    """openpyxl parses every worksheet in full while it opens a workbook whose sheets carry no <dimension>
    (millions of blank rows: a long wait before the first row is read), and every shared string, so the
    time a workbook can cost is bounded here, before openpyxl sees it: every part is unpacked (zipfile never
    reads past a part's stated size) and its element starts counted at C speed ('<' not followed by '/';
    namespace prefixes cannot hide an element). Stops at the first limit passed."""
    unpacked = elements = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                with archive.open(info) as part:
                    while chunk := part.read(UNPACK_CHUNK):
                        unpacked += len(chunk)
                        # A '<' ending a chunk whose '/' starts the next counts once too many: harmless.
                        elements += chunk.count(b"<") - chunk.count(b"</")
                        if unpacked > limits.max_bytes or elements > limits.max_elements:
                            raise SpreadsheetError(_too_big(limits))
    except (
        zipfile.BadZipFile,
        zlib.error,
        ValueError,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        # damaged, truncated, an unknown compression method, encrypted
        raise SpreadsheetError(BROKEN_XLSX) from exc


def _too_big(limits: XlsxLimits) -> str:
    rows = f"{limits.rows:,}".replace(",", ".")
    return (
        f"Isi berkas XLSX ini jauh lebih besar daripada roster {rows} baris yang dapat diperiksa lewat "
        "halaman ini. Biasanya karena banyak baris atau kolom kosong yang diformat: salin data saja ke "
        "lembar kerja baru (atau simpan sebagai CSV), lalu unggah ulang. Berkas yang memang sebesar ini "
        "diimpor dengan perintah `python manage.py import_members BERKAS` di server."
    )


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list]]:
    # A damaged workbook makes openpyxl raise almost anything (XML ParseError, IndexError, ValueError ...),
    # and in read-only mode only while the rows are read: every such failure is the file's fault.
    try:
        # Formulas are read as formulas, not as the value a spreadsheet last computed: a file written by a
        # script has no computed value at all, and the cell would silently import as empty.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # BadZipFile, InvalidFileException, ParseError, KeyError ...
        raise SpreadsheetError(BROKEN_XLSX) from exc
    try:
        sheet = workbook.worksheets[0]
        # Read-only mode trusts the file's <dimension>, which some tools write wrong (e.g. "A1"): ignore it.
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(), start=1):
            yield number, [Formula(cell.value) if cell.data_type == "f" else cell.value for cell in row]
    except Exception as exc:  # not GeneratorExit: closing the reader early is no error
        raise SpreadsheetError(BROKEN_XLSX) from exc
    finally:
        workbook.close()


def _read_csv(data: bytes) -> Iterator[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Indonesian Windows saves CSV in the ANSI code page.
        text = data.decode("cp1252", errors="strict") if _is_cp1252(data) else None
        if text is None:
            raise SpreadsheetError("Berkas CSV harus memakai pengodean UTF-8.") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            yield number, row
    except csv.Error as exc:
        raise SpreadsheetError(_csv_problem(exc), row=number + 1) from exc


def _csv_problem(exc: csv.Error) -> str:
    """The csv module's error in Indonesian (its own text is English and means nothing to staff)."""
    text = str(exc)
    if "field larger than field limit" in text:
        limit = csv.field_size_limit() // 1024
        return (
            f'CSV tidak dapat dibaca: ada isian lebih dari {limit} KiB. Biasanya karena tanda kutip (") '
            "yang tidak ditutup, sehingga sisa berkas terbaca sebagai satu isian. Periksa baris ini."
        )
    return "CSV tidak dapat dibaca: susunan tanda kutip atau pemisah kolom rusak. Simpan ulang sebagai CSV."


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def cell_text(value) -> str:
    """A cell as text: numbers without '.0', dates as ISO, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def neutralize_formula(value: str) -> str:
    """Make a text cell that a spreadsheet would run as a formula show literally instead."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_cell(value):
    """A text cell as written out: inert as a formula, and without the characters the import refuses
    (pps_admin.text: control and bidi characters; a line break pasted from Word is U+000B), so an export of
    records stored before that rule still imports."""
    if isinstance(value, str):
        value = neutralize_formula(MULTI_LINE_FORBIDDEN.sub(" ", value))
    return value


def write_csv(header: list[str], rows: Iterable[list[str]], *, bom: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([export_cell(cell) for cell in row])
    # BOM so that Excel opens the UTF-8 file with the right characters.
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def write_xlsx(header: list[str], rows: Iterable[list[str]], *, sheet_title: str) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(header)
    for row in rows:
        sheet.append([export_cell(cell) for cell in row])
    text_columns(sheet, len(header))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_columns(sheet, width: int, *, widths: dict[int, int] | None = None) -> None:
    """Store every cell as text (a NIK must never become 6.47101E+15) and size the columns."""
    for row in sheet.iter_rows(min_row=1, max_col=width):
        for cell in row:
            cell.number_format = "@"
            if cell.value is not None and not isinstance(cell.value, str):
                cell.value = cell_text(cell.value)
    for index in range(1, width + 1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = (widths or {}).get(index, 20)
    sheet.freeze_panes = "A2"
