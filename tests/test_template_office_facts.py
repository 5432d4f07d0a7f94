"""An office's operator keeps its own facts on its decree template (signer, place, letterhead, authenticating
official, plenary minutes, layout: DecreeTemplate.OFFICE_FACT_FIELDS); the legal text stays the
superusers'; viewers read; another office's template is a 404; every change is in the history."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse

from secretariat.models import DecreeTemplate
from secretariat.roles import OPERATOR, VIEWER

from .factories import join_office, office

pytestmark = pytest.mark.django_db


def staff(username, group, code="64.71"):
    user = join_office(get_user_model().objects.create_user(username, password="x", is_staff=True), code)
    user.groups.add(Group.objects.get(name=group))
    return user


def url(template):
    return reverse("admin:secretariat_decreetemplate_change", args=[template.pk])


def form_data(template, **changes):
    data = {k: v for k, v in model_to_dict(template).items() if k not in ("id", "logo") and v is not None}
    data["is_active"] = "on" if template.is_active else ""
    return {**data, **changes}


LEGAL_TEXT_CHANGES = {
    "title": "JUDUL DIUBAH OPERATOR",
    "legal_basis": "Undang-Undang karangan operator;",
    "dictums": "Diktum karangan operator.",
    "issuer": "KANTOR LAIN",
    "name": "diubah operator",
}


def test_every_office_fact_field_is_a_template_field_and_the_legal_text_is_not_among_them():
    names = {f.name for f in DecreeTemplate._meta.get_fields()}
    assert set(DecreeTemplate.OFFICE_FACT_FIELDS) <= names
    assert not {"title", "considerations", "legal_basis", "dictums", "issuer"} & set(
        DecreeTemplate.OFFICE_FACT_FIELDS
    )


def test_an_operator_changes_the_office_facts_of_their_own_template_and_the_history_says_who(client):
    operator = staff("operator-bpp", OPERATOR)
    template = DecreeTemplate.active(office())
    client.force_login(operator)
    body = client.get(url(template)).content.decode()
    assert 'name="signer_name"' in body and 'name="_save"' in body
    assert 'name="title"' not in body and 'name="legal_basis"' not in body  # shown, not editable

    response = client.post(
        url(template),
        form_data(template, signer_name="Ketua Baru, S.H.", place="Balikpapan Kota", margin_top_mm=25),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    template.refresh_from_db()
    assert (template.signer_name, template.place, template.margin_top_mm) == (
        "Ketua Baru, S.H.",
        "Balikpapan Kota",
        25,
    )
    latest = template.history.first()
    assert latest.history_user == operator and latest.signer_name == "Ketua Baru, S.H."


def test_legal_text_posted_by_an_operator_is_ignored(client):
    client.force_login(staff("operator-bpp", OPERATOR))
    template = DecreeTemplate.active(office())
    before = {name: getattr(template, name) for name in LEGAL_TEXT_CHANGES}

    response = client.post(url(template), form_data(template, signer_name="Ketua Sah", **LEGAL_TEXT_CHANGES))

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.signer_name == "Ketua Sah"
    assert {name: getattr(template, name) for name in LEGAL_TEXT_CHANGES} == before


def test_an_operator_s_bad_value_is_refused_with_an_indonesian_error_and_nothing_saved(client):
    client.force_login(staff("operator-bpp", OPERATOR))
    template = DecreeTemplate.active(office())
    history = template.history.count()
    response = client.post(url(template), form_data(template, signer_name="Ketua Baru", margin_top_mm=2))
    assert response.status_code == 200
    assert "Margin harus antara 5 dan 60 mm." in response.content.decode()
    template.refresh_from_db()
    assert template.signer_name != "Ketua Baru" and template.history.count() == history


def test_an_operator_cannot_add_a_template(client):
    client.force_login(staff("operator-bpp", OPERATOR))
    assert client.get(reverse("admin:secretariat_decreetemplate_add")).status_code == 403


def test_a_viewer_reads_and_cannot_change(client):
    client.force_login(staff("pengamat-bpp", VIEWER))
    template = DecreeTemplate.active(office())
    body = client.get(url(template)).content.decode()
    assert 'name="signer_name"' not in body and 'name="_save"' not in body
    response = client.post(url(template), form_data(template, signer_name="Diubah Pengamat"))
    assert response.status_code == 403
    template.refresh_from_db()
    assert template.signer_name != "Diubah Pengamat"


def test_provincial_staff_only_read_even_with_the_operator_group(client):
    client.force_login(staff("operator-prov", OPERATOR, code="64"))
    template = DecreeTemplate.active(office())
    response = client.post(url(template), form_data(template, signer_name="Diubah Provinsi"))
    assert response.status_code == 403
    template.refresh_from_db()
    assert template.signer_name != "Diubah Provinsi"


def test_another_office_s_template_is_a_404_for_an_operator(client):
    call_command("load_regions", "64", stdout=io.StringIO())
    call_command("create_office", "64.72", stdout=io.StringIO())
    samarinda = DecreeTemplate.active(office("64.72"))
    client.force_login(staff("operator-bpp", OPERATOR))
    assert client.get(url(samarinda)).status_code == 404
    assert client.post(url(samarinda), form_data(samarinda, signer_name="Penyusup")).status_code == 404
    samarinda.refresh_from_db()
    assert samarinda.signer_name == ""

    client.force_login(staff("operator-smd", OPERATOR, code="64.72"))
    response = client.post(url(samarinda), form_data(samarinda, signer_name="Ketua Samarinda"))
    assert response.status_code == 302
    samarinda.refresh_from_db()
    assert samarinda.signer_name == "Ketua Samarinda"
