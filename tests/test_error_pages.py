"""What a user sees when something goes wrong (issue #12, item 6): Indonesian error pages in the portal's
style with DEBUG off (as the suite runs), a favicon, and login errors worded once."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import checks, mail
from django.test import Client

from pps_admin.apps import email_check
from tests.factories import join_office

pytestmark = pytest.mark.django_db

PORTAL_HEADER = "Portal Sekretariat PPS"


def assert_portal_error_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html and PORTAL_HEADER in html and 'lang="id"' in html
    assert "Ke halaman utama" in html
    for english in ("Not Found", "Server Error", "Forbidden", "CSRF verification failed"):
        assert english not in html


def test_a_stale_document_link_shows_an_indonesian_404(client):
    response = client.get("/dokumen/00000000-0000-0000-0000-000000000000/")
    # Anonymous: sent to log in first; logged in as a member, the unknown document is a 404 page.
    assert response.status_code == 302
    user = get_user_model().objects.create_user("anggota.uji", password="x")
    client.force_login(user)
    assert_portal_error_page(
        client.get("/dokumen/00000000-0000-0000-0000-000000000000/"), 404, "Halaman tidak ditemukan"
    )


def test_an_unknown_address_shows_the_404_page(client):
    assert_portal_error_page(client.get("/tidak-ada/"), 404, "Halaman tidak ditemukan")


def test_a_staff_page_without_permission_shows_the_403_page(client):
    user = join_office(get_user_model().objects.create_user("staf.tanpa.izin", password="x", is_staff=True))
    client.force_login(user)
    assert_portal_error_page(client.get("/admin/secretariat/appointment/impor/"), 403, "tidak berhak")


def test_a_server_error_shows_the_500_page(settings):
    settings.ROOT_URLCONF = "tests.urls_raising"
    client = Client(raise_request_exception=False)
    assert_portal_error_page(client.get("/uji-gangguan/"), 500, "Terjadi gangguan pada server")


def test_a_form_sent_without_its_csrf_token_shows_the_expired_form_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/masuk/", {"username": "a", "password": "b"})
    assert_portal_error_page(response, 403, "Formulir sudah kedaluwarsa")
    assert "Tidak ada yang tersimpan" in response.content.decode()


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/masuk/", "Nama pengguna atau sandi salah. Huruf besar dan kecil dibedakan."),
        ("/admin/login/", "Nama pengguna atau sandi salah, atau akun ini bukan akun staf KPU."),
    ],
)
def test_a_wrong_password_says_so_once_in_plain_indonesian(client, url, message):
    join_office(get_user_model().objects.create_user("staf.uji", password="sandi-benar-123", is_staff=True))
    html = client.post(url, {"username": "staf.uji", "password": "salah"}).content.decode()
    assert message in html
    assert "nama pengguna nama pengguna" not in html.lower()


# --- e-mail without a mail server (issue #14, item 4) ------------------------------------------------


def test_without_a_mail_server_production_warns_and_never_logs_the_reset_mail(client, settings, caplog):
    # What settings choose with DEBUG off and no EMAIL_HOST (the test runner swaps in its locmem backend).
    assert settings_email_backend(DEBUG="false") == "pps_admin.mail.UnconfiguredEmailBackend"
    settings.EMAIL_BACKEND = "pps_admin.mail.UnconfiguredEmailBackend"
    [warning] = email_check(None)
    assert warning.level == checks.WARNING and warning.id == "pps_admin.W003"

    user = get_user_model().objects.create_user("anggota.surel", email="rahasia@contoh.test", password="x")
    page = client.get("/sandi/lupa/").content.decode()
    assert "belum tersedia" in page and 'name="email"' not in page
    with caplog.at_level(logging.DEBUG):
        response = client.post("/sandi/lupa/", {"email": user.email})
        # Even if a message reached the backend, only the fact is logged, never address or link.
        message = mail.EmailMessage("Atur ulang", "/sandi/atur/x/", to=[user.email])
        sent = mail.get_connection().send_messages([message])
    assert response.status_code == 200 and "belum tersedia" in response.content.decode()
    assert sent == 0
    logged = caplog.text
    assert "rahasia@contoh.test" not in logged and "/sandi/atur/" not in logged
    assert "tidak dikirim" in logged


def settings_email_backend(**env_vars):
    env = {k: v for k, v in os.environ.items() if k != "EMAIL_HOST"} | env_vars
    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env | {"DJANGO_SETTINGS_MODULE": "pps_admin.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()


def test_the_console_backend_only_with_debug_on_and_smtp_with_a_mail_server():
    assert settings_email_backend(DEBUG="true") == "django.core.mail.backends.console.EmailBackend"
    smtp = settings_email_backend(DEBUG="false", EMAIL_HOST="smtp.kpu-balikpapan.example")
    assert smtp == "django.core.mail.backends.smtp.EmailBackend"
