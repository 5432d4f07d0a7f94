"""Replacement (penggantian antarwaktu, PAW): its own decree, read back from the PDF, and the Ganti form.

Personas: KPU staff (superuser) on the admin. Documents are rendered in-process (the worker is covered by
test_decree_generation.py) and read back with pypdf.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from secretariat.models import (
    Appointment,
    Decree,
    DecreeKind,
    DecreeTemplate,
    Document,
    DocumentKind,
    ElectionPeriod,
)
from secretariat.services.appointments import appointment_replace
from secretariat.services.decree_text import indonesian_date
from secretariat.services.decrees import decree_issue, decrees_issue, lines
from secretariat.services.document_jobs import render_document_pdf

from .factories import make_appointment, make_person, office
from .test_decrees import _document, _rendered_text

pytestmark = pytest.mark.django_db

SK_DATE = dt.date(2024, 6, 1)
LAMARU = "64.71.01.1002"
MANGGAR = "64.71.01.1001"
LURAH_DECREE = "100.3.3.2/12/KEL-LMR"


@pytest.fixture
def siti():
    """Sekretaris of Lamaru, appointed by decree 1 of 2024."""
    appointment = make_appointment(person=make_person(name="Siti Aminah", gender="P"), kelurahan=LAMARU)
    make_appointment(person=make_person(name="Budi Santoso"), kelurahan=MANGGAR, role="staf_teknis")
    assert decree_issue(decree_date=SK_DATE).number == "NOMOR 1 TAHUN 2024"
    return appointment


def _replace(appointment, name="Dewi Lestari", *, end=dt.date(2024, 7, 1), start=dt.date(2024, 7, 3), **kw):
    return appointment_replace(
        appointment=appointment,
        replacement=make_person(name=name, gender="P"),
        end_date=end,
        reason=kw.pop("reason", "mengundurkan_diri"),
        lurah_decree_number=kw.pop("lurah_decree_number", LURAH_DECREE),
        lurah_decree_date=kw.pop("lurah_decree_date", dt.date(2024, 6, 28)),
        start_date=start,
    )


# --- the decree ------------------------------------------------------------------------------------


def test_a_replacement_gets_a_paw_decree_citing_whom_it_replaces_why_since_when_and_the_lurah_decree(
    siti, artifacts_dir
):
    dewi = _replace(siti)
    decree = decree_issue(decree_date=dt.date(2024, 7, 5))
    # For people to look at (pdftoppm -png -r 70 test-artifacts/paw-keputusan.pdf ...).
    keputusan = Document.objects.select_related("decree").get(decree=decree, kind=DocumentKind.KEPUTUSAN)
    (artifacts_dir / "paw-keputusan.pdf").write_bytes(render_document_pdf(keputusan))
    assert (decree.kind, decree.number) == (DecreeKind.REPLACEMENT, "NOMOR 2 TAHUN 2024")
    assert list(decree.entries.values_list("appointment_id", flat=True)) == [dewi.pk]

    text = _rendered_text(_document(decree))
    assert (
        "TENTANG PENGGANTIAN ANTARWAKTU SEKRETARIAT PANITIA PEMUNGUTAN SUARA DALAM PEMILIHAN GUBERNUR DAN "
        "WAKIL GUBERNUR KALIMANTAN TIMUR SERTA WALI KOTA DAN WAKIL WALI KOTA BALIKPAPAN TAHUN 2024" in text
    )
    assert "DAFTAR NAMA PENGGANTI ANTARWAKTU SEKRETARIAT PANITIA PEMUNGUTAN SUARA" in text  # its lampiran
    considerations = text.split("Menimbang", 1)[1].split("Mengingat", 1)[0]
    # a. the decree that appointed the replaced member, cited as a sentence writes it
    assert (
        "telah ditetapkan dengan Keputusan Komisi Pemilihan Umum Kota Balikpapan Nomor 1 Tahun 2024 tentang "
        "Penetapan Sekretariat Panitia Pemungutan Suara dalam Pemilihan Gubernur dan Wakil Gubernur "
        "Kalimantan Timur serta Wali Kota dan Wakil Wali Kota Balikpapan Tahun 2024;" in considerations
    )
    # b. whom, why, since when
    assert (
        "bahwa Saudara Siti Aminah, Sekretaris Sekretariat Panitia Pemungutan Suara Kelurahan Lamaru "
        "Kecamatan Balikpapan Timur, berhenti karena mengundurkan diri dengan hari terakhir bertugas tanggal "
        "1 Juli 2024, sehingga perlu dilakukan penggantian antarwaktu" in considerations
    )
    # c. the new Lurah decree
    assert (
        f"bahwa Lurah Lamaru dengan Keputusan Lurah Nomor {LURAH_DECREE} tanggal 28 Juni 2024 telah "
        "menetapkan Saudara Dewi Lestari sebagai pengganti antarwaktu Sekretaris" in considerations
    )
    assert "sebagaimana dimaksud dalam huruf a, huruf b, dan huruf c" in considerations
    term_end = indonesian_date(ElectionPeriod.current().term_end)
    dictums = text.split("MEMUTUSKAN", 1)[1]
    assert f"terhitung mulai tanggal 3 Juli 2024 sampai dengan tanggal {term_end}" in dictums
    assert "mulai tanggal 26 Mei 2024" not in dictums  # not the main decree's term
    # Its costs charged to the budget as the main decree's are, not to the grant agreement itself.
    assert "dibebankan pada anggaran hibah Anggaran Pendapatan dan Belanja Daerah" in dictums
    assert "Menetapkan nama-nama" not in text and "Budi Santoso" not in text
    # Its own Memperhatikan: the plenary that decided the replacement, not the Lurah decrees of everyone.
    observations = text.split("Memperhatikan", 1)[1].split("MEMUTUSKAN", 1)[0]
    assert "tentang Penggantian Antarwaktu Sekretariat Panitia Pemungutan Suara" in observations
    assert "Nomor 476 Tahun 2022" in observations
    assert "tentang Penetapan Sekretaris dan Staf" not in observations
    assert "Pengganti antarwaktu Siti Aminah" in text.split("LAMPIRAN", 1)[1]

    petikan = _rendered_text(_document(decree, DocumentKind.PETIKAN, dewi))
    assert "PETIKAN KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN NOMOR 2 TAHUN 2024" in petikan
    assert "TENTANG PENGGANTIAN ANTARWAKTU SEKRETARIAT" in petikan
    assert "Dewi Lestari" in petikan and "sebagai Pengganti Antarwaktu anggota Sekretariat" in petikan


def test_two_replacements_starting_the_same_day_share_one_decree_with_a_consideration_each(siti):
    budi = Appointment.objects.get(person__name="Budi Santoso")
    _replace(siti)
    _replace(budi, "Rina Wati", reason="meninggal", lurah_decree_number="100/7/KEL-MGR")
    [decree] = decrees_issue(decree_date=dt.date(2024, 7, 5))
    assert decree.kind == DecreeKind.REPLACEMENT and decree.entries.count() == 2
    considerations = decree.text["considerations"]
    # The decree both were appointed by is cited once; then each replaced member, each Lurah decree.
    assert len(considerations) == 6
    assert sum("Nomor 1 Tahun 2024" in item for item in considerations) == 1
    text = _rendered_text(_document(decree))
    assert "Saudara Siti Aminah, Sekretaris" in text and "karena mengundurkan diri" in text
    assert "Saudara Budi Santoso, Staf Teknis" in text and "karena meninggal dunia" in text
    assert f"Keputusan Lurah Nomor {LURAH_DECREE}" in text and "Keputusan Lurah Nomor 100/7/KEL-MGR" in text
    assert "sebagaimana dimaksud dalam huruf a, huruf b, huruf c, huruf d, dan huruf e" in text
    # Replacement by replacement, in lampiran order: who left and why, then who replaces them.
    order = ["Saudara Budi Santoso", "Saudara Rina Wati", "Saudara Siti Aminah", "Saudara Dewi Lestari"]
    positions = [text.index(name) for name in order]
    assert positions == sorted(positions)


def test_replacements_starting_on_different_days_get_a_decree_each_with_its_own_term(siti):
    budi = Appointment.objects.get(person__name="Budi Santoso")
    _replace(siti, start=dt.date(2024, 7, 10))
    _replace(budi, "Rina Wati", start=dt.date(2024, 7, 3))
    decrees = decrees_issue(decree_date=dt.date(2024, 7, 12))
    assert [d.number for d in decrees] == ["NOMOR 2 TAHUN 2024", "NOMOR 3 TAHUN 2024"]
    first, second = (_rendered_text(_document(d)) for d in decrees)
    assert "terhitung mulai tanggal 3 Juli 2024" in first and "Rina Wati" in first
    assert "terhitung mulai tanggal 10 Juli 2024" in second and "Dewi Lestari" in second


def test_a_new_appointment_and_a_replacement_get_a_main_decree_and_a_paw_decree(siti):
    """The mixed case: one issue makes both, consecutive numbers; the single-decree service issues the
    main one first and leaves the replacement for the next call."""
    _replace(siti)
    newcomer = make_appointment(person=make_person(name="Andi Wijaya"), kelurahan=MANGGAR, role="bendahara")
    decree = decree_issue(decree_date=dt.date(2024, 7, 5))
    assert decree.kind == DecreeKind.APPOINTMENT
    assert list(decree.entries.values_list("appointment_id", flat=True)) == [newcomer.pk]
    assert "Dewi Lestari" not in _rendered_text(_document(decree))
    [paw] = decrees_issue(decree_date=dt.date(2024, 7, 5))
    assert (paw.kind, paw.number) == (DecreeKind.REPLACEMENT, "NOMOR 3 TAHUN 2024")
    assert decrees_issue(decree_date=dt.date(2024, 7, 5)) == []


def test_the_mixed_issue_is_all_or_nothing(siti):
    _replace(siti, start=dt.date(2024, 7, 10))
    make_appointment(person=make_person(name="Andi Wijaya"), kelurahan=MANGGAR, role="bendahara")
    with pytest.raises(ValidationError, match="Dewi Lestari"):  # dated before the replacement starts
        decrees_issue(decree_date=dt.date(2024, 7, 5))
    assert Decree.objects.count() == 1


def test_a_member_replaced_before_any_decree_is_appointed_by_the_main_decree(db):
    old = make_appointment(person=make_person(name="Siti Aminah", gender="P"), kelurahan=LAMARU)
    new = _replace(
        old, end=dt.date(2024, 5, 27), start=dt.date(2024, 5, 28), lurah_decree_date=dt.date(2024, 5, 27)
    )
    decree = decree_issue(decree_date=SK_DATE)
    assert decree.kind == DecreeKind.APPOINTMENT
    assert list(decree.entries.values_list("appointment_id", flat=True)) == [new.pk]
    assert "PENETAPAN SEKRETARIAT PANITIA PEMUNGUTAN SUARA" in _rendered_text(_document(decree))


def test_the_paw_text_is_editable_and_the_issued_snapshot_keeps_it(siti):
    template = DecreeTemplate.active(office())
    template.paw_title = "PENGGANTIAN ANTARWAKTU SEKRETARIAT PPS KELURAHAN LAMARU"
    template.paw_considerations = "bahwa {nama_diganti} berhenti karena {alasan_berhenti};\nbahwa perlu."
    template.full_clean()
    template.save()
    _replace(siti, reason="berhalangan_tetap")
    decree = decree_issue(decree_date=dt.date(2024, 7, 5))
    text = _rendered_text(_document(decree))
    assert "TENTANG PENGGANTIAN ANTARWAKTU SEKRETARIAT PPS KELURAHAN LAMARU" in text
    assert "bahwa Siti Aminah berhenti karena berhalangan tetap;" in text

    template.paw_title = "JUDUL LAIN"
    template.save()
    decree.refresh_from_db()
    assert _rendered_text(_document(decree)) == text
    assert decree.text["considerations"] == [
        "bahwa Siti Aminah berhenti karena berhalangan tetap;",
        "bahwa perlu.",
    ]


def test_the_default_template_carries_the_paw_text_and_the_admin_shows_it(staff_client):
    template = DecreeTemplate.active(office())
    assert lines(template.paw_title)[0].startswith(
        "PENGGANTIAN ANTARWAKTU SEKRETARIAT PANITIA PEMUNGUTAN SUARA"
    )
    assert "{mulai_tugas_pengganti}" in template.paw_dictums
    page = staff_client.get(reverse("admin:secretariat_decreetemplate_change", args=[template.pk]))
    body = page.content.decode()
    assert "SK penggantian antarwaktu (PAW)" in body and 'name="paw_considerations"' in body
    assert 'name="revocation_dictum"' in body


# --- the start date: rule in the service --------------------------------------------------------------


def test_the_replacement_starts_by_default_the_day_after_the_old_member_ends(siti):
    new = appointment_replace(
        appointment=siti,
        replacement=make_person(name="Dewi Lestari", gender="P"),
        end_date=dt.date(2024, 7, 1),
        reason="mengundurkan_diri",
        lurah_decree_number=LURAH_DECREE,
        lurah_decree_date=dt.date(2024, 6, 28),
    )
    assert new.start_date == dt.date(2024, 7, 2)


@pytest.mark.parametrize("start", [dt.date(2024, 7, 1), dt.date(2024, 6, 30)])
def test_a_replacement_starting_on_or_before_the_old_members_last_day_is_refused(siti, start):
    with pytest.raises(ValidationError) as caught:
        _replace(siti, start=start)
    assert caught.value.message_dict["start_date"] == [
        "Pengganti mulai bertugas paling awal 02-07-2024, sehari sesudah tanggal berhenti anggota lama "
        "(01-07-2024): satu jabatan hanya dipegang satu orang pada satu hari."
    ]
    siti.refresh_from_db()
    assert siti.is_active and not Appointment.objects.filter(replaces=siti).exists()


def test_a_replacement_starting_after_the_term_is_refused(siti):
    with pytest.raises(ValidationError, match="sesudah akhir masa kerja"):
        _replace(siti, start=ElectionPeriod.current().term_end + dt.timedelta(days=1))
    siti.refresh_from_db()
    assert siti.is_active


# --- the Ganti (PAW) form ---------------------------------------------------------------------------


def _form(**overrides):
    data = {
        "end_date": "2024-08-01",
        "reason": "mengundurkan_diri",
        "note": "",
        "lurah_decree_number": "100.3/15/KEP-LRH/2024",
        "lurah_decree_date": "2024-07-30",
        "start_date": "2024-08-05",
    }
    data.update(overrides)
    return data


def _replace_url(appointment):
    return reverse("admin:secretariat_appointment_replace", args=[appointment.pk])


def test_the_ganti_form_asks_for_the_start_date_and_explains_the_rule(staff_client, siti):
    body = staff_client.get(_replace_url(siti)).content.decode()
    assert 'name="start_date"' in body and "Pengganti mulai bertugas" in body
    assert "paling awal sehari sesudah tanggal berhenti anggota lama" in body


def test_the_ganti_form_saves_the_start_date(staff_client, siti):
    budi = make_person(name="Andi Wijaya")
    response = staff_client.post(_replace_url(siti), _form(replacement=str(budi.pk)))
    assert response.status_code == 302
    new = Appointment.objects.get(person=budi)
    assert (new.start_date, new.replaces_id) == (dt.date(2024, 8, 5), siti.pk)


@pytest.mark.parametrize(
    ("start_date", "message"),
    [
        ("", "Isi tanggal pengganti mulai bertugas."),
        ("2024-08-01", "Pengganti mulai bertugas paling awal 02-08-2024"),
    ],
)
def test_the_ganti_form_refuses_a_missing_or_overlapping_start_date_and_saves_nothing(
    staff_client, siti, start_date, message
):
    budi = make_person(name="Andi Wijaya")
    response = staff_client.post(_replace_url(siti), _form(replacement=str(budi.pk), start_date=start_date))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "start_date" in response.context["form"].errors  # shown next to the field
    siti.refresh_from_db()
    assert siti.is_active and not budi.appointments.exists()


def test_a_refused_ganti_form_does_not_say_the_old_appointment_ended(staff_client, siti):
    """The replacement already holds a post: nothing is saved, and the page must not claim that the old
    appointment "berakhir" (the service had set the end on its copy before the refusal)."""
    budi = Appointment.objects.get(person__name="Budi Santoso").person
    response = staff_client.post(_replace_url(siti), _form(replacement=str(budi.pk)))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Budi Santoso sudah menjabat Staf Teknis di Kelurahan Manggar" in body
    summary = body.split('<div id="content-main">', 1)[1].split("<form", 1)[0]
    assert "Siti Aminah" in summary and "berakhir" not in summary
    siti.refresh_from_db()
    assert siti.is_active


# --- issuing from the admin and the command --------------------------------------------------------


def test_the_issue_page_issues_the_main_and_the_paw_decree_together(staff_client, siti):
    _replace(siti)
    make_appointment(person=make_person(name="Andi Wijaya"), kelurahan=MANGGAR, role="bendahara")
    response = staff_client.post(
        reverse("admin:secretariat_decree_issue"), {"decree_date": "2024-07-05"}, follow=True
    )
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("admin:secretariat_decree_changelist")
    assert "SK NOMOR 2 TAHUN 2024 diterbitkan untuk 1 anggota" in body
    assert "SK NOMOR 3 TAHUN 2024 (penggantian antarwaktu) diterbitkan untuk 1 anggota" in body
    assert list(Decree.objects.order_by("sequence").values_list("kind", flat=True)) == [
        DecreeKind.APPOINTMENT,
        DecreeKind.APPOINTMENT,
        DecreeKind.REPLACEMENT,
    ]


def test_generate_sk_issues_the_paw_decree_and_names_its_kind(siti):
    import io

    from django.core.management import call_command

    _replace(siti)
    stderr = io.StringIO()
    call_command("generate_sk", "--date", "2024-07-05", stderr=stderr)
    assert (
        "SK NOMOR 2 TAHUN 2024 (Penggantian antarwaktu) diterbitkan: 1 anggota, 3 dokumen."
        in stderr.getvalue()
    )
