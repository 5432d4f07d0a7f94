"""Full NIKs leave the system only for operators (issue #14, item 7): viewers export masked NIKs."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from secretariat.roles import OPERATOR, VIEWER

from .factories import join_office, make_appointment

pytestmark = pytest.mark.django_db


def staff_in(group):
    user = join_office(
        get_user_model().objects.create_user(group.replace(" ", ".").lower(), password="x", is_staff=True)
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def exported_niks(client):
    response = client.get(reverse("admin:secretariat_export", args=["csv"]))
    assert response.status_code == 200
    text = response.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    return response, text, [row[rows[0].index("nik")] for row in rows[1:]]


def test_an_operator_exports_full_niks_and_a_viewer_masked_ones(client):
    person = make_appointment().person

    client.force_login(staff_in(OPERATOR))
    response, _, niks = exported_niks(client)
    assert niks == [person.nik]
    assert "nik-tersamar" not in response["Content-Disposition"]

    client.force_login(staff_in(VIEWER))
    response, text, niks = exported_niks(client)
    assert niks == [person.masked_nik] and person.nik not in text
    assert "nik-tersamar" in response["Content-Disposition"]
    page = client.get(reverse("admin:secretariat_appointment_changelist")).content.decode()
    assert "Ekspor CSV (NIK tersamar)" in page


def test_only_the_operator_group_holds_the_full_nik_export_permission():
    assert Group.objects.filter(permissions__codename="export_full_nik").get().name == OPERATOR


def test_the_admin_home_leads_to_the_days_work(client):
    client.force_login(staff_in(OPERATOR))
    page = client.get(reverse("admin:index")).content.decode()
    for url in (
        reverse("admin:secretariat_import"),
        reverse("admin:secretariat_completeness"),
        reverse("admin:secretariat_decree_issue"),
        reverse("admin:integrity_dashboard"),
    ):
        assert f'href="{url}"' in page
    client.force_login(staff_in(VIEWER))
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:secretariat_decree_issue") not in page  # viewers cannot issue
    assert reverse("admin:secretariat_completeness") in page


def test_a_viewer_sees_the_person_page_with_masked_nik_and_nip_and_an_operator_the_full_ones(client):
    person = make_appointment().person
    url = reverse("admin:secretariat_person_change", args=[person.pk])

    client.force_login(staff_in(VIEWER))
    page = client.get(url).content.decode()
    assert person.masked_nik in page and person.nik not in page

    client.force_login(staff_in(OPERATOR))
    page = client.get(url).content.decode()
    assert person.nik in page
