"""Importing a national-scale roster file (issue #7, item 5).

Usage (from the project root, with the virtualenv; PostgreSQL at 127.0.0.1:5432, user postgres):
    .venv/bin/python bench/import_scale.py --kelurahan 83763

Creates a fresh PostgreSQL database (default `pps_bench_import`), migrates it, imports the fictional
102-member roster, then times:
1. `seed_synthetic --kelurahan N --csv FILE` (only the kelurahan go in; the members go to the file),
2. `import_members` of a copy of FILE with one bad NIK near the end: must fail with that row number and
   write nothing (all or nothing at full size),
3. `import_members FILE`: every row written (goal: 251,289 rows in at most 5 minutes on 2 cores),
4. `seed_synthetic --remove`.
Reports wall time and each command's peak resident memory.
"""

import argparse
import csv
import datetime as dt
import tempfile
from pathlib import Path

from scale_common import counts, drop_database, fresh_database, machine, manage, report

GOAL_SECONDS = 300


def break_one_row(source: Path, target: Path) -> int:
    """Copy the file with day 32 in one NIK near the end; returns that spreadsheet row number."""
    with open(source, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    index = len(rows) - 10
    nik = rows[index][2]
    rows[index][2] = nik[:6] + "32" + nik[8:]
    with open(target, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return index + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kelurahan", type=int, default=83_763)
    parser.add_argument("--database", default="pps_bench_import")
    parser.add_argument("--keep", action="store_true", help="keep the database and the data")
    args = parser.parse_args()

    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, {machine()}")
    url = fresh_database(args.database)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path, bad_path = Path(folder) / "roster.csv", Path(folder) / "roster-bad.csv"
            for step in (("migrate", "--noinput"), ("seed_demo",)):
                run = manage(url, *step)
                assert run.status == 0, run.err
            write = manage(url, "seed_synthetic", "--kelurahan", str(args.kelurahan), "--csv", str(path))
            report(write)
            assert write.status == 0, write.err
            with open(path, encoding="utf-8-sig") as handle:
                rows = sum(1 for _ in handle) - 1
            print(f"    {rows:,} rows, {path.stat().st_size / 2**20:.1f} MiB")

            bad_row = break_one_row(path, bad_path)
            rejected = manage(url, "import_members", str(bad_path), "--all-offices")
            report(rejected)
            assert rejected.status == 1 and f"Baris {bad_row} (" in rejected.err, rejected.err[-500:]
            assert counts(url)["orang (sintetis)"] == 0, "a rejected import wrote rows"

            imported = manage(url, "import_members", str(path), "--all-offices")
            report(imported)
            assert imported.status == 0, imported.err[-2000:]
            after = counts(url)
            for label, value in after.items():
                print(f"    {label}: {value:,}")
            assert after["orang (sintetis)"] == rows

            if not args.keep:
                report(manage(url, "seed_synthetic", "--remove"))
        verdict = "meets" if imported.seconds <= GOAL_SECONDS else "MISSES"
        print(
            f"Import {rows:,} rows: {imported.seconds:.1f} s ({verdict} the {GOAL_SECONDS} s goal), "
            f"peak RSS {imported.max_rss_mb:.0f} MB; rejected file {rejected.seconds:.1f} s; "
            f"csv written in {write.seconds:.1f} s; {machine()}"
        )
    finally:
        if not args.keep:
            drop_database(args.database)


if __name__ == "__main__":
    main()
