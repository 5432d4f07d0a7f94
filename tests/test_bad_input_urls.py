"""Junk in URLs, query parameters, the portal forms and the admin's own (non-model) forms: a clear error
or a 4xx, never a 500 and never a partial write (issue #6, item 5)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from pps_admin.text import MESSAGE as CONTROL_MESSAGE
from secretariat.models import Appointment, Decree
from secretariat.services.decrees import decree_issue

from .factories import make_appointment, make_person

pytestmark = pytest.mark.django_db

JUNK_QUERIES = [
    "q=%00",
    "q=" + "x" * 20_000,
    "q=%7B%7B+1234%7Cadd%3A4321+%7D%7D",
    "p=999999",
    "p=-1",
    "p=abc",
    "o=99",
    "o=abc.-x",
    "e=1",
    "status=%00",
    "menjabat=%00",
    "period__id__exact=abc",
    "period__id__exact=99999999999999999999",
    "kelurahan__kecamatan__code__exact=%00",
    "created_at__gte=kemarin",
    "_to_field=password",
]

JUNK_PATHS = [
    "/admin/secretariat/person/99999999999999999999/change/",
    "/admin/secretariat/person/abc/change/",
    "/admin/secretariat/person/%00/change/",
    "/admin/secretariat/appointment/99999999999999999999/akhiri/",
    "/admin/secretariat/appointment/99999999999999999999/ganti/",
    "/admin/secretariat/appointment/ekspor/..%2f..%2fetc%2fpasswd/",
    "/admin/secretariat/appointment/ekspor/pdf/",
    "/admin/secretariat/decree/dokumen/..%2f..%2fetc%2fpasswd/",
    "/admin/secretariat/decree/dokumen/00000000-0000-0000-0000-000000000000/",
    "/admin/secretariat/decree/99999999999999999999/progres/",
    "/admin/secretariat/decree/99999999999999999999/bundel.pdf",
    "/admin/secretariat/decree/pratinjau.pdf?tanggal=0001-01-01",
    "/admin/secretariat/decree/pratinjau.pdf?tanggal=%00",
    "/admin/integrity/pact/99999999999999999999/pindaian/",
    "/admin/integrity/pact/progres/99999999999999999999/",
    "/admin/integrity/ceremony/99999999999999999999/daftar-hadir.pdf",
    "/dokumen/..%2f..%2fetc%2fpasswd/",
    "/dokumen/00000000-0000-0000-0000-000000000000/",
    "/static/..%2f..%2fpps_admin%2fsettings.py",
    "/media/private/logos/logo.png",
    "/sandi/atur/%00/%00/",
    "/sandi/atur/MQ/" + "a" * 5000 + "/",
]


def _changelists():
    return sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    )


@pytest.mark.parametrize("url", _changelists())
def test_every_admin_list_answers_junk_query_parameters_without_a_500(admin_client, url):
    make_appointment()
    statuses = {query: admin_client.get(f"{url}?{query}").status_code for query in JUNK_QUERIES}
    assert all(status in (200, 302, 400, 404) for status in statuses.values()), statuses


@pytest.mark.parametrize("path", JUNK_PATHS)
def test_junk_paths_and_ids_are_a_4xx_or_a_redirect_never_a_500(admin_client, path):
    make_appointment()
    response = admin_client.get(path)
    assert response.status_code in (200, 302, 400, 404), response.status_code
    if response.status_code == 200:
        assert b"root:" not in response.content  # never a file from outside the project


@pytest.mark.parametrize("login_url", ["/masuk/", "/admin/login/"], ids=["portal", "admin"])
@pytest.mark.parametrize(
    "username,password",
    [
        ("\x00", "x"),
        ("budi\x00", "sandi\x00"),
        ("x" * 100_000, "y"),  # used to reach django-axes' 255-character column: a 500
        ("budi\u202e", "y"),
        ("{{ request.user }}", "{% debug %}"),
        ("../../etc/passwd", "\u202e"),
        ("", ""),
    ],
)
def test_login_with_junk_shows_a_form_error(client, db, login_url, username, password):
    response = client.post(login_url, {"username": username, "password": password})
    assert response.status_code == 200
    html = response.content.decode()
    assert any(mark in html for mark in ("alert-danger", "invalid-feedback", "errornote", "errorlist")), html[
        -3000:
    ]


def test_portal_password_change_with_junk_is_refused_or_stored_literally(client):
    member = make_appointment().person
    user = get_user_model().objects.create_user("anggota", password="Sandi-Lama-2024!")
    member.user = user
    member.save()
    client.force_login(user)
    url = reverse("portal:password_change")
    # NUL cannot be part of a password: refused on the new-password field, the old one still works.
    nul = "Sandi\x00Baru-2024"
    response = client.post(
        url, {"old_password": "Sandi-Lama-2024!", "new_password1": nul, "new_password2": nul}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) & {"new_password1", "new_password2"}
    user.refresh_from_db()
    assert user.check_password("Sandi-Lama-2024!")
    # Template syntax is just characters of a password: stored as typed, never evaluated.
    literal = "{{ 7|add:7 }}-Sandi"
    response = client.post(
        url, {"old_password": "Sandi-Lama-2024!", "new_password1": literal, "new_password2": literal}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(literal)


@pytest.mark.parametrize("value", ["Catatan\x1b[31m", "Catatan\u202efdp.exe", "Catatan\x00"])
def test_the_end_replace_and_revoke_forms_refuse_control_characters_and_write_nothing(admin_client, value):
    appointment = make_appointment()
    replacement = make_person(name="Dewi Pengganti", gender="P")
    end = {"end_date": "2024-07-01", "reason": "mengundurkan_diri", "note": value}
    response = admin_client.post(reverse("admin:secretariat_appointment_end", args=[appointment.pk]), end)
    assert response.status_code == 200 and set(response.context["form"].errors) == {"note"}
    replace = {
        **end,
        "note": "",
        "replacement": str(replacement.pk),
        "lurah_decree_number": f"100/{value}/KEL",
        "lurah_decree_date": "2024-06-28",
        "start_date": "2024-07-02",
    }
    response = admin_client.post(
        reverse("admin:secretariat_appointment_replace", args=[appointment.pk]), replace
    )
    assert response.status_code == 200 and set(response.context["form"].errors) == {"lurah_decree_number"}
    assert Appointment.objects.get(pk=appointment.pk).is_active and Appointment.objects.count() == 1

    decree = decree_issue(decree_date=appointment.start_date)
    response = admin_client.post(
        reverse("admin:secretariat_decree_revoke", args=[decree.pk]),
        {"revoked_date": "2024-06-10", "reason": value, "confirm": "on"},
    )
    assert response.status_code == 200
    assert CONTROL_MESSAGE in response.content.decode() or "Karakter null" in response.content.decode()
    assert not Decree.objects.get(pk=decree.pk).is_revoked


def test_a_nul_in_the_query_string_is_a_400_before_any_view(admin_client, client):
    # PostgreSQL refuses NUL in text: without the middleware a search for it was a 500.
    for url in (reverse("admin:secretariat_decree_changelist"), reverse("admin:integrity_pact_changelist")):
        assert admin_client.get(url, {"q": "siti\x00"}).status_code == 400
    assert client.get(reverse("portal:login"), {"next": "/\x00"}).status_code == 400


def _reverse_relations():
    """(app_label, model_name, field_name) of every reverse relation of an admin-registered model of ours."""
    for model in admin.site._registry:
        if model._meta.app_label not in ("kelurahan", "secretariat", "integrity"):
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.auto_created and not field.concrete:
                yield model._meta.app_label, model._meta.model_name, field.name


def test_autocomplete_naming_a_reverse_relation_is_refused_not_a_500(admin_client):
    # A hand-typed URL (field_name=replaced_by, the reverse side of Appointment.replaces) made Django's
    # autocomplete call a method reverse relations lack: a 500 instead of the 403 of any other bad field
    # (or Django's 404 when the related admin has no search).
    asked = list(_reverse_relations())
    assert ("secretariat", "appointment", "replaced_by") in asked
    statuses = {
        relation: admin_client.get(
            reverse("admin:autocomplete"),
            {"app_label": relation[0], "model_name": relation[1], "field_name": relation[2], "term": ""},
        ).status_code
        for relation in asked
    }
    assert set(statuses.values()) <= {403, 404}, statuses
