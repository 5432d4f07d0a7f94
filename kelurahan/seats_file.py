"""The shipped seats (ibu kota) of the kabupaten (kelurahan/data/seats.csv.xz, written by
kelurahan/data/build_seats.py): reading and checking. A kota's seat is its own name and is not listed.

    # <where the data comes from>
    kode,ibukota
    64.01,Tanah Grogot

Reading checks the whole file before anything is loaded: every code a kabupaten's, once only, every seat
a single line of at most 100 characters.
"""

from pathlib import Path

from pps_admin.text import SINGLE_LINE_FORBIDDEN

from . import codes
from .xz_csv import read_xz_csv

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "seats.csv.xz"
COLUMNS = ["kode", "ibukota"]
MAX_SEAT = 100  # Regency.seat's length
MAX_ERRORS = 20


class SeatsFileError(Exception):
    """The file cannot be used; the message says why, in Indonesian, with line numbers."""


def read_seats(path: Path = DEFAULT_PATH) -> dict[str, str]:
    """{kabupaten code: seat}."""
    _, rows = read_xz_csv(path, columns=COLUMNS, what="ibu kota kabupaten", error=SeatsFileError)
    seats: dict[str, str] = {}
    errors: list[str] = []
    for number, row in rows:
        problem = _problem(row, seats)
        if problem:
            errors.append(f"baris {number}: {problem}")
            if len(errors) >= MAX_ERRORS:
                break
            continue
        seats[row[0]] = row[1]
    if errors:
        raise SeatsFileError("Berkas ibu kota kabupaten rusak, tidak ada yang dimuat:\n" + "\n".join(errors))
    return seats


def _problem(row: list[str], seen: dict[str, str]) -> str | None:
    if len(row) != len(COLUMNS):
        return f"harus {len(COLUMNS)} kolom ({','.join(COLUMNS)}), ada {len(row)}"
    code, seat = row
    if not codes.REGENCY_CODE_RE.match(code) or codes.regency_kind(code) != codes.KABUPATEN:
        return f"kode {code!r} bukan kode kabupaten (mis. 64.01)"
    if code in seen:
        return f"kode {code} muncul dua kali"
    if not seat.strip() or seat != seat.strip() or "  " in seat:
        return f"kode {code}: ibu kota kosong atau berspasi ganda/di tepi: {seat!r}"
    if len(seat) > MAX_SEAT or SINGLE_LINE_FORBIDDEN.search(seat):
        return f"kode {code}: ibu kota lebih dari {MAX_SEAT} karakter atau berisi karakter kendali"
    return None
