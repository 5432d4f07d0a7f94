import contextlib

import pytest
from django.contrib.auth import get_user_model
from hypothesis import settings as hypothesis_settings

from pps_admin.env import env_bool
from tests.factories import join_office

# Hypothesis: CI must never fail by chance (a clean clone's run once found a new counterexample), so under
# CI=true every run tries the same examples, keeps no example database and prints the blob that replays a
# failure; locally it explores anew each run and remembers what failed in .hypothesis/. Counterexamples
# found either way become @example cases of their test.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("explore", print_blob=True)
hypothesis_settings.load_profile("ci" if env_bool("CI", False) else "explore")

REFERENCE_DATA = [
    # Balikpapan's 6 + 34 with their province and kota (0007 creates whatever 0002 would have).
    ("kelurahan.migrations.0007_link_balikpapan_to_its_province_and_kota", "add_balikpapan_regions"),
    ("secretariat.migrations.0002_pilkada_2024_period", "add_period"),
    ("secretariat.migrations.0026_office_balikpapan", "add_offices"),
    ("secretariat.migrations.0004_default_decree_template", "add_template"),
    ("secretariat.migrations.0006_pilkada_2024_key_dates", "add_key_dates"),
    ("integrity.migrations.0002_default_text_and_ceremony", "add_defaults"),
]


@pytest.fixture
def committed_db(transactional_db):
    """A transactional database (data committed, so a worker process or the live server sees it),
    with the reference data the data migrations load: a transactional test's flush removes it."""
    import importlib

    from django.apps import apps

    for module, function in REFERENCE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def staff_user(db):
    """KPU staff: a superuser of the admin."""
    return get_user_model().objects.create_superuser("staf", "staf@kpu.test", "sandi-staf-123")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def viewer_user(db):
    """Staff who may only look at the roster (view permissions)."""
    from django.contrib.auth.models import Permission

    user = join_office(
        get_user_model().objects.create_user("pengamat", password="sandi-pengamat-123", is_staff=True)
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="secretariat", codename__startswith="view_")
    )
    return user


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (Playwright cannot download its own browsers here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def plain_static_storage(settings):
    """The live server serves static files from the finders, which know no hashed manifest names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@contextlib.contextmanager
def browser_page(chromium, **context_options):
    """A page in a new Indonesian browser context (desktop size unless told), closed afterwards."""
    options = {"viewport": {"width": 1366, "height": 900}, "locale": "id-ID", **context_options}
    context = chromium.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(chromium, plain_static_storage):
    with browser_page(chromium) as page:
        yield page


@pytest.fixture
def artifacts_dir():
    """Screenshots for people to look at (ignored by git)."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session", autouse=True)
def fast_staff_passwords():
    """Hash with MD5 first in tests (a PBKDF2 hash costs ~1 s here). The production hashers stay in the
    list, so stored hashes of both kinds are still checked; one-time portal passwords name their hasher
    explicitly. A test that needs the production default uses the `settings` fixture to drop MD5."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(scope="session", autouse=True)
def site_url():
    """Documents print SITE_URL under their QR code. Unless the run sets one, the tests use a reserved
    .invalid host, in this process and in the worker processes it starts (worker_env copies the
    environment)."""
    import os

    from django.conf import settings

    url = os.environ.setdefault("SITE_URL", "https://pps-cek.invalid")
    settings.SITE_URL = url.rstrip("/")
    return settings.SITE_URL


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory):
    """Generated files go to a temporary MEDIA_ROOT shared with the Celery worker process."""
    from django.conf import settings

    path = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = path
    return path


@pytest.fixture(scope="session", autouse=True)
def local_seal(tmp_path_factory):
    """A local CA and seal certificate made for this session (`create_local_seal`): every document the
    tests make, in this process or in a worker (whose environment copies ours), is sealed with it."""
    import os

    from django.conf import settings

    from pps_admin.signing.local_ca import create_local_seal

    seal, _ = create_local_seal(tmp_path_factory.mktemp("seal"))
    environment = {
        "SIGNER": "local",
        "SEAL_PKCS12_PATH": str(seal.pkcs12_path),
        "SEAL_PKCS12_PASSPHRASE": seal.passphrase,
    }
    os.environ.update(environment)
    settings.SIGNER = "local"
    settings.SEAL_PKCS12_PATH = environment["SEAL_PKCS12_PATH"]
    settings.SEAL_PKCS12_PASSPHRASE = environment["SEAL_PKCS12_PASSPHRASE"]
    return seal


def worker_env(queue, media_root, **extra):
    """Environment for a process (worker or command) that must use the test database and queue."""
    import os

    from django.db import connection

    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": str(media_root),
        **extra,
    }


def start_worker(queue, media_root, log_path, *, concurrency=2, **extra_env):
    """Start a real Celery worker process (in its own process group) and wait until it answers a ping."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from pps_admin.celery import app

    root = Path(__file__).resolve().parent.parent
    name = f"{queue}-{int(time.time() * 1000)}@{os.uname().nodename}"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "pps_admin",
        "worker",
        "-Q",
        queue,
        "-c",
        str(concurrency),
        "-n",
        name,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-l",
        "INFO",
    ]
    with open(log_path, "a") as handle:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=worker_env(queue, media_root, **extra_env),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Celery worker exited: {Path(log_path).read_text()[-3000:]}")
        if app.control.ping(destination=[name], timeout=1):
            return process
    stop_worker(process, kill=True)
    pytest.fail(f"Celery worker did not start: {Path(log_path).read_text()[-3000:]}")


def stop_worker(process, *, kill=False):
    """Stop a worker: SIGTERM to its main process (a warm shutdown, as `docker stop` sends it) or SIGKILL to
    the whole process group (a crash).

    A warm shutdown lets the running tasks finish and then stops the pool. SIGTERM sent to the pool's children
    as well would kill a task mid-way (WorkerLostError), which no deployment does: the main process alone is
    told to stop. Whatever is still alive after the grace period is killed.
    """
    import contextlib
    import os
    import signal
    import subprocess

    try:
        if kill:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            os.kill(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):  # a child the main process left behind, or a hung shutdown
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def celery_queue():
    """One queue per test session, so parallel sessions never take each other's tasks."""
    import uuid

    from pps_admin.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    return queue


@pytest.fixture
def own_queue(celery_queue):
    """Rendering jobs of this test go to a queue of its own that no worker reads (the session's worker, if
    another test started it, reads `celery_queue`): they stay queued, and nothing renders them while the
    test's data is torn down (a worker rendering during the teardown's TRUNCATE deadlocked with it)."""
    import uuid

    from django.conf import settings

    from pps_admin.celery import app

    queue = f"{celery_queue}-own-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_default_queue = celery_queue
        if settings.REDIS_URL:
            import redis

            redis.Redis.from_url(settings.REDIS_URL).delete(queue)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, media_root, tmp_path_factory, celery_queue):
    """A real Celery worker process on Redis, using the test database.

    Tests that use it need the `committed_db` fixture, so their data is committed and visible to it.
    """
    from django.conf import settings

    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set (make test sets it)")
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    process = start_worker(celery_queue, media_root, log)
    yield process
    stop_worker(process)


def wait_for_job(job, *, timeout=180):
    """Poll a GenerationJob until the worker has finished it."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in ("done", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job.pk} not finished after {timeout}s: {job.progress()}")
