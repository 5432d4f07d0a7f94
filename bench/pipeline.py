"""The ceremony's 205 documents end to end through a real worker (issue #18, goal 2), with render-only rows.

    SECRET_KEY=bench-only .venv/bin/python bench/pipeline.py [--concurrency 1 2] [--rounds 1]
        [--no-render-only] [--signer none|local]

Once: a PostgreSQL database `<--database>_seed` with the migrations and `seed_demo`'s fictional 102
members. Per round and worker size: a copy of it (`pps_bench_pipeline`), a real Celery worker on Redis
(`celery -A bench.pipeline_probe worker -c N`: the product's app with timers, see pipeline_probe.py), then
in one process the SK is issued (`decrees_issue`: 1 Keputusan, its SALINAN, 102 Petikan) and the pacts
generated (`pacts_generate`: 102), i.e. the ceremony's 205 documents (206 with the SALINAN, which the
issue's count leaves out; it is made and counted here). Printed per run:

- wall: from the first job row's creation to the last document stored (the database's clock), and to the
  end of the SK job's `on_done` (the print bundle); the speedup of N processes over 1;
- per document, summed over all: the task in the worker, the kind's render handler, and of that the
  rendering core (template + WeasyPrint layout + PDF writing); overhead = (task - core) / core, i.e.
  everything a document costs beyond its rendering (context, queueing, database, seal, hash, storage,
  progress); the on_done step apart;
- checks: every document done once (attempts 1), its file's SHA-256 the one recorded.

Then the render-only rows on the very HTML the worker laid out (kept by the probe): WeasyPrint (the app's
fetcher and font configuration) and Chromium through Playwright (one page reused per process, static files
served by a route), each in N processes: the floor the pipeline is measured against.

Uses its own Redis database (`--redis-url`, default db 14) and queue. The machine is shared: compare only
rows of one run; the fastest of several rounds is the closest to the code's own cost.
"""

import argparse
import hashlib
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg2
from kill_worker import wait_ready, worker_env
from scale_common import ROOT, admin_sql, drop_database, fresh_database, machine, manage

ISSUE = (
    "import datetime as dt\n"
    "from secretariat.services.decrees import decrees_issue\n"
    "from integrity.services.pacts import pacts_generate\n"
    "decrees_issue(decree_date=dt.date(2024, 6, 1))\n"
    "pacts_generate()\n"
)


def seed_name(database: str) -> str:
    """The seeded template of `--database`: its own, so benches on other databases never share one."""
    return f"{database}_seed"


def seed(name: str) -> None:
    url = fresh_database(name)
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        run = manage(url, *command)
        if run.status:
            raise SystemExit(run.err[-2000:])


def copy_of_seed(name: str) -> str:
    drop_database(name)
    admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{seed_name(name)}"')
    return fresh_url(name)


def fresh_url(name: str) -> str:
    from scale_common import SERVER

    return f"{SERVER}/{name}"


def start_worker(env, log, concurrency):
    command = [
        sys.executable, "-m", "celery", "-A", "bench.pipeline_probe", "worker", "-Q", env["CELERY_QUEUE"],
        "-c", str(concurrency), "-n", f"pipeline-{uuid.uuid4().hex[:6]}@%h", "-l", "INFO",
    ]  # fmt: skip
    with open(log, "a") as handle:
        return subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )


def run_once(args, concurrency: int) -> dict:
    database_url = copy_of_seed(args.database)
    media = Path(tempfile.mkdtemp(prefix="pipeline-media-"))
    probe = media.parent / f"{media.name}-probe"
    log = media.parent / f"{media.name}.log"
    queue = f"bench-pipeline-{uuid.uuid4().hex[:8]}"
    env = {
        **worker_env(database_url, args.redis_url, queue, media),
        "PIPELINE_PROBE_DIR": str(probe),
        "SIGNER": args.signer,
        "PYTHONPATH": str(ROOT),
    }
    worker = None
    try:
        worker = start_worker(env, log, concurrency)
        wait_ready(log, 0)
        time.sleep(1)  # the start-up sweeps (nothing to find) settle
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", ISSUE],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=600,
        )  # fmt: skip
        connection = psycopg2.connect(database_url)
        connection.autocommit = True
        cursor = connection.cursor()
        deadline = time.monotonic() + args.timeout
        while True:
            cursor.execute(
                "SELECT count(*) FROM secretariat_generationjob WHERE status IN ('done', 'failed')"
            )
            finished = cursor.fetchone()[0]
            if finished == 2 and _bundle_done(probe):
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"not done after {args.timeout} s: see {log}")
            time.sleep(0.1)
        cursor.execute(
            "SELECT extract(epoch FROM min(created_at)), extract(epoch FROM max(finished_at)) "
            "FROM secretariat_generationjob"
        )
        created, jobs_finished = (float(v) for v in cursor.fetchone())
        cursor.execute(
            "SELECT d.id, d.kind, d.status, d.attempts, d.sha256, d.file, "
            "extract(epoch FROM d.started_at), extract(epoch FROM d.finished_at) "
            "FROM secretariat_document d ORDER BY d.id"
        )
        documents = [(*row[:6], float(row[6]), float(row[7])) for row in cursor.fetchall()]
        connection.close()
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        import redis

        redis.Redis.from_url(args.redis_url).delete(queue)
        drop_database(args.database)
    tasks = [
        json.loads(line) for path in probe.glob("tasks-*.jsonl") for line in path.read_text().splitlines()
    ]
    bad = [d for d in documents if d[2] != "done" or d[3] != 1]
    mismatched = [d for d in documents if d[2] == "done" and _sha(media / d[5]) != d[4]]
    renders = [t for t in tasks if t["task"] == "render_document"]
    # The SK's on_done (its print bundle): in the render task that finished the job before #18, in a task
    # of its own (finish_job) since.
    on_done = max((t["end"] for t in tasks if t["on_done"] > 0), default=jobs_finished)
    result = {
        "concurrency": concurrency,
        "documents": len(documents),
        "kinds": _count(d[1] for d in documents),
        "wall_documents": max(d[7] for d in documents) - created,
        "wall_jobs": jobs_finished - created,
        "wall_on_done": on_done - created,
        "task": sum(t["seconds"] for t in renders),
        "handler": sum(t["handler"] for t in renders),
        "core": sum(_core(t) for t in renders),
        "layout": sum(t["layout"] for t in renders),
        "on_done": sum(t["on_done"] for t in tasks),
        "on_done_in_render": sum(t["on_done"] for t in renders),
        "dispatch": sum(t["seconds"] for t in tasks if t["task"] == "dispatch_job"),
        "render_tasks": len(renders),
        "steps": {
            part: sum(t.get(part, 0.0) for t in renders)
            for part in ("store", "refresh", "seal", "write_once", "page_count", "sql", "commit")
        },
        "queries": sum(t.get("queries", 0) for t in renders),
        "commits": sum(t.get("commits", 0) for t in renders),
        "bad": len(bad),
        "mismatched": len(mismatched),
        "per_kind": _per_kind(renders, {d[0]: d[1] for d in documents}),
        "html": probe / "html",
        "kind_of": {d[0]: d[1] for d in documents},
        "log": str(log),
    }
    return result


def _bundle_done(probe: Path) -> bool:
    for path in probe.glob("tasks-*.jsonl"):
        for line in path.read_text().splitlines():
            try:
                if json.loads(line)["on_done"] > 0:
                    return True
            except ValueError:  # a line being written
                continue
    return False


def _core(task: dict) -> float:
    """The rendering itself: template, WeasyPrint's parse, layout and PDF writing."""
    return task["template"] + task.get("parse", 0.0) + task["layout"] + task["write"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(values) -> dict:
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _per_kind(renders, kind_of) -> dict:
    kinds = {}
    for task in renders:
        kinds.setdefault(kind_of.get(task["id"], "?"), []).append(task)
    return {
        kind: {
            "n": len(tasks),
            "task_ms": 1000 * statistics.median(t["seconds"] for t in tasks),
            "core_ms": 1000 * statistics.median(_core(t) for t in tasks),
            "context_ms": 1000 * statistics.median(t["handler"] - _core(t) for t in tasks),
            "beyond_ms": 1000 * statistics.median(t["seconds"] - t["handler"] - t["on_done"] for t in tasks),
        }
        for kind, tasks in sorted(kinds.items())
    }


def print_run(result: dict, baseline: dict | None) -> None:
    r = result
    overhead = (r["task"] - r["on_done_in_render"] - r["core"]) / r["core"]
    context = (r["handler"] - r["core"]) / r["core"]
    print(
        f"  -c {r['concurrency']}: {r['documents']} documents {r['kinds']}, "
        f"{r['render_tasks']} render tasks; "
        f"not done once: {r['bad']}, hash mismatches: {r['mismatched']}"
    )
    speedup = ""
    if baseline is not None:
        speedup = f"; speedup over -c 1: {baseline['wall_documents'] / r['wall_documents']:.2f}x documents, "
        speedup += f"{baseline['wall_on_done'] / r['wall_on_done']:.2f}x with on_done"
    print(
        f"    wall: documents {r['wall_documents']:.1f} s, jobs {r['wall_jobs']:.1f} s, "
        f"with the SK's on_done {r['wall_on_done']:.1f} s{speedup}"
    )
    print(
        f"    summed per document: task {r['task']:.1f} s, handler {r['handler']:.1f} s, core "
        f"{r['core']:.1f} s (layout {r['layout']:.1f} s); overhead beyond the core, on_done apart: "
        f"{100 * overhead:.1f} % (of it context building {100 * context:.1f} %); "
        f"on_done {r['on_done']:.1f} s; "
        f"(in render tasks {r['on_done_in_render']:.1f} s); dispatch {r['dispatch']:.2f} s; "
        f"idle {r['concurrency'] * r['wall_documents'] - r['task']:.1f} process-seconds"
    )
    count = r["render_tasks"]
    steps = ", ".join(f"{part} {1000 * seconds / count:.1f}" for part, seconds in r["steps"].items())
    print(f"    mean ms per document: {steps} (store: render, seal and store; sql and commit: of all steps)")
    print(
        f"    per render task: {r['queries'] / count:.1f} SQL statements, {r['commits'] / count:.2f} commits "
        "(the task's own; the worker's prefork bookkeeping apart)"
    )
    for kind, f in r["per_kind"].items():
        print(
            f"      {kind}: {f['n']}, medians: task {f['task_ms']:.0f} ms, core {f['core_ms']:.0f} ms, "
            "context "
            f"{f['context_ms']:.1f} ms, beyond the handler {f['beyond_ms']:.1f} ms"
        )


# --- render-only rows on the same HTML ------------------------------------------------------------


def _setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pps_admin.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()


def _weasyprint_part(paths, queue):
    _setup_django()
    from weasyprint import HTML

    from pps_admin import rendering

    times = []
    started = time.perf_counter()
    for path in paths:
        t = time.perf_counter()
        document = HTML(
            string=Path(path).read_text(), base_url=rendering.BASE_URL, url_fetcher=rendering.make_fetcher()
        )
        document.render(font_config=rendering._font_config(), pdf_variant=rendering.PDF_VARIANT).write_pdf(
            pdf_variant=rendering.PDF_VARIANT
        )
        times.append((path, time.perf_counter() - t))
    queue.put({"wall": time.perf_counter() - started, "times": times})


def _chromium_part(paths, queue):
    _setup_django()
    from playwright.sync_api import sync_playwright

    from pps_admin import rendering

    def serve(route):
        url = route.request.url
        path = (
            rendering.static_path(url[len(rendering.STATIC_PREFIX) :])
            if url.startswith(rendering.STATIC_PREFIX)
            else None
        )
        if path is None:
            route.abort()
        else:
            route.fulfill(
                body=path.read_bytes(), content_type=__import__("mimetypes").guess_type(path.name)[0]
            )

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page()
        page.route("**/*", serve)
        times = []
        started = time.perf_counter()
        for path in paths:
            t = time.perf_counter()
            page.set_content(Path(path).read_text(), wait_until="load")
            page.pdf(prefer_css_page_size=True, print_background=True)
            times.append((path, time.perf_counter() - t))
        wall = time.perf_counter() - started
        browser.close()
    queue.put({"wall": wall, "times": times})


def render_only(name, target, paths, processes, kind_of) -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    shares = [paths[i::processes] for i in range(processes)]
    workers = [context.Process(target=target, args=(share, queue)) for share in shares]
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    wall = max(r["wall"] for r in results)
    times = [t for r in results for t in r["times"]]
    by_kind = {}
    for path, seconds in times:
        by_kind.setdefault(kind_of[int(Path(path).stem)], []).append(seconds)
    kinds = ", ".join(
        f"{kind} median {1000 * statistics.median(s):.0f} ms" for kind, s in sorted(by_kind.items())
    )
    print(
        f"  {name}, {processes} processes: {len(times)} documents in {wall:.1f} s (each process from its "
        f"first document to its last; sum {sum(s for _, s in times):.1f} s); {kinds}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="pps_bench_pipeline")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--signer", default="none", help="SIGNER of the worker (none: unsigned, as the issue's figures)"
    )
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--no-render-only", action="store_true")
    parser.add_argument("--keep-seed", action="store_true")
    args = parser.parse_args()
    print(f"machine at the start: {machine()}")
    seed(seed_name(args.database))
    runs = {c: [] for c in args.concurrency}
    try:
        for round_ in range(1, args.rounds + 1):
            for concurrency in args.concurrency:
                print(f"round {round_}, worker -c {concurrency}: machine {machine()}")
                result = run_once(args, concurrency)
                runs[concurrency].append(result)
                baseline = runs[1][-1] if 1 in runs and runs[1] and concurrency != 1 else None
                print_run(result, baseline)
    finally:
        if not args.keep_seed:
            drop_database(seed_name(args.database))
    fastest = {c: min(rs, key=lambda r: r["wall_documents"]) for c, rs in runs.items()}
    print(f"fastest of {args.rounds} round(s) per worker size:")
    for concurrency, result in fastest.items():
        print_run(result, fastest.get(1) if concurrency != 1 else None)
    if args.no_render_only:
        return
    last = fastest[max(fastest)]
    paths = sorted(str(p) for p in last["html"].glob("*.html"))
    print(f"render only, the same {len(paths)} HTML documents: machine {machine()}")
    for processes in sorted({1, max(fastest)}):
        render_only("WeasyPrint (app fetcher and fonts)", _weasyprint_part, paths, processes, last["kind_of"])
        render_only(
            "Chromium (Playwright, one page reused)", _chromium_part, paths, processes, last["kind_of"]
        )
    print(f"machine at the end: {machine()}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
