"""Reading a shipped xz-compressed UTF-8 CSV with "#" note lines before its header (regions.csv.xz,
seats.csv.xz): the part regions_file.py and seats_file.py share. No Django, so build scripts can use it."""

import csv
import lzma
from pathlib import Path


def read_xz_csv(
    path: Path, *, columns: list[str], what: str, error: type[Exception]
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(the note lines, [(line number, row)] of the non-empty rows under the header). `what` names the file
    in the Indonesian messages ("wilayah"); `error` is raised for a missing, damaged or headless file."""
    try:
        text = lzma.decompress(Path(path).read_bytes()).decode("utf-8")
    except FileNotFoundError:
        raise error(f"Berkas {what} tidak ditemukan: {path}") from None
    except (lzma.LZMAError, UnicodeDecodeError) as exc:
        damaged = f"Berkas {what} rusak (bukan CSV UTF-8 terkompresi xz yang utuh): {path} ({exc})"
        raise error(damaged) from None
    lines = text.split("\n")
    notes = []
    while lines and lines[0].startswith("#"):
        notes.append(lines.pop(0))
    rows = list(csv.reader(lines))
    header_line = len(notes) + 1
    if not rows or rows[0] != columns:
        raise error(f"Berkas {what} rusak: baris {header_line} harus berisi kolom {','.join(columns)}.")
    numbered = enumerate(rows[1:], start=header_line + 1)
    return notes, [(number, row) for number, row in numbered if row]  # an empty row: the final newline
