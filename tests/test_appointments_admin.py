"""The admin for people and appointments: masking, validation, end/replace pages, audit trail, queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kelurahan.models import Kelurahan
from secretariat.models import Appointment, ElectionPeriod, EndReason, Person
from secretariat.services.appointments import appointment_end
from tests.factories import make_appointment, make_person, person_fields

pytestmark = pytest.mark.django_db

PERSON_CHANGELIST = "admin:secretariat_person_changelist"
APPOINTMENT_CHANGELIST = "admin:secretariat_appointment_changelist"


@pytest.fixture
def siti():
    """A woman born 1 January 1990 whose NIK ends in 0001: masked as 6471********0001."""
    return make_person(nik="6471014101900001", name="Siti Aminah", gender="P", birth_date=dt.date(1990, 1, 1))


@pytest.fixture
def siti_in_manggar(siti):
    return make_appointment(person=siti, kelurahan="64.71.01.1001", role="sekretaris")


@pytest.fixture
def viewer_client(client, viewer_user):
    client.force_login(viewer_user)
    return client


def url(name, *args):
    return reverse(name, args=args)


def end_url(appointment):
    return url("admin:secretariat_appointment_end", appointment.pk)


def replace_url(appointment):
    return url("admin:secretariat_appointment_replace", appointment.pk)


def person_form_data(**overrides):
    """What the person add/change form posts (no appointments inline rows)."""
    data = {
        "nik": "",
        "name": "",
        "gender": "",
        "birth_place": "Balikpapan",
        "birth_date": "",
        "employment_status": "NON_ASN",
        "nip": "",
        "phone": "",
        "email": "",
        "address": "",
        "user": "",
        "appointments-TOTAL_FORMS": "0",
        "appointments-INITIAL_FORMS": "0",
        "appointments-MIN_NUM_FORMS": "0",
        "appointments-MAX_NUM_FORMS": "1000",
        "_save": "Simpan",
    }
    data.update(overrides)
    return data


def appointment_form_data(*, person, kelurahan="64.71.01.1001", role="sekretaris", **overrides):
    period = ElectionPeriod.current()
    data = {
        "person": str(person.pk),
        "kelurahan": kelurahan,
        "role": role,
        "period": str(period.pk),
        "start_date": period.term_start.isoformat(),
        "lurah_decree_number": "",
        "lurah_decree_date": "",
        "_save": "Simpan",
    }
    data.update(overrides)
    return data


def replace_form_data(*, replacement, **overrides):
    data = {
        "replacement": str(replacement.pk) if isinstance(replacement, Person) else replacement,
        "end_date": "2024-08-01",
        "reason": EndReason.RESIGNED.value,
        "note": "",
        "lurah_decree_number": "100.3/15/KEP-LRH/2024",
        "lurah_decree_date": "2024-07-30",
        "start_date": "2024-08-02",
    }
    data.update(overrides)
    return data


def page_text(response) -> str:
    return response.content.decode()


# --- Masked NIK in the lists ------------------------------------------------------------------------


def test_the_person_list_shows_the_masked_nik_and_never_the_full_one(staff_client, siti_in_manggar):
    response = staff_client.get(url(PERSON_CHANGELIST))
    assert response.status_code == 200
    html = page_text(response)
    assert "Siti Aminah" in html
    assert "6471********0001" in html
    assert "6471014101900001" not in html
    assert "Sekretaris - Manggar" in html  # the active post column


def test_the_appointment_list_shows_the_masked_nik_and_never_the_full_one(staff_client, siti_in_manggar):
    response = staff_client.get(url(APPOINTMENT_CHANGELIST))
    assert response.status_code == 200
    html = page_text(response)
    assert "Siti Aminah" in html
    assert "6471********0001" in html
    assert "6471014101900001" not in html


def test_the_appointment_pages_show_the_masked_nik_only(staff_client, siti_in_manggar):
    for page in [end_url(siti_in_manggar), replace_url(siti_in_manggar)]:
        html = page_text(staff_client.get(page))
        assert "6471********0001" in html
        assert "6471014101900001" not in html


def test_searching_people_by_full_nik_finds_the_person(staff_client, siti):
    other = make_person(name="Budi Santoso")
    response = staff_client.get(url(PERSON_CHANGELIST), {"q": siti.nik})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [siti]
    html = page_text(response)
    assert "6471********0001" in html
    assert other.name not in html


def test_searching_appointments_by_full_nik_finds_the_appointment(staff_client, siti_in_manggar):
    make_appointment(person=make_person(name="Budi Santoso"), kelurahan="64.71.01.1002")
    response = staff_client.get(url(APPOINTMENT_CHANGELIST), {"q": siti_in_manggar.person.nik})
    assert list(response.context["cl"].result_list) == [siti_in_manggar]


# --- Adding an appointment to a taken post ----------------------------------------------------------


def test_adding_an_appointment_to_a_taken_post_shows_the_holder_instead_of_failing(
    staff_client, siti_in_manggar
):
    newcomer = make_person(name="Budi Santoso")
    response = staff_client.post(
        url("admin:secretariat_appointment_add"), appointment_form_data(person=newcomer)
    )
    assert response.status_code == 200  # the form again, not a 500 and not a redirect
    form = response.context["adminform"].form
    assert form.errors["role"][0].startswith(
        "Jabatan Sekretaris di Kelurahan Manggar sudah diisi oleh Siti Aminah."
    )
    assert "sudah diisi oleh Siti Aminah" in page_text(response)
    assert Appointment.objects.count() == 1
    assert not newcomer.appointments.exists()


def test_adding_a_second_post_for_the_same_person_names_the_post_they_hold(staff_client, siti_in_manggar):
    response = staff_client.post(
        url("admin:secretariat_appointment_add"),
        appointment_form_data(person=siti_in_manggar.person, kelurahan="64.71.01.1002", role="bendahara"),
    )
    assert response.status_code == 200
    assert "Siti Aminah sudah menjabat Sekretaris di Kelurahan Manggar" in page_text(response)
    assert Appointment.objects.count() == 1


def test_adding_an_appointment_to_a_free_post_works(staff_client, siti):
    response = staff_client.post(url("admin:secretariat_appointment_add"), appointment_form_data(person=siti))
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.person, appointment.kelurahan_id, appointment.role) == (
        siti,
        "64.71.01.1001",
        "sekretaris",
    )


def test_an_active_appointment_page_links_to_end_and_replace(staff_client, siti_in_manggar):
    html = page_text(staff_client.get(url("admin:secretariat_appointment_change", siti_in_manggar.pk)))
    assert f'href="{end_url(siti_in_manggar)}"' in html
    assert f'href="{replace_url(siti_in_manggar)}"' in html


def test_an_ended_appointment_page_has_no_end_or_replace_links(staff_client, siti_in_manggar):
    appointment_end(appointment=siti_in_manggar, end_date=dt.date(2024, 8, 1), reason=EndReason.RESIGNED)
    html = page_text(staff_client.get(url("admin:secretariat_appointment_change", siti_in_manggar.pk)))
    assert end_url(siti_in_manggar) not in html
    assert replace_url(siti_in_manggar) not in html


# --- "Akhiri" ---------------------------------------------------------------------------------------


def test_the_end_page_renders_for_an_active_appointment(staff_client, siti_in_manggar):
    response = staff_client.get(end_url(siti_in_manggar))
    assert response.status_code == 200
    html = page_text(response)
    assert "Akhiri pengangkatan" in html
    assert "Siti Aminah" in html and "Manggar" in html


def test_ending_an_appointment_through_the_end_page(staff_client, siti_in_manggar):
    response = staff_client.post(
        end_url(siti_in_manggar),
        {"end_date": "2024-08-01", "reason": EndReason.DIED.value, "note": "Surat keterangan kematian"},
    )
    assert response.status_code == 302
    assert response.url == url("admin:secretariat_appointment_change", siti_in_manggar.pk)
    siti_in_manggar.refresh_from_db()
    assert (siti_in_manggar.end_date, siti_in_manggar.end_reason, siti_in_manggar.end_note) == (
        dt.date(2024, 8, 1),
        EndReason.DIED,
        "Surat keterangan kematian",
    )


def test_the_end_page_shows_an_end_date_before_the_start(staff_client, siti_in_manggar):
    response = staff_client.post(
        end_url(siti_in_manggar), {"end_date": "2024-01-01", "reason": EndReason.RESIGNED.value, "note": ""}
    )
    assert response.status_code == 200
    assert "Tanggal berhenti tidak boleh sebelum mulai bertugas." in page_text(response)
    siti_in_manggar.refresh_from_db()
    assert siti_in_manggar.is_active


def test_the_end_page_requires_a_date_and_a_known_reason(staff_client, siti_in_manggar):
    response = staff_client.post(end_url(siti_in_manggar), {"end_date": "", "reason": "dipecat", "note": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"end_date", "reason"}
    assert 'class="errorlist' in page_text(response)
    siti_in_manggar.refresh_from_db()
    assert siti_in_manggar.is_active


def test_the_end_page_of_an_ended_appointment_sends_you_back(staff_client, siti_in_manggar):
    appointment_end(appointment=siti_in_manggar, end_date=dt.date(2024, 8, 1), reason=EndReason.RESIGNED)
    response = staff_client.post(
        end_url(siti_in_manggar), {"end_date": "2024-09-01", "reason": EndReason.DIED.value}, follow=True
    )
    assert response.redirect_chain[0][0] == url("admin:secretariat_appointment_change", siti_in_manggar.pk)
    assert "Pengangkatan ini sudah berakhir." in page_text(response)
    siti_in_manggar.refresh_from_db()
    assert (siti_in_manggar.end_date, siti_in_manggar.end_reason) == (dt.date(2024, 8, 1), EndReason.RESIGNED)


def test_the_end_page_of_an_unknown_appointment_is_404(staff_client):
    assert staff_client.get(url("admin:secretariat_appointment_end", 999999)).status_code == 404


# --- "Ganti (PAW)" ----------------------------------------------------------------------------------


def test_the_replace_page_renders(staff_client, siti_in_manggar):
    response = staff_client.get(replace_url(siti_in_manggar))
    assert response.status_code == 200
    assert "Penggantian antarwaktu (PAW)" in page_text(response)


def test_replacing_ends_the_old_appointment_and_appoints_the_replacement(staff_client, siti_in_manggar):
    budi = make_person(name="Budi Santoso")
    response = staff_client.post(replace_url(siti_in_manggar), replace_form_data(replacement=budi))
    assert response.status_code == 302
    new = Appointment.objects.get(person=budi)
    assert response.url == url("admin:secretariat_appointment_change", new.pk)
    siti_in_manggar.refresh_from_db()
    assert (siti_in_manggar.end_date, siti_in_manggar.end_reason) == (dt.date(2024, 8, 1), EndReason.RESIGNED)
    assert (new.kelurahan_id, new.role, new.period_id) == (
        "64.71.01.1001",
        "sekretaris",
        siti_in_manggar.period_id,
    )
    assert new.is_active
    assert new.replaces == siti_in_manggar
    assert new.start_date == dt.date(2024, 8, 2)
    assert (new.lurah_decree_number, new.lurah_decree_date) == ("100.3/15/KEP-LRH/2024", dt.date(2024, 7, 30))


def test_the_replace_page_refuses_a_person_who_is_not_registered(staff_client, siti_in_manggar):
    response = staff_client.post(replace_url(siti_in_manggar), replace_form_data(replacement="999999"))
    assert response.status_code == 200
    assert "Orang pengganti tidak ditemukan. Pilih dari hasil pencarian." in page_text(response)
    siti_in_manggar.refresh_from_db()
    assert siti_in_manggar.is_active
    assert Appointment.objects.count() == 1


def test_the_replace_page_refuses_a_replacement_who_already_holds_a_post_and_changes_nothing(
    staff_client, siti_in_manggar
):
    budi = make_person(name="Budi Santoso")
    make_appointment(person=budi, kelurahan="64.71.01.1002", role="bendahara")
    history_before = siti_in_manggar.history.count()
    response = staff_client.post(replace_url(siti_in_manggar), replace_form_data(replacement=budi))
    assert response.status_code == 200
    assert "Budi Santoso sudah menjabat Bendahara di Kelurahan Lamaru" in page_text(response)
    # Ending Siti was rolled back together with the refused appointment.
    siti_in_manggar.refresh_from_db()
    assert siti_in_manggar.is_active
    assert siti_in_manggar.history.count() == history_before
    assert Appointment.objects.count() == 2


def test_the_replace_page_requires_the_lurah_decree(staff_client, siti_in_manggar):
    budi = make_person(name="Budi Santoso")
    response = staff_client.post(
        replace_url(siti_in_manggar),
        replace_form_data(replacement=budi, lurah_decree_number="", lurah_decree_date=""),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"lurah_decree_number", "lurah_decree_date"}
    siti_in_manggar.refresh_from_db()
    assert siti_in_manggar.is_active


def test_the_replace_page_shows_an_end_date_before_the_start(staff_client, siti_in_manggar):
    budi = make_person(name="Budi Santoso")
    response = staff_client.post(
        replace_url(siti_in_manggar),
        replace_form_data(replacement=budi, end_date="2024-01-01", lurah_decree_date="2023-12-30"),
    )
    assert response.status_code == 200
    assert "Tanggal berhenti tidak boleh sebelum mulai bertugas." in page_text(response)
    assert not budi.appointments.exists()


def test_the_end_and_replace_forms_preselect_no_reason_and_require_one(staff_client, siti_in_manggar):
    html = page_text(staff_client.get(end_url(siti_in_manggar)))
    assert '<option value="" selected>— pilih alasan —</option>' in html
    assert "selected>Meninggal dunia" not in html
    for target, data in [
        (end_url(siti_in_manggar), {"end_date": "2024-08-01", "note": ""}),
        (replace_url(siti_in_manggar), replace_form_data(replacement=make_person(), reason="")),
    ]:
        response = staff_client.post(target, data)
        assert response.status_code == 200
        assert response.context["form"].errors["reason"] == ["Pilih alasan berhenti."]
    siti_in_manggar.refresh_from_db()
    assert siti_in_manggar.is_active


def test_the_replace_page_offers_a_search_and_an_add_button_instead_of_a_nik_box(
    staff_client, siti_in_manggar
):
    html = page_text(staff_client.get(replace_url(siti_in_manggar)))
    assert 'name="replacement_nik"' not in html
    assert url("admin:secretariat_appointment_replacement_search") in html  # select2 asks it
    assert 'class="admin-autocomplete' in html
    assert 'data-minimum-input-length="3"' in html  # select2 waits for three characters
    assert f'href="{url("admin:secretariat_person_add")}?_to_field=id&amp;_popup=1"' in html


def test_the_replacement_search_finds_people_without_a_post_by_name_or_nik(staff_client, siti_in_manggar):
    budi = make_person(name="Budi Santoso")
    budiman = make_person(name="Budiman Hakim")
    make_appointment(person=budiman, kelurahan="64.71.01.1002", role="bendahara")  # holds a post
    search = url("admin:secretariat_appointment_replacement_search")

    data = staff_client.get(search, {"term": "budi"}).json()
    assert data == {
        "results": [{"id": str(budi.pk), "text": f"Budi Santoso ({budi.masked_nik})"}],
        "pagination": {"more": False},
    }
    # A NIK is matched whole, as on the person list (a partial NIK would scan 251k people per keystroke).
    assert [r["id"] for r in staff_client.get(search, {"term": budi.nik}).json()["results"]] == [str(budi.pk)]
    assert staff_client.get(search, {"term": budi.nik[-6:]}).json()["results"] == []
    assert budi.nik not in staff_client.get(search, {"term": "budi"}).content.decode()  # masked
    assert staff_client.get(search, {"term": "siti"}).json()["results"] == []  # Siti holds a post
    # Without a word of three characters nothing is searched: listing everyone free passes everyone with a
    # post, and shorter words are no trigram.
    for term in ["", "bu", " b ", "b u d"]:
        with CaptureQueriesContext(connection) as queries:
            data = staff_client.get(search, {"term": term}).json()
        assert data == {"results": [], "pagination": {"more": False}}
        assert not [q for q in queries.captured_queries if "secretariat_person" in q["sql"]]
    assert [r["id"] for r in staff_client.get(search, {"term": "bud"}).json()["results"]] == [str(budi.pk)]


def test_the_replacement_search_is_for_staff_who_may_change_appointments(viewer_client, siti_in_manggar):
    assert viewer_client.get(url("admin:secretariat_appointment_replacement_search")).status_code == 403


# --- Undo an "Akhiri" made by mistake -----------------------------------------------------------------


def reactivate_url(appointment):
    return url("admin:secretariat_appointment_reactivate", appointment.pk)


def test_an_appointment_ended_by_mistake_can_be_made_active_again_and_it_is_audited(
    staff_client, staff_user, siti_in_manggar
):
    staff_client.post(end_url(siti_in_manggar), {"end_date": "2024-08-01", "reason": EndReason.DIED.value})
    siti_in_manggar.refresh_from_db()
    assert not siti_in_manggar.is_active
    html = page_text(staff_client.get(url("admin:secretariat_appointment_change", siti_in_manggar.pk)))
    assert f'href="{reactivate_url(siti_in_manggar)}"' in html

    response = staff_client.post(reactivate_url(siti_in_manggar), {"note": "Salah pilih anggota"})
    assert response.status_code == 302
    siti_in_manggar.refresh_from_db()
    assert siti_in_manggar.is_active
    assert (siti_in_manggar.end_reason, siti_in_manggar.end_note) == ("", "")
    last = siti_in_manggar.history.first()
    assert last.history_change_reason == "pengakhiran dibatalkan: Salah pilih anggota"
    assert last.history_user == staff_user
    assert siti_in_manggar.history.all()[1].end_reason == EndReason.DIED  # the mistake stays on record


def test_undoing_an_end_needs_a_reason(staff_client, siti_in_manggar):
    appointment_end(appointment=siti_in_manggar, end_date=dt.date(2024, 8, 1), reason=EndReason.RESIGNED)
    response = staff_client.post(reactivate_url(siti_in_manggar), {"note": ""})
    assert response.status_code == 200
    assert "Tulis alasan pembatalan untuk riwayat." in page_text(response)
    siti_in_manggar.refresh_from_db()
    assert not siti_in_manggar.is_active


def test_an_end_cannot_be_undone_once_someone_replaced_the_member(staff_client, siti_in_manggar):
    budi = make_person(name="Budi Santoso")
    staff_client.post(replace_url(siti_in_manggar), replace_form_data(replacement=budi))
    html = page_text(staff_client.get(url("admin:secretariat_appointment_change", siti_in_manggar.pk)))
    assert reactivate_url(siti_in_manggar) not in html
    response = staff_client.post(reactivate_url(siti_in_manggar), {"note": "coba"})
    assert "sudah diganti (PAW)" in page_text(response)
    siti_in_manggar.refresh_from_db()
    assert not siti_in_manggar.is_active


def test_an_end_cannot_be_undone_when_the_post_was_filled_in_the_meantime(staff_client, siti_in_manggar):
    appointment_end(appointment=siti_in_manggar, end_date=dt.date(2024, 8, 1), reason=EndReason.RESIGNED)
    make_appointment(person=make_person(name="Rudi Hartono"), kelurahan="64.71.01.1001", role="sekretaris")
    response = staff_client.post(reactivate_url(siti_in_manggar), {"note": "Salah pilih"})
    assert response.status_code == 200
    assert "sudah diisi oleh Rudi Hartono" in page_text(response)
    siti_in_manggar.refresh_from_db()
    assert not siti_in_manggar.is_active


def test_an_active_appointment_has_nothing_to_undo(staff_client, siti_in_manggar):
    response = staff_client.post(reactivate_url(siti_in_manggar), {"note": "x"}, follow=True)
    assert "Pengangkatan ini masih aktif." in page_text(response)


def test_a_viewer_cannot_undo_an_end(viewer_client, siti_in_manggar):
    appointment_end(appointment=siti_in_manggar, end_date=dt.date(2024, 8, 1), reason=EndReason.RESIGNED)
    assert viewer_client.post(reactivate_url(siti_in_manggar), {"note": "x"}).status_code == 403
    siti_in_manggar.refresh_from_db()
    assert not siti_in_manggar.is_active


# --- Permissions ------------------------------------------------------------------------------------


def test_a_viewer_can_see_the_lists(viewer_client, siti_in_manggar):
    assert viewer_client.get(url(APPOINTMENT_CHANGELIST)).status_code == 200
    assert viewer_client.get(url(PERSON_CHANGELIST)).status_code == 200


@pytest.mark.parametrize("page", [end_url, replace_url])
def test_a_viewer_gets_403_on_the_end_and_replace_pages(viewer_client, siti_in_manggar, page):
    assert viewer_client.get(page(siti_in_manggar)).status_code == 403
    budi = make_person(name="Budi Santoso")
    response = viewer_client.post(page(siti_in_manggar), replace_form_data(replacement=budi))
    assert response.status_code == 403
    siti_in_manggar.refresh_from_db()
    assert siti_in_manggar.is_active
    assert not budi.appointments.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, siti_in_manggar):
    response = client.get(end_url(siti_in_manggar))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- Audit trail ------------------------------------------------------------------------------------


def test_creating_and_changing_a_person_in_the_admin_is_recorded_with_the_staff_user(
    staff_client, staff_user
):
    fields = person_fields(gender="P", birth_date=dt.date(1992, 3, 4))
    data = person_form_data(
        nik=fields["nik"], name="Dewi Lestari", gender="P", birth_date="1992-03-04", phone="081234567890"
    )
    response = staff_client.post(url("admin:secretariat_person_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get(nik=fields["nik"])

    data["address"] = "Jl. Mulawarman No. 1"
    data["loaded_version"] = person.updated_at.isoformat()  # as the change form carries it
    response = staff_client.post(url("admin:secretariat_person_change", person.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    records = list(person.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert all(r.history_user == staff_user for r in records)
    assert records[0].address == "" and records[1].address == "Jl. Mulawarman No. 1"


def test_the_person_form_shows_a_nik_mismatch_instead_of_saving(staff_client):
    fields = person_fields(gender="L", birth_date=dt.date(1992, 3, 4))
    data = person_form_data(nik=fields["nik"], name="Dedi Fiktif", gender="L", birth_date="1992-03-05")
    response = staff_client.post(url("admin:secretariat_person_add"), data)
    assert response.status_code == 200
    assert "Tanggal lahir tidak sesuai dengan NIK" in page_text(response)
    assert not Person.objects.filter(nik=fields["nik"]).exists()


def test_the_person_form_refuses_a_full_width_nik_instead_of_failing(staff_client):
    data = person_form_data(
        nik="６４７１０１０４０３９２０００１", name="Dedi Fiktif", gender="L", birth_date="1992-03-04"
    )
    response = staff_client.post(url("admin:secretariat_person_add"), data)
    assert response.status_code == 200
    assert "NIK hanya boleh berisi angka." in page_text(response)
    assert not Person.objects.exists()


def test_the_person_form_warns_about_a_nik_from_outside_balikpapan(staff_client):
    fields = person_fields(region="317101", birth_date=dt.date(1992, 3, 4))
    data = person_form_data(nik=fields["nik"], name="Dedi Fiktif", gender="L", birth_date="1992-03-04")
    response = staff_client.post(url("admin:secretariat_person_add"), data, follow=True)
    assert Person.objects.filter(nik=fields["nik"]).exists()
    assert "diterbitkan di luar Balikpapan" in page_text(response)


def test_creating_changing_and_ending_an_appointment_in_the_admin_is_recorded(staff_client, staff_user, siti):
    response = staff_client.post(url("admin:secretariat_appointment_add"), appointment_form_data(person=siti))
    assert response.status_code == 302
    appointment = Appointment.objects.get(person=siti)

    data = {
        "start_date": "2024-05-27",
        "lurah_decree_number": "100.3/7/KEP-LRH/2024",
        "lurah_decree_date": "2024-05-20",
        "loaded_version": appointment.updated_at.isoformat(),  # as the change form carries it
        "_save": "Simpan",
    }
    response = staff_client.post(url("admin:secretariat_appointment_change", appointment.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    response = staff_client.post(
        end_url(appointment), {"end_date": "2024-09-30", "reason": EndReason.EVALUATION.value, "note": ""}
    )
    assert response.status_code == 302

    records = list(appointment.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~", "~"]
    assert all(r.history_user == staff_user for r in records)
    assert records[1].lurah_decree_number == "100.3/7/KEP-LRH/2024"
    assert records[2].end_date == dt.date(2024, 9, 30)
    assert records[2].history_change_reason == "diakhiri: Hasil evaluasi"


def test_a_replacement_in_the_admin_is_recorded_on_both_appointments(
    staff_client, staff_user, siti_in_manggar
):
    budi = make_person(name="Budi Santoso")
    staff_client.post(replace_url(siti_in_manggar), replace_form_data(replacement=budi))
    new = Appointment.objects.get(person=budi)
    old_latest = siti_in_manggar.history.latest()
    assert (old_latest.history_type, old_latest.history_user) == ("~", staff_user)
    assert old_latest.end_reason == EndReason.RESIGNED
    new_records = list(new.history.all())
    assert [(r.history_type, r.history_user) for r in new_records] == [("+", staff_user)]


def test_the_person_history_page_lists_who_changed_what(staff_client, staff_user):
    fields = person_fields()
    data = person_form_data(nik=fields["nik"], name="Dewi Lestari", gender="L", birth_date="1990-05-17")
    staff_client.post(url("admin:secretariat_person_add"), data)
    person = Person.objects.get(nik=fields["nik"])
    response = staff_client.get(url("admin:secretariat_person_history", person.pk))
    assert response.status_code == 200
    html = page_text(response)
    assert "Dewi Lestari" in html
    assert staff_user.username in html


def test_the_appointment_history_page_renders(staff_client, siti_in_manggar):
    appointment_end(appointment=siti_in_manggar, end_date=dt.date(2024, 8, 1), reason=EndReason.RESIGNED)
    response = staff_client.get(url("admin:secretariat_appointment_history", siti_in_manggar.pk))
    assert response.status_code == 200
    assert "diakhiri: Mengundurkan diri" in page_text(response)


# --- Query counts -----------------------------------------------------------------------------------


def all_posts() -> list[tuple[str, str]]:
    """The 102 posts of Balikpapan (34 kelurahan x 3 roles), in code order."""
    codes = Kelurahan.objects.order_by("code").values_list("code", flat=True)
    return [(code, role) for code in codes for role in ["sekretaris", "bendahara", "staf_teknis"]]


def fill_posts(posts):
    """One person per post; every third one an ASN, so both kinds of row are listed."""
    for index, (code, role) in enumerate(posts):
        make_appointment(person=make_person(asn=index % 3 == 0), kelurahan=code, role=role)


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("changelist", [PERSON_CHANGELIST, APPOINTMENT_CHANGELIST])
def test_the_lists_use_as_many_queries_for_102_people_as_for_3(staff_client, changelist):
    path = url(changelist)
    posts = all_posts()
    assert len(posts) == 102
    fill_posts(posts[:3])
    staff_client.get(path)  # warm caches (content types, session) so both counts are comparable
    with_three = queries_for(staff_client, path)

    fill_posts(posts[3:])
    assert Person.objects.count() == 102 and Appointment.objects.active().count() == 102
    response = staff_client.get(path)
    assert len(response.context["cl"].result_list) == 50  # a page, not all 102
    assert response.context["cl"].result_count == 102
    assert queries_for(staff_client, path) == with_three


def test_people_and_appointments_cannot_be_deleted_in_the_admin(staff_client):
    appointment = make_appointment()
    assert staff_client.get(url("admin:secretariat_person_delete", appointment.person.pk)).status_code == 403
    assert staff_client.get(url("admin:secretariat_appointment_delete", appointment.pk)).status_code == 403


def test_an_end_date_after_the_term_is_refused(staff_client):
    appointment = make_appointment()
    response = staff_client.post(
        url("admin:secretariat_appointment_end", appointment.pk),
        {"end_date": "2031-01-01", "reason": "mengundurkan_diri", "note": ""},
    )
    assert response.status_code == 200
    assert "akhir masa kerja" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.is_active


# --- Roster order ------------------------------------------------------------------------------------


def test_the_list_follows_roster_order_not_the_alphabet(staff_client):
    for role in ("staf_teknis", "bendahara", "sekretaris"):
        make_appointment(
            person=make_person(name=f"Anggota {role.replace('_', ' ')}"), kelurahan="64.71.01.1002", role=role
        )
    make_appointment(person=make_person(name="Anggota Manggar"), kelurahan="64.71.01.1001", role="bendahara")

    response = staff_client.get(url(APPOINTMENT_CHANGELIST))

    listed = [(a.kelurahan_id, a.role) for a in response.context["cl"].result_list]
    assert listed == [
        ("64.71.01.1001", "bendahara"),
        ("64.71.01.1002", "sekretaris"),
        ("64.71.01.1002", "bendahara"),
        ("64.71.01.1002", "staf_teknis"),
    ]


def test_sorting_by_the_role_column_uses_roster_order(staff_client):
    for kelurahan in ("64.71.01.1001", "64.71.01.1002"):
        for role in ("staf_teknis", "sekretaris", "bendahara"):
            make_appointment(kelurahan=kelurahan, role=role)
    role_column = response_columns(staff_client).index("role_label")  # 0 is the checkbox column

    response = staff_client.get(url(APPOINTMENT_CHANGELIST) + f"?o={role_column}")

    roles = [a.role for a in response.context["cl"].result_list]
    assert roles == ["sekretaris"] * 2 + ["bendahara"] * 2 + ["staf_teknis"] * 2


def response_columns(client) -> list[str]:
    return list(client.get(url(APPOINTMENT_CHANGELIST)).context["cl"].list_display)


def test_the_admin_checks_pass_with_the_roster_order():
    from django.contrib import admin

    from integrity.models import Pact

    assert admin.site._registry[Appointment].check() == []
    assert admin.site._registry[Pact].check() == []


# --- Adding an appointment ---------------------------------------------------------------------------


def preselected_period(client) -> str | None:
    form = client.get(url("admin:secretariat_appointment_add")).context["adminform"].form
    return form.initial.get("period")


def test_adding_an_appointment_preselects_the_current_period(staff_client):
    ElectionPeriod.objects.create(
        name="Pemilu 2029",
        vote_date=dt.date(2029, 2, 14),
        term_start=dt.date(2028, 6, 1),
        term_end=dt.date(2029, 4, 1),
    )
    current = ElectionPeriod.current()

    html = staff_client.get(url("admin:secretariat_appointment_add")).content.decode()

    assert preselected_period(staff_client) == current.pk
    assert f'<option value="{current.pk}" selected>' in html


def test_without_a_current_mark_the_period_covering_today_is_preselected(staff_client):
    from django.utils import timezone

    ElectionPeriod.objects.update(is_current=False)
    today = timezone.localdate()
    covering = ElectionPeriod.objects.create(
        name="Periode berjalan",
        vote_date=today,
        term_start=today - dt.timedelta(days=30),
        term_end=today + dt.timedelta(days=30),
    )

    assert preselected_period(staff_client) == covering.pk


def test_nothing_is_preselected_when_no_period_is_clearly_the_one(staff_client):
    ElectionPeriod.objects.update(is_current=False)
    ElectionPeriod.objects.create(
        name="Pemilu 2019",
        vote_date=dt.date(2019, 4, 17),
        term_start=dt.date(2019, 1, 1),
        term_end=dt.date(2019, 6, 1),
    )

    assert preselected_period(staff_client) is None
