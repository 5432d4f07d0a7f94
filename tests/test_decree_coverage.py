"""How many active appointments the next SK would list (the "Terbitkan SK" page), on PostgreSQL.

`uncovered_count` reads a column kept by database triggers (migration 0012) instead of joining every
appointment to every decree entry; here it is compared with that join (`uncovered_appointments`, what
`decree_issue` lists) after every kind of write, through the services and around them, after the
migration fills it from existing rows, and after two transactions write at once.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from integrity.models import Pact, PactText
from secretariat.models import Appointment, Decree, DecreeEntry, DecreeStatus, ElectionPeriod
from secretariat.services.appointments import appointment_end, appointment_reactivate
from secretariat.services.decrees import (
    decree_issue,
    decree_preview_pdf,
    decree_revoke,
    uncovered_appointments,
    uncovered_count,
)

from .factories import make_appointment, make_person, replace_member
from .threads import Held, start, waits_for_a_lock

SK_DATE = dt.date(2024, 6, 1)
POSTS = [
    ("64.71.01.1001", "sekretaris"),
    ("64.71.01.1001", "bendahara"),
    ("64.71.01.1001", "staf_teknis"),
    ("64.71.01.1002", "sekretaris"),
    ("64.71.01.1002", "bendahara"),
]


def _appoint(index: int) -> Appointment:
    kelurahan, role = POSTS[index]
    return make_appointment(
        person=make_person(name=f"Anggota Uji {'ABCDE'[index]}"), kelurahan=kelurahan, role=role
    )


def _counted() -> int:
    """The page's figure, after checking it is the size of what the next decree would list."""
    period = ElectionPeriod.current()
    count = uncovered_count(period)
    assert count == uncovered_appointments(period).count()
    return count


def _end(appointment, day=dt.date(2024, 7, 1)):
    return appointment_end(appointment=appointment, end_date=day, reason="mengundurkan_diri")


def _revoke(decree):
    return decree_revoke(decree=decree, revoked_date=SK_DATE + dt.timedelta(days=9), reason="Salah nama")


def _issue_page(client) -> str:
    return client.get(reverse("admin:secretariat_decree_issue")).content.decode()


@pytest.mark.django_db
def test_the_count_follows_issues_revocations_ends_replacements_and_undone_ends():
    a, b, c = (_appoint(i) for i in range(3))
    assert _counted() == 3
    first = decree_issue(decree_date=SK_DATE)
    assert _counted() == 0
    d, e = _appoint(3), _appoint(4)
    assert d.pk
    _end(c)  # listed in the decree, then ended
    _end(e)  # ended before any decree listed it
    assert _counted() == 1  # d
    _revoke(first)
    assert _counted() == 3  # a, b again; c and e are no longer active
    decree_issue(decree_date=SK_DATE + dt.timedelta(days=10))
    assert _counted() == 0
    replace_member(a)
    assert _counted() == 1  # the replacement
    appointment_reactivate(appointment=c, note="salah klik")
    assert _counted() == 2  # c's only decree was revoked
    appointment_reactivate(appointment=e, note="salah klik")
    assert _counted() == 3  # e was never listed
    assert sorted(uncovered_appointments(ElectionPeriod.current()).values_list("pk", flat=True)) == sorted(
        [Appointment.objects.get(replaces=a).pk, c.pk, e.pk]
    )
    assert b.pk not in uncovered_appointments(ElectionPeriod.current()).values_list("pk", flat=True)


@pytest.mark.django_db
def test_the_issue_page_counts_active_members_outside_a_decree_in_force(staff_client):
    a, b, c, d = (_appoint(i) for i in range(4))
    first = decree_issue(decree_date=SK_DATE)  # a b c d
    _end(d)  # ended: never counted again
    _revoke(first)  # a b c uncovered
    decree_issue(decree_date=SK_DATE + dt.timedelta(days=10))  # a b c again
    e = _appoint(4)
    _end(b)
    page = _issue_page(staff_client)
    assert "Ada <strong>1</strong> pengangkatan aktif" in page and "1 petikan akan dibuat" in page  # e
    _end(e)
    page = _issue_page(staff_client)
    assert "Semua pengangkatan aktif sudah tercantum dalam SK yang berlaku" in page
    assert 'value="Terbitkan SK" disabled' in page
    assert a.pk and c.pk


@pytest.mark.django_db
def test_writes_around_the_services_keep_the_count_right(staff_user):
    appointments = [_appoint(i) for i in range(3)]
    decree = decree_issue(decree_date=SK_DATE)
    assert _counted() == 0
    # A revocation written directly (as a history "revert" would write the status back, too).
    Decree.objects.filter(pk=decree.pk).update(
        status=DecreeStatus.REVOKED, revoked_date=SK_DATE, revoked_reason="x"
    )
    assert _counted() == 3
    Decree.objects.filter(pk=decree.pk).update(
        status=DecreeStatus.ISSUED, revoked_date=None, revoked_reason=""
    )
    assert _counted() == 0
    # An entry removed, then written again by SQL (the bench loader writes entries so).
    DecreeEntry.objects.filter(appointment=appointments[0]).delete()
    assert _counted() == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO secretariat_decreeentry (decree_id, appointment_id, position) VALUES (%s, %s, 99)",
            [decree.pk, appointments[0].pk],
        )
    assert _counted() == 0
    # The column itself written by hand: the database puts back what it must say.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE secretariat_appointment SET in_issued_decree = NOT in_issued_decree")
    assert _counted() == 0
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a TRUNCATE waits for no pending check
        cursor.execute("TRUNCATE secretariat_decreeentry")
    assert _counted() == 3
    # A row copied in by SQL with the column set, though no decree lists it.
    period = ElectionPeriod.current()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO secretariat_appointment (person_id, kelurahan_id, role, period_id,"
            " lurah_decree_number,"
            " start_date, end_reason, end_note, created_at, updated_at, in_issued_decree)"
            " VALUES (%s, %s, %s, %s, '', %s, '', '', now(), now(), true)",
            [make_person(name="Anggota Uji Salinan").pk, *POSTS[3], period.pk, period.term_start],
        )
    assert _counted() == 4


@pytest.mark.django_db
def test_entries_moved_to_another_decree_or_member_and_a_deleted_decree_are_recounted():
    _appoint(0)  # a
    _appoint(1)  # b
    first = decree_issue(decree_date=SK_DATE)  # a b
    _revoke(first)
    c = _appoint(2)
    second = decree_issue(decree_date=SK_DATE + dt.timedelta(days=10))  # a b c
    assert _counted() == 0
    # An entry moved from the decree in force into the revoked one, and back.
    DecreeEntry.objects.filter(decree=second, appointment=c).update(decree=first)
    assert _counted() == 1  # c
    DecreeEntry.objects.filter(decree=first, appointment=c).update(decree=second)
    assert _counted() == 0
    # An entry moved to another member: the one it named is uncovered, the one it names covered.
    d = _appoint(3)
    DecreeEntry.objects.filter(decree=second, appointment=c).update(appointment=d)
    assert list(uncovered_appointments(ElectionPeriod.current())) == [c]
    assert _counted() == 1
    # A decree deleted by SQL before its entries (foreign keys are checked at commit; rolled back here,
    # as its SK job still points at it).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM secretariat_decree WHERE id = %s", [second.pk])
        assert _counted() == 4  # a b c d: only the revoked decree lists anyone now
        cursor.execute("DELETE FROM secretariat_decreeentry WHERE decree_id = %s", [second.pk])
        assert _counted() == 4
        cursor.execute(
            "UPDATE secretariat_decree SET status = 'issued', revoked_date = NULL WHERE id = %s", [first.pk]
        )
        assert _counted() == 2  # c d
        transaction.set_rollback(True)
    assert _counted() == 1


@pytest.mark.django_db
def test_entries_written_before_their_decree_or_appointment_count_once_those_exist():
    """Foreign keys are checked at commit: SQL may write an entry before what it points at."""
    listed = _appoint(0)
    period = ElectionPeriod.current()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('secretariat_decree', 'id'))")
        decree_id = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(pg_get_serial_sequence('secretariat_appointment', 'id'))")
        appointment_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO secretariat_decreeentry (decree_id, appointment_id, position)"
            " VALUES (%s, %s, 1), (%s, %s, 2)",
            [decree_id, listed.pk, decree_id, appointment_id],
        )
        assert _counted() == 1  # no decree yet
        Decree.objects.create(
            pk=decree_id,
            number="NOMOR 9 TAHUN 2024",
            year=2024,
            sequence=9,
            decree_date=SK_DATE,
            period=period,
            text={},
        )
        assert _counted() == 0
        later = Appointment(
            pk=appointment_id,
            person=make_person(name="Anggota Uji Susulan"),
            kelurahan_id=POSTS[1][0],
            role=POSTS[1][1],
            period=period,
            start_date=period.term_start,
        )
        later.save()
        assert _counted() == 0


@pytest.mark.django_db
def test_the_count_does_not_join_the_decree_entries():
    """What makes the page fast at 251k appointments: the count reads the triggers' column (which the
    partial index appointment_awaiting_decree_idx holds), never the decree entries."""
    _appoint(0)
    decree_issue(decree_date=SK_DATE)
    with CaptureQueriesContext(connection) as captured:
        uncovered_count(ElectionPeriod.current())
    (query,) = [q for q in captured.captured_queries if "COUNT" in q["sql"]]
    assert "in_issued_decree" in query["sql"]
    assert "decreeentry" not in query["sql"]


def _postgres_client(program, *args, stdin=""):
    """Run pg_dump or psql on the test database, as an operator would."""
    import os
    import subprocess

    db = connection.settings_dict
    target = ["-h", db["HOST"] or "localhost", "-U", db["USER"], "-d", db["NAME"]]
    if db["PORT"]:
        target += ["-p", str(db["PORT"])]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    done = subprocess.run([program, *target, *args], input=stdin, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_data_only_restore_of_the_entries_fires_triggers_that_find_their_tables(committed_db, own_queue):
    """pg_dump's output empties search_path before it copies rows in; the functions the copy fires
    must not depend on the restoring session's search_path."""
    _appoint(0)
    _appoint(1)
    decree_issue(decree_date=SK_DATE)
    dump = _postgres_client("pg_dump", "--data-only", "--table=secretariat_decreeentry")
    assert "search_path', '', false" in dump
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM secretariat_decreeentry")
    assert _counted() == 2
    _postgres_client("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", stdin=dump)
    assert DecreeEntry.objects.count() == 2
    assert _counted() == 0


@pytest.mark.django_db
def test_the_sk_preview_changes_neither_the_count_nor_what_later_writes_do_to_it(monkeypatch):
    """The preview skips the recount inside the transaction it rolls back; here that transaction is a
    savepoint of the test's own, and the decree issued right after in the same transaction is counted."""
    monkeypatch.setattr("pps_admin.rendering.render_pdf", lambda template, context, **options: b"%PDF-")
    _appoint(0)
    _appoint(1)
    assert decree_preview_pdf(decree_date=SK_DATE) == b"%PDF-"
    assert not Decree.objects.exists()
    assert _counted() == 2
    decree_issue(decree_date=SK_DATE)
    assert _counted() == 0


BEFORE_THE_COLUMN = [("secretariat", "0011_synthetic_marker")]


def test_the_migration_fills_the_column_from_the_rows_already_there(committed_db):
    """Migrate back to before the column, write listed and unlisted rows, migrate forward."""
    from django.db.migrations.executor import MigrationExecutor

    from .factories import person_fields

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    period = ElectionPeriod.current()
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE_THE_COLUMN)
        old = executor.loader.project_state(BEFORE_THE_COLUMN).apps
        OldPerson, OldAppointment = (
            old.get_model("secretariat", "Person"),
            old.get_model("secretariat", "Appointment"),
        )
        OldDecree, OldEntry = (
            old.get_model("secretariat", "Decree"),
            old.get_model("secretariat", "DecreeEntry"),
        )

        def appoint(name, index, **ended):
            kelurahan, role = POSTS[index]
            return OldAppointment.objects.create(
                person=OldPerson.objects.create(**person_fields(name=name)),
                kelurahan_id=kelurahan,
                role=role,
                period_id=period.pk,
                start_date=period.term_start,
                **ended,
            )

        def decree(sequence, **revoked):
            return OldDecree.objects.create(
                number=f"NOMOR {sequence} TAHUN 2024",
                year=2024,
                sequence=sequence,
                decree_date=SK_DATE,
                period_id=period.pk,
                text={},
                **revoked,
            )

        ended = {"end_date": dt.date(2024, 7, 1), "end_reason": "mengundurkan_diri"}
        in_force, revoked = decree(1), decree(2, status="revoked", revoked_date=SK_DATE)
        listed = appoint("Anggota Tercantum", 0)
        unlisted = appoint("Anggota Belum Tercantum", 1)
        only_revoked = appoint("Anggota SK Dicabut", 2)
        listed_twice = appoint("Anggota Dua SK", 3)
        ended_listed = appoint("Anggota Berhenti Tercantum", 0, **ended)
        ended_unlisted = appoint("Anggota Berhenti", 1, **ended)
        for position, (listing, appointment) in enumerate(
            [
                (in_force, listed),
                (revoked, only_revoked),
                (revoked, listed_twice),
                (in_force, listed_twice),
                (in_force, ended_listed),
            ],
            start=1,
        ):
            OldEntry.objects.create(decree=listing, appointment=appointment, position=position)

        MigrationExecutor(connection).migrate(latest)

        with connection.cursor() as cursor:
            cursor.execute("SELECT id, in_issued_decree FROM secretariat_appointment")
            column = dict(cursor.fetchall())
        assert column == {
            listed.pk: True,
            unlisted.pk: False,
            only_revoked.pk: False,
            listed_twice.pk: True,
            ended_listed.pk: True,
            ended_unlisted.pk: False,
        }
        assert _counted() == 2  # unlisted, only_revoked
    finally:
        MigrationExecutor(connection).migrate(latest)  # whatever failed, the next test gets the schema


# --- two transactions at once (each in its own thread and connection) --------------------------------


def test_a_revocation_waits_for_an_uncommitted_listing_of_the_same_member(committed_db, own_queue):
    """Another transaction lists the member in a second decree in force while the first is revoked: the
    revocation's recount waits for it and sees that listing, so the member stays counted as covered."""
    member = _appoint(0)
    first = decree_issue(decree_date=SK_DATE)

    def list_again():
        second = Decree.objects.create(
            number="NOMOR 9 TAHUN 2024",
            year=2024,
            sequence=9,
            decree_date=SK_DATE,
            period=ElectionPeriod.current(),
            text={},
        )
        DecreeEntry.objects.create(decree=second, appointment=member, position=1)

    listing = Held(list_again)
    revoking = start(lambda: _revoke(first))
    waited = waits_for_a_lock(revoking)  # for the lister's lock on the member
    listing.release()
    revoking.finish()
    assert _counted() == 0
    assert waited


def test_an_sk_issued_while_a_replacement_commits_does_not_deadlock(committed_db, own_queue):
    """The issue locks the period and then (through the trigger) the members it lists; a replacement
    that ended one of them checks, when it commits, that the period of the new appointment exists. That
    check must not wait for the issue, which waits for the replacement."""
    member = _appoint(0)
    replacing = Held(lambda: replace_member(member))
    issuing = start(lambda: decree_issue(decree_date=SK_DATE))
    assert waits_for_a_lock(issuing)  # for the member, whom the replacement ended
    replacement = replacing.release()
    decree = issuing.finish()
    assert list(decree.entries.values_list("appointment_id", flat=True)) == [member.pk]
    assert list(uncovered_appointments(ElectionPeriod.current())) == [replacement]
    assert _counted() == 1


def test_a_pact_is_written_for_a_member_while_their_sk_is_being_issued(committed_db, own_queue):
    """The trigger locks the listed members against changes, not against rows that point at them."""
    member = _appoint(0)
    issuing = Held(lambda: decree_issue(decree_date=SK_DATE))
    signing = start(lambda: Pact.objects.create(appointment=member, text=PactText.current()))
    assert not waits_for_a_lock(signing)
    signing.finish()
    issuing.release()
    assert _counted() == 0


def test_an_entry_written_into_a_decree_before_its_revocation_is_recounted_by_it(committed_db, own_queue):
    """No service adds to an issued decree, but SQL may. The revocation finds the members to recount
    through the decree's entries and cannot see an uncommitted one, so it must wait for it."""
    _appoint(0)
    decree = decree_issue(decree_date=SK_DATE)
    later = _appoint(1)
    adding = Held(lambda: DecreeEntry.objects.create(decree=decree, appointment=later, position=2))
    revoking = start(lambda: _revoke(decree))
    waited = waits_for_a_lock(revoking)
    adding.release()
    revoking.finish()
    assert _counted() == 2
    assert waited


def test_an_entry_written_into_a_decree_being_revoked_is_recounted_after_the_revocation(
    committed_db, own_queue
):
    """The entry's recount must not read the status that the uncommitted revocation is changing."""
    _appoint(0)
    decree = decree_issue(decree_date=SK_DATE)
    later = _appoint(1)
    revoking = Held(lambda: _revoke(decree))
    adding = start(lambda: DecreeEntry.objects.create(decree=decree, appointment=later, position=2))
    waited = waits_for_a_lock(adding)
    revoking.release()
    adding.finish()
    assert _counted() == 2
    assert waited


def test_members_can_be_ended_while_the_sk_preview_renders(committed_db, monkeypatch):
    """The preview issues the decree in a transaction it rolls back; its listing locks nobody."""
    member = _appoint(0)
    rendering, rendered = threading.Event(), threading.Event()

    def slow_render(template, context, **options):
        rendering.set()
        assert rendered.wait(timeout=20)
        return b"%PDF-"

    monkeypatch.setattr("pps_admin.rendering.render_pdf", slow_render)
    previewing = start(lambda: decree_preview_pdf(decree_date=SK_DATE))
    assert rendering.wait(timeout=20)
    ending = start(lambda: _end(member))
    waited = waits_for_a_lock(ending)
    rendered.set()
    assert previewing.finish() == b"%PDF-"
    ending.finish()
    assert not waited
    assert _counted() == 0
