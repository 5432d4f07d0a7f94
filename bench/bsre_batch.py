"""An SK of 104 documents signed through BSrE's Esign Client Service (the suite's stand-in, answering after
`--delay` seconds as a remote service would): the cost of trying the passphrase on the first document
alone before the other 103 are sent, and what a wrong passphrase costs.

    .venv/bin/python bench/bsre_batch.py [--rounds 2] [--concurrency 2] [--delay 0.5]

For each round: a fresh PostgreSQL database (`pps_bench_bsre`, dropped at the end), the fictional roster of
102 members (`seed_demo`), a real Celery worker on Redis with SIGNER=bsre, and `generate_sk --wait` with the
Ketua's passphrase in BSRE_PASSPHRASE. Printed: the job's wall time (`created_at` to `finished_at`), the
first document's own time (started to stored: the hold every job pays once), when the other documents were
sent (the second document's start, from the job's creation), and the stand-in's sign requests. Then the
same SK with a wrong passphrase: its requests and the time until the job shows it failed.

Uses its own Redis database (`--redis-url`, default db 12) and queue.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg2
from kill_worker import start_worker, wait_ready, worker_env
from scale_common import ROOT, drop_database, fresh_database, machine, manage

NIK = "6471010101800001"
PASSPHRASE = "Rahasia-Ketua#2024"  # noqa: S105 - the stand-in's test signer


def run_sk(args, standin, *, passphrase: str) -> dict:
    database_url = fresh_database(args.database)
    media = Path(tempfile.mkdtemp(prefix="bsre-media-"))
    log = media.parent / f"{media.name}.log"
    queue = f"bench-bsre-{uuid.uuid4().hex[:8]}"
    env = {**worker_env(database_url, args.redis_url, queue, media), "LOG_LEVEL": "WARNING"}
    env.update(
        SIGNER="bsre", BSRE_URL=standin.url, BSRE_USER=standin.user, BSRE_PASSWORD=standin.password,
        BSRE_NIK=NIK, BSRE_SIGNER_NAME="Ketua Uji BSrE", BSRE_TIMEOUT="30", BSRE_PASSPHRASE=passphrase,
        PASSPHRASE_KEY="bench-only-passphrase-box-key-0123456789",  # noqa: S106
    )  # fmt: skip
    worker = None
    try:
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            run = manage(database_url, *command)
            if run.status:
                raise SystemExit(run.err[-2000:])
        worker = start_worker(env, log, args.concurrency)
        wait_ready(log, 0)
        standin.reset(signers={NIK: PASSPHRASE}, delay=args.delay)
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "generate_sk", "--date", "2024-06-01", "--wait"],
            cwd=ROOT, env=env, capture_output=True, timeout=1800,
        )  # fmt: skip
        connection = psycopg2.connect(database_url)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT extract(epoch FROM finished_at - created_at), total, status, created_at "
                "FROM secretariat_generationjob"
            )
            seconds, total, status, created = cursor.fetchone()
            cursor.execute(
                "SELECT started_at, finished_at FROM secretariat_document WHERE started_at IS NOT NULL "
                "ORDER BY started_at LIMIT 2"
            )
            starts = cursor.fetchall()
            cursor.execute("SELECT count(*) FROM secretariat_document WHERE signature_certified")
            signed = cursor.fetchone()[0]
        connection.close()
        first = (starts[0][1] - starts[0][0]).total_seconds() if starts and starts[0][1] else None
        fanned = (starts[1][0] - created).total_seconds() if len(starts) > 1 else None
        calls = sum(1 for call in standin.calls if call.path == "/api/v2/sign/pdf")
        return {
            "seconds": float(seconds), "total": total, "status": status, "first": first,
            "fanned_out_at": fanned, "signed": signed, "calls": calls,
        }  # fmt: skip
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        import redis

        redis.Redis.from_url(args.redis_url).delete(queue)
        drop_database(args.database)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="pps_bench_bsre")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--delay", type=float, default=0.5, help="BSrE's answer time per request (s)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pps_admin.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    from tests.bsre_standin import BsreStandin

    standin = BsreStandin(signers={NIK: PASSPHRASE}).start()
    walls = []
    try:
        for round_ in range(1, args.rounds + 1):
            print(f"round {round_}: machine {machine()}")
            got = run_sk(args, standin, passphrase=PASSPHRASE)
            walls.append(got["seconds"])
            print(
                f"  SK of {got['total']} documents, {got['status']}: {got['seconds']:.1f} s; "
                f"first document alone {got['first']:.1f} s; the rest sent at {got['fanned_out_at']:.1f} s; "
                f"{got['signed']} signed, {got['calls']} sign requests; machine {machine()}"
            )
        wrong = run_sk(args, standin, passphrase="salah-ketik")  # noqa: S106
        print(
            f"wrong passphrase: job {wrong['status']} after {wrong['seconds']:.1f} s, "
            f"{wrong['calls']} sign request(s) for {wrong['total']} documents"
        )
    finally:
        standin.stop()
    median = statistics.median(walls)
    print(f"median of {args.rounds} rounds: {median:.1f} s (BSrE answering in {args.delay} s)")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
