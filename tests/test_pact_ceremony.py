"""Pacts need a ceremony: its place and date are printed above every signature, so an office without one
is refused up front (service, admin dashboard, generate_pacts), with nothing queued."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from integrity.models import Ceremony, Pact
from integrity.services.pacts import pacts_generate
from secretariat.models import GenerationJob
from secretariat.roles import OPERATOR

from .factories import install_local_seal, join_office, make_appointment, make_person, office

pytestmark = pytest.mark.django_db

REFUSAL = "KPU Kota Samarinda belum punya kegiatan penandatanganan pakta integritas"


@pytest.fixture
def samarinda(db):
    call_command("load_regions", "64", stdout=io.StringIO())
    call_command("create_office", "64.72", stdout=io.StringIO())
    make_appointment(person=make_person(office_code="64.72"), kelurahan="64.72.01.1001")
    install_local_seal(office("64.72"))  # so that only the missing ceremony is refused
    return office("64.72")


def nothing_made():
    return not Pact.objects.filter(appointment__office__code="64.72").exists() and not (
        GenerationJob.objects.filter(office__code="64.72").exists()
    )


def test_the_service_refuses_an_office_without_a_ceremony(samarinda):
    with pytest.raises(ValidationError) as error:
        pacts_generate(office=samarinda)
    assert REFUSAL in " ".join(error.value.messages)
    assert "tidak ada pakta yang dibuat" in " ".join(error.value.messages)
    assert nothing_made()


def test_generate_pacts_refuses_it_too(samarinda):
    with pytest.raises(CommandError, match=REFUSAL):
        call_command("generate_pacts", office="64.72", stdout=io.StringIO(), stderr=io.StringIO())
    assert nothing_made()


def test_the_dashboard_says_so_and_its_button_queues_nothing(client, samarinda):
    operator = join_office(
        get_user_model().objects.create_user("op-smd", password="x", is_staff=True), "64.72"
    )
    operator.groups.add(Group.objects.get(name=OPERATOR))
    client.force_login(operator)
    page = client.get(reverse("admin:integrity_dashboard")).content.decode()
    assert "Belum ada kegiatan penandatanganan pakta integritas" in page
    assert reverse("admin:integrity_ceremony_add") in page

    response = client.post(reverse("admin:integrity_generate"), follow=True)
    assert REFUSAL in response.content.decode()
    assert nothing_made()


def test_with_a_ceremony_the_pacts_are_made_and_name_it(samarinda):
    ceremony = Ceremony.objects.create(
        office=samarinda, name="Penandatanganan", date=dt.date(2024, 6, 1), place="Aula KPU", city="Samarinda"
    )
    job = pacts_generate(office=samarinda)
    assert job.total == 1
    assert Pact.objects.get(appointment__office=samarinda).ceremony == ceremony
