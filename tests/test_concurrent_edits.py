"""Two staff editing one record: the second save is refused, nothing is overwritten (issue #6, item 4)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from secretariat.models import Person

from .factories import make_appointment

pytestmark = pytest.mark.django_db


def form_data(html: str) -> dict:
    """The values a browser would send back from the change form (inputs, selects, textareas)."""
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data.setdefault(name, value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = selected.group(1) if selected else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.strip()
    data.pop("csrfmiddlewaretoken", None)
    return data


@pytest.fixture
def two_staff(client):
    from django.test import Client

    User = get_user_model()
    first = Client()
    first.force_login(User.objects.create_superuser("ani", "a@kpu.test", "x"))
    second = Client()
    second.force_login(User.objects.create_superuser("budi", "b@kpu.test", "x"))
    return first, second


def test_the_second_of_two_edits_from_the_same_page_is_refused(two_staff):
    first, second = two_staff
    person = make_appointment().person
    url = reverse("admin:secretariat_person_change", args=[person.pk])
    page_a = form_data(first.get(url).content.decode())
    page_b = form_data(second.get(url).content.decode())
    assert page_a["loaded_version"] and page_a["loaded_version"] == page_b["loaded_version"]

    response = first.post(url, {**page_a, "phone": "081111111111", "appointments-TOTAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = second.post(url, {**page_b, "phone": "082222222222", "appointments-TOTAL_FORMS": "0"})
    assert response.status_code == 200
    assert "baru saja diubah oleh pengguna lain" in response.content.decode()
    person.refresh_from_db()
    assert person.phone == "081111111111"


def test_a_fresh_page_saves_normally(two_staff):
    first, _ = two_staff
    person = make_appointment().person
    url = reverse("admin:secretariat_person_change", args=[person.pk])
    for phone in ("081111111111", "083333333333"):
        page = form_data(first.get(url).content.decode())
        response = first.post(url, {**page, "phone": phone, "appointments-TOTAL_FORMS": "0"})
        assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).phone == "083333333333"
