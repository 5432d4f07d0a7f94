"""The "Riwayat" pages: Indonesian headings, values as staff read them, NIK and NIP masked."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kelurahan.models import Kelurahan
from secretariat.models import DecreeTemplate
from secretariat.services.appointments import appointment_end
from tests.factories import make_appointment, make_person

pytestmark = pytest.mark.django_db


def history(client, model, pk) -> str:
    response = client.get(reverse(f"admin:secretariat_{model}_history", args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


def changes(html) -> list[str]:
    """The "Perubahan" lines, newest first, as plain text."""
    items = re.findall(r'<ul class="history-changes">(.*?)</ul>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>|&nbsp;", " ", item).replace("&rarr;", "->").split()) for item in items]


def test_the_headings_are_indonesian(staff_client):
    person = make_person()
    html = history(staff_client, "person", person.pk)

    table = html[html.index('<table id="change-history"') :]
    headings = re.findall(r'<th scope="col">(.*?)</th>', table[: table.index("</thead>")])
    assert headings == ["Versi", "Tanggal/waktu (WITA)", "Tindakan", "Oleh", "Alasan perubahan", "Perubahan"]
    assert "Changes" not in html and "Riwayat perubahan: " in html


def test_nik_and_nip_are_masked_in_the_changes(staff_client):
    person = make_person(nik="6471011705900001", asn=True)
    old_nip = person.nip
    person.nik = "6471011705900002"
    person.nip = old_nip[:-3] + "777"
    person.save()

    html = history(staff_client, "person", person.pk)

    [change] = changes(html)
    assert "NIK: 6471********0001 -> 6471********0002" in change
    assert f"NIP: {old_nip[:4]}**********{old_nip[-4:]} -> {old_nip[:4]}**********{person.nip[-4:]}" in change
    for full in ("6471011705900001", "6471011705900002", old_nip, person.nip):
        assert full not in html


def test_choices_booleans_and_accounts_are_shown_by_name(staff_client):
    person = make_person(gender="L")
    person.employment_status = "NON_ASN"
    person.must_change_password = True
    person.user = get_user_model().objects.create_user("siti.portal")
    person.save()

    [change] = changes(history(staff_client, "person", person.pk))

    assert "Wajib ganti sandi: Tidak -> Ya" in change
    assert "Akun portal: (kosong) -> siti.portal" in change
    assert "True" not in change and "None" not in change


def test_roles_kelurahan_and_dates_read_as_in_the_lists(staff_client):
    appointment = make_appointment(role="sekretaris", kelurahan="64.71.01.1001")
    appointment.role = "staf_teknis"
    appointment.kelurahan = Kelurahan.objects.get(code="64.71.01.1002")
    appointment.save()
    appointment_end(appointment=appointment, end_date=dt.date(2024, 7, 1), reason="evaluasi")

    ended, moved = changes(history(staff_client, "appointment", appointment.pk))

    assert "Jabatan: Sekretaris -> Staf Teknis" in moved
    assert "Kelurahan: Manggar -> Lamaru" in moved
    assert "Berhenti bertugas: (kosong) -> 01-07-2024" in ended
    assert "Alasan berhenti: (kosong) -> Hasil evaluasi" in ended


def test_records_without_a_user_say_the_system_made_them(staff_client):
    person = make_person()

    html = history(staff_client, "person", person.pk)

    assert "sistem" in html and "None" not in html


def test_decree_template_history_says_ya_tidak(staff_client):
    template = DecreeTemplate.objects.get()
    template.save()  # the data migration wrote no history record
    template.is_active = False
    template.save()

    [change, *_] = changes(history(staff_client, "decreetemplate", template.pk))

    assert "Dipakai: Ya -> Tidak" in change


def test_ceremony_history_names_the_invited_members(staff_client):
    from integrity.models import Ceremony

    ceremony = Ceremony.objects.get()
    ceremony.save()  # the data migration wrote no history record
    appointment = make_appointment()
    ceremony.expected.add(appointment)
    ceremony.save()

    response = staff_client.get(reverse("admin:integrity_ceremony_history", args=[ceremony.pk]))

    assert response.status_code == 200
    assert f"(kosong) -> {appointment}" in changes(response.content.decode())[0]


def test_a_version_page_is_shown_but_never_written_back(staff_client):
    """simple-history's version page is a form that writes the old values back ("Revert"): past the
    services' rules. It is read-only here, whatever is posted to it."""
    from secretariat.models import Person
    from tests.htmlforms import read_form

    person = make_person(name="Budi Lama")
    person.name = "Budi Baru"
    person.save()
    first = person.history.order_by("history_id").first()
    url = reverse("admin:secretariat_person_simple_history", args=[person.pk, first.history_id])

    page = staff_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Budi Lama"' in html
    assert 'name="_save"' not in html  # no button to write it back
    data, _ = read_form(html, "person_form")
    response = staff_client.post(url, {**data, "_save": "Simpan"})
    assert response.status_code == 405
    assert Person.objects.get(pk=person.pk).name == "Budi Baru"
    assert person.history.count() == 2


def test_a_history_page_makes_as_many_queries_for_13_versions_as_for_3(staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    appointment = make_appointment()
    url = reverse("admin:secretariat_appointment_history", args=[appointment.pk])

    def queries() -> int:
        staff_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url).status_code == 200
        return len(captured.captured_queries)

    codes = ["64.71.01.1002", "64.71.01.1003"]
    for code in codes:
        appointment.kelurahan = Kelurahan.objects.get(code=code)
        appointment.save()
    few = queries()
    for number in range(10):
        appointment.kelurahan = Kelurahan.objects.get(code=codes[number % 2])
        appointment.save()
    assert appointment.history.count() == 13
    assert queries() == few


def test_every_history_page_of_the_admin_is_read_only():
    """The Revert side door would matter most for an SK (revoked -> issued): no admin of a model with a
    history may keep simple-history's writable version page."""
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin

    from pps_admin.admin_history import ReadableHistoryAdmin

    with_history = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin) or hasattr(model, "history")
    ]
    assert {type(model_admin).__name__ for model_admin in with_history} >= {"DecreeAdmin", "PersonAdmin"}
    assert all(isinstance(model_admin, ReadableHistoryAdmin) for model_admin in with_history)
    assert all(model_admin.revert_disabled(None) for model_admin in with_history)
