"""Seeding and removing national-scale synthetic data (issue #7, item 1).

Usage (from the project root, with the virtualenv; PostgreSQL at 127.0.0.1:5432, user postgres):
    .venv/bin/python bench/seed_synthetic.py --kelurahan 83763

Creates a fresh PostgreSQL database (default `pps_bench_seed`; BENCH_POSTGRES overrides the server URL),
migrates it, imports the fictional 102-member roster (standing in for real data), then times
`seed_synthetic --kelurahan N`, counts the rows, times `seed_synthetic --remove` and checks that only
the real rows remain. Goal: 83,763 kelurahan (251,289 people) seeded in at most 5 minutes on 2 cores.
"""

import argparse
import datetime as dt

from scale_common import counts, drop_database, fresh_database, machine, manage, report

GOAL_SECONDS = 300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kelurahan", type=int, default=83_763)
    parser.add_argument("--database", default="pps_bench_seed")
    parser.add_argument("--keep", action="store_true", help="keep the database (with the data removed)")
    args = parser.parse_args()

    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, {machine()}")
    url = fresh_database(args.database)
    try:
        for step in (("migrate", "--noinput"), ("seed_demo",)):
            run = manage(url, *step)
            report(run)
            assert run.status == 0, run.err
        seed = manage(url, "seed_synthetic", "--kelurahan", str(args.kelurahan))
        report(seed)
        assert seed.status == 0, seed.err
        seeded = counts(url)
        for label, value in seeded.items():
            print(f"    {label}: {value:,}")
        assert seeded["orang (sintetis)"] == 3 * args.kelurahan
        remove = manage(url, "seed_synthetic", "--remove")
        report(remove)
        assert remove.status == 0, remove.err
        left = counts(url)
        assert left["orang (sintetis)"] == left["kelurahan (sintetis)"] == 0
        assert left["orang (nyata)"] == 102 and left["kelurahan (nyata)"] == 34, left
        print(f"  after removal: {left}")
        verdict = "meets" if seed.seconds <= GOAL_SECONDS else "MISSES"
        print(
            f"Seed {args.kelurahan:,} kelurahan: {seed.seconds:.1f} s ({verdict} the {GOAL_SECONDS} s goal), "
            f"peak RSS {seed.max_rss_mb:.0f} MB; removal {remove.seconds:.1f} s; {machine()}"
        )
    finally:
        if not args.keep:
            drop_database(args.database)


if __name__ == "__main__":
    main()
