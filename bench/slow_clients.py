"""Slow clients against the web stack (issue #14, item 6): what slowloris connections do to normal requests.

Usage (from the project root, with the virtualenv; PostgreSQL at 127.0.0.1:5432, user postgres; nginx):
    .venv/bin/python bench/slow_clients.py

Creates and migrates a fresh database (`pps_bench_slow`, dropped at the end), then for each set-up starts
the real processes on 127.0.0.1 (tests/proxy_stack.py, the same helpers the tests use):
  - gunicorn with 3 sync workers, straight (what the Dockerfile ran before),
  - gunicorn with the production config (pps_admin/gunicorn_conf.py: 3 gthread workers x 4 threads), straight,
  - nginx with pps_admin/deploy/nginx.conf.template in front of the production gunicorn (the compose stack),
and runs the probe: N connections that send a request's headers one byte every 0.5 s for 12 s, and
meanwhile 4 normal requests (GET /masuk/, 5 s each to answer). Only ever 127.0.0.1, at most 300
connections for at most 30 s. Prints one row per probe for docs/RELIABILITY.md.
"""

import sys
import tempfile
from pathlib import Path

from scale_common import drop_database, fresh_database, machine, manage

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.proxy_stack import Client, gunicorn, nginx, slow_client_probe  # noqa: E402

DATABASE = "pps_bench_slow"
SETUPS = [
    ("gunicorn, 3 sync workers, straight", ("-k", "sync", "-w", "3", "--threads", "1"), False, (5, 30)),
    ("gunicorn, production config (3 gthread x 4), straight", (), False, (5, 30)),
    ("nginx -> gunicorn, production config (compose)", (), True, (5, 30, 200)),
]


def probe(port, slow):
    for _ in range(6):  # workers have loaded Django
        Client(port).request("GET", "/masuk/", timeout=30)
    results = slow_client_probe(port, slow=slow, normal=4, hold=12.0, timeout=5.0)
    answered = [seconds for status, seconds in results if status == 200]
    worst = max(seconds for _, seconds in results)
    return f"{len(answered)}/4 answered within 5 s, slowest {worst:.2f} s"


def main() -> None:
    url = fresh_database(DATABASE)
    try:
        migrated = manage(url, "migrate", "--noinput")
        assert migrated.status == 0, migrated.err[-2000:]
        print(f"machine: {machine()}")
        for label, args, behind_nginx, counts in SETUPS:
            with tempfile.TemporaryDirectory(prefix="pps-slow-") as tmp:
                tmp_path = Path(tmp)
                with gunicorn(tmp_path, *args, database_url=url) as (app_port, _log):
                    if behind_nginx:
                        with nginx(tmp_path, app_port) as (port, _logs):
                            rows = [(slow, probe(port, slow)) for slow in counts]
                    else:
                        rows = [(slow, probe(app_port, slow)) for slow in counts]
            for slow, outcome in rows:
                print(f"| {label} | {slow} slow connections | {outcome} |", flush=True)
        print(f"machine after: {machine()}")
    finally:
        drop_database(DATABASE)


if __name__ == "__main__":
    main()
