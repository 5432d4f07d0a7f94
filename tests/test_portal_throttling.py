"""Login throttling (django-axes) on the portal and the admin: five wrong passwords lock a username (from
that address) for 15 minutes, with an Indonesian page; other usernames carry on; a success resets the count.

Logins go through the real forms with the test client's post (client.login() passes no request, which
axes refuses)."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.utils import timezone

from .factories import make_appointment, make_person

PASSWORD = "Sandi-Anggota-Uji-2024"
WRONG = "sandi-yang-salah"
LOCKED_TEXT = "Masuk ditahan sementara"
PORTAL_LOGIN = "/masuk/"
ADMIN_LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def clean_axes(db):
    reset()
    yield
    reset()


def member_account(name, kelurahan, role, username):
    person = make_appointment(person=make_person(name=name), kelurahan=kelurahan, role=role).person
    person.user = get_user_model().objects.create_user(username, password=PASSWORD)
    person.save()
    return person.user


@pytest.fixture
def member(db):
    return member_account("Rahmat Hidayat", "64.71.01.1001", "sekretaris", "manggar.sekretaris")


@pytest.fixture
def other_member(db):
    return member_account("Budi Santoso", "64.71.02.1001", "sekretaris", "baruilir.sekretaris")


def attempt(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


def assert_refused(response, client):
    """An ordinary failed login: the form again, nobody logged in."""
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert LOCKED_TEXT not in response.content.decode()
    assert SESSION_KEY not in client.session


def assert_locked(response, client):
    assert response.status_code == 429  # AXES_HTTP_RESPONSE_CODE: axes 8's default, kept by our settings
    html = response.content.decode()
    assert LOCKED_TEXT in html and "ditahan selama 15 menit" in html
    # Says what is locked (this username from this network, not the account) and when to retry.
    assert "dari jaringan ini" in html and "Akun dan datanya tidak berubah" in html
    assert "Coba lagi setelah pukul" in html and "WITA" in html
    assert "dikunci" not in html
    if response.request["PATH_INFO"].startswith("/admin/"):
        assert "administrator PPS Admin" in html and "sandi sekali pakai" not in html
    else:
        assert "sandi sekali pakai" in html
    assert 'name="password"' not in html
    assert SESSION_KEY not in client.session


def test_settings_lock_a_username_and_address_after_five_failures_for_15_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 0.25
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_five_wrong_passwords_lock_the_username_even_against_the_right_one(member):
    client = Client()
    for _ in range(4):
        assert_refused(attempt(client, PORTAL_LOGIN, "manggar.sekretaris", WRONG), client)
    assert_locked(attempt(client, PORTAL_LOGIN, "manggar.sekretaris", WRONG), client)
    [record] = AccessAttempt.objects.filter(username="manggar.sekretaris")
    assert record.failures_since_start == 5

    response = attempt(client, PORTAL_LOGIN, "manggar.sekretaris", PASSWORD)
    assert_locked(response, client)
    assert client.get("/")["Location"] == "/masuk/"
    # A fresh browser from the same address is locked out as well.
    fresh = Client()
    assert_locked(attempt(fresh, PORTAL_LOGIN, "manggar.sekretaris", PASSWORD), fresh)


def test_other_usernames_are_not_affected(member, other_member):
    client = Client()
    for _ in range(5):
        attempt(client, PORTAL_LOGIN, "manggar.sekretaris", WRONG)
    assert_locked(attempt(client, PORTAL_LOGIN, "manggar.sekretaris", PASSWORD), client)

    other = Client()
    assert_refused(attempt(other, PORTAL_LOGIN, "baruilir.sekretaris", WRONG), other)
    response = attempt(other, PORTAL_LOGIN, "baruilir.sekretaris", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert other.get("/").status_code == 200


def test_a_success_before_the_limit_resets_the_count(member):
    client = Client()
    for _ in range(4):
        assert_refused(attempt(client, PORTAL_LOGIN, "manggar.sekretaris", WRONG), client)
    assert attempt(client, PORTAL_LOGIN, "manggar.sekretaris", PASSWORD)["Location"] == "/"
    client.post("/keluar/")
    assert not AccessAttempt.objects.filter(username="manggar.sekretaris").exists()

    # Four more failures are again below the limit; without the reset the first would have locked.
    for _ in range(4):
        assert_refused(attempt(client, PORTAL_LOGIN, "manggar.sekretaris", WRONG), client)
    assert attempt(client, PORTAL_LOGIN, "manggar.sekretaris", PASSWORD)["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_lock_ends_after_the_15_minute_cool_off(member):
    client = Client()
    for _ in range(5):
        attempt(client, PORTAL_LOGIN, "manggar.sekretaris", WRONG)
    assert_locked(attempt(client, PORTAL_LOGIN, "manggar.sekretaris", PASSWORD), client)

    record = AccessAttempt.objects.get(username="manggar.sekretaris")
    AccessAttempt.objects.filter(pk=record.pk).update(
        attempt_time=record.attempt_time - dt.timedelta(minutes=14)
    )
    assert_locked(attempt(client, PORTAL_LOGIN, "manggar.sekretaris", PASSWORD), client)

    record.refresh_from_db()
    AccessAttempt.objects.filter(pk=record.pk).update(
        attempt_time=record.attempt_time - dt.timedelta(minutes=16)
    )
    assert attempt(client, PORTAL_LOGIN, "manggar.sekretaris", PASSWORD)["Location"] == "/"


def test_the_lock_is_per_address(member):
    """The configured pair is username + address: the same name from another address is not locked."""
    client = Client(REMOTE_ADDR="10.20.30.40")
    for _ in range(5):
        attempt(client, PORTAL_LOGIN, "manggar.sekretaris", WRONG)
    assert_locked(attempt(client, PORTAL_LOGIN, "manggar.sekretaris", PASSWORD), client)
    elsewhere = Client(REMOTE_ADDR="10.20.30.41")
    assert attempt(elsewhere, PORTAL_LOGIN, "manggar.sekretaris", PASSWORD)["Location"] == "/"


def test_the_admin_login_is_throttled_the_same_way(staff_user, viewer_user):
    client = Client()
    for _ in range(4):
        response = attempt(client, ADMIN_LOGIN, "staf", WRONG)
        assert response.status_code == 200 and 'name="password"' in response.content.decode()
        assert SESSION_KEY not in client.session
    assert_locked(attempt(client, ADMIN_LOGIN, "staf", WRONG), client)
    assert_locked(attempt(client, ADMIN_LOGIN, "staf", "sandi-staf-123"), client)
    assert client.get("/admin/").status_code == 302  # still not in

    # Another staff account from the same address logs in as usual.
    other = Client()
    response = attempt(other, ADMIN_LOGIN, "pengamat", "sandi-pengamat-123")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert other.get("/admin/").status_code == 200


def test_a_success_on_the_admin_login_resets_the_count(staff_user):
    client = Client()
    for _ in range(4):
        attempt(client, ADMIN_LOGIN, "staf", WRONG)
    assert attempt(client, ADMIN_LOGIN, "staf", "sandi-staf-123")["Location"] == "/admin/"
    client.post("/keluar/")
    for _ in range(4):
        attempt(client, ADMIN_LOGIN, "staf", WRONG)
    assert attempt(client, ADMIN_LOGIN, "staf", "sandi-staf-123")["Location"] == "/admin/"


def test_failures_on_the_portal_and_the_admin_add_up(member):
    """One username, one count: switching login pages does not buy more guesses."""
    client = Client()
    for _ in range(3):
        assert_refused(attempt(client, PORTAL_LOGIN, "manggar.sekretaris", WRONG), client)
    for _ in range(2):
        attempt(client, ADMIN_LOGIN, "manggar.sekretaris", WRONG)
    assert_locked(attempt(client, PORTAL_LOGIN, "manggar.sekretaris", PASSWORD), client)
    assert_locked(attempt(client, ADMIN_LOGIN, "manggar.sekretaris", PASSWORD), client)


def test_the_lock_page_tells_the_configured_cool_off_and_the_time_to_retry(member, settings):
    settings.AXES_COOLOFF_TIME = 0.5  # 30 minutes
    client = Client()
    for _ in range(5):
        attempt(client, PORTAL_LOGIN, "manggar.sekretaris", WRONG)
    response = attempt(client, PORTAL_LOGIN, "manggar.sekretaris", WRONG)
    assert response.status_code == 429
    html = response.content.decode()
    assert "ditahan selama 30 menit" in html and "15 menit" not in html
    last = AccessAttempt.objects.get(username="manggar.sekretaris").attempt_time
    retry_at = timezone.localtime(last + dt.timedelta(minutes=30))
    assert f"pukul <strong>{retry_at:%H.%M} WITA</strong>" in html
