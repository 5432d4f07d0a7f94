"""50 replacement decrees issued at the same moment from 50 separate processes (issue #6, item 4).

Every process is a forked copy of the test process with its own database connection; they wait on one
barrier and then each replaces one member (penggantian antarwaktu) and issues the decree for it.
Decree numbers are the office register of a year, shared by every period: they must come out 1..50,
no number twice, none skipped, and no process may fail.
"""

import datetime as dt
import multiprocessing
import time

import pytest
from django.db import connections

from kelurahan.models import Kelurahan
from secretariat.models import (
    Appointment,
    Decree,
    DecreeEntry,
    DecreeNumberSequence,
    ElectionPeriod,
    GenerationJob,
    Person,
)
from secretariat.services.appointments import appointment_replace
from secretariat.services.decrees import decree_issue

from .factories import make_person

pytestmark = pytest.mark.usefixtures("committed_db")

PROCESSES = 50
REPLACED_ON = dt.date(2024, 7, 1)
DECREE_DATE = dt.date(2024, 7, 5)


def _replace_and_issue(appointment_id, replacement_id, period_id):
    appointment = Appointment.objects.get(pk=appointment_id)
    appointment_replace(
        appointment=appointment,
        replacement=Person.objects.get(pk=replacement_id),
        end_date=REPLACED_ON,
        reason="berhalangan_tetap",
        lurah_decree_number=f"100.3.3.2/{appointment_id}/KEL",
        lurah_decree_date=REPLACED_ON - dt.timedelta(days=2),
    )
    decree = decree_issue(decree_date=DECREE_DATE, period=ElectionPeriod.objects.get(pk=period_id))
    return decree.number if decree else None


def _forget_inherited_connections():
    """Drop every database connection object copied from the parent without touching its socket.

    `connections.close_all()` in the parent does not close a connection inside an atomic block (Django
    defers that), so a child can inherit an open socket that the parent and 49 siblings would then share.
    Closing only the child's copy of the file descriptor (what Celery's Django fixup does for its pool
    processes) sends nothing to the server; the child then opens its own connection.
    """
    import contextlib
    import os

    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            with contextlib.suppress(OSError):
                os.close(connection.connection.fileno())
            connection.connection = None
            connection.in_atomic_block = False
            connection.atomic_blocks = []
            connection.savepoint_ids = []
            connection.needs_rollback = False


def _child(barrier, results, case):
    """Runs in a forked process: its own connection, the same test database."""
    try:
        _forget_inherited_connections()
        barrier.wait(timeout=60)
        results.put((case[0], _replace_and_issue(*case), None))
    except Exception as exc:  # reported to the parent, which fails the test on it
        results.put((case[0], None, f"{type(exc).__name__}: {exc}"))
    finally:
        connections.close_all()


def _run_in_processes(cases):
    """Fork one process per case, release them together, collect (appointment id, number, error)."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(cases))
    results = context.Queue()
    connections.close_all()  # a forked child must not share the parent's socket
    processes = [context.Process(target=_child, args=(barrier, results, case)) for case in cases]
    started = time.monotonic()
    for process in processes:
        process.start()
    collected = [results.get(timeout=120) for _ in cases]
    for process in processes:
        process.join(timeout=30)
    elapsed = time.monotonic() - started
    assert all(process.exitcode == 0 for process in processes), [p.exitcode for p in processes]
    return collected, elapsed


def _periods_with_one_member(count):
    """`count` election periods (e.g. overlapping elections), each with one member and a replacement."""
    kelurahan = Kelurahan.objects.get(code="64.71.01.1001")
    cases = []
    for index in range(count):
        period = ElectionPeriod.objects.create(
            name=f"Pemilihan uji {index + 1}",
            vote_date=dt.date(2024, 11, 27),
            term_start=dt.date(2024, 5, 26),
            term_end=dt.date(2025, 1, 27),
        )
        appointment = Appointment.objects.create(
            person=make_person(),
            kelurahan=kelurahan,
            role="sekretaris",
            period=period,
            start_date=period.term_start,
        )
        cases.append((appointment.pk, make_person(gender="P").pk, period.pk))
    return cases


def _assert_consecutive_from_one(results, count):
    errors = [r for r in results if r[2]]
    assert not errors, errors
    numbers = sorted(Decree.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, count + 1)), numbers
    assert len(set(Decree.objects.values_list("number", flat=True))) == count
    assert DecreeNumberSequence.objects.get(year=2024).next_number == count + 1


def test_fifty_replacement_decrees_issued_at_once_get_numbers_1_to_50(own_queue):
    cases = _periods_with_one_member(PROCESSES)
    results, elapsed = _run_in_processes(cases)

    _assert_consecutive_from_one(results, PROCESSES)
    assert sorted(number for _, number, _ in results) == sorted(f"NOMOR {n} TAHUN 2024" for n in range(1, 51))
    # Each decree lists exactly its own replacement, and has its rendering job.
    for decree in Decree.objects.all():
        (entry,) = DecreeEntry.objects.filter(decree=decree).select_related("appointment")
        assert entry.appointment.replaces_id is not None and entry.appointment.period_id == decree.period_id
    assert GenerationJob.objects.count() == PROCESSES
    print(f"\n{PROCESSES} processes issued {PROCESSES} decrees in {elapsed:.1f} s")


def test_fifty_replacements_in_one_period_at_once_are_each_listed_once_without_number_gaps(own_queue):
    """Same moment, same period: issuing is serialised per period, so one decree may list several
    replacements; every replacement is in exactly one decree and the numbers still run on without gaps."""
    period = ElectionPeriod.current()
    posts = [(k, role) for k in Kelurahan.objects.order_by("code") for role in ("sekretaris", "bendahara")]
    cases = []
    for kelurahan, role in posts[:PROCESSES]:
        appointment = Appointment.objects.create(
            person=make_person(), kelurahan=kelurahan, role=role, period=period, start_date=period.term_start
        )
        cases.append((appointment.pk, make_person(gender="P").pk, period.pk))
    first = decree_issue(decree_date=dt.date(2024, 6, 1))  # the SK of 1 June for the original members
    assert first.sequence == 1 and first.entries.count() == PROCESSES

    results, _ = _run_in_processes(cases)

    issued = {number for _, number, _ in results if number}
    _assert_consecutive_from_one(results, 1 + len(issued))
    replacements = Appointment.objects.filter(replaces__isnull=False)
    assert replacements.count() == PROCESSES
    listed = list(DecreeEntry.objects.exclude(decree=first).values_list("appointment_id", flat=True))
    assert sorted(listed) == sorted(replacements.values_list("pk", flat=True))  # each exactly once
