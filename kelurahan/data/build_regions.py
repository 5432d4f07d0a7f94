"""Build kelurahan/data/regions.csv.xz from the public dataset cahyadsn/wilayah (and its postal codes).

How the shipped file was made (from the project root, with git clones of both repositories):

    python -m kelurahan.data.build_regions \\
        --wilayah ../wilayah --wilayah-commit b7ad440a1322e7be3189a16a8cac35f7d4c3d7f7 \\
        --kodepos ../wilayah_kodepos --kodepos-commit 4fa8c592a581bf2fc4fb0a373010000c5bac6251

Sources, read with `git show COMMIT:PATH` so the file header can name exactly what was read:
- https://github.com/cahyadsn/wilayah, db/wilayah.sql: the codes and names of Kepmendagri No. 300.2.2-2138
  Tahun 2025, the decree in force, with 38 provinces (96 Papua Barat Daya, formed by UU 29/2022, and its
  kabupaten/kota coded 96.xx; the 2022 decree in db/archive/wilayah_2023.sql still had them under 92).
- https://github.com/cahyadsn/wilayah_kodepos, db/wilayah_kodepos.sql: postal codes per desa/kelurahan
  "berdasarkan Keputusan Menteri Dalam Negeri Nomor 300.2.2-2138 tahun 2025".
Both are MIT-licensed (c) cahya dsn: kelurahan/data/LICENSE-wilayah.txt.

What is changed on the way, and only this: a kabupaten/kota's name loses its "Kabupaten"/"Kota" prefix
(its kind comes from the code) and its one abbreviation "Kep." is written out ("Kepulauan Siau Tagulandang
Biaro", as the letterhead needs it); spaces at the edges or doubled inside a name are removed (five such
names in the dataset: "Kota Administrasi Jakarta Utara "); SQL's doubled quote is read as one. A regency
whose prefix disagrees with its code, or any row the reader would refuse, stops the build.
The same inputs give the same bytes (xz keeps no timestamp).
"""

import argparse
import hashlib
import re
import subprocess
import sys
from pathlib import Path

from kelurahan import codes
from kelurahan.regions_file import DEFAULT_PATH, Region, read_regions, write_regions

WILAYAH_PATH = "db/wilayah.sql"
KODEPOS_PATH = "db/wilayah_kodepos.sql"
DECREE = "Kepmendagri No. 300.2.2-2138 Tahun 2025"
# One SQL value tuple: ('64.71.01.1001','Manggar') or, in the postal file, ('64.71.01.1001', '76116');
# a quote inside a name is doubled.
ROW_RE = re.compile(r"\('([0-9.]+)',\s*'((?:[^']|'')*)'\)")
ABBREVIATIONS = {"Kep.": "Kepulauan"}
REGENCY_PREFIXES = {"Kabupaten": codes.KABUPATEN, "Kota": codes.KOTA}


def git_show(repo: Path, commit: str, path: str) -> tuple[str, bytes]:
    full = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["git", "-C", str(repo), "rev-parse", f"{commit}^{{commit}}"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    data = subprocess.run(  # noqa: S603
        ["git", "-C", str(repo), "show", f"{full}:{path}"],  # noqa: S607
        check=True,
        capture_output=True,
    ).stdout
    return full, data


def sql_rows(data: bytes) -> dict[str, str]:
    rows = {}
    for code, name in ROW_RE.findall(data.decode("utf-8")):
        if code in rows and rows[code] != name:
            raise SystemExit(f"{code} appears twice with different names: {rows[code]!r}, {name!r}")
        rows[code] = name.replace("''", "'")
    return rows


def clean(name: str) -> str:
    return " ".join(name.split())


def regency_name(code: str, name: str) -> str:
    prefix, _, rest = clean(name).partition(" ")
    kind = REGENCY_PREFIXES.get(prefix)
    if kind != codes.regency_kind(code):
        raise SystemExit(f"{code} {name!r}: the name says {kind}, the code says {codes.regency_kind(code)}")
    return " ".join(ABBREVIATIONS.get(word, word) for word in rest.split())


def regions(wilayah: dict[str, str], postal: dict[str, str]) -> list[Region]:
    result = []
    for code, name in wilayah.items():
        level = codes.level_of(code)
        if level == codes.PROVINCE:
            result.append(Region(code, clean(name)))
        elif level == codes.REGENCY:
            result.append(Region(code, regency_name(code, name)))
        elif level == codes.KECAMATAN:
            result.append(Region(code, clean(name)))
        elif level == codes.VILLAGE:
            result.append(Region(code, clean(name), postal.get(code, "")))
        else:
            raise SystemExit(f"unknown code {code!r} ({name!r})")
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wilayah", type=Path, required=True, help="git clone of cahyadsn/wilayah")
    parser.add_argument("--wilayah-commit", default="HEAD")
    parser.add_argument("--kodepos", type=Path, required=True, help="git clone of cahyadsn/wilayah_kodepos")
    parser.add_argument("--kodepos-commit", default="HEAD")
    parser.add_argument("--output", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)

    wilayah_commit, wilayah_sql = git_show(args.wilayah, args.wilayah_commit, WILAYAH_PATH)
    kodepos_commit, kodepos_sql = git_show(args.kodepos, args.kodepos_commit, KODEPOS_PATH)
    wilayah = sql_rows(wilayah_sql)
    postal = sql_rows(kodepos_sql)
    notes = [
        f"Wilayah administrasi pemerintahan Indonesia menurut {DECREE} (38 provinsi).",
        f"Sumber: https://github.com/cahyadsn/wilayah commit {wilayah_commit} {WILAYAH_PATH} "
        f"(sha256 {hashlib.sha256(wilayah_sql).hexdigest()}).",
        f"Kode pos: https://github.com/cahyadsn/wilayah_kodepos commit {kodepos_commit} {KODEPOS_PATH} "
        f"(sha256 {hashlib.sha256(kodepos_sql).hexdigest()}).",
        "Data (c) cahya dsn, lisensi MIT: kelurahan/data/LICENSE-wilayah.txt.",
        "Dibuat oleh kelurahan/data/build_regions.py (docstring-nya: apa yang diubah); "
        "jangan disunting tangan.",
    ]
    write_regions(args.output, notes, regions(wilayah, postal))
    written = read_regions(args.output)  # the loader's own checks, before anyone ships the file
    counts = written.counts()
    with_postal = sum(1 for r in written.regions[codes.VILLAGE] if r.postal_code)
    size = args.output.stat().st_size
    print(f"{args.output}: {size:,} bytes, {counts}, {with_postal} desa/kelurahan with a postal code")


if __name__ == "__main__":
    sys.exit(main())
