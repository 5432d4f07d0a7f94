"""Who may see what on the member portal: every page and every document address, for every persona.

Personas: `member` (Sekretaris of Manggar), `teammate` (Bendahara of Manggar), `other_member` (Sekretaris of
Baru Ilir, another kecamatan), `replaced_member` (former Staf Teknis of Manggar, replaced mid-term), `staff`
(a KPU superuser without a Person) and `anonymous`. Documents are real PDFs rendered in-process.
"""

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from integrity.models import Pact
from integrity.services.pacts import pacts_generate
from secretariat.models import Appointment, Decree, Document, DocumentStatus, KeyDate
from secretariat.portal.content import DUTIES, duties_of
from secretariat.services.appointments import appointment_replace
from secretariat.services.decrees import decree_issue, decree_revoke
from secretariat.services.document_jobs import document_render_and_store

from . import pdf
from .factories import make_appointment, make_person, office

PASSWORD = "Sandi-Anggota-Uji-2024"
DECREE_DATE = dt.date(2024, 6, 1)
MANGGAR = "64.71.01.1001"
BARU_ILIR = "64.71.02.1001"
LURAH_DECREE = "188.4/017/KEL-MGR/V/2024"


@dataclass
class World:
    member: Appointment
    teammate: Appointment
    other_member: Appointment
    replaced_member: Appointment
    replacement: Appointment
    decree: Decree

    def petikan(self, appointment: Appointment) -> Document:
        return Document.objects.get(decree=self.decree, kind="petikan", appointment=appointment)

    def pakta(self, appointment: Appointment) -> Document:
        return Pact.objects.get(appointment=appointment).document

    def keputusan(self) -> Document:
        return Document.objects.get(decree=self.decree, kind="keputusan")


def with_account(appointment: Appointment, username: str) -> Appointment:
    """A portal account whose one-time password was already changed (the normal state of a member)."""
    person = appointment.person
    person.user = get_user_model().objects.create_user(
        username, password=PASSWORD, email=person.email, first_name=person.name
    )
    person.save()
    return appointment


def rendered(document: Document) -> Document:
    document = document_render_and_store(document.pk)
    assert document.status == DocumentStatus.DONE
    return document


@pytest.fixture
def world(db) -> World:
    """Four members in two kelurahan, one SK and the pacts issued, then the Staf Teknis of Manggar is
    replaced (the replacement has no SK yet). Nothing is rendered until a test asks for it."""
    member = with_account(
        make_appointment(
            person=make_person(name="Rahmat Hidayat", email="rahmat@contoh.test"),
            kelurahan=MANGGAR,
            role="sekretaris",
            lurah_decree_number=LURAH_DECREE,
            lurah_decree_date=dt.date(2024, 5, 20),
        ),
        "manggar.sekretaris",
    )
    teammate = with_account(
        make_appointment(
            person=make_person(name="Dewi Lestari", gender="P"), kelurahan=MANGGAR, role="bendahara"
        ),
        "manggar.bendahara",
    )
    other_member = with_account(
        make_appointment(person=make_person(name="Budi Santoso"), kelurahan=BARU_ILIR, role="sekretaris"),
        "baruilir.sekretaris",
    )
    replaced_member = with_account(
        make_appointment(person=make_person(name="Agus Salim"), kelurahan=MANGGAR, role="staf_teknis"),
        "manggar.stafteknis",
    )
    decree = decree_issue(decree_date=DECREE_DATE)
    assert decree is not None and decree.entries.count() == 4
    assert pacts_generate() is not None
    replacement = appointment_replace(
        appointment=replaced_member,
        replacement=make_person(name="Wahyu Pratama"),
        end_date=dt.date(2024, 8, 1),
        reason="mengundurkan_diri",
        lurah_decree_number="188.4/031/KEL-MGR/VII/2024",
        lurah_decree_date=dt.date(2024, 7, 25),
    )
    replaced_member.refresh_from_db()
    return World(member, teammate, other_member, replaced_member, replacement, decree)


PERSONAS = ["member", "teammate", "other_member", "replaced_member", "staff", "anonymous"]


@pytest.fixture
def clients(world, staff_user) -> dict[str, Client]:
    """One browser per persona, logged in without the throttled login form."""
    clients = {"anonymous": Client()}
    for name in ("member", "teammate", "other_member", "replaced_member"):
        client = Client()
        client.force_login(getattr(world, name).person.user)
        clients[name] = client
    clients["staff"] = Client()
    clients["staff"].force_login(staff_user)
    return clients


def section(html: str, element_id: str) -> str:
    """The HTML from id="element_id" up to the next element with an id (the cards on the home page)."""
    start = html.index(f'id="{element_id}"')
    following = html.find(' id="', start + 1)
    return html[start : following if following != -1 else len(html)]


def download(client: Client, document: Document):
    return client.get(f"/dokumen/{document.public_id}/")


def pdf_bytes(response) -> bytes:
    # The test client closes the file when the stream is exhausted (closing the response by hand would send
    # request_finished and close the test's database connection).
    return b"".join(response.streaming_content)


# --- the page matrix ----------------------------------------------------------------------------------

MEMBERS = ["member", "teammate", "other_member"]
LOGGED_IN = [*MEMBERS, "replaced_member", "staff"]
BAD_RESET_LINK = "/sandi/atur/MQ/set-password-bad-token/"

# (persona, url) -> (status, Location header or a marker that must be in the page)
PAGE_MATRIX = {
    **{(p, "/"): (200, "Penugasan Anda") for p in MEMBERS},
    ("replaced_member", "/"): (200, "Anda tidak sedang menjabat di Sekretariat PPS."),
    ("staff", "/"): (302, "/admin/"),
    ("anonymous", "/"): (302, "/masuk/"),
    **{(p, "/masuk/"): (302, "/") for p in LOGGED_IN},
    ("anonymous", "/masuk/"): (200, 'name="username"'),
    **{(p, "/sandi/ganti/"): (200, 'name="new_password1"') for p in LOGGED_IN},
    ("anonymous", "/sandi/ganti/"): (302, "/masuk/?next=/sandi/ganti/"),
    **{(p, "/sandi/lupa/"): (200, 'name="email"') for p in PERSONAS},
    **{(p, "/sandi/lupa/terkirim/"): (200, "Bila surel tersebut terdaftar") for p in PERSONAS},
    **{(p, BAD_RESET_LINK): (200, "Tautan ini tidak berlaku lagi") for p in PERSONAS},
    **{(p, "/sandi/atur/selesai/"): (200, "Sandi baru tersimpan.") for p in PERSONAS},
}


@pytest.mark.parametrize(("persona", "url"), sorted(PAGE_MATRIX))
def test_page_matrix(clients, persona, url):
    status, expected = PAGE_MATRIX[(persona, url)]
    response = clients[persona].get(url)
    assert response.status_code == status, (persona, url)
    if status == 302:
        assert response["Location"] == expected
    else:
        assert expected in response.content.decode()
        assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("persona", PERSONAS)
def test_logout_by_post_goes_to_the_login_page_for_everyone(clients, persona):
    response = clients[persona].post("/keluar/")
    assert response.status_code == 302
    assert response["Location"] == "/masuk/"
    assert SESSION_KEY not in clients[persona].session
    assert clients[persona].get("/")["Location"] == "/masuk/"


def test_home_of_each_member_shows_their_own_name_and_kelurahan(clients, world):
    for persona, kelurahan in (("member", "Manggar"), ("teammate", "Manggar"), ("other_member", "Baru Ilir")):
        html = clients[persona].get("/").content.decode()
        person = getattr(world, persona).person
        assert f"Halo, {person.name}" in html
        assert section(html, "assignment").count(f"<dd>{kelurahan}</dd>") == 1


def test_pages_are_not_cached_by_the_browser(clients):
    response = clients["member"].get("/")
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_user_without_person_and_without_staff_rights_sees_the_no_assignment_page(world):
    client = Client()
    client.force_login(get_user_model().objects.create_user("tamu", password=PASSWORD))
    response = client.get("/")
    assert response.status_code == 200
    assert "tidak terhubung dengan anggota Sekretariat PPS" in response.content.decode()
    assert download(client, rendered(world.petikan(world.member))).status_code == 404


# --- the document matrix ------------------------------------------------------------------------------

DOCUMENT_OUTCOMES = {
    "member": 200,
    "teammate": 404,
    "other_member": 404,
    "replaced_member": 404,
    "staff": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("kind", ["petikan", "pakta"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_document_matrix_only_the_owner_gets_the_file(clients, world, persona, kind):
    document = rendered(getattr(world, kind)(world.member))
    response = download(clients[persona], document)
    assert response.status_code == DOCUMENT_OUTCOMES[persona], persona
    if persona == "member":
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert ".pdf" in response["Content-Disposition"]
        data = pdf_bytes(response)
        assert data.startswith(b"%PDF-")
        assert data == Path(document.file.path).read_bytes()
        assert "Rahmat Hidayat" in pdf.flat(data)
    else:
        assert response["Content-Type"] != "application/pdf"
        assert not getattr(response, "streaming", False)
        assert b"%PDF" not in response.content
    if persona == "anonymous":
        assert response["Location"] == f"/masuk/?next=/dokumen/{document.public_id}/"
        login_page = clients[persona].get(response["Location"])
        assert login_page.status_code == 200 and 'name="username"' in login_page.content.decode()


@pytest.mark.parametrize("persona", ["teammate", "other_member", "replaced_member"])
def test_every_member_downloads_their_own_petikan(clients, world, persona):
    appointment = getattr(world, persona)
    response = download(clients[persona], rendered(world.petikan(appointment)))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf.flat(pdf_bytes(response))
    assert appointment.person.name in text
    assert world.member.person.name not in text
    # ... and not the member's.
    assert download(clients[persona], rendered(world.petikan(world.member))).status_code == 404


@pytest.mark.parametrize("persona", ["member", "staff"])
def test_the_keputusan_with_the_whole_lampiran_is_not_served_by_the_portal(clients, world, persona):
    keputusan = rendered(world.keputusan())
    assert "Rahmat Hidayat" in pdf.flat(keputusan.file.path)
    assert download(clients[persona], keputusan).status_code == 404


@pytest.mark.parametrize("persona", ["member", "staff"])
def test_an_unknown_document_address_is_404(clients, persona):
    assert clients[persona].get(f"/dokumen/{uuid.uuid4()}/").status_code == 404
    assert clients[persona].get("/dokumen/bukan-uuid/").status_code == 404


@pytest.mark.parametrize("status", [DocumentStatus.PENDING, DocumentStatus.RUNNING, DocumentStatus.FAILED])
def test_an_own_document_that_is_not_done_is_404(clients, world, status):
    document = world.petikan(world.member)
    Document.objects.filter(pk=document.pk).update(status=status, error="uji")
    assert download(clients["member"], document).status_code == 404
    html = clients["member"].get("/").content.decode()
    assert str(document.public_id) not in html
    assert "PDF sedang disiapkan" in section(html, "documents")


def test_a_done_document_whose_file_is_gone_is_404_not_an_error(clients, world):
    document = rendered(world.petikan(world.member))
    Path(document.file.path).unlink()
    assert download(clients["member"], document).status_code == 404


def test_the_home_page_links_exactly_the_members_own_finished_documents(clients, world):
    petikan = rendered(world.petikan(world.member))
    pakta = rendered(world.pakta(world.member))
    foreign = [
        rendered(world.petikan(world.teammate)),
        rendered(world.pakta(world.teammate)),
        rendered(world.petikan(world.other_member)),
        rendered(world.keputusan()),
    ]
    html = clients["member"].get("/").content.decode()
    links = set(re.findall(r'href="/dokumen/([0-9a-f-]{36})/"', html))
    assert links == {str(petikan.public_id), str(pakta.public_id)}
    for document in foreign:
        assert str(document.public_id) not in html


# --- what a member sees ----------------------------------------------------------------------------


def test_home_shows_the_assignment_team_duties_pact_and_key_dates(clients, world):
    html = clients["member"].get("/").content.decode()
    assignment = section(html, "assignment")
    assert "Sekretaris Sekretariat PPS" not in assignment  # as the Petikan and the pact name the post
    for expected in (
        "<dd>Sekretaris PPS</dd>",
        "<dd>Manggar</dd>",
        "<dd>Balikpapan Timur</dd>",
        "26 Mei 2024",
        "27 Januari 2025",
        LURAH_DECREE,
        "20 Mei 2024",
        world.decree.number,
    ):
        assert expected in assignment, expected
    assert "(dicabut)" not in html and "Dicabut" not in html

    team = section(html, "team")
    assert "Rekan sekretariat Kelurahan Manggar" in team
    assert "Dewi Lestari &mdash; <span" in team and "Bendahara" in team
    assert "Wahyu Pratama &mdash; <span" in team and "Staf Teknis" in team
    # Only current teammates of the same kelurahan; not the member, not the replaced one, not others.
    for absent in ("Agus Salim", "Budi Santoso", "Rahmat Hidayat"):
        assert absent not in team, absent
    assert team.index("Dewi Lestari") < team.index("Wahyu Pratama")  # bendahara before staf teknis

    duties = section(html, "duties")
    assert "Tugas Sekretaris" in duties
    for duty in duties_of("sekretaris", world.member.office):
        assert duty in duties
    assert "Sekretariat KPU Kota Balikpapan" in duties  # the member's own office
    assert DUTIES["bendahara"][0] not in html

    documents = section(html, "documents")
    assert f"Petikan SK {world.decree.number}" in documents
    assert "Pakta integritas" in documents and "Belum dicetak" in documents

    key_dates = section(html, "key-dates")
    rows = KeyDate.objects.filter(period=world.member.period)
    assert rows.count() == 5
    for row in rows:
        assert row.title in key_dates
    assert "27 November 2024" in key_dates
    assert "31 Mei 2024 &ndash; 23 September 2024" in key_dates


def test_home_never_shows_a_nik_only_the_members_masked_one(clients, world):
    html = clients["member"].get("/").content.decode()
    me = world.member.person
    assert me.nik not in html
    assert me.masked_nik in html
    assert re.fullmatch(r"6471\*{8}\d{4}", me.masked_nik) and me.masked_nik[-4:] == me.nik[-4:]
    for appointment in (world.teammate, world.replacement, world.other_member, world.replaced_member):
        person = appointment.person
        assert person.nik not in html
        assert person.masked_nik not in html
    # No sixteen-digit number at all, in any form.
    assert not re.search(r"\d{16}", html)
    assert len(re.findall(r"6471\*{8}\d{4}", html)) == 1


def test_editing_a_key_date_changes_the_home_page(clients, world):
    vote = KeyDate.objects.get(period=world.member.period, title="Hari pemungutan suara")
    vote.title = "Hari pemungutan suara (diundur)"
    vote.start = dt.date(2024, 12, 4)
    vote.save()
    KeyDate.objects.create(
        office=office(),
        period=world.member.period,
        title="Rapat koordinasi sekretariat",
        start=dt.date(2024, 7, 3),
    )
    key_dates = section(clients["member"].get("/").content.decode(), "key-dates")
    assert "Hari pemungutan suara (diundur)" in key_dates
    assert "4 Desember 2024" in key_dates
    assert "27 November 2024" not in key_dates
    assert "Rapat koordinasi sekretariat" in key_dates and "3 Juli 2024" in key_dates


def test_a_signed_pact_shows_as_signed(clients, world):
    from integrity.services.pacts import pacts_mark_signed

    pact = Pact.objects.get(appointment=world.member)
    assert pacts_mark_signed(pacts=[pact], signed_date=dt.date(2024, 6, 1), signed_place="Balikpapan") == 1
    documents = section(clients["member"].get("/").content.decode(), "documents")
    assert "Ditandatangani" in documents and "Belum dicetak" not in documents


def test_the_replaced_member_sees_their_history_and_own_petikan_but_no_team(clients, world):
    petikan = rendered(world.petikan(world.replaced_member))
    html = clients["replaced_member"].get("/").content.decode()
    assert "Halo, Agus Salim" in html
    assert "Anda tidak sedang menjabat di Sekretariat PPS." in html
    assert "Riwayat penugasan" in html
    assert "<strong>Staf Teknis</strong>, Kelurahan Manggar" in html
    assert "26 Mei 2024 &ndash; 1 Agustus 2024, mengundurkan diri" in html
    assert f"Petikan SK {world.decree.number}" in html
    assert f'href="/dokumen/{petikan.public_id}/"' in html
    # The post is someone else's now: no team, no duties, nobody else's name.
    for absent in ("Rekan sekretariat", "Dewi Lestari", "Wahyu Pratama", "Rahmat Hidayat", 'id="duties"'):
        assert absent not in html, absent
    assert world.replaced_member.person.nik not in html

    response = download(clients["replaced_member"], petikan)
    assert response.status_code == 200
    assert "Agus Salim" in pdf.flat(pdf_bytes(response))


def test_the_replacement_sees_whom_they_replace_and_no_sk_yet(world):
    with_account(world.replacement, "manggar.stafteknis2")
    client = Client()
    client.force_login(world.replacement.person.user)
    html = client.get("/").content.decode()
    assignment = section(html, "assignment")
    assert "Menggantikan" in assignment and "Agus Salim" in assignment
    assert "belum diterbitkan" in assignment
    assert "SK pengangkatan belum diterbitkan" in section(html, "documents")
    assert world.decree.number not in html


def test_a_revoked_decree_is_marked_for_current_and_replaced_members(clients, world):
    member_petikan = rendered(world.petikan(world.member))
    replaced_petikan = rendered(world.petikan(world.replaced_member))
    decree_revoke(decree=world.decree, revoked_date=dt.date(2024, 6, 10), reason="Salah tulis nama")
    corrected = decree_issue(decree_date=dt.date(2024, 8, 5))  # the replacement started 1 August
    assert corrected is not None and corrected.number != world.decree.number

    html = clients["member"].get("/").content.decode()
    assignment = section(html, "assignment")
    assert f"{world.decree.number} (dicabut); {corrected.number}" in assignment
    assert f"{corrected.number} (dicabut)" not in assignment
    documents = section(html, "documents")
    assert "Dicabut 10 Juni 2024" in documents
    assert documents.count("badge-revoked") == 1
    assert str(member_petikan.public_id) in documents  # the revoked Petikan stays on record

    html = clients["replaced_member"].get("/").content.decode()
    assert "Dicabut 10 Juni 2024" in html
    assert corrected.number not in html  # the correction covers only the current holders
    assert str(replaced_petikan.public_id) in html
    assert download(clients["replaced_member"], replaced_petikan).status_code == 200


# --- sessions ---------------------------------------------------------------------------------------


def test_session_settings_end_the_session_with_the_browser_and_after_a_working_day(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.LOGIN_URL == "portal:login"


def test_login_sets_a_browser_session_cookie_that_the_server_expires(world):
    client = Client()
    response = client.post("/masuk/", {"username": "manggar.sekretaris", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # gone when the browser closes
    assert cookie["httponly"]
    session = Session.objects.get(session_key=cookie.value)
    remaining = (session.expire_date - timezone.now()).total_seconds()
    assert 8 * 60 * 60 - 60 < remaining <= 8 * 60 * 60
    assert client.get("/").status_code == 200


def test_logout_by_post_ends_the_session_on_the_server(world):
    client = Client()
    assert client.post("/masuk/", {"username": "manggar.sekretaris", "password": PASSWORD}).status_code == 302
    old_key = client.cookies["sessionid"].value
    assert client.get("/").status_code == 200

    response = client.post("/keluar/")
    assert response.status_code == 302 and response["Location"] == "/masuk/"
    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.get("/")["Location"] == "/masuk/"

    # A copy of the old cookie (another tab, a stolen cookie) is worthless now.
    replay = Client()
    replay.cookies["sessionid"] = old_key
    assert replay.get("/")["Location"] == "/masuk/"
    document = rendered(world.petikan(world.member))
    assert download(replay, document).status_code == 302


def test_get_on_the_logout_address_does_not_log_out(clients):
    client = clients["member"]
    response = client.get("/keluar/")
    assert response.status_code == 405
    assert SESSION_KEY in client.session
    assert client.get("/").status_code == 200
