"""`seed_synthetic` (bench/loadtest): national-scale fictional kelurahan and members, their removal, and the
import round trip.

Small N here (the national size is measured in bench/, never timed in tests). The fictional demo roster
stands for the real data that seeding and removal must never touch. Synthetic rows are told apart by their
reserved codes alone (regions of provinces 00-09, NIKs of province 99); the queries below spell those rules
out on their own rather than reuse the tooling's, so a change to either shows here.
"""

import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Q

from bench.loadtest.codes import SYNTHETIC_APPOINTMENT
from bench.loadtest.seeding import NATIONAL_KELURAHAN, place, synthetic_members
from integrity.models import Ceremony, Pact, PactText
from integrity.services.pacts import pacts_generate
from kelurahan.models import Kecamatan, Kelurahan
from secretariat import identity
from secretariat.models import (
    Appointment,
    Decree,
    DecreeEntry,
    DecreeTemplate,
    Document,
    GenerationJob,
    Office,
    OfficeKind,
    Person,
    Role,
)
from secretariat.services.accounts import portal_accounts_create
from secretariat.services.decrees import decree_issue
from secretariat.services.roster_format import HEADER

from .factories import install_local_seal, make_person, office

pytestmark = pytest.mark.django_db

N = 50
ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC_REGION = Q(code__startswith="0")  # provinces 00-09: real ones are 11-96
SYNTHETIC_NIK = Q(nik__startswith="99")
IN_SYNTHETIC_KELURAHAN = Q(kelurahan__code__startswith="0")


@pytest.fixture(autouse=True)
def loadtest_installed(settings):
    """The app as `LOADTEST=true` installs it (its start-up is tested in a child process below)."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "bench.loadtest.apps.LoadTestConfig"]


@pytest.fixture
def demo_roster():
    call_command("seed_demo")
    assert Person.objects.count() == 102


def seed(n=N, **options):
    call_command("seed_synthetic", kelurahan=n, **options)


def real_state() -> dict:
    """Everything that is not synthetic, to compare before and after."""
    return {
        "kecamatan": sorted(Kecamatan.objects.exclude(SYNTHETIC_REGION).values_list("code", "name")),
        "kelurahan": sorted(Kelurahan.objects.exclude(SYNTHETIC_REGION).values_list("code", "name")),
        "people": sorted(Person.objects.exclude(SYNTHETIC_NIK).values_list("nik", "name", "updated_at")),
        "appointments": sorted(
            Appointment.objects.exclude(IN_SYNTHETIC_KELURAHAN).values_list("pk", "person__nik", "role")
        ),
        "person_history": Person.history.exclude(SYNTHETIC_NIK).count(),
    }


def test_it_seeds_three_members_in_every_synthetic_kelurahan(demo_roster):
    seed()
    kelurahan = Kelurahan.objects.filter(SYNTHETIC_REGION)
    assert kelurahan.count() == N
    assert Kecamatan.objects.filter(SYNTHETIC_REGION).count() == 5  # 12 kelurahan per synthetic kecamatan
    assert Person.objects.filter(SYNTHETIC_NIK).count() == 3 * N
    active = Appointment.objects.active().filter(IN_SYNTHETIC_KELURAHAN)
    assert active.count() == 3 * N
    assert {a.period.is_current for a in active.select_related("period")} == {True}
    for code in kelurahan.values_list("code", flat=True)[:10]:
        assert sorted(active.filter(kelurahan_id=code).values_list("role", flat=True)) == sorted(Role.values)
    assert not active.exclude(person__nik__startswith="99").exists()
    assert Kelurahan.objects.exclude(SYNTHETIC_REGION).count() == 34


def test_synthetic_regions_are_in_province_00_under_their_own_kecamatan_and_say_sintetis(demo_roster):
    real_before = set(Kelurahan.objects.values_list("code", flat=True))
    seed()
    added = Kelurahan.objects.exclude(code__in=real_before).select_related("kecamatan")
    assert added.count() == N
    for kel in added:
        assert kel.code.startswith("00.") and kel.kecamatan.code.startswith("00.")
        assert kel.code.startswith(kel.kecamatan.code + ".")
        assert "Sintetis" in kel.name and "Sintetis" in kel.kecamatan.name
    assert set(Kelurahan.objects.exclude(SYNTHETIC_REGION).values_list("code", flat=True)) == real_before


def test_every_synthetic_person_passes_the_model_validation_and_niks_never_repeat(demo_roster):
    seed()
    people = list(Person.objects.filter(SYNTHETIC_NIK))
    for person in people:
        person.full_clean()  # NIK, NIP, name validator, agreement with birth date and gender
        info = identity.parse_nik(person.nik)
        assert info.region.startswith("99")
        assert "Sintetis" in person.name
    niks = list(Person.objects.values_list("nik", flat=True))
    assert len(niks) == len(set(niks)) == 102 + 3 * N
    sekretaris = Person.objects.filter(SYNTHETIC_NIK, appointments__role=Role.SEKRETARIS)
    assert sekretaris.count() == N and not sekretaris.filter(nip="").exists()


def test_a_stored_person_holding_a_would_be_synthetic_nik_keeps_it_and_seeding_skips_the_number(
    demo_roster,
):
    first = next(synthetic_members(1))
    taken = make_person(nik=first.nik, gender=first.gender, birth_date=first.birth_date, name="Orang Lain")
    seed()
    taken.refresh_from_db()
    assert taken.name == "Orang Lain" and not taken.appointments.exists()
    assert Person.objects.filter(nik=first.nik).count() == 1
    seeded = Person.objects.filter(SYNTHETIC_NIK).exclude(pk=taken.pk)
    assert seeded.count() == 3 * N
    assert Appointment.objects.filter(IN_SYNTHETIC_KELURAHAN, person__in=seeded).count() == 3 * N


def test_seeding_writes_audit_history_for_synthetic_people_and_appointments(demo_roster):
    seed(5)
    history = Person.history.filter(SYNTHETIC_NIK)
    assert history.count() == 15
    assert set(history.values_list("history_type", "history_change_reason")) == {
        ("+", "seed_synthetic (data sintetis)")
    }
    assert Appointment.history.filter(IN_SYNTHETIC_KELURAHAN, history_type="+").count() == 15


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
    before = list(Person.objects.filter(SYNTHETIC_NIK).values_list("nik", flat=True).order_by("nik"))
    with pytest.raises(CommandError, match="Sudah ada 50 kelurahan sintetis"):
        seed(10)
    assert list(Person.objects.filter(SYNTHETIC_NIK).values_list("nik", flat=True).order_by("nik")) == before


def test_replace_removes_the_old_synthetic_rows_and_seeds_anew(demo_roster):
    seed()
    seed(7, replace=True)
    assert Kelurahan.objects.filter(SYNTHETIC_REGION).count() == 7
    assert Person.objects.filter(SYNTHETIC_NIK).count() == 21
    assert Person.objects.exclude(SYNTHETIC_NIK).count() == 102


def test_kelurahan_count_outside_the_code_space_is_refused():
    with pytest.raises(CommandError, match="harus 1-114.100"):
        seed(114_101)
    with pytest.raises(CommandError):
        seed(0)


def test_national_scale_is_514_kabupaten_kota_in_the_ten_reserved_provinces():
    places = [place(index) for index in range(NATIONAL_KELURAHAN)]
    codes = [p.kelurahan_code for p in places]
    assert len(set(codes)) == NATIONAL_KELURAHAN
    regencies = {code[:5] for code in codes}
    assert len(regencies) == 514
    provinces = {code[:2] for code in regencies}
    assert provinces == {f"0{digit}" for digit in range(10)}
    per_province = [sum(code.startswith(p) for code in regencies) for p in sorted(provinces)]
    assert min(per_province) == 51 and max(per_province) == 52
    kecamatan = {p.kecamatan_code: p.kecamatan_number for p in places}
    assert len(kecamatan) == 7194  # 513 x 14 + the last kabupaten/kota's 12 (national: 7,277)
    assert max(sum(code.startswith(r) for code in kecamatan) for r in regencies) == 14
    # The NIK's region part (99 KK CC) numbers the kecamatan: one number each, within 99 x 99.
    assert len(set(kecamatan.values())) == len(kecamatan) and max(kecamatan.values()) < 99 * 99
    assert all(code.startswith(p.kecamatan_code + ".") for code, p in zip(codes, places, strict=True))


def test_each_synthetic_kabupaten_kota_is_an_office_under_its_provincial_office(demo_roster):
    seed(400)  # 163 kelurahan per kabupaten/kota: 00.01, 01.01 and 02.01
    offices = Office.objects.filter(code__startswith="0")
    regency_offices = offices.filter(kind=OfficeKind.REGENCY)
    assert sorted(regency_offices.values_list("code", flat=True)) == ["00.01", "01.01", "02.01"]
    assert sorted(offices.filter(kind=OfficeKind.PROVINCE).values_list("code", flat=True)) == [
        "00",
        "01",
        "02",
    ]
    for regency_office in regency_offices.select_related("parent", "regency"):
        assert regency_office.parent.code == regency_office.code[:2] == regency_office.regency.province_id
        kelurahan = Kelurahan.objects.filter(kecamatan__regency=regency_office.regency)
        assert kelurahan.count() == {"00.01": 163, "01.01": 163, "02.01": 74}[regency_office.code]
        held = Appointment.objects.filter(kelurahan__in=kelurahan)
        assert held.count() == 3 * kelurahan.count()
        assert set(held.values_list("office_id", "person__office_id").distinct()) == {
            (regency_office.pk, regency_office.pk)
        }
    assert Appointment.objects.filter(office=office()).count() == 102  # Balikpapan's own, untouched
    # Removal leaves the (now empty) offices and regions above the kecamatan, for the next seed.
    call_command("seed_synthetic", remove=True)
    assert offices.count() == 6 and not Appointment.objects.filter(office__in=offices).exists()
    seed(400)
    assert offices.count() == 6


def test_remove_deletes_exactly_the_synthetic_rows_and_their_history(demo_roster):
    before = real_state()
    seed()
    assert Appointment.history.filter(IN_SYNTHETIC_KELURAHAN).count() == 3 * N
    call_command("seed_synthetic", remove=True)
    assert not Kelurahan.objects.filter(SYNTHETIC_REGION).exists()
    assert not Kecamatan.objects.filter(SYNTHETIC_REGION).exists()
    assert not Person.objects.filter(SYNTHETIC_NIK).exists()
    assert not Person.history.filter(SYNTHETIC_NIK).exists()
    assert not Appointment.history.filter(IN_SYNTHETIC_KELURAHAN).exists()
    assert real_state() == before
    assert Appointment.objects.active().count() == 102


def test_remove_keeps_the_history_of_real_rows_even_where_it_once_named_a_synthetic_row(demo_roster):
    seed()
    real = Appointment.objects.exclude(IN_SYNTHETIC_KELURAHAN).first()
    synthetic_code = Kelurahan.objects.filter(SYNTHETIC_REGION).values_list("code", flat=True).first()
    # An old version of a real appointment that named a synthetic kelurahan (history rows have no constraint).
    real.history.update(kelurahan_id=synthetic_code)
    before = real.history.count()
    call_command("seed_synthetic", remove=True)
    assert real.history.count() == before >= 1


def test_remove_takes_decrees_documents_pacts_invitations_and_portal_accounts_of_synthetic_members(
    demo_roster,
):
    real_decree = decree_issue(decree_date=dt.date(2024, 6, 1), office=office())
    real_user = portal_accounts_create(people=Person.objects.exclude(SYNTHETIC_NIK)[:1])[0].username
    seed(5)
    # The synthetic office 00.01 issues with texts of its own (copies of Balikpapan's).
    synthetic_office = Office.objects.get(code="00.01")
    for model in (DecreeTemplate, PactText):
        text = model.objects.filter(office=office()).order_by("-pk").first()
        text.pk, text.office = None, synthetic_office
        text.save()
    install_local_seal(synthetic_office)  # signed by a seal of its own (tests/test_office_seals.py)
    synthetic_decree = decree_issue(decree_date=dt.date(2024, 6, 2), office=synthetic_office)  # the 15
    pacts_generate(office=office())  # one job per office: 102 pacts
    # Pacts are made only for an office with a signing ceremony (tests/test_pact_ceremony.py).
    Ceremony.objects.create(office=synthetic_office, name="Uji", date=dt.date(2024, 6, 1), place="Aula")
    pacts_generate(office=synthetic_office)  # and 15
    ceremony = Ceremony.objects.create(office=office(), name="Uji", date=dt.date(2024, 6, 1), place="Aula")
    ceremony.expected.set(Appointment.objects.filter(kelurahan_id__in=["64.71.01.1001", "00.01.01.1001"]))
    synthetic_user = portal_accounts_create(people=Person.objects.filter(SYNTHETIC_NIK)[:1])[0].username
    assert Pact.objects.count() == 117

    call_command("seed_synthetic", remove=True)

    assert list(Decree.objects.all()) == [real_decree]
    assert not Decree.objects.filter(pk=synthetic_decree.pk).exists()
    assert DecreeEntry.objects.count() == 102
    assert Pact.objects.count() == 102
    assert Document.objects.filter(kind="pakta").count() == 102
    assert Document.objects.filter(decree=real_decree).count() == 104  # keputusan, salinan + 102 petikan
    assert GenerationJob.objects.count() == 2  # the real decree's and Balikpapan's pact job
    assert ceremony.expected.count() == 3
    users = get_user_model().objects
    assert users.filter(username=real_user).exists()
    assert not users.filter(username=synthetic_user).exists()


def test_remove_refuses_and_keeps_everything_when_a_real_row_points_at_synthetic_data(demo_roster):
    seed()
    # A real appointment recorded as replacing a synthetic one (a real kelurahan can no longer be moved
    # under a synthetic kecamatan: the database ties a kelurahan's kecamatan to its code).
    real = Appointment.objects.exclude(SYNTHETIC_APPOINTMENT).order_by("pk").first()
    synthetic = Appointment.objects.filter(SYNTHETIC_APPOINTMENT).order_by("pk").first()
    Appointment.objects.filter(pk=real.pk).update(replaces=synthetic)
    with pytest.raises(CommandError, match="Data nyata masih merujuk data sintetis"):
        call_command("seed_synthetic", remove=True)
    # --replace removes first: the same refusal, not a traceback.
    with pytest.raises(CommandError, match="Data nyata masih merujuk data sintetis"):
        call_command("seed_synthetic", kelurahan=N, replace=True)
    assert Kelurahan.objects.filter(SYNTHETIC_REGION).count() == N
    assert Person.objects.filter(SYNTHETIC_NIK).count() == 3 * N
    assert Kelurahan.objects.filter(code="64.71.01.1001").exists()


def read_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_writes_members_as_an_import_file_and_inserts_only_regions(demo_roster, tmp_path):
    path = tmp_path / "sintetis.csv"
    seed(csv=str(path))
    assert Kelurahan.objects.filter(SYNTHETIC_REGION).count() == N
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
    call_command("import_members", str(path), "--all-offices")
    assert Person.objects.filter(SYNTHETIC_NIK).count() == 3 * N  # the file's NIKs are of province 99
    assert Appointment.objects.active().filter(IN_SYNTHETIC_KELURAHAN).count() == 3 * N
    assert Person.history.filter(SYNTHETIC_NIK, history_type="+").count() == 3 * N
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
        call_command("import_members", str(path), "--all-offices")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"Baris 78 ({rows[bad][3]}), kolom nik" in err  # the row's person is named beside its number
    assert "tidak ada data yang disimpan" in err
    assert Person.objects.count() == 102
    assert not Appointment.objects.filter(IN_SYNTHETIC_KELURAHAN).exists()


def test_copy_in_slices_keeps_rows_ids_and_history_in_step(demo_roster, monkeypatch):
    from secretariat.services import bulk_copy

    monkeypatch.setattr(bulk_copy, "COPY_SLICE", 4)  # 15 people: slices of 4, 4, 4, 3
    seed(5)
    people = {p.pk: p for p in Person.objects.filter(SYNTHETIC_NIK)}
    assert len(people) == 15
    history = Person.history.filter(SYNTHETIC_NIK)
    assert sorted(history.values_list("id", "nik")) == sorted((pk, p.nik) for pk, p in people.items())
    for appointment in Appointment.objects.filter(IN_SYNTHETIC_KELURAHAN).select_related("person"):
        assert appointment.person.pk in people
        assert appointment.person.name.endswith(
            " Sintetis " + "ABCDE"[int(appointment.kelurahan_id[-2:]) - 1]
        )
    assert Appointment.history.filter(person_id__in=people).count() == 15


# --- the tooling is installed only when asked for ----------------------------------------------------------


def manage(*args, env=None, code=None):
    """`manage.py args` (or `python -c code`) in a child process, as an operator starts it."""
    environment = {
        key: value for key, value in os.environ.items() if key not in {"LOADTEST", "DJANGO_SETTINGS_MODULE"}
    }
    environment |= {
        "SECRET_KEY": "test-only-secret",
        "DJANGO_SETTINGS_MODULE": "pps_admin.settings",
        **(env or {}),
    }
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)


@pytest.mark.django_db(False)
def test_seed_synthetic_exists_only_with_loadtest_on():
    off = manage("help", "seed_synthetic")
    assert off.returncode != 0 and "Unknown command: 'seed_synthetic'" in off.stderr
    on = manage("help", "seed_synthetic", env={"LOADTEST": "true"})
    assert on.returncode == 0, on.stderr
    assert "--kelurahan" in on.stdout and "--remove" in on.stdout
    typo = manage("help", "seed_synthetic", env={"LOADTEST": "ya"})
    assert typo.returncode != 0 and "LOADTEST must be a boolean" in typo.stderr


@pytest.mark.django_db(False)
def test_loadtest_on_where_the_tooling_is_missing_is_refused_at_start_up():
    # The production image has no bench/ (.dockerignore): stand that in by making `bench` unimportable.
    missing = manage(
        code="import sys; sys.modules['bench'] = None; import django; django.setup()",
        env={"LOADTEST": "true"},
    )
    assert missing.returncode != 0
    assert "LOADTEST=true needs bench/loadtest" in missing.stderr


# --- the marker columns' removal ----------------------------------------------------------------------------

DROPS = {"kelurahan": "_drop_synthetic_marker", "secretariat": "_drop_person_synthetic_marker"}


def before_the_drops(graph) -> list[tuple[str, str]]:
    """The migrations the two drops follow, found by name so that renumbering them changes nothing."""
    targets = []
    for app, suffix in DROPS.items():
        (drop,) = [key for key in graph.nodes if key[0] == app and key[1].endswith(suffix)]
        targets += [dependency for dependency in graph.nodes[drop].dependencies if dependency[0] == app]
    return targets


def test_migrating_back_marks_the_synthetic_rows_by_their_codes_and_forward_again_keeps_them(committed_db):
    from django.db.migrations.executor import MigrationExecutor

    call_command("seed_demo")
    seed(5)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = MigrationExecutor(connection)
        before = before_the_drops(executor.loader.graph)
        assert len(before) == 2
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        marked = {
            name: dict(old.get_model(app, name).objects.values_list(key, "synthetic"))
            for app, name, key in [
                ("kelurahan", "Kecamatan", "code"),
                ("kelurahan", "Kelurahan", "code"),
                ("secretariat", "Person", "nik"),
                ("secretariat", "HistoricalPerson", "nik"),
            ]
        }
        assert {code: flag for code, flag in marked["Kelurahan"].items() if flag} == {
            code: True for code in marked["Kelurahan"] if code.startswith("00.")
        }
        assert sum(marked["Kelurahan"].values()) == 5 and len(marked["Kelurahan"]) == 39
        assert sum(marked["Kecamatan"].values()) == 1 and len(marked["Kecamatan"]) == 7
        for name in ("Person", "HistoricalPerson"):
            assert {nik: nik.startswith("99") for nik in marked[name]} == marked[name]
            assert sum(marked[name].values()) == 15 and len(marked[name]) == 117

        MigrationExecutor(connection).migrate(latest)
        assert Kelurahan.objects.filter(SYNTHETIC_REGION).count() == 5
        assert Person.objects.filter(SYNTHETIC_NIK).count() == 15
    finally:
        MigrationExecutor(connection).migrate(latest)  # whatever failed, the next test gets the schema
