"""A worker process keeps its database connection from one task to the next (settings.CELERY_DB_REUSE_MAX),
and Django's check between tasks (pps_admin/celery.py) replaces one that PostgreSQL ended.

Celery reads CELERY_DB_REUSE_MAX in its Django fix-up, a setting its documentation does not list: the first
test fails if Celery stops honouring it (every document would pay a new PostgreSQL session again). The
worker's recovery after a real PostgreSQL restart is tests/test_database_restart.py."""

import psycopg2
from celery.fixups.django import DjangoWorkerFixup
from django.conf import settings
from django.db import connection

from pps_admin.celery import _check_database_connections, app
from secretariat.models import Document


def test_celery_keeps_the_connection_from_task_to_task(db):
    fixup = DjangoWorkerFixup(app)
    connection.ensure_connection()
    kept = connection.connection
    for _ in range(10):  # a task's prerun and postrun each
        fixup.close_database()
    assert fixup.db_reuse_max == settings.CELERY_DB_REUSE_MAX > 10
    assert connection.connection is kept
    assert kept.closed == 0


def test_a_connection_postgresql_ended_is_replaced_at_the_next_task(transactional_db):
    connection.ensure_connection()
    ended = connection.connection
    backend = connection.cursor().connection.get_backend_pid()
    params = connection.get_connection_params()
    with psycopg2.connect(**params) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    other.close()

    _check_database_connections(task=None)  # the next task's prerun

    assert Document.objects.count() == 0  # its first statement: no error
    assert connection.connection is not ended
    assert connection.cursor().connection.get_backend_pid() != backend
