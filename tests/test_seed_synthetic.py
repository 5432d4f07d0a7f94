"""`seed_synthetic`: national-scale fictional kelurahan and members, their removal, and the import round trip.

Small N here (the national size is measured in bench/, never timed in tests). The fictional demo roster
stands for the real data that seeding and removal must never touch.
"""

import csv
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from integrity.models import Ceremony, Pact
from integrity.services.pacts import pacts_generate
from kelurahan.models import Kecamatan, Kelurahan
from secretariat import identity
from secretariat.models import Appointment, Decree, DecreeEntry, Document, GenerationJob, Person, Role
from secretariat.services.accounts import portal_accounts_create
from secretariat.services.decrees import decree_issue
from secretariat.services.roster_format import HEADER
from secretariat.services.synthetic import synthetic_members

from .factories import make_person

pytestmark = pytest.mark.django_db

N = 50


@pytest.fixture
def demo_roster():
    call_command("seed_demo")
    assert Person.objects.count() == 102


def seed(n=N, **options):
    call_command("seed_synthetic", kelurahan=n, **options)


def real_state() -> dict:
    """Everything that is not synthetic, to compare before and after."""
    return {
        "kecamatan": sorted(Kecamatan.objects.filter(synthetic=False).values_list("code", "name")),
        "kelurahan": sorted(Kelurahan.objects.filter(synthetic=False).values_list("code", "name")),
        "people": sorted(Person.objects.filter(synthetic=False).values_list("nik", "name", "updated_at")),
        "appointments": sorted(
            Appointment.objects.filter(kelurahan__synthetic=False).values_list("pk", "person__nik", "role")
        ),
        "person_history": Person.history.filter(synthetic=False).count(),
    }


def test_it_seeds_three_members_in_every_synthetic_kelurahan(demo_roster):
    seed()
    kelurahan = Kelurahan.objects.filter(synthetic=True)
    assert kelurahan.count() == N
    assert Kecamatan.objects.filter(synthetic=True).count() == 5  # 12 kelurahan per synthetic kecamatan
    assert Person.objects.filter(synthetic=True).count() == 3 * N
    active = Appointment.objects.active().filter(kelurahan__synthetic=True)
    assert active.count() == 3 * N
    assert {a.period.is_current for a in active.select_related("period")} == {True}
    for code in kelurahan.values_list("code", flat=True)[:10]:
        assert sorted(active.filter(kelurahan_id=code).values_list("role", flat=True)) == sorted(Role.values)
    assert not Appointment.objects.filter(kelurahan__synthetic=True, person__synthetic=False).exists()
    assert Kelurahan.objects.filter(synthetic=False).count() == 34


def test_synthetic_codes_are_in_province_00_and_names_say_sintetis(demo_roster):
    seed()
    for kel in Kelurahan.objects.filter(synthetic=True).select_related("kecamatan"):
        assert kel.code.startswith("00.")
        assert kel.kecamatan.synthetic and kel.code.startswith(kel.kecamatan.code + ".")
        assert "Sintetis" in kel.name and "Sintetis" in kel.kecamatan.name
    assert set(Kelurahan.objects.filter(synthetic=False).values_list("code", flat=True)).isdisjoint(
        Kelurahan.objects.filter(synthetic=True).values_list("code", flat=True)
    )
    assert not Kelurahan.objects.filter(synthetic=False, code__startswith="00.").exists()


def test_every_synthetic_person_passes_the_model_validation_and_niks_never_repeat(demo_roster):
    seed()
    people = list(Person.objects.filter(synthetic=True))
    for person in people:
        person.full_clean()  # NIK, NIP, name validator, agreement with birth date and gender
        info = identity.parse_nik(person.nik)
        assert info.region.startswith("99")
        assert "Sintetis" in person.name
    niks = list(Person.objects.values_list("nik", flat=True))
    assert len(niks) == len(set(niks)) == 102 + 3 * N
    sekretaris = Person.objects.filter(synthetic=True, appointments__role=Role.SEKRETARIS)
    assert sekretaris.count() == N and not sekretaris.filter(nip="").exists()


def test_a_stored_person_holding_a_would_be_synthetic_nik_keeps_it_and_seeding_skips_it(demo_roster):
    first = next(synthetic_members(1))
    taken = make_person(
        nik=first.nik, gender=first.gender, birth_date=first.birth_date, name="Orang Nyata Pindahan"
    )
    seed()
    taken.refresh_from_db()
    assert taken.name == "Orang Nyata Pindahan" and not taken.synthetic
    assert not Person.objects.filter(synthetic=True, nik=first.nik).exists()
    assert Person.objects.filter(synthetic=True).count() == 3 * N


def test_seeding_writes_audit_history_for_synthetic_people_and_appointments(demo_roster):
    seed(5)
    history = Person.history.filter(synthetic=True)
    assert history.count() == 15
    assert set(history.values_list("history_type", "history_change_reason")) == {
        ("+", "seed_synthetic (data sintetis)")
    }
    assert Appointment.history.filter(person__synthetic=True, history_type="+").count() == 15


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statistics")
def test_seeding_refreshes_the_statistics_of_what_it_loaded(demo_roster):
    # Stale statistics kept a foreign-key check plan from when there were 34 kelurahan: COMMIT ran 7+ min.
    seed()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relname IN "
            "('kelurahan_kelurahan', 'secretariat_person', 'secretariat_appointment')"
        )
        estimates = dict(cursor.fetchall())
    assert estimates == {
        "kelurahan_kelurahan": 34 + N,
        "secretariat_person": 102 + 3 * N,
        "secretariat_appointment": 102 + 3 * N,
    }


def test_seeding_again_over_synthetic_rows_is_refused_and_changes_nothing(demo_roster):
    seed()
    before = list(Person.objects.filter(synthetic=True).values_list("nik", flat=True).order_by("nik"))
    with pytest.raises(CommandError, match="Sudah ada 50 kelurahan sintetis"):
        seed(10)
    assert list(Person.objects.filter(synthetic=True).values_list("nik", flat=True).order_by("nik")) == before


def test_replace_removes_the_old_synthetic_rows_and_seeds_anew(demo_roster):
    seed()
    seed(7, replace=True)
    assert Kelurahan.objects.filter(synthetic=True).count() == 7
    assert Person.objects.filter(synthetic=True).count() == 21
    assert Person.objects.filter(synthetic=False).count() == 102


def test_kelurahan_count_outside_the_code_space_is_refused():
    with pytest.raises(CommandError, match="harus 1-117.612"):
        seed(117_613)
    with pytest.raises(CommandError):
        seed(0)


def test_the_database_refuses_a_real_code_marked_synthetic_and_a_00_code_not_marked():
    kecamatan = Kecamatan.objects.get(code="64.71.01")
    with pytest.raises(IntegrityError), transaction.atomic():
        Kelurahan.objects.create(code="00.01.01.1001", kecamatan=kecamatan, name="Tanpa Tanda")
    with pytest.raises(IntegrityError), transaction.atomic():
        Kelurahan.objects.create(code="64.71.01.1999", kecamatan=kecamatan, name="Palsu", synthetic=True)


def test_remove_deletes_exactly_the_synthetic_rows_and_their_history(demo_roster):
    before = real_state()
    seed()
    synthetic_codes = list(Kelurahan.objects.filter(synthetic=True).values_list("code", flat=True))
    call_command("seed_synthetic", remove=True)
    assert not Kelurahan.objects.filter(synthetic=True).exists()
    assert not Kecamatan.objects.filter(synthetic=True).exists()
    assert not Person.objects.filter(synthetic=True).exists()
    assert not Person.history.filter(synthetic=True).exists()
    assert not Appointment.history.filter(kelurahan_id__in=synthetic_codes).exists()
    assert real_state() == before
    assert Appointment.objects.active().count() == 102


def test_remove_keeps_the_history_of_real_rows_even_where_it_once_named_a_synthetic_row(demo_roster):
    seed()
    real = Appointment.objects.filter(kelurahan__synthetic=False).first()
    synthetic_code = Kelurahan.objects.filter(synthetic=True).values_list("code", flat=True).first()
    # An old version of a real appointment that named a synthetic kelurahan (history rows have no constraint).
    real.history.update(kelurahan_id=synthetic_code)
    before = real.history.count()
    call_command("seed_synthetic", remove=True)
    assert real.history.count() == before >= 1


def test_remove_takes_decrees_documents_pacts_invitations_and_portal_accounts_of_synthetic_members(
    demo_roster,
):
    real_decree = decree_issue(decree_date=dt.date(2024, 6, 1))
    real_user = portal_accounts_create(people=Person.objects.filter(synthetic=False)[:1])[0].username
    seed(5)
    synthetic_decree = decree_issue(decree_date=dt.date(2024, 6, 2))  # lists the 15 synthetic members only
    pacts_generate()  # one job for all 117 pacts
    ceremony = Ceremony.objects.create(name="Uji", date=dt.date(2024, 6, 1), place="Aula")
    ceremony.expected.set(Appointment.objects.filter(kelurahan_id__in=["64.71.01.1001", "00.01.01.1001"]))
    synthetic_user = portal_accounts_create(people=Person.objects.filter(synthetic=True)[:1])[0].username
    assert Pact.objects.count() == 117

    call_command("seed_synthetic", remove=True)

    assert list(Decree.objects.all()) == [real_decree]
    assert not Decree.objects.filter(pk=synthetic_decree.pk).exists()
    assert DecreeEntry.objects.count() == 102
    assert Pact.objects.count() == 102
    assert Document.objects.filter(kind="pakta").count() == 102
    assert Document.objects.filter(decree=real_decree).count() == 104  # keputusan, salinan + 102 petikan
    assert GenerationJob.objects.count() == 2  # the real decree's and the (now 102-pact) pact job
    assert ceremony.expected.count() == 3
    users = get_user_model().objects
    assert users.filter(username=real_user).exists()
    assert not users.filter(username=synthetic_user).exists()


def test_remove_refuses_and_keeps_everything_when_a_real_row_points_at_synthetic_data(demo_roster):
    seed()
    # A real appointment recorded as replacing a synthetic one (a real kelurahan can no longer be moved
    # under a synthetic kecamatan: the database ties a kelurahan's kecamatan to its code).
    real = Appointment.objects.filter(person__synthetic=False).order_by("pk").first()
    synthetic = Appointment.objects.filter(person__synthetic=True).order_by("pk").first()
    Appointment.objects.filter(pk=real.pk).update(replaces=synthetic)
    with pytest.raises(CommandError, match="Data nyata masih merujuk data sintetis"):
        call_command("seed_synthetic", remove=True)
    # --replace removes first: the same refusal, not a traceback.
    with pytest.raises(CommandError, match="Data nyata masih merujuk data sintetis"):
        call_command("seed_synthetic", kelurahan=N, replace=True)
    assert Kelurahan.objects.filter(synthetic=True).count() == N
    assert Person.objects.filter(synthetic=True).count() == 3 * N
    assert Kelurahan.objects.filter(code="64.71.01.1001").exists()


def read_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_writes_members_as_an_import_file_and_inserts_only_regions(demo_roster, tmp_path):
    path = tmp_path / "sintetis.csv"
    seed(csv=str(path))
    assert Kelurahan.objects.filter(synthetic=True).count() == N
    assert Person.objects.count() == 102
    rows = read_rows(path)
    assert rows[0] == HEADER
    assert len(rows) == 1 + 3 * N
    assert {row[0][:3] for row in rows[1:]} == {"00."}


def test_csv_file_round_trips_through_import_members_and_remove_takes_the_imported_people(
    demo_roster, tmp_path
):
    before = real_state()
    path = tmp_path / "sintetis.csv"
    seed(csv=str(path))
    call_command("import_members", str(path))
    assert Person.objects.filter(synthetic=True).count() == 3 * N  # the import marks them
    assert Appointment.objects.active().filter(kelurahan__synthetic=True).count() == 3 * N
    assert Person.history.filter(synthetic=True, history_type="+").count() == 3 * N
    call_command("seed_synthetic", remove=True)
    assert real_state() == before


def test_one_bad_row_among_many_imports_nothing_and_names_the_row(demo_roster, tmp_path, capsys):
    path = tmp_path / "sintetis.csv"
    seed(csv=str(path))
    rows = read_rows(path)
    bad = 77  # list index; spreadsheet row 78 (the header is row 1)
    rows[bad][2] = rows[bad][2][:6] + "32" + rows[bad][2][8:]  # day 32 in the NIK's birth date
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_members", str(path))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"Baris 78 ({rows[bad][3]}), kolom nik" in err  # the row's person is named beside its number
    assert "tidak ada data yang disimpan" in err
    assert Person.objects.count() == 102
    assert not Appointment.objects.filter(kelurahan__synthetic=True).exists()


def test_copy_in_slices_keeps_rows_ids_and_history_in_step(demo_roster, monkeypatch):
    from secretariat.services import bulk_copy

    monkeypatch.setattr(bulk_copy, "COPY_SLICE", 4)  # 15 people: slices of 4, 4, 4, 3
    seed(5)
    people = {p.pk: p for p in Person.objects.filter(synthetic=True)}
    assert len(people) == 15
    history = Person.history.filter(synthetic=True)
    assert sorted(history.values_list("id", "nik")) == sorted((pk, p.nik) for pk, p in people.items())
    for appointment in Appointment.objects.filter(kelurahan__synthetic=True).select_related("person"):
        assert appointment.person.synthetic
        assert appointment.person.name.endswith(
            " Sintetis " + "ABCDE"[int(appointment.kelurahan_id[-2:]) - 1]
        )
    assert Appointment.history.filter(person__synthetic=True).count() == 15
