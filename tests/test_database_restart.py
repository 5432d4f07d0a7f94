"""PostgreSQL restarted while the app is idle: the app recovers by itself (issue #6, item 2).

The shared cluster is never touched: the test starts a private PostgreSQL 15 in a temporary directory on
a free port, copies the test database's schema and reference data into it, and serves the app from a real
gunicorn process (one sync worker, so its one persistent connection is reused across requests as in
production; CONN_MAX_AGE=60 with CONN_HEALTH_CHECKS). After `pg_ctl restart -m fast` every connection the
app held is dead; the very next request must still succeed, without restarting gunicorn.

The worker side: a real Celery worker (prefork, one child, the production settings with DATABASE_URL on the
private cluster) renders an SK, PostgreSQL is restarted, and the next SK is rendered by the same child.
Celery's Django fix-up closes every database connection before and after each task (CONN_MAX_AGE has no
effect in a worker), so the task after the restart opens a fresh one. Without that (connections kept across
tasks) the test fails: the first task after the restart dies on the dead connection and the job stays
queued for ever.
"""

import contextlib
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .proxy_stack import app_env

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    not (PG_BIN / "initdb").exists() or not shutil.which("pg_dump", path=str(PG_BIN)),
    reason="PostgreSQL 15 server binaries are not installed",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivateCluster:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="pps-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        os.chmod(self.dir, 0o700)

    def _run(self, *args, **kwargs):
        return subprocess.run(
            _as_postgres([str(PG_BIN / args[0]), *args[1:]]), check=True, capture_output=True, **kwargs
        )

    def start(self):
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"
        )
        self.pg_ctl("start")

    def pg_ctl(self, action, *extra):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", action, *extra
        )

    def stop(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name="pps") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def cluster():
    cluster = PrivateCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def _copy_test_database(cluster):
    """The suite's test database (migrated, reference data loaded) copied into the private cluster: faster
    than running every migration again."""
    from django.db import connection

    db = connection.settings_dict
    source = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    subprocess.run(
        [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "pps"],
        check=True,
    )
    dump = subprocess.run([str(PG_BIN / "pg_dump"), "--no-owner", source], check=True, capture_output=True)
    assert b"CREATE TABLE" in dump.stdout, source
    subprocess.run(
        [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", cluster.url()],
        input=dump.stdout,
        check=True,
        capture_output=True,
    )


def _add_staff(cluster, username, password):
    from django.contrib.auth.hashers import make_password

    hashed = make_password(password, hasher="pbkdf2_sha256")
    sql = (
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,"  # noqa: S608
        f" is_active, date_joined) VALUES ('{hashed}', true, '{username}', '', '', '', true, true, now())"
    )
    done = subprocess.run(
        [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", cluster.url(), "-c", sql],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def app_server(cluster, db, tmp_path):
    _copy_test_database(cluster)
    _add_staff(cluster, "staf", "sandi-staf-123")
    port = _free_port()
    env = app_env(tmp_path, cluster.url())
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "pps_admin.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "-k",
            "sync",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/masuk/", timeout=10)  # noqa: S310 - http://127.0.0.1
            break
        except OSError:  # not listening yet, or still starting up
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            time.sleep(0.3)
    try:
        yield base, process, tmp_path / "gunicorn.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class Browser:
    """Cookies and CSRF tokens, like a browser (the test uses the real HTTP stack, not Django's client)."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path):
        try:
            response = self.opener.open(self.base + path, timeout=15)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")
        return response.status, response.read().decode()

    def post_form(self, path, data):
        status, html = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        try:
            response = self.opener.open(request, timeout=15)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")
        return response.status, response.read().decode()


def test_after_a_postgresql_restart_the_next_requests_succeed_without_restarting_the_app(cluster, app_server):
    base, gunicorn, log = app_server
    staff = Browser(base)
    status, html = staff.post_form(
        "/admin/login/?next=/admin/", {"username": "staf", "password": "sandi-staf-123"}
    )
    assert status == 200 and "logout" in html, html[:500]
    status, html = staff.get("/admin/secretariat/person/")
    assert status == 200, html[:2000]

    started = time.monotonic()
    cluster.pg_ctl("restart", "-m", "fast")  # every server connection the app held is gone
    restarted_in = time.monotonic() - started

    # The very first request after the restart already works (the dead connection is noticed and replaced).
    statuses = [staff.get("/admin/secretariat/person/")[0] for _ in range(3)]
    visitor = Browser(base)
    login_status, login_html = visitor.post_form(
        "/masuk/", {"username": "tidak-ada", "password": "salah-sekali"}
    )
    assert statuses == [200, 200, 200], log.read_text()[-3000:]
    assert login_status == 200 and "alert-danger" in login_html  # a refused login, not a 500
    assert gunicorn.poll() is None  # the same app process, never restarted
    print(f"\nprivate PostgreSQL restarted in {restarted_in:.1f} s; next requests: {statuses}")


# --- the Celery side ----------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _manage(env, *args, timeout=90):
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _documents(cluster, decree_number):
    """Rows of one decree's documents, read straight from the private cluster."""
    import psycopg2

    with contextlib.closing(psycopg2.connect(cluster.url())) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.status, d.file, d.sha256, d.attempts, j.status FROM secretariat_document d"
            " JOIN secretariat_generationjob j ON j.id = d.job_id"
            " JOIN secretariat_decree s ON s.id = d.decree_id WHERE s.sequence = %s ORDER BY d.id",
            [decree_number],
        )
        return cursor.fetchall()


def _issue_sk(env, roster, rows, date):
    """What staff do from the command line: import a roster, issue its SK and wait for the worker's PDFs."""
    from secretariat.services import roster_format as fmt
    from secretariat.services.spreadsheet import write_csv

    roster.write_bytes(write_csv(fmt.HEADER, rows))
    _manage(env, "import_members", str(roster))
    issued = _manage(env, "generate_sk", "--date", date, "--wait", "--timeout", "60")
    return issued.stdout.split(), issued.stderr


def test_after_a_postgresql_restart_the_worker_finishes_the_next_job_without_restarting(
    cluster, db, tmp_path
):
    import hashlib
    import uuid

    from secretariat.services.demo import demo_rows

    from .conftest import start_worker, stop_worker, worker_env

    _copy_test_database(cluster)
    rows = demo_rows()  # 3 members per kelurahan, in kelurahan order
    media = tmp_path / "media"
    queue = f"pgw-{uuid.uuid4().hex[:8]}"
    env = worker_env(queue, media, DATABASE_URL=cluster.url(), DEBUG="false")
    log = tmp_path / "worker.log"
    # One prefork child, as in production apart from the concurrency: every task runs in the same process.
    worker = start_worker(queue, media, log, concurrency=1, DATABASE_URL=cluster.url(), DEBUG="false")
    try:
        [child] = _children(worker.pid)
        first_paths, first_err = _issue_sk(env, tmp_path / "a.csv", rows[:3], "2024-06-01")
        assert "NOMOR 1 TAHUN 2024" in first_err and len(first_paths) == 5  # Keputusan, SALINAN, 3 Petikan

        started = time.monotonic()
        cluster.pg_ctl("restart", "-m", "fast")  # every server connection the worker held is gone
        restarted_in = time.monotonic() - started

        second_paths, second_err = _issue_sk(env, tmp_path / "b.csv", rows[3:6], "2024-06-02")
        assert worker.poll() is None and _children(worker.pid) == [child]  # the same worker and child
    finally:
        stop_worker(worker)
    worker_log = log.read_text()
    assert "NOMOR 2 TAHUN 2024" in second_err and len(second_paths) == 5, worker_log[-3000:]
    documents = _documents(cluster, 2)
    assert len(documents) == 5
    for status, file, sha256, attempts, job_status in documents:
        assert (status, attempts, job_status) == ("done", 1, "done")  # rendered once, job done
        data = (media / file).read_bytes()
        assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == sha256
    assert sorted(second_paths) == sorted(str(media / row[1]) for row in documents)
    assert not set(first_paths) & set(second_paths)
    assert "OperationalError" not in worker_log and "Traceback" not in worker_log, worker_log[-3000:]
    print(f"\nprivate PostgreSQL restarted in {restarted_in:.1f} s; worker child {child} did the next SK")


def _job_status(cluster, decree_number):
    import psycopg2

    with contextlib.closing(psycopg2.connect(cluster.url())) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT j.status FROM secretariat_generationjob j JOIN secretariat_decree s ON s.id = j.decree_id"
            " WHERE s.sequence = %s",
            [decree_number],
        )
        return cursor.fetchone()[0]


def test_a_task_taken_while_postgresql_is_down_is_retried_and_the_job_ends_done(cluster, db, tmp_path):
    """The other half of a restart: a task that arrives while the server is still down. It must wait and
    try again, not fail: a failed dispatch or render task is never sent again, so its job would stay
    queued for ever (what this test saw before the tasks retried on OperationalError)."""
    import hashlib
    import uuid

    from secretariat.services import roster_format as fmt
    from secretariat.services.demo import demo_rows
    from secretariat.services.spreadsheet import write_csv

    from .conftest import start_worker, stop_worker, worker_env

    _copy_test_database(cluster)
    media = tmp_path / "media"
    queue = f"pgw-{uuid.uuid4().hex[:8]}"
    env = worker_env(queue, media, DATABASE_URL=cluster.url(), DEBUG="false")
    (tmp_path / "a.csv").write_bytes(write_csv(fmt.HEADER, demo_rows()[:3]))
    _manage(env, "import_members", str(tmp_path / "a.csv"))
    issued = _manage(env, "generate_sk", "--date", "2024-06-01")  # queued; no worker yet
    assert "NOMOR 1 TAHUN 2024" in issued.stderr

    cluster.pg_ctl("stop", "-m", "fast")
    log = tmp_path / "worker.log"
    worker = start_worker(queue, media, log, concurrency=1, DATABASE_URL=cluster.url(), DEBUG="false")
    try:
        deadline = time.monotonic() + 20
        while "will be retried" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "will be retried" in log.read_text(), log.read_text()[-3000:]  # it did meet the dead server
        cluster.pg_ctl("start")
        deadline = time.monotonic() + 60
        while (status := _job_status(cluster, 1)) not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert worker.poll() is None
    finally:
        stop_worker(worker)
    assert status == "done", log.read_text()[-3000:]
    documents = _documents(cluster, 1)
    assert len(documents) == 5
    for document_status, file, sha256, _attempts, _job in documents:
        assert document_status == "done"
        assert hashlib.sha256((media / file).read_bytes()).hexdigest() == sha256
