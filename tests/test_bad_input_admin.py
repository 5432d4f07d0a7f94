"""Every admin form against junk (issue #6, item 5): huge strings, control and bidi characters, template
syntax and markup, junk dates and numbers, path traversal in uploaded file names.

The sweep finds every ModelAdmin on the admin site by itself and, for each add and change form the superuser
can use, posts the page back with one field replaced at a time. Expected: a form error (nothing written) or a
literal, harmless stored value; never a 500. Each post runs in a savepoint that is rolled back afterwards,
so one accepted value never makes the next post fail for another reason (a stale edit, a taken NIK).
"""

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from secretariat.models import DecreeNumberSequence, ElectionPeriod

from .factories import make_appointment, make_person, office, person_fields
from .htmlforms import read_form

pytestmark = pytest.mark.django_db

HUGE = "A" * 100_000
CONTROL = {
    "nul": "Nama\x00Palsu",
    "escape-and-del": "Nama\x1b[31mMerah\x7f",
    "rtl-override": "Laporan\u202efdp.exe",
    "c1-nel": "Nama\x85Baris",
    "bidi-isolate": "Nama\u2066x\u2069",
}
TEMPLATE_SYNTAX = "{{ 1234|add:4321 }} {% now 'Y' %} <script>alert(1)</script> {{ request.user }}"
JUNK_DATES = ["31/02/2024", "99999-12-31", "0000-00-00", "2024-13-45", "1e9", "\x00"]
JUNK_NUMBERS = ["99999999999999999999999", "-5", "1e400", "NaN", "\x00"]

# Views whose change page is not a ModelForm (custom pages with their own forms, covered below).
CUSTOM_CHANGE_VIEWS = {"secretariat.decree", "integrity.pact"}
NOT_FREE_TEXT_CLASSES = {
    "vDateField",
    "vTimeField",
    "vForeignKeyRawIdAdminField",
    "vManyToManyRawIdAdminField",
}


def _admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def _add_data(label: str) -> dict:
    """What a staff member types into an empty add form so that it saves (on top of the page's defaults)."""
    fields = person_fields(gender="P", birth_date=dt.date(1988, 3, 9), name="Sri Wahyuni")
    free_person = make_person(name="Calon Pengganti")
    data = {
        "secretariat.person": {**fields, "birth_date": "1988-03-09", "address": "Jl. Mulawarman 1"},
        "secretariat.appointment": {
            "person": str(free_person.pk),
            "kelurahan": "64.71.06.1001",
            "role": "bendahara",
            "period": str(ElectionPeriod.current().pk),
            "start_date": "2024-05-26",
            "lurah_decree_number": "100/12/KEL",
        },
        "secretariat.decreetemplate": {
            "name": "Templat uji",
            "is_active": [],
            "title": "PENETAPAN SEKRETARIAT PPS",
            "considerations": "bahwa uji",
            "legal_basis": "Undang-Undang Nomor 7 Tahun 2017",
            "dictums": "Menetapkan nama dalam lampiran.",
        },
        "secretariat.decreenumbersequence": {"year": "2031", "next_number": "1"},
        "secretariat.keydate": {
            "period": str(ElectionPeriod.current().pk),
            "title": "Rapat koordinasi",
            "start": "2024-06-10",
        },
        "secretariat.electionperiod": {
            "name": "Pilkada Uji 2029",
            "vote_date": "2029-11-27",
            "term_start": "2029-05-26",
            "term_end": "2030-01-27",
            "is_current": [],
        },
        "integrity.pacttext": {"preamble": "Saya yang bertanda tangan di bawah ini", "pledges": "Jujur"},
        "integrity.ceremony": {"name": "Penandatanganan ulang", "date": "2024-07-01", "place": "Aula KPU"},
        "kelurahan.kecamatan": {"code": "64.71.07", "name": "Balikpapan Uji"},
        "kelurahan.kelurahan": {
            "code": "64.71.06.1999",
            "kecamatan": "64.71.06",
            "name": "Uji",
            "postal_code": "76111",
        },
        "auth.user": {
            "username": "operator-baru",
            "password1": "Sandi-Kuat-2024!",
            "password2": "Sandi-Kuat-2024!",
        },
        "auth.group": {"name": "Operator Uji"},
    }
    return data[label]


def _existing(model):
    """A record of `model` to open in its change form."""
    label = model._meta.label_lower
    if label == "secretariat.person":
        return make_appointment().person
    if label == "secretariat.appointment":
        return make_appointment(lurah_decree_number="100/1/KEL")
    if label == "secretariat.decreenumbersequence":
        return DecreeNumberSequence.objects.create(office=office(), year=2024, next_number=3)
    if label == "auth.user":
        return get_user_model().objects.create_user("pengguna-lain", first_name="Ani", email="ani@kpu.test")
    if label == "auth.group":
        return Group.objects.create(name="Operator")
    return model.objects.order_by("pk").first()


def _views():
    """(id, model label, 'add' | 'change') for every admin form the superuser can open."""
    views = []
    for model, _ in _admins():
        label = model._meta.label_lower
        views.append(pytest.param(label, "add", id=f"{label}-add"))
        if label not in CUSTOM_CHANGE_VIEWS:
            views.append(pytest.param(label, "change", id=f"{label}-change"))
    return views


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


def _models(model):
    """The model of an admin form and those of its inlines."""
    return [model, *(inline.model for inline in admin.site._registry[model].inlines)]


def _snapshot(model):
    """Every row of the form's models (and their audit history) as they are now: to prove that a refused
    post wrote nothing, and to find what an accepted one stored."""
    rows, histories = [], []
    for each in _models(model):
        rows += list(each.objects.order_by("pk").values())
        history = getattr(each, "history", None)
        histories.append(history.count() if history is not None else None)
    return rows, histories


def _targets(fields, data, *, change: bool):
    free_text, dates, numbers = [], [], []
    for name, field in fields.items():
        if name == "loaded_version" or "-__prefix__-" in name or name.endswith("_FORMS"):
            continue
        inline = "-" in name
        if inline and not (change and any(data.get(name, []))):
            continue  # an empty extra inline row: any value there fails for its missing fields instead
        if field.type == "textarea" or (
            field.tag == "input" and field.type in ("text", "email", "url", "tel", "search")
        ):
            if field.classes & {"vDateField"}:
                dates.append(name)
            elif not field.classes & NOT_FREE_TEXT_CLASSES:
                free_text.append(name)
        elif field.type == "number":
            numbers.append(name)
    return free_text, dates, numbers


def _judge(client, url, data, model, name, value, *, literal_ok):
    """Post the form with `name` set to `value` in a rolled-back savepoint; return a problem or None."""
    data = {**data, name: value}
    with transaction.atomic():
        before = _snapshot(model)
        try:
            response = client.post(url, data)
        except Exception as exc:  # the test client re-raises what would be a 500
            transaction.set_rollback(True)
            return f"{name}={value[:40]!r}: 500 ({type(exc).__name__}: {str(exc)[:200]})"
        after = _snapshot(model)
        transaction.set_rollback(True)
        if response.status_code == 302:
            if not literal_ok:
                return f"{name}={value[:40]!r}: accepted"
            changed = [row for row in after[0] if row not in before[0]]
            stored = [str(v) for row in changed for v in row.values() if isinstance(v, str)]
            if value.strip() not in stored:
                return f"{name}={value[:40]!r}: saved, but not as the literal text typed"
            return None
        if response.status_code != 200:
            return f"{name}={value[:40]!r}: status {response.status_code}"
        html = response.content.decode()
        if "errorlist" not in html and "errornote" not in html:
            return f"{name}={value[:40]!r}: 200 without a form error"
        if before != after:
            return f"{name}={value[:40]!r}: refused, but something was written"
        if "5555" in html and "{{ 1234|add:4321 }}" not in html:
            return f"{name}: template syntax was evaluated"
        return None


@pytest.mark.parametrize(("label", "view"), _views())
def test_every_admin_form_refuses_or_stores_junk_literally_never_500(admin_client, label, view):
    model = _model(label)
    model_admin = admin.site._registry[model]
    request = type("Request", (), {"user": get_user_model().objects.get(username="admin")})()
    info = (model._meta.app_label, model._meta.model_name)
    if view == "add":
        if not model_admin.has_add_permission(request):
            pytest.skip("no add view for this model (records are created by the application)")
        url = reverse("admin:{}_{}_add".format(*info))
    else:
        obj = _existing(model)
        if obj is None or not model_admin.has_change_permission(request, obj):
            pytest.skip("nothing to change here")
        url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])

    page = admin_client.get(url)
    assert page.status_code == 200
    data, fields = read_form(page.content.decode(), f"{model._meta.model_name}_form")
    if view == "add":
        data.update({k: v if isinstance(v, list) else [v] for k, v in _add_data(label).items()})
    free_text, dates, numbers = _targets(fields, data, change=view == "change")
    if not (free_text or dates or numbers):
        pytest.skip("no editable field (read-only admin)")

    # The untouched page saves: so a refusal below is the junk value's doing.
    with transaction.atomic():
        response = admin_client.post(url, data)
        transaction.set_rollback(True)
    assert response.status_code == 302, f"{label} {view}: the form does not save as displayed: " + " | ".join(
        re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    )

    problems = []
    for name in free_text:
        for value in CONTROL.values():
            problems.append(_judge(admin_client, url, data, model, name, value, literal_ok=False))
        for value in (HUGE, TEMPLATE_SYNTAX, "../../etc/passwd"):
            problems.append(_judge(admin_client, url, data, model, name, value, literal_ok=True))
    for name in dates:
        for value in JUNK_DATES:
            problems.append(_judge(admin_client, url, data, model, name, value, literal_ok=False))
    for name in numbers:
        for value in JUNK_NUMBERS:
            problems.append(_judge(admin_client, url, data, model, name, value, literal_ok=False))
    problems = [p for p in problems if p]
    assert not problems, f"{label} {view}:\n" + "\n".join(problems)


def test_the_sweep_covers_every_registered_admin():
    labels = {model._meta.label_lower for model, _ in _admins()}
    assert {"secretariat.person", "secretariat.appointment", "auth.user", "integrity.ceremony"} <= labels
    assert labels >= CUSTOM_CHANGE_VIEWS


@pytest.mark.parametrize(
    "filename", ["../../../etc/passwd.png", "..\\..\\logo.png", "/etc/cron.d/logo.png", "logo\x00.png.exe"]
)
def test_an_uploaded_logo_named_with_a_path_is_stored_inside_its_folder(admin_client, settings, filename):
    from pathlib import Path

    from secretariat.models import DecreeTemplate

    from .test_decrees import small_png

    template = DecreeTemplate.active(office())
    url = reverse("admin:secretariat_decreetemplate_change", args=[template.pk])
    data, _ = read_form(admin_client.get(url).content.decode(), "decreetemplate_form")
    logo = SimpleUploadedFile(filename, small_png(), content_type="image/png")
    response = admin_client.post(url, {**data, "logo": logo})
    assert response.status_code in (200, 302)
    template.refresh_from_db()
    if response.status_code == 302:
        stored = Path(template.logo.path).resolve()
        assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "private" / "logos")
        assert ".." not in template.logo.name and "\x00" not in template.logo.name
    else:
        assert not template.logo
