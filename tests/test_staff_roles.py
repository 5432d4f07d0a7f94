"""Operator and viewer roles: who may change what (issue #6, item 8)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from secretariat.models import DecreeTemplate
from secretariat.roles import OPERATOR, VIEWER

from .factories import join_office, make_appointment, office, person_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_of():
    def make(group_name):
        user = join_office(
            get_user_model().objects.create_user(
                group_name.replace(" ", "").lower(), password="x", is_staff=True
            )
        )
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


def test_migrate_creates_both_groups_with_our_permissions_only():
    operator = set(Group.objects.get(name=OPERATOR).permissions.values_list("codename", flat=True))
    viewer = set(Group.objects.get(name=VIEWER).permissions.values_list("codename", flat=True))
    assert {
        "add_person",
        "change_appointment",
        "add_decree",
        "change_pact",
        "view_decreetemplate",
        "change_decreetemplate",  # its office facts only (tests/test_template_office_facts.py)
    } <= operator
    assert not {"add_decreetemplate", "change_pacttext", "delete_person"} & operator
    assert all(code.startswith("view_") for code in viewer)
    assert {"view_person", "view_decree", "view_pact", "view_kelurahan"} <= viewer
    assert "view_user" not in operator | viewer


def test_operator_edits_the_roster_and_issues_decrees_but_not_the_legal_text(client, member_of):
    client.force_login(member_of(OPERATOR))
    response = client.post(
        reverse("admin:secretariat_person_add"),
        {
            **{k: str(v) for k, v in person_fields().items()},
            "appointments-TOTAL_FORMS": "0",
            "appointments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:secretariat_decree_issue")).status_code == 200
    template = DecreeTemplate.active(office())
    url = reverse("admin:secretariat_decreetemplate_change", args=[template.pk])
    client.post(url, {"name": "diubah operator"})
    template.refresh_from_db()
    assert template.name != "diubah operator"


def test_viewer_reads_but_cannot_change_anything(client, member_of):
    appointment = make_appointment()
    client.force_login(member_of(VIEWER))
    assert client.get(reverse("admin:secretariat_appointment_changelist")).status_code == 200
    assert client.get(reverse("admin:secretariat_completeness")).status_code == 200
    assert client.get(reverse("admin:secretariat_person_add")).status_code == 403
    assert client.get(reverse("admin:secretariat_decree_issue")).status_code == 403
    assert client.get(reverse("admin:secretariat_import")).status_code == 403
    assert client.get(reverse("admin:secretariat_appointment_end", args=[appointment.pk])).status_code == 403
    response = client.post(
        reverse("admin:secretariat_person_change", args=[appointment.person.pk]), {"name": "Diubah Pengamat"}
    )
    assert response.status_code == 403
    appointment.person.refresh_from_db()
    assert appointment.person.name != "Diubah Pengamat"
