"""What the "Terbitkan SK" page's count costs at national scale, and what keeping its flag costs the services
(issue #15 item 2).

Usage (from the project root, on a database page_times.py seeded, e.g. its 83,763 one):
    .venv/bin/python bench/decree_coverage.py --database-url postgres://postgres@127.0.0.1:5432/pps_bench_83763

Median over --repeat runs of: the count the page shows (`uncovered_count`, the flag through its partial
index) against the same count asked of the decree entries (`uncovered_appointments(...).count()`, the
anti-join a plain query would run), with everyone covered and again with the largest decree revoked; and
the time of `decree_revoke` of that decree and of `decree_issue` of its corrected decree, each including
its `listing_refresh` (before issue #15: the triggers' recount). Everything runs in one transaction that
is rolled back: the database is unchanged.
"""

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def median_ms(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def once_ms(work):
    started = time.perf_counter()
    result = work()
    return result, round((time.perf_counter() - started) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pps_bench_83763")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    import synthetic

    synthetic.setup(args.database_url, DEBUG="false")
    from django.db import transaction
    from django.db.models import Count

    from secretariat.models import Appointment, Decree, DecreeStatus, ElectionPeriod
    from secretariat.services.decrees import decree_issue, decree_revoke

    try:
        from secretariat.services.decree_coverage import uncovered_appointments, uncovered_count
    except ImportError:  # the code before issue #15, for the "before" figures: the triggers' column
        from secretariat.services.decrees import uncovered_appointments, uncovered_count

    period = ElectionPeriod.current()

    def counts(label: str) -> None:
        flag = median_ms(lambda: uncovered_count(period), args.repeat)
        join = median_ms(lambda: uncovered_appointments(period).count(), args.repeat)
        print(f"{label}: {uncovered_count(period)} awaiting; flag count {flag} ms, anti-join count {join} ms")

    print(f"{Appointment.objects.count():,} appointments, {Decree.objects.count():,} decrees")
    with transaction.atomic():
        counts("everyone covered")
        largest = (
            Decree.objects.filter(status=DecreeStatus.ISSUED)
            .annotate(size=Count("entries"))
            .order_by("-size", "pk")
            .first()
        )
        _, revoke_ms = once_ms(
            lambda: decree_revoke(
                decree=largest, revoked_date=largest.decree_date + dt.timedelta(days=1), reason="bench"
            )
        )
        print(f"decree_revoke of a decree of {largest.size} members: {revoke_ms} ms")
        counts("largest decree revoked")
        corrected, issue_ms = once_ms(
            lambda: decree_issue(decree_date=largest.decree_date + dt.timedelta(days=2))
        )
        print(f"decree_issue of its corrected decree ({corrected.entries.count()} members): {issue_ms} ms")
        counts("corrected decree issued")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
