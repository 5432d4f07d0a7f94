"""The offices' one scoping rule as the admin applies it (secretariat/models/scoping.py,
pps_admin/admin_scope.py): two kabupaten/kota offices of one province, and the provincial office above
them. The matrix over every staff URL is tests/test_office_isolation.py; this file holds the rule's own
cases."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from kelurahan.models import Kecamatan, Kelurahan, Regency
from pps_admin.admin_scope import ScopedAdminMixin
from secretariat.models import DecreeNumberSequence, Office, OfficeKind, Person
from secretariat.models.scoping import visible_office_ids
from secretariat.roles import OPERATOR, VIEWER

from .factories import join_office, make_appointment, make_person, office

pytestmark = pytest.mark.django_db
OUR_APPS = ("secretariat", "integrity", "kelurahan")


@pytest.fixture
def samarinda():
    """KPU Kota Samarinda with one kecamatan and one kelurahan, under KPU Provinsi Kalimantan Timur."""
    regency = Regency.objects.create(code="64.72", province_id="64", name="Samarinda")
    kecamatan = Kecamatan.objects.create(code="64.72.01", regency=regency, name="Palaran")
    Kelurahan.objects.create(code="64.72.01.1001", kecamatan=kecamatan, name="Rawa Makmur")
    return Office.objects.create(
        code="64.72",
        kind=OfficeKind.REGENCY,
        name="Komisi Pemilihan Umum Kota Samarinda",
        short_name="KPU Kota Samarinda",
        province_id="64",
        regency=regency,
        parent=office("64"),
        city="Samarinda",
    )


def staff(username, group, code):
    user = get_user_model().objects.create_user(username, password="sandi-uji-12345", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return join_office(user, code)


def test_every_admin_and_inline_of_our_apps_applies_the_scope():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        assert isinstance(model_admin, ScopedAdminMixin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedAdminMixin), (model, inline)


def test_who_sees_which_office(samarinda, django_user_model):
    balikpapan, provincial = office(), office("64")
    superuser = django_user_model.objects.create_superuser("super", password="x")
    assert visible_office_ids(superuser) is None
    assert visible_office_ids(staff("op.bpn", OPERATOR, "64.71")) == {balikpapan.pk}
    assert visible_office_ids(staff("prov", VIEWER, "64")) == {provincial.pk, balikpapan.pk, samarinda.pk}
    loose = django_user_model.objects.create_user("tanpa.kantor", password="x", is_staff=True)
    assert visible_office_ids(loose) == frozenset()
    inactive = staff("nonaktif", OPERATOR, "64.71")
    inactive.is_active = False
    assert visible_office_ids(inactive) == frozenset()
    member = django_user_model.objects.create_user("anggota", password="x")  # a portal member
    join_office(member, "64.71")  # even with a membership, a non-staff account sees no office
    assert visible_office_ids(member) == frozenset()


def test_another_offices_person_history_is_not_found(client, samarinda):
    theirs = make_person(office_code="64.72", name="Orang Samarinda")
    make_appointment(person=theirs, kelurahan="64.72.01.1001")
    client.force_login(staff("op.bpn", OPERATOR, "64.71"))
    for url in (
        reverse("admin:secretariat_person_history", args=[theirs.pk]),
        reverse("admin:secretariat_person_simple_history", args=[theirs.pk, theirs.history.first().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Orang Samarinda" not in response.content.decode()
    own = make_person(name="Orang Balikpapan")
    assert client.get(reverse("admin:secretariat_person_history", args=[own.pk])).status_code == 200


def test_an_office_list_counts_only_its_own_rows(client, samarinda):
    for index in range(3):
        make_appointment(
            person=make_person(office_code="64.72"),
            kelurahan="64.72.01.1001",
            role=["sekretaris", "bendahara", "staf_teknis"][index],
        )
    make_appointment(person=make_person())
    client.force_login(staff("op.smd", VIEWER, "64.72"))
    response = client.get(reverse("admin:secretariat_person_changelist"))
    assert response.context["cl"].result_count == 3
    assert len(response.context["cl"].result_list) == 3
    kelurahan = client.get(reverse("admin:kelurahan_kelurahan_changelist"))
    assert [k.pk for k in kelurahan.context["cl"].result_list] == ["64.72.01.1001"]
    assert kelurahan.context["cl"].result_count == 1


def test_provincial_staff_read_their_province_and_change_nothing(client, samarinda):
    theirs = make_person(office_code="64.72", name="Orang Samarinda")
    client.force_login(staff("prov.op", OPERATOR, "64"))  # even in the operator group
    listed = client.get(reverse("admin:secretariat_person_changelist"))
    assert "Orang Samarinda" in listed.content.decode()
    change = reverse("admin:secretariat_person_change", args=[theirs.pk])
    assert client.get(change).status_code == 200  # the view page
    assert client.post(change, {"name": "Diubah"}).status_code == 403
    assert client.get(reverse("admin:secretariat_person_add")).status_code == 403
    assert Person.objects.get(pk=theirs.pk).name == "Orang Samarinda"


def test_a_second_sequence_of_the_same_year_is_a_form_error_not_a_crash(client):
    DecreeNumberSequence.objects.create(office=office(), year=2024, next_number=3)
    client.force_login(staff("op.bpn", OPERATOR, "64.71"))
    response = client.post(
        reverse("admin:secretariat_decreenumbersequence_add"), {"year": 2024, "next_number": 9}
    )
    assert response.status_code == 200
    assert "sudah ada" in response.content.decode()
    assert DecreeNumberSequence.objects.get(office=office(), year=2024).next_number == 3


def test_an_operator_adds_rows_of_their_own_office_only(client, samarinda):
    client.force_login(staff("op.smd", OPERATOR, "64.72"))
    response = client.post(
        reverse("admin:secretariat_decreenumbersequence_add"), {"year": 2025, "next_number": 4}
    )
    assert response.status_code == 302
    assert DecreeNumberSequence.objects.get(year=2025).office == samarinda


def test_a_person_serves_only_in_their_own_offices_kelurahan(samarinda):
    ours = make_person()
    with pytest.raises(ValidationError) as refused:
        make_appointment(person=ours, kelurahan="64.72.01.1001")
    assert "kantor KPU lain" in str(refused.value)
    appointment = make_appointment(person=ours)
    assert appointment.office == office()
    appointment.kelurahan_id = "64.72.01.1001"
    with pytest.raises(ValidationError) as moved:
        appointment.full_clean()
    assert "kabupaten/kota yang sama" in str(moved.value)


def test_the_portal_account_of_a_person_is_not_picked_in_the_form(client, django_user_model):
    person = make_person()
    client.force_login(django_user_model.objects.create_superuser("super", password="x"))
    page = client.get(reverse("admin:secretariat_person_change", args=[person.pk]))
    assert page.status_code == 200 and 'name="user"' not in page.content.decode()
