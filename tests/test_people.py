"""Person and Appointment: model validation (full_clean) and the database constraints behind it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kelurahan.models import Kelurahan
from secretariat import identity
from secretariat.models import Appointment, ElectionPeriod, EndReason, Person
from secretariat.services.appointments import appointment_create, appointment_end
from tests.factories import make_appointment, make_person, office, person_fields

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1990, 5, 17)


@pytest.fixture
def period():
    return ElectionPeriod.current()


@pytest.fixture
def manggar():
    return Kelurahan.objects.get(code="64.71.01.1001")


@pytest.fixture
def sepinggan():
    return Kelurahan.objects.get(code="64.71.05.1002")


def errors_of(person_or_appointment) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as excinfo:
        person_or_appointment.full_clean()
    return excinfo.value.message_dict


def unsaved_person(**kwargs) -> Person:
    return Person(office=office(), **person_fields(**kwargs))


def create_appointment(*, person, kelurahan, period, role="sekretaris", **extra) -> Appointment:
    """Straight to the database: no full_clean, so only the constraints stand in the way."""
    return Appointment.objects.create(
        person=person, kelurahan=kelurahan, role=role, period=period, start_date=period.term_start, **extra
    )


# --- Person.full_clean: good examples ---------------------------------------------------------------


def test_a_non_asn_man_passes_full_clean():
    person = unsaved_person(gender="L", birth_date=BIRTH)
    person.full_clean()
    person.save()
    assert Person.objects.get(pk=person.pk).nik == person.nik


def test_a_woman_whose_nik_day_has_40_added_passes_full_clean():
    person = unsaved_person(gender="P", birth_date=BIRTH)
    assert person.nik[6:8] == "57"
    person.full_clean()


def test_an_asn_with_a_matching_nip_passes_full_clean():
    person = unsaved_person(gender="P", birth_date=BIRTH, asn=True)
    person.full_clean()
    assert person.is_asn


def test_a_nik_from_outside_balikpapan_is_valid_but_gives_a_warning():
    person = unsaved_person(region="647201")
    person.full_clean()  # a warning, never an error
    assert len(person.warnings()) == 1
    assert unsaved_person(region="647101").warnings() == []


@pytest.mark.parametrize("name", ["Drs. H. Abdul Rahman, S.Sos.", "Nur'aini", "Siti-Aisyah"])
def test_a_name_with_titles_and_punctuation_passes_full_clean(name):
    unsaved_person(name=name).full_clean()


def test_masked_numbers_hide_the_middle():
    person = unsaved_person(asn=True)
    assert person.masked_nik == person.nik[:4] + "********" + person.nik[-4:]
    assert person.masked_nip == person.nip[:4] + "**********" + person.nip[-4:]


# --- Person.full_clean: bad examples, each on the right field ---------------------------------------


def test_it_reports_a_birth_date_disagreeing_with_the_nik_on_birth_date():
    person = unsaved_person(gender="L", birth_date=BIRTH)
    person.birth_date = dt.date(1990, 5, 18)
    errors = errors_of(person)
    assert set(errors) == {"birth_date"}
    assert errors["birth_date"] == ["Tanggal lahir tidak sesuai dengan NIK (NIK menunjukkan 17-05-1990)."]


def test_it_reports_a_birth_date_a_century_off_the_nik_on_birth_date():
    person = unsaved_person(birth_date=BIRTH)
    person.birth_date = dt.date(1890, 5, 17)  # a typo that would make a 135-year-old
    assert set(errors_of(person)) == {"birth_date"}


def test_it_reports_a_gender_disagreeing_with_the_nik_on_gender():
    person = unsaved_person(gender="L", birth_date=BIRTH)
    person.gender = "P"
    errors = errors_of(person)
    assert set(errors) == {"gender"}
    assert "NIK menunjukkan laki-laki" in errors["gender"][0]


def test_it_reports_a_mans_gender_on_a_womans_nik():
    person = unsaved_person(gender="P", birth_date=BIRTH)
    person.gender = "L"
    errors = errors_of(person)
    assert set(errors) == {"gender"}
    assert "NIK menunjukkan perempuan" in errors["gender"][0]


@pytest.mark.parametrize(
    "nik,code_word",
    [
        ("647101170590001", "16 digit"),
        ("6471O11705900001", "angka"),
        ("６４７１０１１７０５９００００１", "angka"),  # full-width digits would break the DB check
        ("6471013102900001", "Tanggal lahir pada NIK"),
        ("6471011705900000", "0000"),
        ("6400011705900001", "wilayah"),
    ],
)
def test_it_reports_an_invalid_nik_on_nik(nik, code_word):
    person = unsaved_person()
    person.nik = nik
    errors = errors_of(person)
    assert "nik" in errors
    assert any(code_word in message for message in errors["nik"])


def test_it_requires_a_nip_for_an_asn():
    person = unsaved_person(asn=True)
    person.nip = ""
    errors = errors_of(person)
    assert errors == {"nip": ["NIP wajib diisi untuk ASN."]}


def test_it_refuses_a_nip_for_a_non_asn():
    person = unsaved_person(asn=False)
    person.nip = identity.make_nip(birth_date=BIRTH, appointed=(2015, 3), gender="L", serial=7)
    errors = errors_of(person)
    assert errors == {"nip": ["NIP harus dikosongkan untuk non-ASN."]}


def test_it_reports_a_nip_disagreeing_with_the_birth_date_on_nip():
    person = unsaved_person(asn=True, birth_date=BIRTH, gender="L")
    person.nip = identity.make_nip(birth_date=dt.date(1990, 5, 18), appointed=(2015, 3), gender="L", serial=1)
    errors = errors_of(person)
    assert set(errors) == {"nip"}
    assert "NIP tidak sesuai dengan tanggal lahir" in errors["nip"][0]


def test_it_reports_a_nip_disagreeing_with_the_gender_on_nip():
    person = unsaved_person(asn=True, birth_date=BIRTH, gender="L")
    person.nip = identity.make_nip(birth_date=BIRTH, appointed=(2015, 3), gender="P", serial=1)
    errors = errors_of(person)
    assert set(errors) == {"nip"}
    assert "jenis kelamin" in errors["nip"][0]


@pytest.mark.parametrize(
    "nip", ["19900517201503100", "199005172015131001", "199005172015033001", "199005172015031000"]
)
def test_it_reports_a_malformed_nip_on_nip(nip):
    person = unsaved_person(asn=True, birth_date=BIRTH, gender="L")
    person.nip = nip
    assert set(errors_of(person)) == {"nip"}


@pytest.mark.parametrize("name", ["<b>x</b>", "{{ x }}", "{% x %}", "Budi 2", "Budi\x00", " Budi"])
def test_it_reports_markup_digits_or_stray_spaces_in_the_name_on_name(name):
    person = unsaved_person(name=name)
    assert set(errors_of(person)) == {"name"}


def test_full_clean_reports_a_duplicate_nik_on_nik():
    existing = make_person()
    person = unsaved_person()
    person.nik = existing.nik
    person.name, person.gender, person.birth_date = existing.name, existing.gender, existing.birth_date
    errors = errors_of(person)
    assert errors["nik"] == ["NIK ini sudah terdaftar untuk orang lain."]


def test_full_clean_reports_a_duplicate_nip():
    existing = make_person(asn=True)
    person = unsaved_person(asn=True, birth_date=existing.birth_date, gender=existing.gender)
    person.nip = existing.nip
    errors = errors_of(person)
    assert "NIP ini sudah terdaftar untuk orang lain." in sum(errors.values(), [])


# --- Person: the database enforces the rules without full_clean --------------------------------------


def test_the_database_refuses_a_duplicate_nik():
    existing = make_person()
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(office=office(), **person_fields(nik=existing.nik))


def test_the_database_refuses_a_duplicate_nip():
    existing = make_person(asn=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(office=office(), **person_fields(asn=True, nip=existing.nip))


def test_the_database_allows_many_people_without_a_nip():
    Person.objects.create(office=office(), **person_fields(asn=False))
    Person.objects.create(office=office(), **person_fields(asn=False))
    assert Person.objects.filter(nip="").count() == 2


@pytest.mark.parametrize(
    "status,nip",
    [
        ("ASN", ""),
        ("ASN", "19900517201503100"),  # 17 digits
        ("ASN", "1990051720150310x1"),
        ("NON_ASN", "199005172015031001"),
    ],
)
def test_the_database_refuses_a_nip_that_does_not_match_the_employment_status(status, nip):
    with pytest.raises(IntegrityError, match="nip_iff_asn"), transaction.atomic():
        Person.objects.create(office=office(), **person_fields(employment_status=status, nip=nip))


@pytest.mark.parametrize("nik", ["647101170590001", "6471O11705900001", "６４７１０１１７０５９００００１"])
def test_the_database_refuses_a_nik_that_is_not_16_ascii_digits(nik):
    with pytest.raises(IntegrityError, match="nik_sixteen_digits"), transaction.atomic():
        Person.objects.create(office=office(), **person_fields(nik=nik))


# --- Appointment: database constraints --------------------------------------------------------------


@pytest.mark.parametrize("role", ["sekretaris", "bendahara", "staf_teknis"])
def test_the_database_refuses_a_fourth_appointment_duplicating_a_filled_post(role, period, manggar):
    for each in ["sekretaris", "bendahara", "staf_teknis"]:
        create_appointment(person=make_person(), kelurahan=manggar, period=period, role=each)
    with pytest.raises(IntegrityError, match="one_active_per_post"), transaction.atomic():
        create_appointment(person=make_person(), kelurahan=manggar, period=period, role=role)
    assert Appointment.objects.filter(kelurahan=manggar).count() == 3


def test_the_same_role_in_another_kelurahan_is_allowed(period, manggar, sepinggan):
    create_appointment(person=make_person(), kelurahan=manggar, period=period)
    create_appointment(person=make_person(), kelurahan=sepinggan, period=period)
    assert Appointment.objects.active().filter(role="sekretaris").count() == 2


def test_the_same_post_in_another_period_is_allowed(period, manggar):
    create_appointment(person=make_person(), kelurahan=manggar, period=period)
    other = ElectionPeriod.objects.create(
        name="Pemilu 2029",
        vote_date=dt.date(2029, 2, 14),
        term_start=dt.date(2028, 6, 1),
        term_end=dt.date(2029, 4, 30),
    )
    create_appointment(person=make_person(), kelurahan=manggar, period=other)
    assert Appointment.objects.active().filter(kelurahan=manggar, role="sekretaris").count() == 2


def test_the_database_refuses_one_person_in_two_active_posts(period, manggar, sepinggan):
    person = make_person()
    create_appointment(person=person, kelurahan=manggar, period=period)
    with pytest.raises(IntegrityError, match="one_active_per_person"), transaction.atomic():
        create_appointment(person=person, kelurahan=sepinggan, period=period, role="bendahara")


def test_the_database_refuses_an_end_date_before_the_start(period, manggar):
    with pytest.raises(IntegrityError, match="appointment_end_after_start"), transaction.atomic():
        create_appointment(
            person=make_person(),
            kelurahan=manggar,
            period=period,
            end_date=period.term_start - dt.timedelta(days=1),
            end_reason=EndReason.RESIGNED,
        )


def test_the_database_refuses_an_ended_appointment_without_a_reason(period, manggar):
    with pytest.raises(IntegrityError, match="appointment_end_has_reason"), transaction.atomic():
        create_appointment(person=make_person(), kelurahan=manggar, period=period, end_date=period.term_start)


def test_the_database_refuses_a_reason_on_an_active_appointment(period, manggar):
    with pytest.raises(IntegrityError, match="appointment_end_has_reason"), transaction.atomic():
        create_appointment(person=make_person(), kelurahan=manggar, period=period, end_reason="evaluasi")


def test_the_database_refuses_an_appointment_ended_through_update_without_reason(period, manggar):
    appointment = create_appointment(person=make_person(), kelurahan=manggar, period=period)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=appointment.pk).update(end_date=period.term_end)


def test_an_ended_appointment_may_end_on_its_first_day(period, manggar):
    appointment = create_appointment(
        person=make_person(),
        kelurahan=manggar,
        period=period,
        end_date=period.term_start,
        end_reason=EndReason.DIED,
    )
    assert not appointment.is_active


# --- Ending frees the post and the person -----------------------------------------------------------


def test_an_ended_appointment_frees_the_post(period, manggar):
    first = make_appointment(kelurahan=manggar.code, role="bendahara")
    appointment_end(appointment=first, end_date=dt.date(2024, 8, 1), reason=EndReason.RESIGNED)
    second = make_appointment(kelurahan=manggar.code, role="bendahara")
    assert list(Appointment.objects.active().filter(kelurahan=manggar, role="bendahara")) == [second]
    # The database agrees: one ended and one active row for the same post.
    assert Appointment.objects.filter(kelurahan=manggar, role="bendahara").count() == 2


def test_an_ended_appointment_frees_the_post_in_the_database_too(period, manggar):
    create_appointment(
        person=make_person(),
        kelurahan=manggar,
        period=period,
        end_date=period.term_start,
        end_reason=EndReason.EVALUATION,
    )
    create_appointment(person=make_person(), kelurahan=manggar, period=period)  # no IntegrityError


def test_an_ended_appointment_frees_the_person(period, manggar, sepinggan):
    person = make_person()
    first = make_appointment(person=person, kelurahan=manggar.code)
    appointment_end(appointment=first, end_date=dt.date(2024, 8, 1), reason=EndReason.PERMANENTLY_UNABLE)
    second = make_appointment(person=person, kelurahan=sepinggan.code)
    assert list(person.appointments.active()) == [second]


# --- Appointment.full_clean: Indonesian messages naming the holder ----------------------------------


def test_full_clean_names_the_current_holder_of_a_taken_post(period, manggar):
    holder = make_person(name="Siti Aminah")
    make_appointment(person=holder, kelurahan=manggar.code, role="sekretaris")
    newcomer = Appointment(
        person=make_person(),
        kelurahan=manggar,
        role="sekretaris",
        period=period,
        start_date=period.term_start,
    )
    errors = errors_of(newcomer)
    assert set(errors) == {"role"}
    assert errors["role"][0].startswith(
        "Jabatan Sekretaris di Kelurahan Manggar sudah diisi oleh Siti Aminah."
    )


def test_full_clean_names_the_post_a_person_already_holds(period, manggar, sepinggan):
    person = make_person(name="Budi Santoso")
    make_appointment(person=person, kelurahan=sepinggan.code, role="staf_teknis")
    second = Appointment(
        person=person, kelurahan=manggar, role="bendahara", period=period, start_date=period.term_start
    )
    errors = errors_of(second)
    assert "person" in errors
    assert errors["person"][0].startswith(
        f"Budi Santoso sudah menjabat Staf Teknis di Kelurahan {sepinggan.name}."
    )


def test_full_clean_lets_an_appointment_be_saved_again_without_conflicting_with_itself(manggar):
    appointment = make_appointment(kelurahan=manggar.code)
    appointment.lurah_decree_number = "100/KEP-LRH/2024"
    appointment.full_clean()


def test_full_clean_allows_a_post_whose_holder_has_left(period, manggar):
    first = make_appointment(kelurahan=manggar.code)
    appointment_end(appointment=first, end_date=dt.date(2024, 8, 1), reason=EndReason.DIED)
    Appointment(
        person=make_person(),
        kelurahan=manggar,
        role="sekretaris",
        period=period,
        start_date=dt.date(2024, 8, 2),
    ).full_clean()


def test_full_clean_refuses_an_end_date_before_the_start(period, manggar):
    appointment = Appointment(
        person=make_person(),
        kelurahan=manggar,
        role="sekretaris",
        period=period,
        start_date=dt.date(2024, 6, 1),
        end_date=dt.date(2024, 5, 31),
        end_reason=EndReason.RESIGNED,
    )
    assert errors_of(appointment) == {"end_date": ["Tanggal berhenti tidak boleh sebelum mulai bertugas."]}


def test_full_clean_asks_for_a_reason_when_an_end_date_is_given(period, manggar):
    appointment = Appointment(
        person=make_person(),
        kelurahan=manggar,
        role="sekretaris",
        period=period,
        start_date=dt.date(2024, 6, 1),
        end_date=dt.date(2024, 7, 1),
    )
    assert errors_of(appointment) == {"end_reason": ["Pilih alasan berhenti."]}


def test_full_clean_asks_for_an_end_date_when_a_reason_is_given(period, manggar):
    appointment = Appointment(
        person=make_person(),
        kelurahan=manggar,
        role="sekretaris",
        period=period,
        start_date=dt.date(2024, 6, 1),
        end_reason=EndReason.RESIGNED,
    )
    assert set(errors_of(appointment)) == {"end_date"}


def test_full_clean_refuses_a_lurah_decree_dated_after_the_start(period, manggar):
    appointment = Appointment(
        person=make_person(),
        kelurahan=manggar,
        role="sekretaris",
        period=period,
        start_date=dt.date(2024, 6, 1),
        lurah_decree_number="100/KEP/2024",
        lurah_decree_date=dt.date(2024, 6, 2),
    )
    assert set(errors_of(appointment)) == {"lurah_decree_date"}


# --- The service turns a lost race into a message ---------------------------------------------------


def test_appointment_create_refuses_a_taken_post_with_the_holders_name(period, manggar):
    make_appointment(person=make_person(name="Siti Aminah"), kelurahan=manggar.code)
    with pytest.raises(ValidationError) as excinfo:
        appointment_create(person=make_person(), kelurahan=manggar, role="sekretaris")
    assert "Siti Aminah" in str(excinfo.value)
    assert Appointment.objects.filter(kelurahan=manggar).count() == 1


def test_appointment_end_refuses_an_appointment_that_already_ended(manggar):
    appointment = make_appointment(kelurahan=manggar.code)
    appointment_end(appointment=appointment, end_date=dt.date(2024, 8, 1), reason=EndReason.RESIGNED)
    with pytest.raises(ValidationError, match="sudah berakhir"):
        appointment_end(appointment=appointment, end_date=dt.date(2024, 9, 1), reason=EndReason.DIED)
    appointment.refresh_from_db()
    assert appointment.end_date == dt.date(2024, 8, 1)


def test_appointment_end_refuses_an_unknown_reason(manggar):
    appointment = make_appointment(kelurahan=manggar.code)
    with pytest.raises(ValidationError, match="Alasan berhenti tidak dikenal"):
        appointment_end(appointment=appointment, end_date=dt.date(2024, 8, 1), reason="dipecat")
    appointment.refresh_from_db()
    assert appointment.is_active
