"""Every document names its own office (issue #17, items 2, 4 and 5): a second office (KPU Kota Samarinda,
made by create_office) issues its own Keputusan, Petikan and pacts under its own letterhead, heading,
signer and place, numbered in its own sequence; the portal and the check page name the member's office;
in a desa the basis decree is the Kepala Desa's."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from integrity.models import Ceremony, Pact, PactText
from integrity.services.documents import attendance_content
from integrity.services.pacts import pacts_generate
from secretariat.check_code import grouped
from secretariat.models import Appointment, Decree, DecreeTemplate, Document, DocumentKind
from secretariat.roles import OPERATOR
from secretariat.services.appointments import appointment_replace
from secretariat.services.decrees import decree_issue, decrees_issue
from secretariat.services.document_jobs import document_render_and_store

from . import pdf
from .factories import ceremony_of, install_local_seal, join_office, make_appointment, make_person, office

DECREE_DATE = dt.date(2024, 6, 1)
RAWA_MAKMUR, HANDIL_BAKTI = "64.72.01.1001", "64.72.01.1002"  # kelurahan of Kota Samarinda
PERIAN, LOA_IPUH = "64.02.01.2001", "64.02.06.1002"  # a desa and a kelurahan of Kutai Kartanegara
SAMARINDA_CHAIR = "KETUA UJI SAMARINDA"


def quiet(command, *args, **options):
    call_command(command, *args, stdout=io.StringIO(), stderr=io.StringIO(), **options)


def new_office(code, chair):
    quiet("create_office", code)
    template = DecreeTemplate.active(office(code))
    template.signer_name = chair
    template.save()
    install_local_seal(office(code))  # its own seal, in its own name (tests/test_office_seals.py)
    return office(code)


@pytest.fixture
def samarinda(db):
    quiet("load_regions", "64")
    return new_office("64.72", SAMARINDA_CHAIR)


def samarinda_members():
    return [
        make_appointment(
            person=make_person(office_code="64.72", name="Siti Rawa Makmur", gender="P"),
            kelurahan=RAWA_MAKMUR,
            lurah_decree_number="100.3.3.2/07/KEL-RM",
            lurah_decree_date=dt.date(2024, 5, 20),
        ),
        make_appointment(
            person=make_person(office_code="64.72", name="Joko Handil Bakti"), kelurahan=HANDIL_BAKTI
        ),
    ]


def rendered_text(document: Document) -> str:
    document = document_render_and_store(document.pk)
    assert document.status == "done", document.error
    return pdf.flat(document.file.path)


# Each office signs with its own seal, so not even the signature note names another office.
SEAL_NOTE = re.compile(r"Ditandatangani secara elektronik oleh (.*?) dengan segel elektronik")


def no_other_office(text: str):
    assert "balikpapan" not in text.lower()


# --- create_office's template may not issue before the office names its Ketua ----------------------


def test_issuing_is_refused_while_the_new_office_s_signer_name_is_empty(db):
    quiet("load_regions", "64")
    quiet("create_office", "64.72")
    samarinda_members()
    with pytest.raises(Exception) as raised:
        decree_issue(decree_date=DECREE_DATE, office=office("64.72"))
    assert "Nama penanda tangan (Ketua) pada Templat SK KPU Kota Samarinda belum diisi" in str(raised.value)
    assert not Decree.objects.filter(office=office("64.72")).exists()


def test_the_issue_page_of_an_office_without_its_signer_says_so_and_refuses(client, db):
    quiet("load_regions", "64")
    quiet("create_office", "64.72")
    samarinda_members()
    operator = join_office(
        get_user_model().objects.create_user("op.smd", password="x", is_staff=True), "64.72"
    )
    operator.groups.add(Group.objects.get(name=OPERATOR))
    client.force_login(operator)

    page = client.get(reverse("admin:secretariat_decree_issue")).content.decode()
    assert "Kantor: <strong>Komisi Pemilihan Umum Kota Samarinda</strong>" in page
    assert "PPS Admin &middot; KPU Kota Samarinda</a>" in page  # the header names the user's office
    assert 'id="signer-missing"' in page and "Nama penanda tangan (Ketua) belum diisi" in page

    response = client.post(reverse("admin:secretariat_decree_issue"), {"decree_date": "2024-06-01"})
    assert "Nama penanda tangan (Ketua) pada Templat SK KPU Kota Samarinda belum diisi" in (
        response.content.decode()
    )
    assert not Decree.objects.exists()


# --- the Samarinda documents -------------------------------------------------------------------------


def test_a_samarinda_keputusan_and_petikan_are_samarinda_s_from_letterhead_to_signature(samarinda):
    samarinda_members()
    make_appointment(kelurahan="64.71.01.1001")  # a Balikpapan member: not in Samarinda's decree
    decree = decree_issue(decree_date=DECREE_DATE, office=samarinda)
    assert (decree.office, decree.number, decree.entries.count()) == (samarinda, "NOMOR 1 TAHUN 2024", 2)

    keputusan = rendered_text(decree.documents.get(kind=DocumentKind.KEPUTUSAN))
    assert "KOMISI PEMILIHAN UMUM KOTA SAMARINDA" in keputusan
    assert "KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA SAMARINDA" in keputusan
    assert "WALI KOTA DAN WAKIL WALI KOTA SAMARINDA TAHUN 2024" in keputusan
    assert "Ditetapkan di Samarinda" in keputusan
    assert "KETUA KOMISI PEMILIHAN UMUM KOTA SAMARINDA" in keputusan and SAMARINDA_CHAIR in keputusan
    # the lampiran's Keterangan (its narrow column may wrap the number after a "/")
    assert "Keputusan Lurah Nomor 100.3.3.2/07/KEL-" in re.sub(r"(?<=/) ", "", keputusan)
    no_other_office(keputusan)

    petikan_document = decree.documents.get(kind=DocumentKind.PETIKAN, appointment__kelurahan=RAWA_MAKMUR)
    petikan = rendered_text(petikan_document)
    assert "PETIKAN" in petikan and "KOMISI PEMILIHAN UMUM KOTA SAMARINDA" in petikan
    assert "Sekretaris PPS Kelurahan Rawa Makmur" in petikan
    assert "SEKRETARIS KOMISI PEMILIHAN UMUM KOTA SAMARINDA" in petikan
    assert SEAL_NOTE.search(petikan)[1] == "Komisi Pemilihan Umum Kota Samarinda"
    no_other_office(petikan)
    petikan_document.refresh_from_db()
    author = pdf.read(petikan_document.file.path).metadata["/Author"]
    assert author == "Komisi Pemilihan Umum Kota Samarinda"


def test_a_samarinda_pact_is_under_samarinda_s_letterhead_and_signed_in_samarinda(samarinda):
    member, _ = samarinda_members()
    make_appointment(kelurahan="64.71.01.1001")
    ceremony_of(samarinda)
    job = pacts_generate(office=samarinda)
    assert job.office == samarinda and job.total == 2
    pact = Pact.objects.get(appointment=member)
    assert pact.text == PactText.current(samarinda)
    text = rendered_text(pact.document)
    assert "KOMISI PEMILIHAN UMUM KOTA SAMARINDA" in text
    assert "Wali Kota dan Wakil Wali Kota Samarinda Tahun 2024" in text
    assert "Samarinda, 1 Juni 2024" in text  # above the signature: the ceremony's place and date
    assert SEAL_NOTE.search(text)[1] == "Komisi Pemilihan Umum Kota Samarinda"
    no_other_office(text)


def test_the_attendance_sheet_of_a_samarinda_ceremony_lists_and_is_validated_by_samarinda(samarinda):
    samarinda_members()
    make_appointment(kelurahan="64.71.01.1001")
    ceremony = Ceremony.objects.create(
        office=samarinda, name="Penandatanganan", date=DECREE_DATE, place="Aula KPU", city="Samarinda"
    )
    content = attendance_content(ceremony)
    assert [group["kelurahan"]["name"] for group in content["groups"]] == ["Rawa Makmur", "Handil Bakti"]
    assert content["letterhead"]["lines"] == ["KOMISI PEMILIHAN UMUM", "KOTA SAMARINDA"]
    assert content["validator"]["title"] == "SEKRETARIS KOMISI PEMILIHAN UMUM KOTA SAMARINDA"


# --- numbering per office, concurrently ---------------------------------------------------------------


@pytest.mark.usefixtures("committed_db")
def test_two_offices_issue_their_nomor_1_tahun_2024_at_once_without_waiting_for_each_other():
    from .threads import Held, start, waits_for_a_lock

    quiet("load_regions", "64")
    samarinda = new_office("64.72", SAMARINDA_CHAIR)
    balikpapan = office()
    make_appointment(kelurahan="64.71.01.1001")
    samarinda_members()

    # Balikpapan's issue holds its office's lock (its transaction is open) while Samarinda issues.
    held = Held(lambda: decree_issue(decree_date=DECREE_DATE, office=balikpapan).number)
    other = start(lambda: decree_issue(decree_date=DECREE_DATE, office=samarinda).number)
    assert not waits_for_a_lock(other), "Samarinda waited for Balikpapan's lock"
    assert other.finish() == "NOMOR 1 TAHUN 2024"  # committed while Balikpapan's is still open
    assert Decree.objects.filter(office=samarinda).count() == 1
    assert held.release() == "NOMOR 1 TAHUN 2024"
    numbers = sorted(Decree.objects.values_list("office__code", "number"))
    assert numbers == [("64.71", "NOMOR 1 TAHUN 2024"), ("64.72", "NOMOR 1 TAHUN 2024")]


# --- the commands name their office -------------------------------------------------------------------


def test_generate_sk_and_generate_pacts_refuse_without_office_when_there_are_several(samarinda):
    samarinda_members()
    for command, args in [("generate_sk", ["--date", "2024-06-01"]), ("generate_pacts", [])]:
        with pytest.raises(CommandError) as raised:
            quiet(command, *args)
        assert (
            "Ada beberapa kantor KPU Kabupaten/Kota (64.71, 64.72); sebutkan kantornya dengan --office"
            in (str(raised.value))
        )
    assert not Decree.objects.exists() and not Pact.objects.exists()

    with pytest.raises(CommandError) as raised:
        quiet("generate_sk", "--date", "2024-06-01", "--office", "64.73")
    assert "Tidak ada kantor KPU Kabupaten/Kota berkode 64.73" in str(raised.value)


def test_generate_sk_and_generate_pacts_for_a_provincial_code_name_the_province_s_offices(samarinda):
    # `--office 64` said there was no office 64 and to run `create_office 64`, which says it exists.
    samarinda_members()
    for command, args in [("generate_sk", ["--date", "2024-06-01"]), ("generate_pacts", [])]:
        with pytest.raises(CommandError) as raised:
            quiet(command, *args, "--office", "64")
        message = str(raised.value)
        assert message.startswith("64 adalah KPU Provinsi Kalimantan Timur"), message
        assert "sebutkan kantor KPU Kabupaten/Kota-nya: 64.71, 64.72" in message
        assert "create_office" not in message
    assert not Decree.objects.exists() and not Pact.objects.exists()


def test_generate_sk_and_generate_pacts_with_office_issue_only_that_office_s(samarinda):
    samarinda_members()
    ceremony_of(samarinda)
    make_appointment(kelurahan="64.71.01.1001")
    quiet("generate_sk", "--date", "2024-06-01", "--office", "64.72")
    decree = Decree.objects.get()
    assert (decree.office, decree.number) == (samarinda, "NOMOR 1 TAHUN 2024")
    assert set(decree.appointments.values_list("kelurahan_id", flat=True)) == {RAWA_MAKMUR, HANDIL_BAKTI}
    quiet("generate_pacts", "--office", "64.72")
    assert set(Pact.objects.values_list("appointment__office__code", flat=True)) == {"64.72"}


# --- the admin pages act for the user's office --------------------------------------------------------


def test_a_superuser_of_several_offices_picks_the_issuing_office_in_the_form(samarinda, staff_client):
    samarinda_members()
    make_appointment(kelurahan="64.71.01.1001")
    page = staff_client.get(reverse("admin:secretariat_decree_issue")).content.decode()
    assert 'name="office"' in page and "KPU Kota Samarinda" in page
    chosen = staff_client.get(reverse("admin:secretariat_decree_issue"), {"office": samarinda.pk})
    chosen = chosen.content.decode()
    assert "Kantor: <strong>Komisi Pemilihan Umum Kota Samarinda</strong>" in chosen
    assert "Ada <strong>2</strong> pengangkatan aktif" in chosen  # Samarinda's, not Balikpapan's 1

    staff_client.post(
        reverse("admin:secretariat_decree_issue"), {"decree_date": "2024-06-01", "office": samarinda.pk}
    )
    assert list(Decree.objects.values_list("office__code", "number")) == [("64.72", "NOMOR 1 TAHUN 2024")]


def test_the_operator_s_pact_generation_and_bundle_are_their_own_office_s(samarinda, client):
    samarinda_members()
    ceremony_of(samarinda)
    make_appointment(kelurahan="64.71.01.1001")
    operator = join_office(
        get_user_model().objects.create_user("op.smd", password="x", is_staff=True), "64.72"
    )
    operator.groups.add(Group.objects.get(name=OPERATOR))
    client.force_login(operator)
    client.post(reverse("admin:integrity_generate"))
    assert set(Pact.objects.values_list("appointment__office__code", flat=True)) == {"64.72"}
    for pact in Pact.objects.all():
        document_render_and_store(pact.document_id)
    bundle = client.get(reverse("admin:integrity_bundle")).content.decode()
    assert 'id="bundle-ready">2</strong>' in bundle and "KPU Kota Samarinda" in bundle


# --- portal and check page ----------------------------------------------------------------------------


def test_the_portal_shows_the_member_s_own_office(samarinda, client):
    member, _ = samarinda_members()
    person = member.person
    person.user = get_user_model().objects.create_user("siti.rm", password="x")
    person.save()
    client.force_login(person.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert 'id="portal-office">KPU Kota Samarinda</div>' in page
    assert "Komisi Pemilihan Umum Kota Samarinda &middot; Data pribadi" in page
    assert "Sekretariat KPU Kota Samarinda" in page  # the sekretaris's duties name their office
    no_other_office(page)


def test_the_password_reset_e_mail_of_a_samarinda_member_is_from_samarinda(samarinda, client, mailoutbox):
    # It said "Portal Sekretariat PPS KPU Kota Balikpapan" and was signed "KPU Kota Balikpapan".
    member, _ = samarinda_members()
    person = member.person
    person.email = "siti@contoh.test"
    person.user = get_user_model().objects.create_user("siti.rm", email="siti@contoh.test", password="x")
    person.save()
    client.post(reverse("portal:password_reset"), {"email": "siti@contoh.test"})
    [message] = mailoutbox
    assert "Portal Sekretariat PPS KPU Kota Samarinda." in message.body
    assert message.body.rstrip().endswith("KPU Kota Samarinda")
    no_other_office(message.body)


def test_the_check_page_of_a_samarinda_petikan_shows_samarinda_s_letterhead_and_name(samarinda, client):
    samarinda_members()
    decree = decree_issue(decree_date=DECREE_DATE, office=samarinda)
    document = document_render_and_store(decree.documents.filter(kind=DocumentKind.PETIKAN).first().pk)
    page = client.get(reverse("check:document", kwargs={"code": grouped(document.check_code)}))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="issuer">Komisi Pemilihan Umum Kota Samarinda</dd>' in html
    assert "KOTA SAMARINDA" in html and "Halaman ini milik KPU Kota Samarinda" in html
    no_other_office(html)


def test_the_check_index_of_several_offices_names_no_single_office(samarinda, client):
    html = client.get(reverse("check:index")).content.decode()
    assert "Halaman ini milik KPU " in html
    no_other_office(html)


# --- desa: the Kepala Desa's decree ------------------------------------------------------------------


@pytest.fixture
def kutai_kartanegara(db):
    quiet("load_regions", "64")
    return new_office("64.02", "KETUA UJI KUKAR")


def test_a_desa_member_s_documents_say_desa_and_keputusan_kepala_desa(kutai_kartanegara):
    desa = make_appointment(
        person=make_person(office_code="64.02", name="Yohanes Perian"),
        kelurahan=PERIAN,
        lurah_decree_number="141/05/DS-PRN/V/2024",
        lurah_decree_date=dt.date(2024, 5, 20),
    )
    make_appointment(
        person=make_person(office_code="64.02", name="Rina Loa Ipuh", gender="P"), kelurahan=LOA_IPUH
    )
    decree = decree_issue(decree_date=DECREE_DATE, office=kutai_kartanegara)

    petikan = rendered_text(decree.documents.get(kind=DocumentKind.PETIKAN, appointment=desa))
    assert "Sekretaris PPS Desa Perian" in petikan
    assert "Keterangan : Keputusan Kepala Desa Nomor 141/05/" in petikan  # the number wraps after a slash
    assert "DS-PRN/V/2024 tanggal 20 Mei 2024" in petikan
    assert "Keputusan Lurah" not in petikan
    assert "KOMISI PEMILIHAN UMUM KABUPATEN KUTAI KARTANEGARA" in petikan

    keputusan = rendered_text(decree.documents.get(kind=DocumentKind.KEPUTUSAN))
    assert "Desa/Kelurahan" in keputusan  # the lampiran lists both kinds
    assert "BUPATI DAN WAKIL BUPATI KUTAI KARTANEGARA" in keputusan
    assert "Lurah dan Kepala Desa se-Kabupaten Kutai Kartanegara" in keputusan
    no_other_office(keputusan)

    ceremony_of(kutai_kartanegara)
    pacts_generate(office=kutai_kartanegara)
    pact = rendered_text(Pact.objects.get(appointment=desa).document)
    assert "Desa : Perian" in pact or "Desa: Perian" in pact


def test_a_replacement_in_a_desa_cites_the_kepala_desa_s_decree(kutai_kartanegara):
    first = make_appointment(person=make_person(office_code="64.02", name="Yohanes Perian"), kelurahan=PERIAN)
    decrees_issue(decree_date=DECREE_DATE, office=kutai_kartanegara)
    appointment_replace(
        appointment=first,
        replacement=make_person(office_code="64.02", name="Maria Pengganti", gender="P"),
        end_date=dt.date(2024, 7, 2),
        reason="mengundurkan_diri",
        lurah_decree_number="141/09/DS-PRN/VI/2024",
        lurah_decree_date=dt.date(2024, 6, 28),
    )
    (paw,) = decrees_issue(decree_date=dt.date(2024, 7, 5), office=kutai_kartanegara)
    considerations = " ".join(paw.text["considerations"])
    assert (
        "bahwa Kepala Desa Perian dengan Keputusan Kepala Desa Nomor 141/09/DS-PRN/VI/2024 tanggal "
        "28 Juni 2024 telah menetapkan Saudara Maria Pengganti" in considerations
    )
    assert "Sekretariat Panitia Pemungutan Suara Desa Perian Kecamatan" in considerations
    assert "Lurah" not in considerations


def test_no_template_or_pact_text_is_read_without_its_office(db):
    for read in (lambda: DecreeTemplate.active(None), lambda: PactText.current(None)):
        with pytest.raises(TypeError):
            read()


def test_the_import_and_the_appointment_name_a_desa_s_basis_the_kepala_desa_s(kutai_kartanegara):
    from secretariat import identity
    from secretariat.services.importing import members_import
    from secretariat.services.roster_format import FULL_HEADER

    birth = dt.date(1990, 6, 5)
    row = {
        "kode_kelurahan": PERIAN,
        "jabatan": "sekretaris",
        "nik": identity.make_nik(region="640201", birth_date=birth, gender="L", serial=7),
        "nama": "Yohanes Perian",
        "jenis_kelamin": "L",
        "tempat_lahir": "Tenggarong",
        "tanggal_lahir": birth.isoformat(),
        "status_kepegawaian": "NON_ASN",
        "nomor_sk_lurah": "141/05/DS-PRN/V/2024",
        "tanggal_sk_lurah": "",
    }
    data = (",".join(FULL_HEADER) + "\n" + ",".join(row.get(c, "") for c in FULL_HEADER) + "\n").encode()
    result = members_import(data=data, dry_run=False, office=kutai_kartanegara)
    assert [str(error) for error in result.errors] == [
        "Baris 2 (Yohanes Perian), kolom tanggal_sk_lurah: Isi tanggal SK Kepala Desa (nomornya sudah diisi)."
    ]
    assert not result.written

    appointment = make_appointment(person=make_person(office_code="64.02"), kelurahan=PERIAN)
    appointment.lurah_decree_number = "141/05/DS-PRN/V/2024"
    appointment.lurah_decree_date = appointment.start_date + dt.timedelta(days=1)
    with pytest.raises(Exception) as raised:
        appointment.full_clean()
    assert "Keputusan Kepala Desa harus terbit sebelum mulai bertugas." in str(raised.value)


def test_make_demo_fills_balikpapan_when_other_offices_exist(samarinda):
    # `make demo` (seed_demo) stopped at "Ada beberapa kantor KPU ... Pilih kantor yang mengimpor." once
    # create_office had made a second office; its roster is Balikpapan's 34 kelurahan.
    quiet("seed_demo")
    assert Appointment.objects.filter(office=office("64.71")).count() == 102
    assert not Appointment.objects.filter(office=samarinda).exists()
