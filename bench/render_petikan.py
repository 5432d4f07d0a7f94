"""Petikan rendering throughput and memory, per process (issue #7, item 4; first measurement).

Usage (from the project root, with the virtualenv):
    .venv/bin/python bench/render_petikan.py --renders 300 --processes 1
    .venv/bin/python bench/render_petikan.py --renders 300 --processes 2

It builds a throwaway SQLite database in a temporary folder (the 34 kelurahan, the fictional 102-member
roster, one issued SK), then each process renders Petikan PDFs through the real rendering core
(`render_document_pdf`: template, WeasyPrint, the project's fonts) without storing them, and reports
renders per second and resident memory (RSS) sampled as it goes. Not part of the test suite.
"""

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def setup_django(database: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="pps_admin.settings",
        # As in a production worker: with DEBUG on, Django keeps every query in memory (up to 9,000), which
        # showed as about 3.4 MB per 1,000 renders in the first 10,000-render run.
        DEBUG="false",
        SECRET_KEY="bench-only-secret",  # noqa: S106 - a throwaway database in a temporary folder
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(database.parent / "media"),
        # A broker nobody listens on: issuing the SK keeps its job queued instead of rendering in-process.
        REDIS_URL="redis://127.0.0.1:1/0",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()


def prepare(database: Path) -> None:
    setup_django(database)
    from django.core.management import call_command

    from secretariat.services.decrees import decree_issue
    from secretariat.services.demo import demo_csv
    from secretariat.services.importing import members_import

    call_command("migrate", verbosity=0)
    assert members_import(data=demo_csv(), dry_run=False).ok
    decree_issue(decree_date=dt.date(2024, 6, 1))


def worker(database: Path, renders: int, queue, as_worker: bool = False) -> None:
    setup_django(database)
    import contextlib

    from pps_admin import rendering
    from secretariat.models import Document, DocumentKind
    from secretariat.services.document_jobs import render_document_pdf

    if as_worker:  # as a Celery worker process runs it: warmed up at start, the collector held off per render
        rendering.warm_up()
    paused = rendering.collector_paused if as_worker else contextlib.nullcontext

    petikan = Document.objects.filter(kind=DocumentKind.PETIKAN)
    documents = list(petikan.select_related("decree", "appointment"))
    samples = []
    start = time.perf_counter()
    for index in range(renders):
        with paused():
            data = render_document_pdf(documents[index % len(documents)])
        assert data.startswith(b"%PDF")
        if index % 50 == 0 or index == renders - 1:
            samples.append((index + 1, round(rss_mb(), 1)))
        if (index + 1) % 1000 == 0:
            print(
                f"  pid {os.getpid()}: {index + 1} renders, RSS {rss_mb():.1f} MB",
                file=sys.stderr,
                flush=True,
            )  # noqa: E501
    elapsed = time.perf_counter() - start
    queue.put({"pid": os.getpid(), "renders": renders, "seconds": elapsed, "rss": samples})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=300, help="renders per process")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument(
        "--as-worker",
        action="store_true",
        help="warm up and hold the collector off per render, as the worker",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        setup = multiprocessing.get_context("spawn").Process(target=prepare, args=(database,))
        setup.start()
        setup.join()
        queue = multiprocessing.get_context("spawn").Queue()
        processes = [
            multiprocessing.get_context("spawn").Process(
                target=worker, args=(database, args.renders, queue, args.as_worker)
            )
            for _ in range(args.processes)
        ]
        wall = time.perf_counter()
        for process in processes:
            process.start()
        results = [queue.get() for _ in processes]
        for process in processes:
            process.join()
        wall = time.perf_counter() - wall
    total = sum(r["renders"] for r in results)
    print(f"processes={args.processes} renders={total} wall={wall:.1f}s throughput={total / wall:.2f}/s")
    for result in results:
        rss = result["rss"]
        print(
            f"  pid {result['pid']}: {result['renders'] / result['seconds']:.2f} renders/s, "
            f"RSS first {rss[0][1]} MB, last {rss[-1][1]} MB, max {max(r for _, r in rss)} MB"
        )
        # Growth after warm-up: RSS at the first sample past 10% of the renders against the last sample.
        done, warm = next((n, mb) for n, mb in rss if n >= result["renders"] // 10)
        print(f"    after warm-up ({done} renders): {warm} MB -> {rss[-1][1]} MB")


if __name__ == "__main__":
    main()
