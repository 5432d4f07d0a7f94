"""The zero-setup default (`make run`: no REDIS_URL, SQLite) behaves like production (issue #12, item 4):
documents are made by the embedded worker beside the web server, never inside a request, and SQLite takes
the writes of the web server and of the worker's two processes without "database is locked".

Run as `make run` runs it: `manage.py run_embedded` (runserver with its autoreloader, and the embedded
Celery worker with its beat on the file queue) in a process of its own, on a SQLite file of the test's own,
driven by Chromium as staff would.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import browser_page

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "sandi-staf-embedded-123"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _embedded_env(tmp_path, **extra) -> dict:
    """`make run`'s environment (DEBUG on, no DATABASE_URL or REDIS_URL) with the files in tmp_path."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_QUEUE", "SECRET_KEY")}
    return {
        **env,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "EMBEDDED_BROKER_DIR": str(tmp_path / "run" / "broker"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        **extra,
    }


def _manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )


def _wait_for_port(port, process, log, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"run_embedded exited: {log.read_text()[-3000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"the server did not answer: {log.read_text()[-3000:]}")


def _run_embedded(env, port, log) -> subprocess.Popen:
    """`make run`'s last step in a session of its own (its process group is what a terminal signals)."""
    with open(log, "w") as handle:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_embedded", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _progress(page, url) -> dict:
    return page.request.get(url).json()


def test_make_runs_embedded_worker_makes_the_sk_while_the_request_returns_and_other_pages_answer(
    tmp_path, chromium, artifacts_dir
):
    env = _embedded_env(tmp_path)
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo")
    _manage(env, "createsuperuser", "--noinput", "--username", "staf", "--email", "staf@kpu.test")
    port = _free_port()
    log = tmp_path / "run.log"
    server = _run_embedded(env, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_port(port, server, log)
        with browser_page(chromium) as page:
            page.goto(f"{base}/admin/login/")
            page.fill("#id_username", "staf")
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.goto(f"{base}/admin/secretariat/decree/terbitkan/")
            page.fill("#id_decree_date", "2024-06-01")  # an <input type=date>
            with page.expect_navigation():
                page.click("input[value='Terbitkan SK']")
            # The request came back before the documents were made: the worker makes them afterwards.
            progress_url = page.locator("#job").get_attribute("data-progress-url")
            first = _progress(page, f"{base}{progress_url}")
            assert first["total"] == 104 and first["done"] < 104, first
            page.screenshot(path=str(artifacts_dir / "embedded-progress-start.png"))

            # Another page answers while the worker renders.
            other = page.context.new_page()
            response = other.goto(f"{base}/admin/secretariat/person/?q=Contoh")
            assert response.status == 200
            during = _progress(page, f"{base}{progress_url}")
            assert during["done"] < 104, "the batch was over before the other page could be tried"

            # The bar on the decree page moves by itself (job-progress.js polls), up to done.
            seen = set()
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                text = page.locator("#job-count").text_content()
                seen.add(int(re.match(r"(\d+) dari 104", text).group(1)))
                if 104 in seen:
                    break
                if len(seen) == 3:
                    page.screenshot(path=str(artifacts_dir / "embedded-progress-moving.png"))
                page.wait_for_timeout(500)
            assert 104 in seen, f"the bar stopped at {max(seen)}: {log.read_text()[-3000:]}"
            assert len(seen - {0, 104}) >= 2, f"the bar did not move in steps: {sorted(seen)}"
            page.wait_for_selector("text=Bundel cetak semua petikan")  # the page reloads when done
            page.screenshot(path=str(artifacts_dir / "embedded-progress-done.png"), full_page=True)
            assert _progress(page, f"{base}{progress_url}")["status"] == "done"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=90)
    output = log.read_text()
    [worker_pid] = re.findall(r"Worker Celery bawaan berjalan \(pid (\d+), 2 proses", output)
    assert not _alive(int(worker_pid)), "the embedded worker outlived the server"
    assert "pps_admin.I001" in output and "worker Celery bawaan" in output  # said at start-up
    assert "database is locked" not in output
    assert "No hostname was supplied" not in output  # kombu's warning on every send, for a URL without one
    assert "Traceback" not in output
    files = list((tmp_path / "media" / "documents" / "sk").rglob("*.pdf"))  # not the print bundle
    assert len(files) == 104 and all(path.stat().st_size > 0 for path in files)


def test_check_says_real_workers_need_postgresql_when_redis_is_set_with_sqlite(tmp_path):
    env = _embedded_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")
    result = _manage(env, "check")
    assert "pps_admin.W002" in result.stderr
    assert "worker Celery sungguhan perlu PostgreSQL" in result.stderr


def test_check_says_where_documents_are_made_without_redis(tmp_path):
    result = _manage(_embedded_env(tmp_path), "check")
    assert "pps_admin.I001" in result.stdout + result.stderr
    assert "worker Celery bawaan" in result.stdout + result.stderr


def test_closing_the_terminal_stops_the_embedded_worker_too(tmp_path):
    """SIGHUP to `make run`'s process group (a closed terminal, a dropped SSH session) killed the web server
    and left the worker, in a session of its own, running beside the next `make run`'s."""
    env = _embedded_env(tmp_path)
    _manage(env, "migrate", "--noinput")
    port = _free_port()
    log = tmp_path / "run.log"
    server = _run_embedded(env, port, log)
    worker_pid = None
    try:
        _wait_for_port(port, server, log)
        [pid] = re.findall(r"Worker Celery bawaan berjalan \(pid (\d+), 2 proses", log.read_text())
        worker_pid = int(pid)
        assert _alive(worker_pid)
        os.killpg(server.pid, signal.SIGHUP)
        server.wait(timeout=90)
        deadline = time.monotonic() + 90
        while _alive(worker_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(worker_pid), f"the worker outlived the server: {log.read_text()[-2000:]}"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        if worker_pid is not None and _alive(worker_pid):  # failed: leave no worker behind (its own session)
            os.killpg(worker_pid, signal.SIGKILL)
