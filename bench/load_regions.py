"""Loading the nation's regions with `load_regions` (issue #17, item 1): first load and a second run.

Usage (from the project root, with the virtualenv; PostgreSQL at 127.0.0.1:5432, user postgres):
    .venv/bin/python bench/load_regions.py

On a fresh PostgreSQL database (default `pps_bench_regions`, dropped at the end unless --keep) and on a
fresh SQLite file (`make run`'s default): migrate, then time `load_regions` (all provinces: 38 / 514 /
7,285 / 83,762), then `load_regions` again (nothing to change). Goal: the first load well under a minute.
"""

import argparse
import datetime as dt
import tempfile
from pathlib import Path

from scale_common import drop_database, fresh_database, machine, manage, report

GOAL_SECONDS = 60


def run(url: str) -> tuple[float, float]:
    """Seconds of the first and of the second `load_regions` (each a whole manage.py process)."""
    times = []
    for step in (("migrate", "--noinput"), ("load_regions",), ("load_regions",)):
        result = manage(url, *step)
        report(result)
        assert result.status == 0, result.err
        if step[0] == "load_regions":
            times.append(result.seconds)
    assert "Tidak ada perubahan" in result.out, result.out
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="pps_bench_regions")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, {machine()}")
    url = fresh_database(args.database)
    try:
        print("PostgreSQL:")
        first, again = run(url)
    finally:
        if not args.keep:
            drop_database(args.database)
    with tempfile.TemporaryDirectory() as directory:
        print("SQLite:")
        first_sqlite, again_sqlite = run(f"sqlite:///{Path(directory) / 'db.sqlite3'}")
    verdict = "meets" if first <= GOAL_SECONDS else "MISSES"
    print(
        f"load_regions (all): PostgreSQL {first:.1f} s ({verdict} the {GOAL_SECONDS} s goal), second run "
        f"{again:.1f} s; SQLite {first_sqlite:.1f} s, second run {again_sqlite:.1f} s; {machine()}"
    )


if __name__ == "__main__":
    main()
