"""`make run`: the development server and, beside it, the embedded Celery worker (with its beat).

Documents are made by a real worker process, as in production, so a request never waits for them and the
progress bar moves; only the broker differs (a queue of files, settings.EMBEDDED_BROKER_DIR). The worker
is started once, by the outer process of runserver's autoreloader (a code change restarts the web server,
not the worker: restart `make run` after changing code the worker runs), and stopped when the server
stops: Ctrl-C, SIGTERM, SIGHUP (the terminal closed) or the end of the command.
"""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV


class Command(BaseCommand):
    help = "Server pengembangan beserta worker Celery bawaan (antrean berkas, tanpa Redis): `make run`."
    requires_system_checks = []  # runserver runs them (and says where documents are made)

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="Tanpa pemuatan ulang otomatis.")
        parser.add_argument("--concurrency", type=int, default=2, help="Proses worker (bawaan 2).")

    def handle(self, *args, addrport, noreload, concurrency, **options):
        if settings.REDIS_URL:
            raise CommandError(
                "REDIS_URL diatur: jalankan `manage.py runserver` dan worker Celery sendiri "
                "(`celery -A pps_admin worker`), bukan worker bawaan."
            )
        if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            # The autoreloader's child: the outer process already runs the worker.
            call_command("runserver", addrport, skip_checks=False)
            return
        worker = self._start_worker(concurrency)
        # SIGTERM (a service manager, a test) and SIGHUP (the terminal closed, an SSH session dropped) end the
        # command like Ctrl-C, so the worker is stopped too: in a session of its own, it gets no SIGHUP, and
        # left running it went on beside the next `make run`'s worker on the same queue and database.
        # Under `nohup` SIGHUP is ignored, and stays so: the command was asked to outlive its terminal.
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
            signal.signal(signal.SIGHUP, _raise_keyboard_interrupt)
        try:
            call_command("runserver", addrport, use_reloader=not noreload, skip_checks=False)
        except KeyboardInterrupt:
            pass
        finally:
            # A second signal (the terminal's SIGHUP after Ctrl-C, a repeated SIGTERM) must not cut the
            # worker's stop short and leave it running.
            for name in ("SIGINT", "SIGTERM", "SIGHUP"):
                if signal.getsignal(getattr(signal, name)) is not signal.SIG_IGN:
                    signal.signal(getattr(signal, name), signal.SIG_IGN)
            self._stop_worker(worker)

    def _start_worker(self, concurrency: int) -> subprocess.Popen:
        run_dir = settings.EMBEDDED_BROKER_DIR.parent
        run_dir.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "celery", "-A", "pps_admin", "worker", "--beat",
            "--schedule", str(run_dir / "celerybeat-schedule"), "--concurrency", str(concurrency),
            "--hostname", f"embedded-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
            "--loglevel", "INFO",
        ]  # fmt: skip
        # Its own session: Ctrl-C reaches the server only, and the worker is stopped warmly below.
        worker = subprocess.Popen(command, start_new_session=True)  # noqa: S603
        self.stdout.write(
            f"Worker Celery bawaan berjalan (pid {worker.pid}, {concurrency} proses, antrean berkas di "
            f"{settings.EMBEDDED_BROKER_DIR}); berhenti bersama server ini."
        )
        return worker

    def _stop_worker(self, worker: subprocess.Popen) -> None:
        if worker.poll() is not None:
            return
        # Warm shutdown: the worker's main process finishes the documents being made and stops its own
        # children (signalling them too makes it wait for tasks that will never report back).
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt
