"""Load at national scale: 50 concurrent users on gunicorn + PostgreSQL over loopback (issue #7.3).

Usage (from the project root; needs wrk: `apt-get install -y wrk`):
    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/pps_bench_83763

Seeds the database to --kelurahan (bench/synthetic.py; 83,763 by default, reusing what is there), creates
50 member sessions and one staff session directly in the session store (no login round trips, no axes),
starts gunicorn on 127.0.0.1 with DEBUG off, then drives --connections concurrent connections with wrk for
--duration seconds at (1) the member home page `/`, each request with the next member's session cookie,
and (2) the admin person search, each request with the next of 50 people's full names. Only HTML pages are
requested (WhiteNoise serves the static files). Prints requests/s, p50/p95/p99 latency and errors.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA = r"""
local lines = {}
for line in io.lines(os.getenv("LOAD_REQUESTS")) do lines[#lines + 1] = line end
local counter = 0
request = function()
  counter = counter + 1
  local line = lines[(counter % #lines) + 1]
  local cookie, path = line:match("^(%S+) (%S+)$")
  return wrk.format("GET", path, {["Cookie"] = "sessionid=" .. cookie, ["Host"] = "127.0.0.1"})
end
done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT {\"requests\": %d, \"duration_s\": %.2f, \"rps\": %.1f, \"p50_ms\": %.1f, \"p95_ms\": %.1f, "
    .. "\"p99_ms\": %.1f, \"max_ms\": %.1f, \"errors_connect\": %d, \"errors_read\": %d, "
    .. "\"errors_timeout\": %d, \"non_2xx\": %d}\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.connect, summary.errors.read, summary.errors.timeout,
    summary.errors.status))
end
"""


def sessions(members: int) -> tuple[list[str], str, list[str]]:
    """(member session keys, staff session key, 50 full names to search for)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from secretariat.models import Appointment

    User = get_user_model()
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"

    def session_for(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    # Members spread over the whole data set (every n-th active appointment), as after a national roll-out.
    total = Appointment.objects.active().count()
    step = max(1, total // members)
    appointments = list(
        Appointment.objects.active().select_related("person__user").order_by("pk")[::step][:members]
    )
    keys, names = [], []
    for appointment in appointments:
        person = appointment.person
        if person.user is None:
            person.user = User.objects.create_user(f"load-member-{person.pk}", password=None)
            person.must_change_password = False
            person.save(update_fields=["user", "must_change_password"])
        keys.append(session_for(person.user))
        names.append(person.name)
    staff = User.objects.filter(username="load-admin").first() or User.objects.create_superuser(
        "load-admin", "load@kpu.test", None
    )
    return keys, session_for(staff), names


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback URL built here
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url}")


def check_page(port: int, line: str) -> None:
    """The session cookie really opens the page (a redirect to the login would count as a success in wrk)."""
    import http.client

    cookie, path = line.split(" ")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}, not 200")
    print(f"  check: {path[:60]} -> 200, {len(body)} bytes")


def run_wrk(url: str, lines: list[str], *, connections: int, threads: int, duration: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        script, requests = Path(tmp) / "rotate.lua", Path(tmp) / "requests.txt"
        script.write_text(LUA)
        requests.write_text("\n".join(lines) + "\n")
        completed = subprocess.run(  # noqa: S603 - fixed command line
            [
                WRK,
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{duration}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                url,
            ],  # fmt: skip
            env={**os.environ, "LOAD_REQUESTS": str(requests)},
            capture_output=True,
            text=True,
            check=True,
        )
    print(completed.stdout)
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pps_bench_83763")
    parser.add_argument("--kelurahan", type=int, default=83763)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread if > 1)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    import synthetic

    synthetic.create_database(args.database_url)
    synthetic.setup(args.database_url, DEBUG="false")
    synthetic.seed(args.kelurahan)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)
    member_keys, staff_key, names = sessions(args.connections)
    connections.close_all()

    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DATABASE_URL": args.database_url,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": os.environ["SECRET_KEY"],
    }
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "pps_admin.wsgi", "-b", f"127.0.0.1:{args.port}",
        "-w", str(args.workers), "--log-level", "warning",
    ]  # fmt: skip
    if args.threads > 1:
        command += ["-k", "gthread", "--threads", str(args.threads)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for(f"{base}/masuk/")
        results = {}
        for label, lines in [
            ("member home page /", [f"{key} /" for key in member_keys]),
            (
                "admin person search",
                [f"{staff_key} /admin/secretariat/person/?q={name.replace(' ', '+')}" for name in names],
            ),
        ]:
            check_page(args.port, lines[0])
            run_wrk(base, lines, connections=2, threads=1, duration=3)  # warm-up
            print(f"== {label}: {args.connections} connections, {args.duration} s", flush=True)
            results[label] = run_wrk(
                base, lines, connections=args.connections, threads=2, duration=args.duration
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    worker_kind = f"gthread x{args.threads}" if args.threads > 1 else "sync"
    print(f"\ngunicorn: {args.workers} {worker_kind} workers; load average {os.getloadavg()}")
    print("| page | requests/s | p50 ms | p95 ms | p99 ms | errors (connect/read/timeout/non-2xx) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, r in results.items():
        errors = f"{r['errors_connect']}/{r['errors_read']}/{r['errors_timeout']}/{r['non_2xx']}"
        print(f"| {label} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {errors} |")


if __name__ == "__main__":
    main()
