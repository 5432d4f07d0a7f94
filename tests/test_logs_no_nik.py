"""No NIK in any log (issue #14, item 3). Staff search by a whole NIK, so it travels in URLs: `?q=<NIK>` on
the lists, `?term=<NIK>` in the admin's autocomplete and in the Ganti (PAW) search, and a browser sends the
search page's URL on as the next request's Referer. The production stack runs as real processes (nginx with
pps_admin/deploy/nginx.conf.template in front of gunicorn with pps_admin/gunicorn_conf.py, DEBUG off, on the
test database); every log line they write is captured and searched for the NIKs."""

import logging
import socket
import urllib.parse

import pytest

from .factories import make_appointment, make_person
from .proxy_stack import Client, add_staff, gunicorn, needs_nginx, nginx

PASSWORD = "sandi-staf-123"
AUTOCOMPLETE = {"app_label": "secretariat", "model_name": "appointment", "field_name": "person"}


@pytest.fixture
def people(committed_db):
    holder = make_appointment().person  # has a post: found by the list and autocomplete searches
    free = make_person(name="Calon Pengganti", gender="P")  # no post: found by the Ganti search
    add_staff("staf", PASSWORD)
    return holder, free


def _malformed_request_line(port, nik):
    """A request line gunicorn refuses (a target without its leading slash): its WARNING "Invalid request
    from ip=...: Invalid HTTP request line: '...'" quotes the line."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET cari?q={nik} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        return sock.recv(200)


@needs_nginx
def test_staff_searches_by_full_nik_leave_no_nik_in_any_log_of_nginx_and_gunicorn(people, tmp_path):
    holder, free = people
    with gunicorn(tmp_path) as (app_port, app_log), nginx(tmp_path, app_port) as (proxy_port, proxy_logs):
        staff = Client(proxy_port)
        status, headers, _ = staff.post_form(
            "/admin/login/?next=/admin/", {"username": "staf", "password": PASSWORD}
        )
        assert (status, headers["Location"]) == (302, "/admin/")

        found = {}
        for path in (
            f"/admin/secretariat/person/?q={holder.nik}",
            f"/admin/secretariat/appointment/?q={holder.nik}",
            f"/admin/integrity/pact/?q={holder.nik}",
            "/admin/autocomplete/?" + urllib.parse.urlencode({**AUTOCOMPLETE, "term": holder.nik}),
            f"/admin/secretariat/appointment/cari-pengganti/?term={free.nik}",
        ):
            status, _, body = staff.get(path)
            assert status == 200, (path, body[:500])
            found[path.split("?")[0]] = body
        # The searches really ran and found the person (shown masked), so their NIKs were in the URLs.
        assert holder.masked_nik in found["/admin/secretariat/person/"]
        assert f'"id": "{holder.pk}"' in found["/admin/autocomplete/"]
        assert free.masked_nik in found["/admin/secretariat/appointment/cari-pengganti/"]
        # After a search, the next page carries the search's URL as its Referer.
        search_url = f"http://127.0.0.1:{proxy_port}/admin/secretariat/person/?q={holder.nik}"
        status, _, _ = staff.get(f"/admin/secretariat/person/{holder.pk}/change/", {"Referer": search_url})
        assert status == 200
        # 404s: Django logs "Not Found: <path>" at WARNING, with a NIK in the path or in the query.
        for path in (
            f"/admin/secretariat/person/?q={holder.nik}&o=99",
            f"/tidak-ada/{holder.nik}/",
            f"/tidak-ada/?nik={free.nik}",
        ):
            staff.get(path)
        assert staff.get(f"/tidak-ada/{holder.nik}/")[0] == 404
        assert Client(proxy_port).get(f"/masuk/?next=/admin/secretariat/person/%3Fq%3D{holder.nik}")[0] == 200
        # Straight to gunicorn: a refused request line, quoted in its error log.
        assert b"400" in _malformed_request_line(app_port, holder.nik)
    # (both servers stopped: every line is written)

    logs = {path.name: path.read_text() for path in [app_log, *proxy_logs]}
    leaks = {
        name: [line for line in text.splitlines() if holder.nik in line or free.nik in line]
        for name, text in logs.items()
    }
    assert not any(leaks.values()), leaks
    # The logs are not empty: every request is there, by its path only.
    access = logs["gunicorn.log"]
    for path in (
        "/admin/secretariat/person/",
        "/admin/autocomplete/",
        "/admin/secretariat/appointment/cari-pengganti/",
    ):
        assert f"GET {path} HTTP/1.0" in access or f"GET {path} HTTP/1.1" in access, access[-3000:]
        assert f'GET {path} HTTP/1.1" 200' in logs["stdout.log"], logs["stdout.log"][-3000:]
    assert "Not Found: /tidak-ada/[redacted]/" in access
    assert "Invalid HTTP request line: 'GET cari?q=[redacted] HTTP/1.1'" in access
    assert 'GET /tidak-ada/[redacted] HTTP/1.1" 404' in logs["stdout.log"]


def test_the_log_filter_drops_query_strings_and_masks_long_digit_runs_in_message_and_traceback():
    """The filter sits on the root console handler of settings.LOGGING, which Django's loggers reach too."""
    import sys

    from pps_admin.log_redaction import RedactPersonalData

    root = logging.getLogger()
    assert [h for h in root.handlers if any(isinstance(f, RedactPersonalData) for f in h.filters)], (
        root.handlers
    )
    for name in ("django", "django.request", "django.server"):
        logger = logging.getLogger(name)
        assert not logger.handlers and logger.propagate, name  # no unfiltered handler of their own

    nik, nip = "6471015705900001", "199005172015031001"
    try:
        raise ValueError(f"bad value {nik}")
    except ValueError:
        exc_info = sys.exc_info()
    request_line = f"GET /admin/?q={nik}&p=2 HTTP/1.1"
    record = logging.LogRecord(
        "django.server", logging.WARNING, __file__, 1, '"%s" %s', (request_line, 404), exc_info
    )
    assert RedactPersonalData().filter(record) is True  # rewritten, never dropped
    line = logging.Formatter().format(record)
    assert nik not in line
    assert '"GET /admin/ HTTP/1.1" 404' in line and "ValueError: bad value [redacted]" in line

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "NIP %s, page %s", (nip, 12), None)
    RedactPersonalData().filter(record)
    assert record.getMessage() == "NIP [redacted], page 12"
