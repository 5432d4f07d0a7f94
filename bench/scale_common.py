"""Shared by the national-scale benchmarks: a fresh PostgreSQL database, timed manage.py runs, row counts.

Each benchmark creates its own database (default name per script), migrates it, runs the commands as
child processes exactly as an operator would, and drops the database at the end (unless --keep).
It only ever drops the database it was told to use.
"""

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


@dataclass
class Run:
    command: str
    seconds: float
    max_rss_mb: float
    status: int
    out: str
    err: str


def admin_sql(statement: str) -> None:
    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def fresh_database(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"unsafe database name: {name}")
    admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(f'CREATE DATABASE "{name}"')
    return f"{SERVER}/{name}"


def drop_database(name: str) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{name}"')


def manage(database_url: str, *args: str) -> Run:
    """Run `manage.py args` in a child process; wall time and that child's peak resident memory."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only",
        # Set (never used by these commands) so the start-up check does not warn about in-process tasks.
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"),
        "LOG_LEVEL": "ERROR",
        "LOADTEST": "true",  # installs bench/loadtest, whose seed_synthetic these benchmarks run
    }
    command = [sys.executable, "manage.py", *args]
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)  # noqa: S603
        # wait4 reaps this child and gives its own resource usage (ru_maxrss: peak resident memory, KB).
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            " ".join(args), seconds, usage.ru_maxrss / 1024, process.returncode, out.read(), err.read()
        )


def counts(database_url: str) -> dict[str, int]:
    queries = {
        # Synthetic rows by their reserved codes (bench/loadtest/codes.py): regions 00-09, NIKs 99.
        "kecamatan (sintetis)": "SELECT count(*) FROM kelurahan_kecamatan WHERE code LIKE '0%'",
        "kelurahan (sintetis)": "SELECT count(*) FROM kelurahan_kelurahan WHERE code LIKE '0%'",
        "kelurahan (nyata)": "SELECT count(*) FROM kelurahan_kelurahan WHERE code NOT LIKE '0%'",
        "orang (sintetis)": "SELECT count(*) FROM secretariat_person WHERE nik LIKE '99%'",
        "orang (nyata)": "SELECT count(*) FROM secretariat_person WHERE nik NOT LIKE '99%'",
        "pengangkatan aktif": "SELECT count(*) FROM secretariat_appointment WHERE end_date IS NULL",
        "riwayat orang": "SELECT count(*) FROM secretariat_historicalperson",
        "riwayat pengangkatan": "SELECT count(*) FROM secretariat_historicalappointment",
    }
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            result = {}
            for label, sql in queries.items():
                cursor.execute(sql)
                result[label] = cursor.fetchone()[0]
            return result
    finally:
        connection.close()


def report(run: Run) -> None:
    status = "ok" if run.status == 0 else f"exit {run.status}"
    print(f"  {run.command}: {run.seconds:.1f} s, peak RSS {run.max_rss_mb:.0f} MB ({status})")
    for line in (run.out.strip() or run.err.strip()).splitlines()[-1:]:
        print(f"    {line[:300]}")


def machine() -> str:
    load = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}"
