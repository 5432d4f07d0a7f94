"""The admin index and menu: KPU's work first, the login-throttling records last and superusers only."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from secretariat.roles import OPERATOR
from tests.factories import join_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    """An operator who was (wrongly) also given every django-axes permission."""
    user = join_office(
        get_user_model().objects.create_user("operator", password="sandi-operator-123", is_staff=True)
    )
    user.groups.add(Group.objects.get(name=OPERATOR))
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="axes"))
    return user


def app_labels(response):
    return [app["app_label"] for app in response.context["app_list"]]


def test_index_lists_kpu_work_first_and_login_records_last(staff_client):
    response = staff_client.get(reverse("admin:index"))

    assert app_labels(response) == ["secretariat", "integrity", "kelurahan", "auth", "axes"]
    assert response.context["app_list"][-1]["name"] == "Percobaan login (django-axes)"


def test_the_menu_follows_the_same_order(staff_client):
    response = staff_client.get(reverse("admin:secretariat_person_changelist"))

    labels = [app["app_label"] for app in response.context["available_apps"]]
    assert labels[:3] == ["secretariat", "integrity", "kelurahan"]
    assert labels[-1] == "axes"


def test_login_records_are_hidden_from_staff_who_are_not_superusers(client, operator):
    client.force_login(operator)

    response = client.get(reverse("admin:index"))

    assert "axes" not in app_labels(response)
    assert app_labels(response)[:3] == ["secretariat", "integrity", "kelurahan"]
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    assert client.get(reverse("admin:app_list", args=["axes"])).status_code == 404


def test_superusers_still_open_the_login_records(staff_client):
    assert staff_client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
