"""A worker killed with SIGKILL mid-batch: how long until the batch is done once a new worker starts.

    .venv/bin/python bench/kill_worker.py [--kill-after 20] [--concurrency 2] [--wait-redelivery]

A fresh PostgreSQL database (`pps_bench_kill`, dropped at the end unless --keep), the fictional roster of
102 members (`seed_demo`), `generate_sk` (1 Keputusan + 102 Petikan) through a real Celery worker on
Redis with the production visibility timeout (300 s unless CELERY_VISIBILITY_TIMEOUT says otherwise).
Once `--kill-after` documents are done, while one is being rendered, the worker's whole process group
gets SIGKILL; one second later a new worker starts. Printed: the documents done / left running at the
kill, the pace before it, seconds from the new worker's start to the batch done, renders per document
(`attempts`), files on disk (none empty, no temporary file left). With --wait-redelivery it then waits
past the visibility timeout, so the killed worker's unacknowledged messages come back, and checks that
they changed nothing.

Uses its own Redis database (`--redis-url`, default db 13) and queue: the visibility timeout's restore
reads every unacknowledged message of a Redis database, so it must not share one with a test run.
"""

import argparse
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg2
from scale_common import ROOT, drop_database, fresh_database, machine, manage


def worker_env(database_url, redis_url, queue, media):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": str(media),
        "SECRET_KEY": "bench-only",
    }


def start_worker(env, log, concurrency):
    command = [
        sys.executable, "-m", "celery", "-A", "pps_admin", "worker", "-Q", env["CELERY_QUEUE"],
        "-c", str(concurrency), "-n", f"kill-{uuid.uuid4().hex[:6]}@%h", "-l", "INFO",
    ]  # fmt: skip
    with open(log, "a") as handle:
        return subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_ready(log, since, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "ready." in Path(log).read_text()[since:]:
            return time.monotonic()
        time.sleep(0.1)
    raise SystemExit(f"worker not ready: {Path(log).read_text()[-2000:]}")


def statuses(cursor):
    cursor.execute("SELECT status, count(*) FROM secretariat_document GROUP BY status")
    return dict(cursor.fetchall())


def records(cursor, media):
    cursor.execute("SELECT id, status, attempts, sha256, file FROM secretariat_document ORDER BY id")
    result = {}
    for pk, status, attempts, sha256, file in cursor.fetchall():
        stat = (media / file).stat() if file else None
        result[pk] = (status, attempts, sha256, stat and stat.st_ino, stat and stat.st_mtime_ns)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="pps_bench_kill")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"))
    parser.add_argument("--kill-after", type=int, default=20, help="documents done before the kill")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--wait-redelivery", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    database_url = fresh_database(args.database)
    media = Path(tempfile.mkdtemp(prefix="kill-media-"))
    log = media.parent / f"{media.name}.log"
    queue = f"bench-kill-{uuid.uuid4().hex[:8]}"
    env = worker_env(database_url, args.redis_url, queue, media)
    workers = []
    try:
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            run = manage(database_url, *command)
            if run.status:
                raise SystemExit(run.err[-2000:])
        connection = psycopg2.connect(database_url)
        connection.autocommit = True
        cursor = connection.cursor()
        workers.append(start_worker(env, log, args.concurrency))
        wait_ready(log, 0)
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "generate_sk", "--date", "2024-06-01"],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip
        while statuses(cursor).get("done", 0) == 0:
            time.sleep(0.05)
        first_done = time.monotonic()
        # Kill while documents are being rendered, as a crash mid-render would.
        while statuses(cursor).get("done", 0) < args.kill_after or not statuses(cursor).get("running"):
            time.sleep(0.02)
        # The machine's pace before the kill: what the rest of the batch costs with no recovery at all.
        rate = (statuses(cursor)["done"] - 1) / (time.monotonic() - first_done)
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait()
        at_kill = statuses(cursor)
        cursor.execute("SELECT id FROM secretariat_document WHERE status = 'running'")
        abandoned = [row[0] for row in cursor.fetchall()]
        left = sum(at_kill.values()) - at_kill.get("done", 0)
        print(f"killed with {at_kill}; pace before the kill {rate:.1f} documents/s, so the {left} left "
              f"cost about {left / rate:.0f} s of rendering")  # fmt: skip
        time.sleep(1)
        since = len(Path(log).read_text())
        started = time.monotonic()
        workers.append(start_worker(env, log, args.concurrency))
        ready = wait_ready(log, since)
        abandoned_done = None
        while True:
            query = "SELECT count(*) FROM secretariat_document WHERE id = ANY(%s) AND status = 'done'"
            cursor.execute(query, [abandoned])
            if abandoned_done is None and cursor.fetchone()[0] == len(abandoned):
                abandoned_done = time.monotonic()
            now = statuses(cursor)
            if now.get("done", 0) + now.get("failed", 0) == sum(now.values()):
                break
            if time.monotonic() - started > 900:
                raise SystemExit(f"not done after 900 s: {now}")
            time.sleep(0.1)
        finished = time.monotonic()
        print(f"new worker ready after {ready - started:.1f} s; the {len(abandoned)} documents left running "
              f"done after {(abandoned_done or finished) - started:.1f} s; batch done "
              f"{finished - started:.1f} s after the new worker started: {now}")  # fmt: skip
        before = records(cursor, media)
        attempts = sorted({record[1] for record in before.values()})
        files = [p for p in media.rglob("*") if p.is_file()]
        empty = [p for p in files if p.stat().st_size == 0]
        temporary = [p for p in files if p.name.startswith(".tmp-")]
        hashes_ok = all(
            hashlib.sha256((media / file).read_bytes()).hexdigest() == sha256
            for file, sha256 in _files(cursor)
        )
        print(f"renders per document (attempts): {attempts}; files {len(files)}, empty {len(empty)}, "
              f"temporary {len(temporary)}, hashes match: {hashes_ok}")  # fmt: skip
        if args.wait_redelivery:
            timeout = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "300"))
            print(f"waiting {timeout + 30} s for the killed worker's messages to come back ...")
            time.sleep(timeout + 30)
            after = records(cursor, media)
            changed = [pk for pk in before if before[pk] != after[pk]]
            redelivered = Path(log).read_text()[since:].count("Task secretariat.tasks.render_document")
            print(
                f"after the visibility timeout: {len(changed)} documents changed (status, attempts, "
                f"hash, inode, mtime); render tasks received by the new worker: {redelivered}"
            )
        cursor.close()
        connection.close()
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
        import redis

        redis.Redis.from_url(args.redis_url).delete(queue)
        if not args.keep:
            drop_database(args.database)
        print(f"worker log: {log}")


def _files(cursor):
    cursor.execute("SELECT file, sha256 FROM secretariat_document WHERE status = 'done'")
    return cursor.fetchall()


if __name__ == "__main__":
    main()
