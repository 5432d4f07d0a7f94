"""Plain helpers that build valid records (no mocks: they go through the real models)."""

import datetime as dt
import itertools

from kelurahan.models import Kelurahan
from secretariat import identity
from secretariat.models import Appointment, ElectionPeriod, Office, Person, StaffMembership
from secretariat.models.scoping import forget_scope

_serial = itertools.count(1)


def person_fields(*, gender="L", birth_date=dt.date(1990, 5, 17), asn=False, region="647101", **extra):
    serial = next(_serial)
    fields = {
        "nik": identity.make_nik(region=region, birth_date=birth_date, gender=gender, serial=serial),
        "name": f"Orang Uji {chr(65 + serial % 26)}",
        "gender": gender,
        "birth_place": "Balikpapan",
        "birth_date": birth_date,
        "employment_status": "ASN" if asn else "NON_ASN",
        "nip": identity.make_nip(
            birth_date=birth_date, appointed=(2015, 3), gender=gender, serial=serial % 999 + 1
        )
        if asn
        else "",
    }
    fields.update(extra)
    return fields


HOME_OFFICE = "64.71"  # KPU Kota Balikpapan, where the migrations put the single-office data


def office(code: str = HOME_OFFICE) -> Office:
    return Office.objects.get(code=code)


def join_office(user, code: str = HOME_OFFICE):
    """Make `user` staff of the office `code` (every non-superuser staff account belongs to one)."""
    StaffMembership.objects.update_or_create(user=user, defaults={"office": office(code)})
    forget_scope(user)
    return user


def make_person(*, office_code: str = HOME_OFFICE, **kwargs) -> Person:
    person = Person(office=office(office_code), **person_fields(**kwargs))
    person.full_clean()
    person.save()
    return person


def make_appointment(*, person=None, kelurahan="64.71.01.1001", role="sekretaris", **extra) -> Appointment:
    period = ElectionPeriod.current()
    appointment = Appointment(
        person=person or make_person(),
        kelurahan=Kelurahan.objects.get(code=kelurahan),
        role=role,
        period=period,
        start_date=period.term_start,
        **extra,
    )
    appointment.full_clean()
    appointment.save()
    return appointment


def replace_member(appointment, *, name="Pengganti Uji"):
    """Replace (PAW) the holder of `appointment` by a new person, with a valid reason and Lurah decree."""
    from secretariat.services.appointments import appointment_replace

    return appointment_replace(
        appointment=appointment,
        replacement=make_person(name=name, gender="P"),
        end_date=dt.date(2024, 7, 2),
        reason="mengundurkan_diri",
        lurah_decree_number="100.3.3.2/12/KEL-MGR",
        lurah_decree_date=dt.date(2024, 6, 28),
    )


def install_local_seal(office_obj: Office):
    """Give `office_obj` a local seal of its own (set_office_seal --create-local): its documents are signed
    with a certificate in its own name instead of being refused for want of a seal."""
    from secretariat.services.office_seals import office_seal_create_local

    return office_seal_create_local(office=office_obj)


def ceremony_of(office_obj: Office, date: dt.date = dt.date(2024, 6, 1)):
    """A signing ceremony of `office_obj`: pacts are made only for an office that has one (its place and date
    are printed above every pact's signature; tests/test_pact_ceremony.py)."""
    from integrity.models import Ceremony

    return Ceremony.objects.create(
        office=office_obj, name="Penandatanganan", date=date, place="Aula KPU", city=office_obj.city
    )
