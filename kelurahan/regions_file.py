"""The shipped list of the nation's regions (kelurahan/data/regions.csv.xz): its format, reading and checking.

An xz-compressed UTF-8 CSV, written by kelurahan/data/build_regions.py:

    # <lines saying where the data comes from: decree, dataset, commit, licence>
    # jumlah: provinsi=38 kabupaten/kota=514 kecamatan=7285 desa/kelurahan=83762
    kode,nama,kode_pos
    64,Kalimantan Timur,
    64.71,Balikpapan,
    64.71.01,Balikpapan Timur,
    64.71.01.1001,Manggar,76116

A kabupaten/kota's name comes without "Kabupaten"/"Kota" (its code says which, kelurahan/codes.py); only
desa/kelurahan have a postal code, and it may be empty. Reading checks everything before anything is
loaded: every code well formed and once only, under a parent in the file, names single-line and short
enough, and the counts per level equal to the "jumlah" line (a truncated or edited file is refused).
No Django here beyond the shared free-text rule, so the build script can read back what it wrote.
"""

import csv
import io
import lzma
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pps_admin.text import SINGLE_LINE_FORBIDDEN

from . import codes
from .xz_csv import read_xz_csv

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "regions.csv.xz"
COLUMNS = ["kode", "nama", "kode_pos"]
COUNTS_PREFIX = "# jumlah: "
LEVELS = (codes.PROVINCE, codes.REGENCY, codes.KECAMATAN, codes.VILLAGE)
MAX_NAME = 100  # the models' name length
MAX_ERRORS = 20  # listed in one message; a wrong file usually has thousands


class RegionsFileError(Exception):
    """The file cannot be used; the message says why, in Indonesian, with line numbers."""


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    postal_code: str = ""

    @property
    def level(self) -> str:
        return codes.LEVEL_BY_LENGTH[len(self.code)]

    @property
    def province_code(self) -> str:
        return self.code[:2]


@dataclass
class RegionsFile:
    notes: list[str]  # the header's comment lines, without "# "
    regions: dict[str, list[Region]] = field(default_factory=dict)  # by level, in code order

    def counts(self) -> dict[str, int]:
        return {level: len(self.regions.get(level, ())) for level in LEVELS}

    def province_codes(self) -> list[str]:
        return [region.code for region in self.regions[codes.PROVINCE]]

    def of_provinces(self, province_codes: Iterable[str]) -> dict[str, list[Region]]:
        wanted = set(province_codes)
        return {
            level: [r for r in regions if r.province_code in wanted]
            for level, regions in self.regions.items()
        }


def counts_line(counts: dict[str, int]) -> str:
    return COUNTS_PREFIX + " ".join(f"{level}={counts[level]}" for level in LEVELS)


def write_regions(path: Path, notes: list[str], regions: Iterable[Region]) -> None:
    """Write `regions` (any order) under `notes`; the same input gives the same bytes."""
    ordered = sorted(regions, key=lambda r: r.code)
    counts = dict.fromkeys(LEVELS, 0)
    for region in ordered:
        counts[region.level] += 1
    text = io.StringIO()
    for note in notes:
        text.write(f"# {note}\n")
    text.write(counts_line(counts) + "\n")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([r.code, r.name, r.postal_code] for r in ordered)
    path.write_bytes(lzma.compress(text.getvalue().encode("utf-8"), preset=9 | lzma.PRESET_EXTREME))


def read_regions(path: Path = DEFAULT_PATH) -> RegionsFile:
    notes, rows = read_xz_csv(path, columns=COLUMNS, what="wilayah", error=RegionsFileError)
    expected = _expected_counts(notes[-1] if notes else "")
    result = RegionsFile(notes=[n.removeprefix("#").strip() for n in notes[:-1]])
    for level in LEVELS:
        result.regions[level] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, row in rows:
        problem = _problem(row, seen)
        if problem:
            errors.append(f"baris {number}: {problem}")
            if len(errors) >= MAX_ERRORS:
                break
            continue
        region = Region(*row)
        seen.add(region.code)
        result.regions[region.level].append(region)
    if not errors and result.counts() != expected:
        got = counts_line(result.counts()).removeprefix(COUNTS_PREFIX)
        errors.append(
            f"jumlah wilayah ({got}) tidak sama dengan baris '# jumlah:' berkas (berkas terpotong?)"
        )
    if errors:
        raise RegionsFileError("Berkas wilayah rusak, tidak ada yang dimuat:\n" + "\n".join(errors))
    for regions in result.regions.values():
        regions.sort(key=lambda r: r.code)
    return result


def _expected_counts(line: str) -> dict[str, int]:
    if not line.startswith(COUNTS_PREFIX):
        raise RegionsFileError("Berkas wilayah rusak: baris '# jumlah: ...' sebelum kepala kolom tidak ada.")
    counts = {}
    for part in line.removeprefix(COUNTS_PREFIX).split():
        level, _, number = part.partition("=")
        if level not in LEVELS or not number.isdigit():
            raise RegionsFileError(f"Berkas wilayah rusak: baris jumlah tidak dapat dibaca: {line}")
        counts[level] = int(number)
    if set(counts) != set(LEVELS):
        raise RegionsFileError(f"Berkas wilayah rusak: baris jumlah tidak lengkap: {line}")
    return counts


def _problem(row: list[str], seen: set[str]) -> str | None:
    if len(row) != len(COLUMNS):
        return f"harus {len(COLUMNS)} kolom ({','.join(COLUMNS)}), ada {len(row)}"
    code, name, postal_code = row
    level = codes.level_of(code)
    if level is None:
        return f"kode wilayah tidak dikenal: {code!r}"
    if codes.is_synthetic(code):
        return f"kode {code}: provinsi {code[:2]} hanya untuk data sintetis (00-09)"
    if code in seen:
        return f"kode {code} muncul dua kali"
    parent = codes.parent_of(code)
    if parent is not None and parent not in seen:
        return f"kode {code}: induknya {parent} tidak ada di baris sebelumnya"
    if not name.strip() or name != name.strip() or "  " in name:
        return f"kode {code}: nama kosong atau berspasi ganda/di tepi: {name!r}"
    if len(name) > MAX_NAME or SINGLE_LINE_FORBIDDEN.search(name):
        return f"kode {code}: nama lebih dari {MAX_NAME} karakter atau berisi karakter kendali"
    if postal_code and (level != codes.VILLAGE or not (len(postal_code) == 5 and postal_code.isdigit())):
        return f"kode {code}: kode pos {postal_code!r} tidak sah (5 angka, hanya untuk desa/kelurahan)"
    return None
