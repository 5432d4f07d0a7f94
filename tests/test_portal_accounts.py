"""Portal accounts: the handover sheet (CSV command and admin PDF), one-time passwords, the forced change at
first login, staff resets and the password reset by e-mail."""

import csv
import datetime as dt
import io
import re
import stat
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from secretariat.models import Document, Person
from secretariat.services.accounts import PASSWORD_ALPHABET, portal_accounts_create
from secretariat.services.appointments import appointment_replace
from secretariat.services.decrees import decree_issue
from secretariat.services.demo import demo_csv
from secretariat.services.document_jobs import document_render_and_store
from secretariat.services.importing import members_import

from . import pdf
from .factories import make_appointment, make_person

HEADER = "kode_kelurahan,jabatan,nama,username,password"
MANGGAR = "64.71.01.1001"
BARU_ILIR = "64.71.02.1001"
NEW_PASSWORD = "Balikpapan-Sandi-2024"
AMBIGUOUS = set("0O1lI")
PERSON_CHANGELIST = "/admin/secretariat/person/"


@pytest.fixture
def member(db):
    """Sekretaris of Manggar, with an e-mail address on record."""
    return make_appointment(
        person=make_person(name="Rahmat Hidayat", email="rahmat@contoh.test"), kelurahan=MANGGAR
    ).person


@pytest.fixture
def teammate(db):
    return make_appointment(
        person=make_person(name="Dewi Lestari", gender="P"), kelurahan=MANGGAR, role="bendahara"
    ).person


@pytest.fixture
def other_member(db):
    return make_appointment(person=make_person(name="Budi Santoso"), kelurahan=BARU_ILIR).person


@pytest.fixture
def replaced_member(db):
    """Staf Teknis of Manggar; `replace()` ends the post and appoints someone new to it."""
    return make_appointment(
        person=make_person(name="Agus Salim"), kelurahan=MANGGAR, role="staf_teknis"
    ).person


@pytest.fixture
def roster(member, teammate, other_member, replaced_member):
    return [member, teammate, other_member, replaced_member]


def replace(person: Person, name: str) -> Person:
    new = make_person(name=name)
    current = person.appointments.get(end_date__isnull=True)
    appointment_replace(
        appointment=current,
        replacement=new,
        # A replacement starts the day after the end: replacing them again ends on that day at the earliest.
        end_date=max(dt.date(2024, 8, 1), current.start_date),
        reason="mengundurkan_diri",
        lurah_decree_number="188.4/031/KEL-MGR/VII/2024",
        lurah_decree_date=dt.date(2024, 7, 25),
    )
    return new


def run_command(path: Path) -> list[dict]:
    call_command("create_portal_accounts", "--output", str(path))
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def login(client: Client, username: str, password: str):
    return client.post("/masuk/", {"username": username, "password": password})


def refreshed(person: Person) -> Person:
    return Person.objects.select_related("user").get(pk=person.pk)


@pytest.fixture
def production_hashers(settings):
    """Without the MD5 the test session puts first for speed: members' own passwords get Django's default."""
    settings.PASSWORD_HASHERS = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"


# --- the CSV handover sheet -------------------------------------------------------------------------


def test_command_writes_one_private_csv_row_per_account_created(roster, tmp_path, capsys):
    path = tmp_path / "serah-terima.csv"
    rows = run_command(path)
    data = path.read_bytes()
    assert data.startswith(HEADER.encode() + b"\r\n")  # first line, no BOM
    assert data.decode("utf-8").splitlines()[0] == HEADER
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(rows) == 4
    assert f"4 akun dibuat; lembar serah terima: {path}" in capsys.readouterr().out

    by_name = {row["nama"]: row for row in rows}
    assert set(by_name) == {p.name for p in roster}
    assert by_name["Rahmat Hidayat"]["kode_kelurahan"] == MANGGAR
    assert by_name["Rahmat Hidayat"]["jabatan"] == "sekretaris"
    assert by_name["Rahmat Hidayat"]["username"] == "manggar.sekretaris"
    assert by_name["Dewi Lestari"]["username"] == "manggar.bendahara"
    assert by_name["Agus Salim"]["username"] == "manggar.stafteknis"
    assert by_name["Budi Santoso"]["username"] == "baruilir.sekretaris"
    assert by_name["Budi Santoso"]["kode_kelurahan"] == BARU_ILIR
    # Roster order: kelurahan code, then sekretaris, bendahara, staf teknis.
    assert [row["nama"] for row in rows] == ["Rahmat Hidayat", "Dewi Lestari", "Agus Salim", "Budi Santoso"]

    for person in roster:
        person = refreshed(person)
        row = by_name[person.name]
        assert person.user.username == row["username"]
        assert person.user.first_name == person.name
        assert person.user.email == person.email
        assert person.must_change_password is True
        assert person.user.check_password(row["password"])
        assert person.history.filter(history_change_reason="akun portal dibuat").exists()


def test_command_refuses_to_overwrite_an_existing_file_and_creates_no_account(roster, tmp_path):
    path = tmp_path / "lama.csv"
    path.write_text("isi lama\n")
    with pytest.raises(CommandError, match="sudah ada"):
        call_command("create_portal_accounts", "--output", str(path))
    assert path.read_text() == "isi lama\n"
    assert not get_user_model().objects.exists()
    assert not Person.objects.filter(user__isnull=False).exists()


def test_command_with_an_unwritable_output_creates_no_account(roster, tmp_path):
    """Passwords are shown only once: no account may be created when the sheet cannot be written."""
    with pytest.raises(CommandError):
        call_command("create_portal_accounts", "--output", str(tmp_path / "tidak-ada" / "akun.csv"))
    assert not get_user_model().objects.exists()
    assert not Person.objects.filter(user__isnull=False).exists()
    # The same members still get their accounts on the next, working run.
    assert len(run_command(tmp_path / "akun.csv")) == 4


def test_second_run_skips_members_who_already_have_an_account(roster, tmp_path):
    first = run_command(tmp_path / "pertama.csv")
    hashes = dict(get_user_model().objects.values_list("username", "password"))
    second = run_command(tmp_path / "kedua.csv")
    assert len(first) == 4 and second == []
    assert (tmp_path / "kedua.csv").read_bytes() == HEADER.encode() + b"\r\n"
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes


def test_usernames_are_not_niks_and_a_replacement_gets_the_next_free_name(roster, replaced_member, tmp_path):
    first = run_command(tmp_path / "pertama.csv")
    for row in first:
        nik = Person.objects.get(name=row["nama"]).nik
        assert re.fullmatch(r"[a-z]+\.(sekretaris|bendahara|stafteknis)", row["username"]), row
        assert not set(row["username"]) & set(nik)  # not a single digit of the NIK
        assert nik not in row["username"]

    new = replace(replaced_member, "Wahyu Pratama")
    [row] = run_command(tmp_path / "kedua.csv")
    assert row["nama"] == "Wahyu Pratama" and row["username"] == "manggar.stafteknis2"
    # The replaced member keeps their own account (and their history on the portal).
    assert refreshed(replaced_member).user.username == "manggar.stafteknis"

    newer = replace(new, "Siti Rahmawati")
    [row] = run_command(tmp_path / "ketiga.csv")
    assert row["username"] == "manggar.stafteknis3"
    assert refreshed(newer).user.username == "manggar.stafteknis3"


def test_a_username_taken_by_someone_else_is_not_reused(member, tmp_path):
    get_user_model().objects.create_user("manggar.sekretaris", password="x")
    [row] = run_command(tmp_path / "akun.csv")
    assert row["username"] == "manggar.sekretaris2"


def test_passwords_are_ten_unambiguous_characters_and_stored_with_the_one_time_hasher(roster, tmp_path):
    rows = run_command(tmp_path / "akun.csv")
    passwords = [row["password"] for row in rows]
    assert len(set(passwords)) == len(passwords)
    assert not AMBIGUOUS & set(PASSWORD_ALPHABET)
    for password in passwords:
        assert len(password) == 10
        assert set(password) <= set(PASSWORD_ALPHABET)
        assert re.search(r"[a-z]", password) and re.search(r"[A-Z]", password) and re.search(r"\d", password)
    for user in get_user_model().objects.all():
        assert user.password.startswith("pbkdf2_sha256_otp$60000$")


def test_the_full_demo_roster_gets_102_distinct_digit_free_usernames(db, tmp_path):
    assert members_import(data=demo_csv(), dry_run=False).ok
    rows = run_command(tmp_path / "akun.csv")
    assert len(rows) == 102
    usernames = [row["username"] for row in rows]
    assert len(set(usernames)) == 102
    assert all(re.fullmatch(r"[a-z]+\.(sekretaris|bendahara|stafteknis)", u) for u in usernames)
    assert len({row["kode_kelurahan"] for row in rows}) == 34


# --- first login --------------------------------------------------------------------------------------


@pytest.fixture
def fresh_account(roster):
    """The handover rows of freshly created accounts, by name."""
    return {row.nama: row for row in portal_accounts_create()}


def test_first_login_forces_the_password_change_on_every_page(fresh_account, member):
    decree = decree_issue(decree_date=dt.date(2024, 6, 1))
    own = document_render_and_store(
        Document.objects.get(decree=decree, kind="petikan", appointment__person=member).pk
    )
    row = fresh_account["Rahmat Hidayat"]
    client = Client()
    response = login(client, row.username, row.password)
    assert response.status_code == 302 and response["Location"] == "/"
    for url in (
        "/",
        "/masuk/",
        f"/dokumen/{own.public_id}/",
        "/sandi/lupa/",
        "/sandi/lupa/terkirim/",
        "/sandi/atur/selesai/",
        "/admin/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/sandi/ganti/", url
    page = client.get("/sandi/ganti/")
    assert page.status_code == 200
    assert "Anda masuk dengan sandi sekali pakai" in page.content.decode()

    # A wrong old password or a weak new one changes nothing.
    for data in (
        {"old_password": "salah-sandi", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        {"old_password": row.password, "new_password1": "12345678", "new_password2": "12345678"},
    ):
        assert client.post("/sandi/ganti/", data).status_code == 200
        assert refreshed(member).must_change_password is True
        assert client.get("/")["Location"] == "/sandi/ganti/"

    response = client.post(
        "/sandi/ganti/",
        {"old_password": row.password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    person = refreshed(member)
    assert person.must_change_password is False
    assert person.history.filter(history_change_reason="sandi portal diganti oleh anggota").exists()
    # Still logged in, and every page is open now.
    home = client.get("/")
    assert home.status_code == 200 and "Sandi berhasil diganti." in home.content.decode()
    assert client.get(f"/dokumen/{own.public_id}/").status_code == 200
    assert "sandi sekali pakai" not in client.get("/sandi/ganti/").content.decode()

    # The one-time password is spent; the new one works.
    assert login(Client(), row.username, row.password).status_code == 200
    assert login(Client(), row.username, NEW_PASSWORD)["Location"] == "/"


def test_logout_is_allowed_before_the_change(fresh_account):
    row = fresh_account["Dewi Lestari"]
    client = Client()
    login(client, row.username, row.password)
    response = client.post("/keluar/")
    assert response.status_code == 302 and response["Location"] == "/masuk/"
    assert SESSION_KEY not in client.session


def test_after_the_change_the_password_has_djangos_default_hash(production_hashers, fresh_account, member):
    row = fresh_account["Rahmat Hidayat"]
    assert refreshed(member).user.password.startswith("pbkdf2_sha256_otp$")
    client = Client()
    assert login(client, row.username, row.password)["Location"] == "/"
    response = client.post(
        "/sandi/ganti/",
        {"old_password": row.password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/"
    user = refreshed(member).user
    assert user.password.startswith("pbkdf2_sha256$1000000$")
    assert user.check_password(NEW_PASSWORD) and not user.check_password(row.password)


def test_staff_are_never_held_at_the_password_change(staff_client):
    assert staff_client.get("/admin/").status_code == 200


# --- admin actions ----------------------------------------------------------------------------------


def action(client, name, people):
    return client.post(
        PERSON_CHANGELIST, {"action": name, "_selected_action": [p.pk for p in people], "index": "0"}
    )


def slips(data: bytes) -> dict[str, str]:
    """username -> password from a handover PDF."""
    return dict(re.findall(r"Nama pengguna : (\S+) Sandi sekali pakai : (\S+)", pdf.flat(data)))


def test_admin_action_creates_accounts_and_returns_the_handover_pdf(staff_client, roster, teammate):
    portal_accounts_create(people=Person.objects.filter(pk=teammate.pk))
    teammate_hash = refreshed(teammate).user.password
    response = action(staff_client, "create_portal_accounts", roster)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="serah-terima-akun-portal.pdf"'
    body = response.getvalue()
    text = pdf.flat(body)
    assert "SERAH TERIMA AKUN PORTAL SEKRETARIAT PPS" in text
    assert "http://testserver/" in text
    accounts = slips(body)
    assert set(accounts) == {"manggar.sekretaris", "manggar.stafteknis", "baruilir.sekretaris"}
    for name in ("Rahmat Hidayat", "Agus Salim", "Budi Santoso"):
        assert name in text
    # The teammate already had an account: not on the sheet, password untouched.
    assert "Dewi Lestari" not in text and "manggar.bendahara" not in text
    assert refreshed(teammate).user.password == teammate_hash
    for username, password in accounts.items():
        user = get_user_model().objects.get(username=username)
        assert user.password.startswith("pbkdf2_sha256_otp$")
        assert user.person.must_change_password is True
        assert login(Client(), username, password)["Location"] == "/"
    # Back on the list, staff read what happened to each selected person.
    assert (
        "Akun portal dibuat untuk 3 anggota; 1 dilewati (1 sudah punya akun)."
        in staff_client.get(PERSON_CHANGELIST).content.decode()
    )


def test_admin_action_counts_people_skipped_for_having_no_active_post(staff_client, roster):
    idle = make_person(name="Tanpa Jabatan")
    response = action(staff_client, "create_portal_accounts", [*roster, idle])
    assert response["Content-Type"] == "application/pdf"
    assert (
        "Akun portal dibuat untuk 4 anggota; 1 dilewati (1 tidak sedang menjabat)."
        in staff_client.get(PERSON_CHANGELIST).content.decode()
    )


def test_admin_action_when_everyone_has_an_account_says_so(staff_client, roster):
    portal_accounts_create()
    response = action(staff_client, "create_portal_accounts", roster)
    assert response.status_code == 302
    page = staff_client.get(response["Location"])
    assert "Tidak ada akun portal baru: 4 dilewati (4 sudah punya akun)." in page.content.decode()


def test_view_only_staff_cannot_create_accounts(client, viewer_user, roster):
    client.force_login(viewer_user)
    response = action(client, "create_portal_accounts", roster)
    assert response["Content-Type"] != "application/pdf"
    assert not Person.objects.filter(user__isnull=False).exists()


def test_admin_reset_gives_a_new_working_one_time_password(staff_client, fresh_account, member, other_member):
    row = fresh_account["Rahmat Hidayat"]
    client = Client()
    login(client, row.username, row.password)
    client.post(
        "/sandi/ganti/",
        {"old_password": row.password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert refreshed(member).must_change_password is False
    other_hash = refreshed(other_member).user.password

    response = action(staff_client, "reset_portal_password", [member])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="sandi-baru-portal.pdf"'
    body = response.getvalue()
    [(username, password)] = slips(body).items()
    assert username == "manggar.sekretaris"
    assert "Rahmat Hidayat" in pdf.flat(body)
    assert len(password) == 10 and set(password) <= set(PASSWORD_ALPHABET)

    person = refreshed(member)
    assert person.must_change_password is True
    assert person.user.password.startswith("pbkdf2_sha256_otp$")
    assert person.history.filter(history_change_reason="sandi portal diatur ulang").exists()
    assert refreshed(other_member).user.password == other_hash
    assert login(Client(), username, NEW_PASSWORD).status_code == 200  # the old one is gone
    fresh = Client()
    assert login(fresh, username, password)["Location"] == "/"
    assert fresh.get("/")["Location"] == "/sandi/ganti/"


def test_admin_reset_for_members_without_account_says_so(staff_client, member):
    response = action(staff_client, "reset_portal_password", [member])
    assert response.status_code == 302
    page = staff_client.get(response["Location"])
    assert "Tidak ada anggota terpilih yang punya akun portal." in page.content.decode()


# --- password reset by e-mail ---------------------------------------------------------------------------


@pytest.fixture
def member_with_own_password(fresh_account, member):
    user = refreshed(member).user
    user.set_password(NEW_PASSWORD)
    user.save()
    Person.objects.filter(pk=member.pk).update(must_change_password=False)
    return refreshed(member)


def reset_link(message) -> str:
    [link] = re.findall(r"http://testserver(/sandi/atur/[^/\s]+/[^/\s]+/)", message.body)
    return link


def test_password_reset_by_email_sends_one_indonesian_message_with_a_working_link(
    member_with_own_password, mailoutbox, settings
):
    client = Client()
    form = client.get("/sandi/lupa/").content.decode()
    assert "Surel" in form and ">Email" not in form  # the field named as the page's text names it
    response = client.post("/sandi/lupa/", {"email": "rahmat@contoh.test"})
    assert response.status_code == 302 and response["Location"] == "/sandi/lupa/terkirim/"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["rahmat@contoh.test"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "Atur ulang sandi Portal Sekretariat PPS"
    assert "Yth. Rahmat Hidayat," in message.body
    assert "Buka tautan berikut untuk membuat sandi baru (berlaku 24 jam)" in message.body
    assert "Nama pengguna Anda: manggar.sekretaris" in message.body
    assert member_with_own_password.nik not in message.body

    link = reset_link(message)
    response = client.get(link)
    assert response.status_code == 302  # Django hides the token behind a session-bound address
    form = client.get(response["Location"])
    assert form.status_code == 200 and "Atur sandi baru" in form.content.decode()
    response = client.post(
        response["Location"], {"new_password1": "Sandi-Lupa-Baru-77", "new_password2": "Sandi-Lupa-Baru-77"}
    )
    assert response.status_code == 302 and response["Location"] == "/sandi/atur/selesai/"
    assert "Sandi baru tersimpan." in client.get("/sandi/atur/selesai/").content.decode()

    assert login(Client(), "manggar.sekretaris", NEW_PASSWORD).status_code == 200
    member_client = Client()
    assert login(member_client, "manggar.sekretaris", "Sandi-Lupa-Baru-77")["Location"] == "/"
    assert member_client.get("/").status_code == 200

    # The link works once.
    again = Client().get(link, follow=True)
    assert "Tautan ini tidak berlaku lagi" in again.content.decode()


def test_a_fresh_account_reset_by_email_is_not_asked_for_another_change(fresh_account, member, mailoutbox):
    """Setting a password through the e-mailed link replaces the one-time password: the member chose it."""
    assert refreshed(member).must_change_password is True
    client = Client()
    client.post("/sandi/lupa/", {"email": "RAHMAT@contoh.test"})
    assert len(mailoutbox) == 1
    response = client.get(reset_link(mailoutbox[0]))
    client.post(response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    person = refreshed(member)
    assert person.must_change_password is False
    assert person.history.filter(history_change_reason="sandi portal diatur lewat surel").exists()
    member_client = Client()
    assert login(member_client, "manggar.sekretaris", NEW_PASSWORD)["Location"] == "/"
    assert member_client.get("/").status_code == 200


def test_an_unknown_email_sends_nothing_and_shows_the_same_page(member_with_own_password, mailoutbox):
    known = Client().post("/sandi/lupa/", {"email": "rahmat@contoh.test"}, follow=True)
    mailoutbox.clear()
    unknown = Client().post("/sandi/lupa/", {"email": "bukan.anggota@contoh.test"}, follow=True)
    assert mailoutbox == []
    assert unknown.redirect_chain == known.redirect_chain == [("/sandi/lupa/terkirim/", 302)]
    assert "Bila surel tersebut terdaftar" in unknown.content.decode()


def test_changing_a_members_email_moves_the_reset_address_with_it(db):
    from secretariat.services.accounts import portal_accounts_create

    from .factories import make_appointment

    appointment = make_appointment()
    portal_accounts_create()
    person = appointment.person
    person.refresh_from_db()
    person.email = "baru@kelurahan.example"
    person.save()
    person.user.refresh_from_db()
    assert person.user.email == "baru@kelurahan.example"
