"""The production web stack as real processes on 127.0.0.1, for the tests of issue #14 (items 3, 5, 6):
gunicorn with pps_admin/gunicorn_conf.py on the test database, and Debian's nginx with
pps_admin/deploy/nginx.conf.template (rendered as the nginx image renders it: the ${...} variables it
names, nothing else). Each process gets a free port, its own temporary directory and its own log files."""

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = ROOT / "pps_admin" / "deploy" / "nginx.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

needs_nginx = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (make test installs it)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, log, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"process exited: {Path(log).read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    pytest.fail(f"nothing listening on {port}: {Path(log).read_text()[-3000:]}")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def suite_database_url():
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def app_env(tmp_path, database_url=None, **extra):
    """Production settings (DEBUG off) on the test database (or `database_url`), without the HTTPS
    redirect and Redis."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url or suite_database_url(),
        "SECRET_KEY": "test-only-secret",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "MEDIA_ROOT": str(tmp_path / "media"),
        **extra,
    }
    env.pop("REDIS_URL", None)
    return env


@contextlib.contextmanager
def gunicorn(tmp_path, *extra_args, name="gunicorn", database_url=None, **env):
    """gunicorn with the production config (`extra_args` override it, as on a command line); yields
    (port, log path): stdout and stderr, i.e. access and error log, in one file as `docker logs` shows."""
    port = free_port()
    log = tmp_path / f"{name}.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "python:pps_admin.gunicorn_conf"]
    command += ["-b", f"127.0.0.1:{port}", *extra_args, "pps_admin.wsgi:application"]
    with open(log, "w") as handle:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=app_env(tmp_path, database_url, **env),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port, process, log)
        yield port, log
    finally:
        stop(process)


def render_nginx_site(upstream_port: int, listen_port: int) -> str:
    """The template with its two variables filled in; nginx's own $variables are left alone."""
    template = string.Template(NGINX_TEMPLATE.read_text())
    return template.safe_substitute(PPS_UPSTREAM=f"127.0.0.1:{upstream_port}", PPS_LISTEN=str(listen_port))


@contextlib.contextmanager
def nginx(tmp_path, upstream_port):
    """Debian's nginx serving the deploy template; yields (port, [log files]). The template's access log
    goes to stdout and its error log to stderr, as in the container."""
    port = free_port()
    prefix = tmp_path / "nginx"
    (prefix / "temp").mkdir(parents=True)
    (prefix / "site.conf").write_text(render_nginx_site(upstream_port, port))
    temp = " ".join(
        f"{kind}_temp_path {prefix / 'temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        ("user root root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'main-error.log'} info;\n"
        "events { worker_connections 1024; }\n"
        f"http {{ {temp} access_log off; include {prefix / 'site.conf'}; }}\n"
    )
    logs = [prefix / "stdout.log", prefix / "stderr.log", prefix / "main-error.log"]
    with open(logs[0], "w") as out, open(logs[1], "w") as err:
        process = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    try:
        wait_for_port(port, process, logs[1])
        yield port, logs
    finally:
        stop(process)


class Client:
    """A browser's part of HTTP over a fresh connection per request: cookies, CSRF tokens, and a chosen
    source address on the loopback network (127.0.0.2, 127.0.0.3, ...) so that two clients really come
    from two addresses, as nginx sees them."""

    def __init__(self, port, source="127.0.0.1"):
        self.port, self.source, self.cookies = port, source, {}

    def request(self, method, path, body=None, headers=None, timeout=30):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=timeout, source_address=(self.source, 0)
        )
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            key, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[key.strip()] = value
        return response.status, response.headers, text

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post_form(self, path, data, headers=None):
        _status, _headers, html = self.get(path, headers=headers)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token})
        sent = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{self.port}{path}",
            **(headers or {}),
        }
        return self.request("POST", path, body=body, headers=sent)


def add_staff(username, password):
    """A superuser whose password the server's production hashers can check (the suite hashes with MD5)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    user = get_user_model().objects.create_superuser(username, f"{username}@kpu.test", None)
    user.password = make_password(password, hasher="pbkdf2_sha256")
    user.save()
    return user


# --- slow clients (issue #14, item 6) ------------------------------------------------------------------

SLOW_CLIENTS_MAX = 300  # bounds of the probe: it only ever talks to 127.0.0.1, briefly
SLOW_SECONDS_MAX = 30


def _slow_client(port, until, interval, stop_event):
    """One slowloris connection: a request's headers a byte at a time, never finished before `until`."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /masuk/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while time.monotonic() < until and not stop_event.is_set():
            sock.sendall(b"X")  # one byte of an endless header line
            stop_event.wait(interval)


def slow_client_probe(port, *, slow=30, normal=4, hold=12.0, interval=0.5, timeout=5.0):
    """Open `slow` slow connections to 127.0.0.1:`port`, then, while they are held open (`hold` s), send
    `normal` ordinary requests (GET /masuk/, a new connection each, spread over the hold) and give each
    `timeout` s. Returns [(status or None, seconds)] of the normal requests."""
    import threading

    assert slow <= SLOW_CLIENTS_MAX and hold <= SLOW_SECONDS_MAX
    stop_event = threading.Event()
    until = time.monotonic() + hold
    threads = [
        threading.Thread(target=_slow_client, args=(port, until, interval, stop_event), daemon=True)
        for _ in range(slow)
    ]
    for thread in threads:
        thread.start()
    results = []
    try:
        time.sleep(min(2.0, hold / 4))  # every slow connection is open and has started its headers
        spacing = (until - time.monotonic() - timeout) / max(normal, 1)
        for _ in range(normal):
            started = time.monotonic()
            try:
                status = Client(port).request("GET", "/masuk/", timeout=timeout)[0]
            except OSError:  # socket.timeout included: no answer in time
                status = None
            results.append((status, time.monotonic() - started))
            time.sleep(max(0.0, spacing - (time.monotonic() - started)))
    finally:
        stop_event.set()
        for thread in threads:
            thread.join(timeout=10)
    return results
