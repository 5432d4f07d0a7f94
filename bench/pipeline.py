"""The ceremony's 205 documents end to end through a real worker (issue #18, goal 2), with render-only rows.

    SECRET_KEY=bench-only .venv/bin/python bench/pipeline.py [--concurrency 1 2] [--rounds 1]
        [--probe totals steps] [--no-render-only] [--signer none|local] [--database NAME] [--redis-url URL]

Once: a PostgreSQL database `<--database>_seed` with the migrations and `seed_demo`'s fictional 102
members. Per round, probe mode and worker size: a copy of it (`--database`), a real Celery worker on Redis
(`celery -A bench.pipeline_probe worker -c N`: the product's app with timers, see pipeline_probe.py), then
in one process the SK is issued (`decrees_issue`: 1 Keputusan, its SALINAN, 102 Petikan) and the pacts
generated (`pacts_generate`: 102), i.e. the ceremony's 205 documents (206 with the SALINAN, which the
issue's count leaves out; it is made and counted here). Probe modes: `totals` times only the task's ends
and the render's parts (its figures are the goal's); `steps` also times every engine step and SQL
statement (where the time goes; those timers cost time of their own). Printed per run:

- wall: from the first job row's creation to the last document stored (the database's clock), and to the
  end of the SK job's `on_done` (the print bundle); the speedup of N processes over 1;
- the goal's overhead: what the documents cost beyond their rendering core (template + WeasyPrint parse,
  layout and PDF writing), as a share of that core, the on_done step apart. In the task (Celery's prerun
  to postrun: context, claim, database, seal, hash, storage, progress), wall and CPU, split into context
  building, the garbage collection of the render's objects (after the render, `collector_paused`) and
  the engine's steps; then with the worker's own handling of a message added (the median time between
  two tasks of a process: acknowledgement, Redis, the hand-over to the process);
- per document, summed over all and medians per kind;
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


def run_once(args, concurrency: int, probe_mode: str) -> dict:
    database_url = copy_of_seed(args.database)
    media = Path(tempfile.mkdtemp(prefix="pipeline-media-"))
    probe = media.parent / f"{media.name}-probe"
    log = media.parent / f"{media.name}.log"
    queue = f"bench-pipeline-{uuid.uuid4().hex[:8]}"
    env = {
        **worker_env(database_url, args.redis_url, queue, media),
        "PIPELINE_PROBE_DIR": str(probe),
        "PIPELINE_PROBE_STEPS": "1" if probe_mode == "steps" else "0",
        "SIGNER": args.signer,
        # As in production: the check address under every QR code (a longer code to make than the check
        # code alone, which is what a document without SITE_URL carries).
        "SITE_URL": args.site_url,
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
    by_process = [
        [json.loads(line) for line in path.read_text().splitlines()] for path in probe.glob("tasks-*.jsonl")
    ]
    tasks = [t for process in by_process for t in process]
    bad = [d for d in documents if d[2] != "done" or d[3] != 1]
    mismatched = [d for d in documents if d[2] == "done" and _sha(media / d[5]) != d[4]]
    renders = [t for t in tasks if t["task"] in ("render_documents", "render_document")]
    # The SK's on_done (its print bundle): in the render task that finished the job before #18, in a task
    # of its own (finish_job) since.
    on_done = max((t["end"] for t in tasks if t["on_done"] > 0), default=jobs_finished)
    result = {
        "probe": probe_mode,
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
        "gc": sum(t["gc"] for t in renders),
        "qr": sum(t.get("qr", 0.0) for t in renders),
        "task_cpu": sum(t["cpu"] for t in renders),
        "handler_cpu": sum(t["handler_cpu"] for t in renders),
        "core_cpu": sum(_core(t, "_cpu") for t in renders),
        "gc_cpu": sum(t["gc_cpu"] for t in renders),
        "on_done_cpu_in_render": sum(t["on_done_cpu"] for t in renders),
        "gaps": _gaps(by_process),
        "on_done": sum(t["on_done"] for t in tasks),
        "on_done_in_render": sum(t["on_done"] for t in renders),
        "dispatch": sum(t["seconds"] for t in tasks if t["task"] == "dispatch_job"),
        "render_tasks": len(renders),
        "rendered": sum(len(t["documents"]) for t in renders),
        "steps": {
            part: sum(t.get(part, 0.0) for t in renders)
            for part in ("store", "refresh", "seal", "write_once", "page_count", "sql", "commit")
        },
        "queries": sum(t.get("queries", 0) for t in renders),
        "commits": sum(t.get("commits", 0) for t in renders),
        "bad": len(bad),
        "mismatched": len(mismatched),
        "per_kind": _per_kind(renders),
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


def _core(task: dict, clock: str = "") -> float:
    """The rendering itself: template, WeasyPrint's parse, layout and PDF writing, and the Petikan's member
    layout as a whole (`splice`: its lookup, stub and splice; its own parse and layout are counted there,
    not again) (clock "_cpu": its CPU)."""
    return sum(task.get(f"{part}{clock}", 0.0) for part in ("template", "splice", "parse", "layout", "write"))


def _gaps(by_process) -> list[float]:
    """In each worker process, from the end of one task to the start of its next: the worker's own
    handling of a message (acknowledging it, taking the next from Redis, handing it to the process,
    Celery's trace around the task), and any wait for work; the probe's own writing of its record left out."""
    gaps = []
    for tasks in by_process:
        tasks = sorted(tasks, key=lambda t: t["start"])
        gaps += [
            later["start"] - earlier["end"] - later.get("probe_before", 0.0)
            for earlier, later in zip(tasks, tasks[1:], strict=False)
        ]
    return gaps


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(values) -> dict:
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _per_kind(renders) -> dict:
    """Medians per document of each kind. A task's cost beyond its documents' handlers (the engine's steps,
    the garbage collection after each render, the job's refresh once a batch) is shared evenly among them."""
    kinds = {}
    for task in renders:
        documents = task["documents"]
        if not documents:
            continue
        share = len(documents)
        beyond = (task["seconds"] - task["handler"] - task["on_done"]) / share
        beyond_cpu = (task["cpu"] - task["handler_cpu"] - task["on_done_cpu"]) / share
        for d in documents:
            kinds.setdefault(d["kind"], []).append(
                {
                    "task": d.get("handler", 0.0) + beyond,
                    "cpu": d.get("handler_cpu", 0.0) + beyond_cpu,
                    "core": _core(d),
                    "core_cpu": _core(d, "_cpu"),
                    "context": d.get("handler", 0.0) - _core(d),
                    "beyond": beyond,
                    "beyond_cpu": beyond_cpu,
                    "gc": task["gc"] / share,
                }
            )
    return {
        kind: {
            "n": len(rows),
            "task_ms": 1000 * statistics.median(r["task"] for r in rows),
            "core_ms": 1000 * statistics.median(r["core"] for r in rows),
            "context_ms": 1000 * statistics.median(r["context"] for r in rows),
            "beyond_ms": 1000 * statistics.median(r["beyond"] for r in rows),
            "gc_ms": 1000 * statistics.median(r["gc"] for r in rows),
            "task_cpu_ms": 1000 * statistics.median(r["cpu"] for r in rows),
            "core_cpu_ms": 1000 * statistics.median(r["core_cpu"] for r in rows),
            "beyond_cpu_ms": 1000 * statistics.median(r["beyond_cpu"] for r in rows),
        }
        for kind, rows in sorted(kinds.items())
    }


def overheads(r: dict) -> dict:
    """The goal's measure: what the documents cost beyond their rendering core, as a share of that core
    (the SK's print bundle, a step of the job and not of a document, apart)."""
    core, core_cpu = r["core"], r["core_cpu"]
    in_task = r["task"] - r["on_done_in_render"] - core
    gap = statistics.median(r["gaps"]) if r["gaps"] else 0.0
    return {
        "task": in_task / core,
        "task_cpu": (r["task_cpu"] - r["on_done_cpu_in_render"] - core_cpu) / core_cpu,
        "context": (r["handler"] - core) / core,
        "gc": r["gc"] / core,
        "qr": r["qr"] / core,
        "engine": (r["task"] - r["on_done_in_render"] - r["handler"] - r["gc"]) / core,
        "gap_ms": 1000 * gap,
        "with_gaps": (in_task + gap * r["render_tasks"]) / core,
    }


def print_run(result: dict, baseline: dict | None) -> None:
    r = result
    o = overheads(r)
    print(
        f"  -c {r['concurrency']} (probe: {r['probe']}): {r['documents']} documents {r['kinds']}, "
        f"{r['rendered']} rendered in {r['render_tasks']} render tasks; not done once: {r['bad']}, "
        f"hash mismatches: {r['mismatched']}"
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
        f"    overhead beyond the rendering core, on_done apart: in the task {100 * o['task']:.1f} % wall "
        f"({100 * o['task_cpu']:.1f} % CPU) = context {100 * o['context']:.1f} % (of it the check block's QR "
        f"code {100 * o['qr']:.1f} %) + the render's garbage "
        f"collection {100 * o['gc']:.1f} % + the engine's steps {100 * o['engine']:.1f} %; with the "
        f"worker's handling between two tasks (median {o['gap_ms']:.1f} ms a task) "
        f"{100 * o['with_gaps']:.1f} %"
    )
    print(
        f"    summed per document: task {r['task']:.1f} s ({r['task_cpu']:.1f} s CPU), handler "
        f"{r['handler']:.1f} s, core {r['core']:.1f} s ({r['core_cpu']:.1f} s CPU; layout "
        f"{r['layout']:.1f} s), "
        f"garbage collection {r['gc']:.2f} s; on_done {r['on_done']:.1f} s (in render tasks "
        f"{r['on_done_in_render']:.1f} s); dispatch {r['dispatch']:.2f} s; between tasks "
        f"{sum(r['gaps']):.1f} s; idle {r['concurrency'] * r['wall_documents'] - r['task']:.1f} "
        "process-seconds"
    )
    count = r["rendered"]
    if r["probe"] == "steps":
        steps = ", ".join(f"{part} {1000 * seconds / count:.1f}" for part, seconds in r["steps"].items())
        print(
            "    mean ms per document (timers on every step and statement, their own cost included): "
            f"{steps} (store: render, seal and store; sql and commit: of all steps)"
        )
        print(
            f"    per document: {r['queries'] / count:.1f} SQL statements, {r['commits'] / count:.2f} "
            "commits (its task's, shared evenly; the worker's prefork bookkeeping apart)"
        )
    for kind, f in r["per_kind"].items():
        print(
            f"      {kind}: {f['n']}, medians: task {f['task_ms']:.1f} ms, core {f['core_ms']:.1f} ms, "
            f"context {f['context_ms']:.1f} ms, beyond the handler {f['beyond_ms']:.1f} ms (of it garbage "
            f"collection {f['gc_ms']:.1f} ms); CPU: task {f['task_cpu_ms']:.1f} ms, core "
            f"{f['core_cpu_ms']:.1f} ms, beyond the handler {f['beyond_cpu_ms']:.1f} ms"
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
    parser.add_argument(
        "--probe",
        nargs="+",
        choices=("totals", "steps"),
        default=["totals", "steps"],
        help="totals: the task's ends and the render's parts only (the figures); steps: timers on every "
        "engine step and SQL statement too (where the time goes, their own cost included)",
    )
    parser.add_argument("--no-render-only", action="store_true")
    parser.add_argument("--site-url", default="https://pps.kpu-balikpapan.go.id")
    parser.add_argument("--keep-seed", action="store_true")
    args = parser.parse_args()
    print(f"machine at the start: {machine()}")
    seed(seed_name(args.database))
    runs = {(p, c): [] for p in args.probe for c in args.concurrency}
    try:
        for round_ in range(1, args.rounds + 1):
            for probe_mode in args.probe:
                for concurrency in args.concurrency:
                    print(f"round {round_}, probe {probe_mode}, worker -c {concurrency}: machine {machine()}")
                    result = run_once(args, concurrency, probe_mode)
                    runs[probe_mode, concurrency].append(result)
                    solo = runs.get((probe_mode, 1))
                    print_run(result, solo[-1] if solo and concurrency != 1 else None)
    finally:
        if not args.keep_seed:
            drop_database(seed_name(args.database))
    fastest = {key: min(rs, key=lambda r: r["wall_documents"]) for key, rs in runs.items()}
    print(f"fastest of {args.rounds} round(s) per probe and worker size:")
    for (probe_mode, concurrency), result in fastest.items():
        print_run(result, fastest.get((probe_mode, 1)) if concurrency != 1 else None)
    if args.rounds > 1:
        print("medians over the rounds: overhead beyond the core in the task, wall / CPU / with the gaps")
        for (probe_mode, concurrency), results in runs.items():
            shares = [overheads(r) for r in results]
            keys = ("task", "task_cpu", "with_gaps")
            figures = " / ".join(f"{100 * statistics.median(o[k] for o in shares):.1f} %" for k in keys)
            walls = statistics.median(r["wall_documents"] for r in results)
            print(f"  probe {probe_mode}, -c {concurrency}: {figures}; wall (documents) {walls:.1f} s")
    fastest = {c: r for (p, c), r in fastest.items() if p == args.probe[0]}
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
