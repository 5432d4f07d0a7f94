"""A worker killed with SIGKILL in the middle of a 102-member SK: nothing lost, nothing doubled,
no half-written file, and `generate_sk --wait` keeps waiting through it (issue #6, item 1).

The broker gives an unacknowledged task back after CELERY_VISIBILITY_TIMEOUT seconds (300 in
production, 10 here to keep the test short); rendering is idempotent, so a redelivered task either
finds its document done or renders it once.
"""

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from secretariat.models import Decree, Document
from secretariat.services.demo import demo_csv
from secretariat.services.importing import members_import

from .conftest import start_worker, stop_worker, worker_env

pytestmark = pytest.mark.usefixtures("committed_db")

ROOT = Path(__file__).resolve().parent.parent


def test_sigkill_mid_batch_loses_nothing_and_generate_sk_wait_still_finishes(
    celery_queue, media_root, tmp_path
):
    assert members_import(data=demo_csv(), dry_run=False).ok
    fast_redelivery = {"CELERY_VISIBILITY_TIMEOUT": "10"}
    log = tmp_path / "workers.log"
    first = start_worker(celery_queue, media_root, log, **fast_redelivery)
    command = subprocess.Popen(
        [sys.executable, "manage.py", "generate_sk", "--date", "2024-06-01", "--wait", "--timeout", "400"],
        cwd=ROOT,
        env=worker_env(celery_queue, media_root, **fast_redelivery),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = Document.objects.filter(status="done").count()
            if done >= 15:
                break
            time.sleep(0.2)
        assert 15 <= done < 104, f"too fast or too slow to interrupt: {done}"
        stop_worker(first, kill=True)
        killed_at = Document.objects.filter(status="done").count()
        time.sleep(1)
        second = start_worker(celery_queue, media_root, log, **fast_redelivery)
        try:
            out, err = command.communicate(timeout=420)
        finally:
            stop_worker(second)
    finally:
        if command.poll() is None:
            command.kill()
    assert command.returncode == 0, err
    paths = out.split()
    decree = Decree.objects.get()
    documents = list(Document.objects.filter(decree=decree))
    assert len(documents) == 104 and killed_at < 104
    assert all(d.status == "done" for d in documents)
    assert sorted(paths) == sorted(d.file.path for d in documents)  # every file exactly once
    for document in documents:
        data = Path(document.file.path).read_bytes()
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
        assert hashlib.sha256(data).hexdigest() == document.sha256
    folder = Path(documents[0].file.path).parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(p).name for p in paths)  # no temp files
    assert "NOMOR 1 TAHUN 2024" in err
