"""Login throttling behind the reverse proxy (issue #14, item 5): django-axes must lock the *client's*
address, read from the X-Forwarded-For that nginx appends, not nginx's own address (which every client
would share: five wrong passwords from anyone would lock a username for everybody).

The real stack: Debian's nginx with pps_admin/deploy/nginx.conf.template in front of gunicorn with the
production config on the test database. Two clients connect to nginx from two real loopback addresses
(127.0.0.2 and 127.0.0.3), so nginx itself writes their addresses into X-Forwarded-For."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from .factories import make_appointment
from .proxy_stack import Client, gunicorn, needs_nginx, nginx

USERNAME = "manggar.sekretaris"
PASSWORD = "Sandi-Anggota-Uji-2024"
WRONG = "sandi-yang-salah"
LOCKED_TEXT = "Masuk ditahan sementara"
A, B = "127.0.0.2", "127.0.0.3"

pytestmark = needs_nginx


@pytest.fixture
def member(committed_db):
    person = make_appointment().person
    # The server checks with the production hashers (the suite's own processes hash with MD5).
    person.user = get_user_model().objects.create(
        username=USERNAME, password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    person.save()
    return person.user


def login(client, password, headers=None):
    """The outcome of one portal login: "in", "refused" (the form again) or "locked"."""
    status, response_headers, html = client.post_form(
        "/masuk/", {"username": USERNAME, "password": password}, headers=headers
    )
    if status == 302 and response_headers["Location"] == "/":
        return "in"
    if status == 429 and LOCKED_TEXT in html:
        return "locked"
    assert status == 200 and 'name="password"' in html, (status, html[:500])
    return "refused"


def fail_five_times(client, headers=None):
    return [login(client, WRONG, headers) for _ in range(5)]


def test_behind_nginx_five_failures_lock_one_client_address_and_another_client_still_logs_in(
    member, tmp_path
):
    with gunicorn(tmp_path, AXES_PROXY_COUNT="1") as (app_port, _log), nginx(tmp_path, app_port) as (port, _):
        a, b = Client(port, source=A), Client(port, source=B)
        assert fail_five_times(a) == ["refused"] * 4 + ["locked"]
        assert login(a, PASSWORD) == "locked"
        assert login(Client(port, source=A), PASSWORD) == "locked"  # a fresh browser at the same address
        # B, at another address, is not locked out of the same username.
        assert login(b, PASSWORD) == "in"
        assert b.get("/")[0] == 200

    [attempt] = AccessAttempt.objects.filter(username=USERNAME)
    assert attempt.ip_address == A  # the client's address, not nginx's (127.0.0.1)
    assert attempt.failures_since_start == 7  # the 5 wrong passwords and the 2 tries while locked


def test_a_forged_x_forwarded_for_does_not_get_a_client_out_of_its_lock(member, tmp_path):
    """nginx appends the real address to whatever the client sent; the proxy count takes the entry nginx
    wrote (the right-most), so the forged ones in front are never the address."""
    with gunicorn(tmp_path, AXES_PROXY_COUNT="1") as (app_port, _log), nginx(tmp_path, app_port) as (port, _):
        a = Client(port, source=A)
        forged = [{"X-Forwarded-For": f"203.0.113.{n}"} for n in range(1, 8)]
        assert [login(a, WRONG, forged[n]) for n in range(5)] == ["refused"] * 4 + ["locked"]
        assert login(a, PASSWORD, forged[5]) == "locked"
        assert login(a, PASSWORD, {"X-Forwarded-For": f"203.0.113.9, {B}"}) == "locked"  # posing as B
        assert login(Client(port, source=B), PASSWORD) == "in"
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {A}


def test_without_a_proxy_count_a_client_forging_x_forwarded_for_straight_at_gunicorn_is_still_locked(
    member, tmp_path
):
    """AXES_PROXY_COUNT=0 (no proxy, the default): the socket's address only; a header is never read."""
    with gunicorn(tmp_path, AXES_PROXY_COUNT="0") as (port, _log):
        a = Client(port, source=A)
        outcomes = [login(a, WRONG, {"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(1, 6)]
        assert outcomes == ["refused"] * 4 + ["locked"]
        assert login(a, PASSWORD, {"X-Forwarded-For": "198.51.100.1"}) == "locked"
        assert login(Client(port, source=B), PASSWORD) == "in"
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {A}


def test_behind_nginx_without_the_proxy_count_every_client_shares_nginx_address(member, tmp_path):
    """What the issue saw, kept as a check that the two-address tests above can tell the difference: with
    the count left at 0 behind nginx, A's failures lock B out too."""
    with gunicorn(tmp_path, AXES_PROXY_COUNT="0") as (app_port, _log), nginx(tmp_path, app_port) as (port, _):
        assert fail_five_times(Client(port, source=A))[-1] == "locked"
        assert login(Client(port, source=B), PASSWORD) == "locked"
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def _axes_settings(tmp_path, proxy_count):
    """The settings module read in a fresh process with AXES_PROXY_COUNT set (it is read at import)."""
    import subprocess
    import sys

    from .proxy_stack import ROOT, app_env

    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.AXES_IPWARE_PROXY_COUNT, list(s.AXES_IPWARE_META_PRECEDENCE_ORDER), s.IPWARE_STRICT)"
    )
    env = {**app_env(tmp_path, "sqlite:///unused"), "DJANGO_SETTINGS_MODULE": "pps_admin.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "AXES_PROXY_COUNT": proxy_count},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip() if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def test_the_proxy_count_maps_onto_ipware_hops_inside_the_header_and_a_bad_count_is_refused(tmp_path):
    assert _axes_settings(tmp_path, "0") == "None ['REMOTE_ADDR'] False"  # no header read at all
    assert (
        _axes_settings(tmp_path, "1") == "0 ['HTTP_X_FORWARDED_FOR'] False"
    )  # nginx: the header's last entry
    assert (
        _axes_settings(tmp_path, "2") == "1 ['HTTP_X_FORWARDED_FOR'] False"
    )  # TLS proxy + nginx: one before
    assert _axes_settings(tmp_path, "-1").endswith("AXES_PROXY_COUNT must be 0 or more.")
    assert _axes_settings(tmp_path, "dua").endswith("AXES_PROXY_COUNT must be an integer, got 'dua'")
