"""Staged uploads (pps_admin/staging.py) are swept by a periodic task, not only when somebody uploads again:
the import's files and the scans' folders past their lifetime go, fresh ones and their markers stay."""

import os
import time

from django.conf import settings

from pps_admin.celery import app
from pps_admin.staging import IMPORTS, SCANS
from pps_admin.tasks import sweep_staging


def aged(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_the_periodic_sweep_removes_abandoned_imports_and_scans_and_keeps_fresh_ones(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old_import = IMPORTS.root() / ("a" * 32 + ".bin")
    old_import.write_bytes(b"nik,...")
    aged(old_import, IMPORTS.max_age_seconds + 60)
    fresh_import = IMPORTS.root() / ("b" * 32 + ".bin")
    fresh_import.write_bytes(b"nik,...")
    old_marker = aged(_touch(IMPORTS.root() / ("c" * 32 + ".used")), IMPORTS.max_age_seconds + 60)
    old_scan = SCANS.root() / ("d" * 32)
    old_scan.mkdir()
    (old_scan / "1.pdf").write_bytes(b"%PDF-1.4")
    aged(old_scan, SCANS.max_age_seconds + 60)
    fresh_scan = SCANS.root() / ("e" * 32)
    fresh_scan.mkdir()

    assert sweep_staging() == 3  # a task called directly runs here, as beat's message would in a worker

    assert not old_import.exists() and not old_marker.exists() and not old_scan.exists()
    assert fresh_import.exists() and fresh_scan.exists()


def test_beat_sends_the_sweep_and_a_worker_knows_it():
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "pps_admin.sweep_staging"]
    assert entry["schedule"] <= 60 * 60
    assert "pps_admin.sweep_staging" in app.tasks and "pps_admin.read_scan_pages" in app.tasks


def _touch(path):
    path.touch()
    return path
