"""The Celery app of bench/pipeline.py's worker: the product's own app (`pps_admin.celery.app`), plus timings.

    celery -A bench.pipeline_probe worker ...   (PIPELINE_PROBE_DIR names the folder the timings go to)

The product code runs unchanged. Two modes (PIPELINE_PROBE_STEPS):

- totals (unset or 0): one clock read, wall (perf_counter) and CPU (process_time), at each end of the task
  (Celery's task_prerun/task_postrun) and of each timed part of the render: every registered document
  kind's render handler (context building + template + layout + PDF), the rendering core's template step
  (`pps_admin.rendering.render_html`), the check block's QR code (`verification.qr_data_uri`, part of the
  context), WeasyPrint's parsing (`HTML()`), layout (`HTML.render`) and PDF writing
  (`Document.write_pdf`), every job kind's `on_done`, and the garbage collector's passes
  (`gc.callbacks`, no wrapper). Nothing else is wrapped: what the task costs beyond the handler is
  measured as the product runs it.
- steps (1): also the engine's steps beyond the handler (store, refresh, seal, write_once, page count) and
  every SQL statement and commit (Django's execute wrapper and `_commit`), counted and timed; these timers
  cost time of their own, so the totals come from the other mode.

Each task then appends one JSON line to `tasks-<pid>.jsonl` (after its end was read; how long that took
is given in the next task's line, `probe_before`, so the time between two tasks can leave it out): its
name and arguments (a render task's: a batch of document ids, the engine's `document_batches`), its start
and end (wall clock, the database's clock on this host), the seconds spent in each timed part (`<part>`
wall, `<part>_cpu` CPU), and each document of the batch with its own parts (`documents`). The HTML each
document was laid out from (its last layout, for a Petikan that needed a tighter one) is kept as
`html/<document id>.html` for the render-only rows (WeasyPrint and Chromium on the same HTML). Not part of
the product: the production image has no bench/.
"""

import gc
import json
import os
import time
from dataclasses import replace
from pathlib import Path

from celery.signals import task_postrun, task_prerun

from pps_admin.celery import app

__all__ = ["app"]

OUT = Path(os.environ.get("PIPELINE_PROBE_DIR", "/tmp/pipeline-probe"))  # noqa: S108 - bench only
STEPS = os.environ.get("PIPELINE_PROBE_STEPS", "0") == "1"
TIMED = ("handler", "template", "splice", "parse", "layout", "write", "qr", "on_done", "gc")
PARTS = (
    *TIMED,
    *(f"{part}_cpu" for part in TIMED),
    # steps mode only, beyond the handler: the engine's steps, SQL statements and commits
    *("store", "refresh", "seal", "write_once", "page_count", "sql", "commit"),
    # counts, not seconds: SQL statements and commits of the task
    *("queries", "commits"),
)
_task = {
    "start": 0.0,
    "parts": dict.fromkeys(PARTS, 0.0),
    "html": None,
    "htmls": {},
    "documents": [],
    "depth": 0,
    "in_splice": False,
    "sql_timer": None,
}
_wrapped = False


def _timed(function, part, *, in_handler_only=False, handler=False, cpu=False, splice=False):
    def wrapper(*args, **kwargs):
        # The Petikan's member layout (pps_admin/member_layout.py) is rendering as a whole: its parse,
        # layout and writing steps are counted in "splice", not again on their own.
        counted = (not in_handler_only or _task["depth"] > 0) and (splice or not _task["in_splice"])
        if splice and counted:
            _task["in_splice"] = True
        before = dict(_task["parts"]) if handler else None
        started = time.perf_counter()
        started_cpu = time.process_time() if cpu else 0.0
        if handler:
            _task["depth"] += 1
        try:
            return function(*args, **kwargs)
        finally:
            if handler:
                _task["depth"] -= 1
            if splice and counted:
                _task["in_splice"] = False
            if counted:
                parts = _task["parts"]
                parts[part] += time.perf_counter() - started
                if cpu:
                    parts[f"{part}_cpu"] += time.process_time() - started_cpu
            if handler:  # one document of the task's batch: its own parts
                document = args[0]
                _task["documents"].append(
                    {
                        "id": document.pk,
                        "kind": document.kind,
                        **{k: _task["parts"][k] - before[k] for k in PARTS if _task["parts"][k] != before[k]},
                    }
                )
                if _task["html"] is not None:
                    _task["htmls"][document.pk] = _task["html"]
                    _task["html"] = None

    return wrapper


_gc_started = [0.0, 0.0]


def _gc_timer(phase, info):
    # The collector's passes, wherever they fall in the task (the render's own after its pause is lifted).
    if phase == "start":
        _gc_started[0], _gc_started[1] = time.perf_counter(), time.process_time()
    else:
        parts = _task["parts"]
        parts["gc"] += time.perf_counter() - _gc_started[0]
        parts["gc_cpu"] += time.process_time() - _gc_started[1]


def _wrap_once():
    global _wrapped
    if _wrapped:
        return
    _wrapped = True
    from weasyprint import HTML, Document

    from pps_admin import rendering
    from secretariat.services.document_jobs import kinds

    HTML.__init__ = _timed(HTML.__init__, "parse", in_handler_only=True, cpu=True)
    HTML.render = _timed(HTML.render, "layout", in_handler_only=True, cpu=True)
    Document.write_pdf = _timed(Document.write_pdf, "write", in_handler_only=True, cpu=True)
    render_html = rendering.render_html

    def keep_html(template_name, context):
        html = render_html(template_name, context)
        if _task["depth"] > 0:
            _task["html"] = html
        return html

    rendering.render_html = _timed(keep_html, "template", in_handler_only=True, cpu=True)
    from pps_admin import member_layout

    member_layout.layout = _timed(member_layout.layout, "splice", in_handler_only=True, cpu=True, splice=True)
    from secretariat.services import verification

    # The check block's QR code (the symbol, its mask chosen by the standard's penalty rules, the PNG),
    # made for each document in its context, before the template.
    verification.qr_data_uri = _timed(verification.qr_data_uri, "qr", in_handler_only=True, cpu=True)
    # The registry's own tables: a bench may reach in where the product offers no hook.
    for kind, handlers in list(kinds._DOCUMENT_KINDS.items()):
        kinds._DOCUMENT_KINDS[kind] = replace(
            handlers, render=_timed(handlers.render, "handler", handler=True, cpu=True)
        )
    for kind, on_done in list(kinds._JOB_DONE.items()):
        kinds._JOB_DONE[kind] = _timed(on_done, "on_done", cpu=True)
    gc.callbacks.append(_gc_timer)
    if STEPS:
        _wrap_steps()


def _wrap_steps():
    from django.db.backends.base.base import BaseDatabaseWrapper

    from secretariat.services import document_jobs
    from secretariat.services.document_jobs import render

    # A render task's steps as render.py calls them (a batch: its documents one by one, then the jobs'
    # progress once): each document's render, seal and store, and the progress read.
    render._make_and_store = _timed(render._make_and_store, "store")
    render.job_refresh = _timed(render.job_refresh, "refresh")
    document_jobs.job_refresh = render.job_refresh
    steps = (("document_seal", "seal"), ("write_once", "write_once"), ("pdf_page_count", "page_count"))
    for name, part in steps:
        setattr(render, name, _timed(getattr(render, name), part))
    commit = _timed(BaseDatabaseWrapper._commit, "commit")

    def counted_commit(*args, **kwargs):
        _task["parts"]["commits"] += 1
        return commit(*args, **kwargs)

    BaseDatabaseWrapper._commit = counted_commit

    def sql_timer(execute, sql, params, many, context):
        started = time.perf_counter()
        _task["parts"]["queries"] += 1
        try:
            return execute(sql, params, many, context)
        finally:
            _task["parts"]["sql"] += time.perf_counter() - started

    _task["sql_timer"] = sql_timer


@task_prerun.connect
def _started(task_id=None, task=None, args=None, **kwargs):
    _wrap_once()
    from django.db import connection

    if STEPS and _task["sql_timer"] not in connection.execute_wrappers:
        connection.execute_wrappers.append(_task["sql_timer"])
    probe_before = _task.get("probe_write", 0.0)  # this process's record of its previous task, kept apart
    _task.update(
        start=time.time(), parts=dict.fromkeys(PARTS, 0.0), html=None, htmls={}, documents=[], depth=0,
        probe_write=0.0,
    )  # fmt: skip
    _task["probe_before"] = probe_before
    _task.update(clock=time.perf_counter(), cpu=time.process_time())


@task_postrun.connect
def _finished(task_id=None, task=None, args=None, retval=None, **kwargs):
    seconds = time.perf_counter() - _task["clock"]
    cpu = time.process_time() - _task["cpu"]
    record = {
        "task": task.name.rsplit(".", 1)[-1],
        "id": args[0] if args else None,  # a render task's: a batch of document ids (one, before batches)
        "documents": _task["documents"],  # each document of the task: its id, kind and own timed parts
        "start": _task["start"],
        "end": _task["start"] + seconds,
        "seconds": seconds,
        "cpu": cpu,
        "steps": STEPS,
        "probe_before": _task["probe_before"],
        "result": retval if isinstance(retval, (str, int)) else repr(retval)[:80],
        **_task["parts"],
    }
    writing = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / f"tasks-{os.getpid()}.jsonl", "a") as handle:
        handle.write(json.dumps(record) + "\n")
    if _task["htmls"]:
        (OUT / "html").mkdir(exist_ok=True)
        for document_id, html in _task["htmls"].items():
            (OUT / "html" / f"{document_id}.html").write_text(html)
    _task["probe_write"] = time.perf_counter() - writing
