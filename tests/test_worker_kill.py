"""A worker killed with SIGKILL mid-batch: its abandoned documents are found by their claims and sent
again at once (issue #12, item 3), not after the broker's visibility timeout, each still rendered once.

The workers keep the production visibility timeout (300 s): Redis would give the killed worker's
unacknowledged messages back only after it, so a batch done before it was recovered by the sweep. How soon
is measured by `bench/kill_worker.py` (bench/RESULTS.md), not asserted here.
"""

import datetime as dt
import hashlib
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from kombu.exceptions import ChannelError

from pps_admin.celery import app
from secretariat.models import Document, DocumentStatus, GenerationJob, JobStatus
from secretariat.services.decrees import decree_issue
from secretariat.services.demo import demo_csv
from secretariat.services.importing import members_import
from secretariat.tasks import dispatch_job, render_document

from .conftest import start_worker, stop_worker, worker_env

pytestmark = pytest.mark.usefixtures("committed_db")

VISIBILITY_TIMEOUT = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def queue():
    """A queue of this test's own: no other worker of the session takes its messages."""
    name = f"kill-{uuid.uuid4().hex[:8]}"
    original = app.conf.task_default_queue
    app.conf.task_default_queue = name
    try:
        yield name
    finally:
        app.conf.task_default_queue = original
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(name)


def _queue_size(queue) -> int:
    with app.connection_for_write() as conn:
        try:
            return conn.default_channel.queue_declare(queue=queue, passive=True).message_count
        except ChannelError:  # Redis keeps no empty list
            return 0


def _running() -> set[int]:
    return set(Document.objects.filter(status=DocumentStatus.RUNNING).values_list("pk", flat=True))


def _kill_while_rendering(start, *, at_least_done: int) -> tuple[set[int], int]:
    """Start a worker, SIGKILL its whole process group while it renders (documents done, others running),
    and return the documents it left running. A render can end in the instant between looking and
    killing; then another worker is started and killed the same way."""
    for _ in range(5):
        worker = start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = Document.objects.filter(status=DocumentStatus.DONE).count()
            if done >= at_least_done and _running():
                break
            time.sleep(0.02)
        else:
            stop_worker(worker, kill=True)
            pytest.fail("the worker never rendered")
        stop_worker(worker, kill=True)
        abandoned = _running()
        if abandoned:
            return abandoned, Document.objects.filter(status=DocumentStatus.DONE).count()
    pytest.fail("no document was left running by five killed workers")


def _stored(documents) -> dict:
    """Everything that shows whether a document was rendered or written again."""
    result = {}
    for document in documents:
        stat = Path(document.file.path).stat()
        record = (document.status, document.attempts, document.sha256)
        result[document.pk] = (*record, stat.st_ino, stat.st_mtime_ns)
    return result


def _wait_idle(name, queue, *, timeout=60):
    """Until the worker has nothing queued, reserved or running."""
    inspect = app.control.inspect(destination=[name], timeout=1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _queue_size(queue) == 0:
            active, reserved = inspect.active() or {}, inspect.reserved() or {}
            if not any(active.values()) and not any(reserved.values()):
                return
        time.sleep(0.5)
    raise AssertionError("the worker did not finish the redelivered messages")


def test_a_killed_workers_batch_is_finished_by_the_next_worker_before_the_visibility_timeout(
    queue, media_root, tmp_path
):
    assert members_import(data=demo_csv(), dry_run=False).ok
    log = tmp_path / "workers.log"
    job = decree_issue(decree_date=dt.date(2024, 6, 1)).jobs.get()
    assert job.total == 104
    abandoned, done_at_kill = _kill_while_rendering(
        lambda: start_worker(queue, media_root, log), at_least_done=15
    )
    assert done_at_kill < 104
    log_at_kill = len(log.read_text())

    # Past ABANDONED_GRACE_SECONDS (1 s) before the new worker's start-up sweep, however fast it starts.
    time.sleep(2)
    started = time.monotonic()
    second = start_worker(queue, media_root, log)
    try:
        while time.monotonic() - started < VISIBILITY_TIMEOUT - 20:
            job.refresh_from_db()
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                break
            time.sleep(0.5)
        assert job.status == JobStatus.DONE, (
            f"not done {time.monotonic() - started:.0f} s after the new worker started, before the broker "
            f"would have given back the killed worker's messages: {job.progress()}"
        )
        new_log = log.read_text()[log_at_kill:]
        assert f"{len(abandoned)} documents abandoned by a worker that died were sent again" in new_log

        documents = list(Document.objects.filter(job=job))
        assert len(documents) == 104 and {d.status for d in documents} == {DocumentStatus.DONE}
        assert {d.attempts for d in documents} == {1}  # each rendered once, the abandoned ones included
        folder = Path(documents[0].file.path).parent
        assert sorted(p.name for p in folder.iterdir()) == sorted(Path(d.file.path).name for d in documents)
        for document in documents:
            data = Path(document.file.path).read_bytes()
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
            assert hashlib.sha256(data).hexdigest() == document.sha256

        # What Redis gives back after the visibility timeout: the killed worker's messages for the documents
        # it held, delivered late, and the job's once more. They change nothing.
        before = _stored(documents)
        for document_id in abandoned:
            render_document.delay(document_id)
        dispatch_job.delay(job.pk)
        _wait_idle(_name(second), queue)
        assert _stored(Document.objects.filter(job=job)) == before
        assert GenerationJob.objects.get(pk=job.pk).status == JobStatus.DONE
    finally:
        stop_worker(second)
    assert "Traceback" not in log.read_text()[log_at_kill:]


def _start_beat(queue, media_root, log, schedule) -> subprocess.Popen:
    """celery beat as docker-compose starts it (its schedule file in the test's folder)."""
    command = [sys.executable, "-m", "celery", "-A", "pps_admin", "beat", "-l", "INFO", "-s", str(schedule)]
    with open(log, "a") as handle:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=worker_env(queue, media_root),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _name(worker) -> str:
    return worker.args[worker.args.index("-n") + 1]


def test_the_beats_sweep_gives_a_dead_workers_documents_to_the_surviving_worker(queue, media_root, tmp_path):
    """No worker restarts (one of two machines died): celery beat's periodic sweep sends them again."""
    assert members_import(data=demo_csv(), dry_run=False).ok
    log = tmp_path / "workers.log"
    survivor = start_worker(queue, media_root, tmp_path / "survivor.log", concurrency=1)
    beat = None
    try:
        # The survivor stops taking from the queue while the other worker renders and dies, so that the
        # documents left running are the dead worker's alone; then it takes the rest of the batch.
        app.control.cancel_consumer(queue, destination=[_name(survivor)], reply=True)
        job = decree_issue(decree_date=dt.date(2024, 6, 1)).jobs.get()
        abandoned, _ = _kill_while_rendering(
            lambda: start_worker(queue, media_root, log, concurrency=1), at_least_done=5
        )
        beat = _start_beat(queue, media_root, tmp_path / "beat.log", tmp_path / "beat-schedule")
        app.control.add_consumer(queue, destination=[_name(survivor)], reply=True)
        started = time.monotonic()
        while time.monotonic() - started < VISIBILITY_TIMEOUT - 20:
            job.refresh_from_db()
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                break
            time.sleep(0.5)
        assert job.status == JobStatus.DONE, job.progress()
        assert set(Document.objects.filter(job=job).values_list("attempts", flat=True)) == {1}
        survivor_log = (tmp_path / "survivor.log").read_text()
        assert f"{len(abandoned)} documents abandoned by a worker that died were sent again" in survivor_log
        assert "Traceback" not in survivor_log
    finally:
        if beat is not None:
            stop_worker(beat)
        stop_worker(survivor)
