"""Every staff page and the member home page make as many queries with 30 members as with 3 (no N+1).

Issue #7: page times must stay flat up to 83,763 kelurahan; a query per listed row is the first thing that
breaks that. Timings themselves are measured by bench/page_times.py, never asserted here.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from integrity.models import Ceremony, Pact, PactText
from integrity.services.pacts import pacts_generate, pacts_mark_signed
from kelurahan.models import Kelurahan
from secretariat.models import Appointment, Decree, Person
from secretariat.services.decrees import decree_issue

from .factories import make_appointment, make_person

pytestmark = pytest.mark.django_db

ROLES = ["sekretaris", "bendahara", "staf_teknis"]


def grow(kelurahan_count: int) -> None:
    """Fill the next `kelurahan_count` kelurahan (three members each), with pacts (some signed) and an SK."""
    taken = set(Appointment.objects.values_list("kelurahan_id", flat=True))
    free = Kelurahan.objects.exclude(code__in=taken).order_by("code")[:kelurahan_count]
    for kelurahan in free:
        for role in ROLES:
            make_appointment(
                person=make_person(name=f"Orang Uji {kelurahan.name}"), kelurahan=kelurahan.code, role=role
            )
    pacts_generate()
    pacts_mark_signed(
        pacts=list(Pact.objects.filter(status="belum_dicetak").order_by("pk")[::2]),
        signed_date=dt.date(2024, 6, 1),
        signed_place="Balikpapan",
    )
    decree_issue(decree_date=dt.date(2024, 6, 1))


def first(model):
    return model.objects.order_by("pk").first().pk


STAFF_PAGES = {
    "people": lambda: reverse("admin:secretariat_person_changelist"),
    "people search name": lambda: reverse("admin:secretariat_person_changelist") + "?q=Orang+Uji",
    "people search kelurahan": lambda: reverse("admin:secretariat_person_changelist") + "?q=Manggar",
    "people search nik": lambda: (
        reverse("admin:secretariat_person_changelist") + f"?q={Person.objects.order_by('pk').first().nik}"
    ),
    "people by kecamatan": lambda: reverse("admin:secretariat_person_changelist") + "?kecamatan=64.71.01",
    "person change": lambda: reverse("admin:secretariat_person_change", args=[first(Person)]),
    "appointments": lambda: reverse("admin:secretariat_appointment_changelist"),
    "appointments search": lambda: reverse("admin:secretariat_appointment_changelist") + "?q=Uji",
    "appointments by kecamatan and kelurahan": lambda: (
        reverse("admin:secretariat_appointment_changelist") + "?kecamatan=64.71.01&kelurahan=64.71.01.1001"
    ),
    "appointment change": lambda: reverse("admin:secretariat_appointment_change", args=[first(Appointment)]),
    "appointment add": lambda: reverse("admin:secretariat_appointment_add"),
    "kelurahan": lambda: reverse("admin:kelurahan_kelurahan_changelist"),
    "kelurahan search": lambda: reverse("admin:kelurahan_kelurahan_changelist") + "?q=Baru",
    "kelurahan change": lambda: reverse("admin:kelurahan_kelurahan_change", args=["64.71.01.1001"]),
    "kecamatan": lambda: reverse("admin:kelurahan_kecamatan_changelist"),
    "kecamatan search": lambda: reverse("admin:kelurahan_kecamatan_changelist") + "?q=Timur",
    "decrees": lambda: reverse("admin:secretariat_decree_changelist"),
    "decree search": lambda: reverse("admin:secretariat_decree_changelist") + "?q=TAHUN",
    "decree detail": lambda: reverse(
        "admin:secretariat_decree_change", args=[Decree.objects.order_by("-pk").first().pk]
    ),
    "decree issue": lambda: reverse("admin:secretariat_decree_issue"),
    "decree templates": lambda: reverse("admin:secretariat_decreetemplate_changelist"),
    "decree numbers": lambda: reverse("admin:secretariat_decreenumbersequence_changelist"),
    "periods": lambda: reverse("admin:secretariat_electionperiod_changelist"),
    "pacts": lambda: reverse("admin:integrity_pact_changelist"),
    "pacts search": lambda: reverse("admin:integrity_pact_changelist") + "?q=Uji",
    "pacts by kecamatan": lambda: reverse("admin:integrity_pact_changelist") + "?kecamatan=64.71.01",
    "pact change": lambda: reverse("admin:integrity_pact_change", args=[first(Pact)]),
    "pact texts": lambda: reverse("admin:integrity_pacttext_changelist"),
    "ceremonies": lambda: reverse("admin:integrity_ceremony_changelist"),
    "ceremony change": lambda: reverse("admin:integrity_ceremony_change", args=[first(Ceremony)]),
    "completeness": lambda: reverse("admin:secretariat_completeness"),
    "pact dashboard": lambda: reverse("admin:integrity_dashboard"),
    "person autocomplete": lambda: (
        reverse("admin:autocomplete")
        + "?app_label=secretariat&model_name=appointment&field_name=person&term=Uji"
    ),
    "kelurahan autocomplete": lambda: (
        reverse("admin:autocomplete")
        + "?app_label=secretariat&model_name=appointment&field_name=kelurahan&term=Baru"
    ),
    "admin index": lambda: reverse("admin:index"),
}


def queries_of(client, url) -> int:
    client.get(url)  # warm-up: caches of content types and the like
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_page_makes_as_many_queries_with_30_members_as_with_3(page, staff_client):
    assert PactText.objects.exists() and Ceremony.objects.exists()  # from the data migrations
    grow(1)
    few = queries_of(staff_client, STAFF_PAGES[page]())
    grow(9)
    many = queries_of(staff_client, STAFF_PAGES[page]())
    assert Appointment.objects.count() == 30
    assert many == few


def test_member_home_page_makes_as_many_queries_in_a_full_city_as_alone(client):
    grow(1)
    member = Person.objects.order_by("pk").first()
    member.user = get_user_model().objects.create_user("anggota-uji", password=None)
    member.save()
    client.force_login(member.user)
    few = queries_of(client, reverse("portal:home"))
    grow(9)
    decree_issue(decree_date=dt.date(2024, 6, 2))  # nothing new: no second SK
    many = queries_of(client, reverse("portal:home"))
    assert many == few
