"""Which active appointments the next SK would list (the "Terbitkan SK" page), on PostgreSQL.

The page counts `Appointment.in_issued_decree`, a flag the services that issue and revoke decrees keep
(secretariat/services/decree_coverage.py); what `decree_issue` lists is asked of the decree entries
themselves (`uncovered_appointments`). Every test here checks, after each service, that the page's figure,
the flag of every appointment and that list agree, through the services and through the admin pages, and
when two transactions write at once.
"""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from integrity.models import Pact, PactText
from secretariat.models import Appointment, Decree, DecreeKind, ElectionPeriod
from secretariat.services.appointments import appointment_end, appointment_reactivate
from secretariat.services.decree_coverage import (
    listed_in_force,
    listing_refresh,
    uncovered_appointments,
    uncovered_count,
)
from secretariat.services.decrees import decree_issue, decree_preview_pdf, decree_revoke, decrees_issue

from .factories import make_appointment, make_person, office, replace_member
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


def _flags_match_the_entries() -> None:
    """Every appointment's flag, active or not, says whether a decree in force lists it."""
    rows = Appointment.objects.annotate(listed=listed_in_force()).values_list(
        "pk", "in_issued_decree", "listed"
    )
    assert [(pk, flag) for pk, flag, listed in rows if flag != listed] == []


def _counted() -> int:
    """The page's figure, after checking it is the size of what the next decree would list."""
    _flags_match_the_entries()
    period = ElectionPeriod.current()
    count = uncovered_count(period)
    assert count == uncovered_appointments(period).count()
    return count


def _awaiting() -> set[int]:
    _counted()
    return set(uncovered_appointments(ElectionPeriod.current()).values_list("pk", flat=True))


def _end(appointment, day=dt.date(2024, 7, 1)):
    return appointment_end(appointment=appointment, end_date=day, reason="mengundurkan_diri")


def _revoke(decree):
    return decree_revoke(
        decree=decree, revoked_date=decree.decree_date + dt.timedelta(days=9), reason="Salah nama"
    )


def _issue_page(client) -> str:
    return client.get(reverse("admin:secretariat_decree_issue")).content.decode()


def _page_says(client, count: int) -> None:
    page = _issue_page(client)
    if count:
        assert f"Ada <strong>{count}</strong> pengangkatan aktif" in page, page
        assert f"{count} petikan akan dibuat" in page
    else:
        assert "Semua pengangkatan aktif sudah tercantum dalam SK yang berlaku" in page
        assert 'value="Terbitkan SK" disabled' in page


# --- each service that changes what a decree in force lists ----------------------------------------------


@pytest.mark.django_db
def test_an_issue_flags_exactly_the_members_it_lists(staff_client):
    a, b = _appoint(0), _appoint(1)
    ended = _appoint(2)
    _end(ended)  # never listed: ended before any decree
    _page_says(staff_client, 2)
    decree = decree_issue(decree_date=SK_DATE)
    assert set(decree.entries.values_list("appointment_id", flat=True)) == {a.pk, b.pk}
    assert set(Appointment.objects.filter(in_issued_decree=True).values_list("pk", flat=True)) == {a.pk, b.pk}
    assert _awaiting() == set()
    _page_says(staff_client, 0)
    c = _appoint(3)  # appointed after the decree: awaits the next
    assert _awaiting() == {c.pk}
    _page_says(staff_client, 1)


@pytest.mark.django_db
def test_issuing_through_the_page_then_revoking_through_the_page(staff_client):
    a, b, c = (_appoint(i) for i in range(3))
    response = staff_client.post(reverse("admin:secretariat_decree_issue"), {"decree_date": "2024-06-01"})
    assert response.status_code == 302
    _page_says(staff_client, 0)
    decree = Decree.objects.get()
    response = staff_client.post(
        reverse("admin:secretariat_decree_revoke", args=[decree.pk]),
        {"revoked_date": "2024-06-10", "reason": "Salah nama", "confirm": "on"},
    )
    assert response.status_code == 302
    assert Decree.objects.get().is_revoked
    assert _awaiting() == {a.pk, b.pk, c.pk}
    _page_says(staff_client, 3)


@pytest.mark.django_db
def test_a_refused_revocation_changes_no_flag(staff_client):
    _appoint(0)
    decree = decree_issue(decree_date=SK_DATE)
    with pytest.raises(ValidationError, match="Tanggal pencabutan tidak boleh sebelum tanggal SK"):
        decree_revoke(decree=decree, revoked_date=SK_DATE - dt.timedelta(days=1), reason="Salah nama")
    assert _awaiting() == set()
    _page_says(staff_client, 0)


@pytest.mark.django_db
def test_a_corrected_decree_flags_the_members_of_the_revoked_one_again(staff_client):
    a, b = _appoint(0), _appoint(1)
    first = decree_issue(decree_date=SK_DATE)
    _revoke(first)
    assert _awaiting() == {a.pk, b.pk}
    _page_says(staff_client, 2)
    corrected = decree_issue(decree_date=SK_DATE + dt.timedelta(days=10))
    assert list(corrected.revokes.all()) == [first]
    assert _awaiting() == set()
    _page_says(staff_client, 0)
    # Revoking the corrected one too: its members are listed only by revoked decrees now.
    _revoke(corrected)
    assert _awaiting() == {a.pk, b.pk}
    _page_says(staff_client, 2)


@pytest.mark.django_db
def test_revoking_one_decree_leaves_the_members_of_another_in_force_flagged(staff_client):
    a = _appoint(0)
    first = decree_issue(decree_date=SK_DATE)
    b = _appoint(1)
    decree_issue(decree_date=SK_DATE + dt.timedelta(days=1))
    _revoke(first)
    assert _awaiting() == {a.pk}
    assert Appointment.objects.get(pk=b.pk).in_issued_decree
    _page_says(staff_client, 1)


@pytest.mark.django_db
def test_a_replacement_awaits_its_paw_decree_and_the_replaced_member_stays_listed(staff_client):
    member, other = _appoint(0), _appoint(1)
    decree_issue(decree_date=SK_DATE)
    replacement = replace_member(member)
    assert _awaiting() == {replacement.pk}
    assert Appointment.objects.get(pk=member.pk).in_issued_decree  # ended, still in its decree
    _page_says(staff_client, 1)
    newcomer = _appoint(2)
    main, paw = decrees_issue(decree_date=dt.date(2024, 7, 5))
    assert (main.kind, paw.kind) == (DecreeKind.APPOINTMENT, DecreeKind.REPLACEMENT)
    assert set(paw.entries.values_list("appointment_id", flat=True)) == {replacement.pk}
    assert set(main.entries.values_list("appointment_id", flat=True)) == {newcomer.pk}
    assert _awaiting() == set()
    _page_says(staff_client, 0)
    _revoke(paw)
    assert _awaiting() == {replacement.pk}
    assert Appointment.objects.get(pk=other.pk).in_issued_decree
    _page_says(staff_client, 1)


@pytest.mark.django_db
def test_a_refused_issue_of_several_decrees_flags_nobody(staff_client):
    """`decrees_issue` is all or nothing: the main decree's flags go with its rollback."""
    member = _appoint(0)
    decree_issue(decree_date=SK_DATE)
    replace_member(member)  # starts 2024-07-03
    _appoint(1)
    with pytest.raises(ValidationError):
        decrees_issue(decree_date=dt.date(2024, 7, 2))  # before the replacement starts
    assert Decree.objects.count() == 1
    assert _counted() == 2
    _page_says(staff_client, 2)


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
    assert _awaiting() == {Appointment.objects.get(replaces=a).pk, c.pk, e.pk}
    assert b.pk not in _awaiting()


@pytest.mark.django_db
def test_the_issue_page_counts_active_members_outside_a_decree_in_force(staff_client):
    a, b, c, d = (_appoint(i) for i in range(4))
    first = decree_issue(decree_date=SK_DATE)  # a b c d
    _end(d)  # ended: never counted again
    _revoke(first)  # a b c uncovered
    decree_issue(decree_date=SK_DATE + dt.timedelta(days=10))  # a b c again
    e = _appoint(4)
    _end(b)
    _page_says(staff_client, 1)  # e
    _end(e)
    _page_says(staff_client, 0)
    assert a.pk and c.pk


# --- the flag is the services' alone ----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_instance_loaded_before_its_decree_does_not_write_its_old_flag_back(staff_client):
    """Ending (or any full save of) an appointment object read before the decree listed it."""
    member, other = _appoint(0), _appoint(1)
    stale = Appointment.objects.get(pk=member.pk)
    also_stale = Appointment.objects.get(pk=other.pk)
    decree_issue(decree_date=SK_DATE)
    assert not stale.in_issued_decree
    _end(stale)
    also_stale.lurah_decree_number = "100/7/KEL"
    also_stale.save()
    assert Appointment.objects.get(pk=other.pk).lurah_decree_number == "100/7/KEL"
    assert Appointment.objects.filter(pk__in=[member.pk, other.pk], in_issued_decree=True).count() == 2
    assert _counted() == 0
    _page_says(staff_client, 0)


@pytest.mark.django_db
def test_the_flag_is_neither_in_the_history_nor_on_the_form(staff_client):
    member = _appoint(0)
    decree_issue(decree_date=SK_DATE)
    history_fields = {field.name for field in Appointment.history.model._meta.fields}
    assert "in_issued_decree" not in history_fields
    page = staff_client.get(
        reverse("admin:secretariat_appointment_change", args=[member.pk])
    ).content.decode()
    assert 'name="in_issued_decree"' not in page


@pytest.mark.django_db
def test_listing_refresh_puts_back_what_the_entries_say_after_writes_by_sql():
    """The bench loader writes decrees and entries by SQL and then calls it. Here the flags are set wrong
    (c's though c is not listed, none of a's and b's) and a's entry is deleted."""
    a, b = _appoint(0), _appoint(1)
    decree = decree_issue(decree_date=SK_DATE)
    c = _appoint(2)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE secretariat_appointment SET in_issued_decree = (id = %s)", [c.pk])
        cursor.execute("DELETE FROM secretariat_decreeentry WHERE appointment_id = %s", [a.pk])
    listing_refresh(Appointment.objects.all())
    assert set(Appointment.objects.filter(in_issued_decree=True).values_list("pk", flat=True)) == {b.pk}
    assert _awaiting() == {a.pk, c.pk}
    assert decree.entries.count() == 1


@pytest.mark.django_db
def test_the_count_reads_the_flag_through_its_partial_index():
    """What makes the page fast at 251k appointments: the count reads the few index entries of active
    appointments without the flag, never the decree entries (with sequential scans off, PostgreSQL uses
    the index only if its condition covers the query's)."""
    _appoint(0)
    _appoint(1)
    decree_issue(decree_date=SK_DATE)
    with CaptureQueriesContext(connection) as captured:
        uncovered_count(ElectionPeriod.current())
    (query,) = [q for q in captured.captured_queries if "COUNT" in q["sql"]]
    assert "in_issued_decree" in query["sql"]
    assert "decreeentry" not in query["sql"]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE secretariat_appointment")  # as at scale: few rows await a decree
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "appointment_awaiting_sk_idx" in plan, plan


@pytest.mark.django_db
def test_the_sk_preview_changes_neither_the_count_nor_what_a_later_issue_does_to_it(monkeypatch):
    """The preview issues in a transaction it rolls back (here a savepoint of the test's own) and writes
    no flag; the decree issued right after in the same transaction flags its members."""
    monkeypatch.setattr("pps_admin.rendering.render_pdf", lambda template, context, **options: b"%PDF-")
    _appoint(0)
    _appoint(1)
    assert decree_preview_pdf(decree_date=SK_DATE) == b"%PDF-"
    assert not Decree.objects.exists()
    assert _counted() == 2
    decree_issue(decree_date=SK_DATE)
    assert _counted() == 0


# --- the migration -------------------------------------------------------------------------------------

WITH_TRIGGERS = [("secretariat", "0019_paw_petikan_dictum")]


def _triggers_and_functions() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            " AND tgrelid::regclass::text LIKE 'secretariat_%%'"
            " UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'secretariat_%%'"
        )
        return sorted(row[0] for row in cursor.fetchall())


def test_the_migration_drops_the_triggers_and_fills_the_field_from_the_rows_already_there(committed_db):
    """Back to the triggers' schema (this migration's reverse), rows written there, then forward."""
    from django.db.migrations.executor import MigrationExecutor

    from .factories import person_fields

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    period = ElectionPeriod.current()
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(WITH_TRIGGERS)
        assert len(_triggers_and_functions()) == 18  # 10 triggers and the 8 functions they call
        old = executor.loader.project_state(WITH_TRIGGERS).apps
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
                kind="appointment",
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

        assert _triggers_and_functions() == []
        with connection.cursor() as cursor:
            # Usable at once: built before the UPDATE, so no HOT chain of it makes PostgreSQL wait for
            # every older transaction on the server before planning with it.
            cursor.execute(
                "SELECT indcheckxmin FROM pg_index WHERE indexrelid = 'appointment_awaiting_sk_idx'::regclass"
            )
            assert cursor.fetchone() == (False,)
        assert dict(Appointment.objects.values_list("pk", "in_issued_decree")) == {
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


def test_a_member_ended_while_their_sk_is_issued_waits_and_keeps_the_flag(committed_db, own_queue):
    """The issue locks the members whose flag it sets; an "Akhiri" of one of them, from an object read
    before, waits for the issue's commit and then writes its end without the old flag."""
    member = _appoint(0)
    stale = Appointment.objects.get(pk=member.pk)
    issuing = Held(lambda: decree_issue(decree_date=SK_DATE))
    ending = start(lambda: _end(stale))
    assert waits_for_a_lock(ending)
    decree = issuing.release()
    ending.finish()
    assert list(decree.entries.values_list("appointment_id", flat=True)) == [member.pk]
    assert Appointment.objects.get(pk=member.pk).in_issued_decree
    assert _counted() == 0


def test_an_sk_issued_while_a_replacement_commits_does_not_deadlock(committed_db, own_queue):
    """The issue locks the period and then the members whose flag it sets; a replacement that ended one
    of them checks, when it commits, that the period of the new appointment exists. That check must not
    wait for the issue, which waits for the replacement."""
    member = _appoint(0)
    replacing = Held(lambda: replace_member(member))
    issuing = start(lambda: decree_issue(decree_date=SK_DATE))
    assert waits_for_a_lock(issuing)  # for the member, whom the replacement ended
    replacement = replacing.release()
    decree = issuing.finish()
    assert list(decree.entries.values_list("appointment_id", flat=True)) == [member.pk]
    assert _awaiting() == {replacement.pk}


def test_an_issue_while_a_revocation_is_uncommitted_lists_none_of_its_members(committed_db, own_queue):
    """The issue reads the decree as still in force; once the revocation commits its members await the
    next decree, and the flags say so."""
    a = _appoint(0)
    decree = decree_issue(decree_date=SK_DATE)
    b = _appoint(1)
    revoking = Held(lambda: _revoke(decree))
    second = decree_issue(decree_date=SK_DATE + dt.timedelta(days=1))
    assert list(second.entries.values_list("appointment_id", flat=True)) == [b.pk]
    revoking.release()
    assert _awaiting() == {a.pk}


def test_a_pact_is_written_for_a_member_while_their_sk_is_being_issued(committed_db, own_queue):
    """The issue locks the listed members against changes, not against rows that point at them."""
    member = _appoint(0)
    issuing = Held(lambda: decree_issue(decree_date=SK_DATE))
    signing = start(lambda: Pact.objects.create(appointment=member, text=PactText.current(office())))
    assert not waits_for_a_lock(signing)
    signing.finish()
    issuing.release()
    assert _counted() == 0


def test_members_can_be_ended_while_the_sk_preview_renders(committed_db, monkeypatch):
    """The preview issues the decree in a transaction it rolls back; it sets no flag and locks nobody."""
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
