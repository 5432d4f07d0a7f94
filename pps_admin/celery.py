"""The Celery application. Workers: `celery -A pps_admin worker`."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pps_admin.settings")

app = Celery("pps_admin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_file_queue_folders(sender, **kwargs):
    # The embedded default (`make run`, no REDIS_URL) queues tasks as files; kombu expects the folders.
    if sender.conf.broker_url.startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(sender.conf.broker_transport_options[key]).mkdir(parents=True, exist_ok=True)


@worker_process_init.connect
def _warm_up_rendering(**kwargs):
    """Each worker process pays WeasyPrint's start-up (import, fonts, stylesheet, frozen heap) when it
    starts, not on the first document of a job (pps_admin.rendering.warm_up; about 0.25 s CPU)."""
    from pps_admin import rendering

    rendering.warm_up()


@task_prerun.connect
@task_postrun.connect
def _check_database_connections(task=None, **kwargs):
    """Django's check between two requests, between two tasks: the connection a worker process keeps
    (settings.CELERY_DB_REUSE_MAX) is replaced when a statement failed on it, when it outlived CONN_MAX_AGE,
    and, at its first statement of a task, when it does not answer the health check (PostgreSQL restarted:
    tests/test_database_restart.py). A task run eagerly is inside its caller's connection and transaction:
    left to the caller."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
