"""Page times and query counts of the staff and member pages at 34, 30,000 and 83,763 kelurahan (issue #7.2).

Usage (from the project root, PostgreSQL on loopback):
    .venv/bin/python bench/page_times.py --database-url postgres://postgres@127.0.0.1:5432/pps_bench \
        --scales 34,30000,83763

Each scale gets its own database, named after the URL's with the scale appended (`pps_bench_34`, ...),
created and seeded when missing (bench/synthetic.py: 34 real kelurahan with the fictional roster, the rest
synthetic; three appointments, a pact and a Petikan each). Then every admin changelist (plain, and with a
search where the page has a search box), the change pages, the autocomplete endpoint, the completeness
matrix, the dashboards and the member portal home page are requested through Django's test Client (DEBUG
off, logged in as staff or as a member): median and p95 over --requests requests after 2 warm-ups,
the number of SQL queries of one request and, for lists, the rows shown. The first scale is the baseline of
the ratio columns.

Staff (`--staff`): a superuser (the default), or the operator of KPU Kota Balikpapan (`--staff operator`,
a StaffMembership of office 64.71 in the "Operator KPU" group, issue #17.6): every page then goes through
the office scoping, and the objects of the change pages are Balikpapan's. At national scale the synthetic
kelurahan belong to 514 other offices, so the operator's pages read one office's rows out of 515 offices'.
`--staff provincial`: a viewer of KPU Provinsi Kalimantan Timur (64), who reads the province's offices (the
same ones at every scale: the synthetic offices lie in provinces 00-09) with their rollups, and the
province overview of their one province; the national data around them grows.
Figures go to stdout as a Markdown table and to bench/results/page_times-<date>.json.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

GOAL_RATIO = 3.0


def scale_url(base_url: str, scale: int) -> str:
    head, name = base_url.rsplit("/", 1)
    return f"{head}/{name}_{scale}"


def pages(
    admin_site,
    *,
    member_name: str,
    member_nik: str,
    person_pk,
    appointment_pk,
    kelurahan_code,
    pact_pk,
    decree_pk,
    superuser: bool = True,
):
    """(label, url, persona) of every page to time."""
    from django.urls import reverse

    found = []
    searches = {
        "secretariat.person": member_name,
        "secretariat.appointment": member_name,
        "integrity.pact": member_name,
        "kelurahan.kelurahan": "Manggar",
        "kelurahan.kecamatan": "Balikpapan Timur",
        "secretariat.decree": "NOMOR 1 TAHUN",
    }
    for model, model_admin in sorted(admin_site._registry.items(), key=lambda item: item[0]._meta.label):
        label = model._meta.label_lower
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        found.append((f"{label} list", url, "staff"))
        if model_admin.search_fields:
            term = searches.get(label, "a")
            found.append((f"{label} search", f"{url}?q={term.replace(' ', '+')}", "staff"))
    person_list = reverse("admin:secretariat_person_changelist")
    found += [
        ("secretariat.person search NIK", f"{person_list}?q={member_nik}", "staff"),
        ("secretariat.person search common name", f"{person_list}?q=Siti", "staff"),
        (
            "secretariat.appointment search common name",
            reverse("admin:secretariat_appointment_changelist") + "?q=Siti",
            "staff",
        ),
        (
            "integrity.pact search common name",
            reverse("admin:integrity_pact_changelist") + "?q=Siti",
            "staff",
        ),
        ("secretariat.person search kelurahan", f"{person_list}?q=Manggar+Baru", "staff"),
        ("secretariat.person search common name + gender", f"{person_list}?q=Siti&gender__exact=P", "staff"),
        (
            "integrity.pact search common name + signed",
            reverse("admin:integrity_pact_changelist") + "?q=Siti&status__exact=ditandatangani",
            "staff",
        ),
        ("secretariat.person filter kecamatan", f"{person_list}?kecamatan=64.71.01", "staff"),
        ("secretariat.person change", reverse("admin:secretariat_person_change", args=[person_pk]), "staff"),
        (
            "secretariat.appointment change",
            reverse("admin:secretariat_appointment_change", args=[appointment_pk]),
            "staff",
        ),
        ("secretariat.appointment add", reverse("admin:secretariat_appointment_add"), "staff"),
        (
            "kelurahan.kelurahan change",
            reverse("admin:kelurahan_kelurahan_change", args=[kelurahan_code]),
            "staff",
        ),
        ("integrity.pact change", reverse("admin:integrity_pact_change", args=[pact_pk]), "staff"),
        ("secretariat.decree change", reverse("admin:secretariat_decree_change", args=[decree_pk]), "staff"),
        (
            "autocomplete person",
            reverse("admin:autocomplete")
            + "?app_label=secretariat&model_name=appointment&field_name=person&term=Siti",
            "staff",
        ),
        (
            "autocomplete kelurahan",
            reverse("admin:autocomplete")
            + "?app_label=secretariat&model_name=appointment&field_name=kelurahan&term=Manggar",
            "staff",
        ),
        (
            "replacement search (Ganti)",
            reverse("admin:secretariat_appointment_replacement_search") + "?term=Siti",
            "staff",
        ),
        ("admin index", reverse("admin:index"), "staff"),
        ("completeness matrix", reverse("admin:secretariat_completeness"), "staff"),
        ("pact dashboard", reverse("admin:integrity_dashboard"), "staff"),
        ("decree issue page", reverse("admin:secretariat_decree_issue"), "staff"),
        ("member portal home", reverse("portal:home"), "member"),
    ]
    if superuser:  # the overview per province (a provincial viewer: their one); an operator gets a 403
        found.append(("office overview per province", reverse("admin:secretariat_office_provinces"), "staff"))
    return found


def staff_account(kind: str):
    """The superuser, the operator of KPU Kota Balikpapan (64.71), or a viewer of KPU Provinsi Kalimantan
    Timur (64)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from secretariat.models import Office, StaffMembership
    from secretariat.roles import OPERATOR, VIEWER

    User = get_user_model()
    if kind == "superuser":
        return User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
            "bench-admin", "bench@kpu.test", None
        )
    if kind == "provincial":
        viewer, _ = User.objects.get_or_create(username="bench-viewer-64", defaults={"is_staff": True})
        viewer.groups.add(Group.objects.get(name=VIEWER))
        StaffMembership.objects.update_or_create(
            user=viewer, defaults={"office": Office.objects.get(code="64")}
        )
        return viewer
    operator, _ = User.objects.get_or_create(username="bench-operator-6471", defaults={"is_staff": True})
    operator.groups.add(Group.objects.get(name=OPERATOR))
    StaffMembership.objects.update_or_create(
        user=operator, defaults={"office": Office.objects.get(code="64.71")}
    )
    return operator


def measure_scale(database_url: str, scale: int, requests: int, only: list[str], staff_kind: str) -> dict:
    import synthetic

    synthetic.create_database(database_url)
    synthetic.setup(database_url, DEBUG="false")
    started = time.perf_counter()
    synthetic.seed(scale)
    seeded_in = time.perf_counter() - started
    from django.core.management import call_command
    from django.db import connection

    # Migrations the database has not seen yet (it is kept between runs), then what autovacuum does on a
    # production server (it is off on the project's test machines): visibility map and statistics.
    call_command("migrate", "--noinput", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    from django.conf import settings
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from integrity.models import Pact
    from secretariat.models import Appointment, Decree

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)
    User = get_user_model()
    staff = staff_account(staff_kind)
    # The member: the last appointment created (a synthetic one at scale, a Balikpapan one at 34); for an
    # office's operator, the last one of that office.
    appointments = Appointment.objects.select_related("person").order_by("-pk")
    if staff_kind != "superuser":
        appointments = appointments.visible_to(staff)
    appointment = appointments.first()
    person = appointment.person
    if person.user_id is None:
        person.user = User.objects.create_user(f"bench-member-{person.pk}", password=None)
        person.save(update_fields=["user"])
    staff_client, member_client = Client(), Client()
    staff_client.force_login(staff)
    member_client.force_login(person.user)
    clients = {"staff": staff_client, "member": member_client}
    results = {}
    for label, url, persona in pages(
        admin.site,
        member_name=person.name,
        member_nik=person.nik,
        person_pk=person.pk,
        appointment_pk=appointment.pk,
        kelurahan_code=appointment.kelurahan_id,
        pact_pk=Pact.objects.filter(appointment=appointment).values_list("pk", flat=True).first(),
        decree_pk=Decree.objects.visible_to(staff).order_by("-pk").values_list("pk", flat=True).first(),
        superuser=staff_kind != "operator",
    ):
        if only and not any(word in label for word in only):
            continue
        client = clients[persona]
        for _ in range(2):
            response = client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = len(captured.captured_queries)  # read now: the next request clears the log
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        results[label] = {
            "url": url,
            "status": response.status_code,
            "rows": rows_shown(response),
            "bytes": len(response.content),
            "queries": queries,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(round(0.95 * len(times))) - 1)], 1),
        }
        print(
            f"  {label:45} {results[label]['median_ms']:8.1f} ms  {results[label]['queries']:3} q", flush=True
        )
    from secretariat.models import Office

    return {
        "scale": scale,
        "staff": staff_kind,
        "offices": Office.objects.filter(kind="kabkota").count(),
        "seeded_in_s": round(seeded_in, 1),
        "load_average": os.getloadavg(),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "pages": results,
    }


def rows_shown(response) -> int | None:
    """Rows of an admin list's table or of an autocomplete answer: a full page costs more to render than a
    few rows at any scale, which the ratio to a small baseline includes."""
    if response.get("Content-Type", "").startswith("application/json"):
        return len(response.json().get("results", []))
    html = response.content.decode()
    start = html.find('id="result_list"')
    if start < 0:
        return None
    body = html[html.find("<tbody>", start) : html.find("</tbody>", start)]
    return body.count("<tr")


def table(runs: list[dict]) -> str:
    base = runs[0]
    head = "| page | " + " | ".join(f"{r['scale']:,}: median (p95) ms, queries" for r in runs[0:])
    head += " | " + " | ".join(f"ratio {r['scale']:,}" for r in runs[1:]) + " | goal |"
    lines = [head, "|" + " --- |" * (2 + 2 * len(runs) - 1)]
    for label in base["pages"]:
        cells, ok = [], True
        for run in runs:
            page = run["pages"].get(label)
            status = "" if page is None or page["status"] == 200 else f" [{page['status']}]"
            shown = f", {page['rows']} rows" if page and page.get("rows") is not None else ""
            cells.append(
                f"{page['median_ms']} ({page['p95_ms']}), {page['queries']}q{shown}{status}" if page else "-"
            )
        for run in runs[1:]:
            page, first = run["pages"].get(label), base["pages"][label]
            ratio = page["median_ms"] / first["median_ms"] if page else float("nan")
            ok = ok and page is not None and ratio <= GOAL_RATIO and page["queries"] == first["queries"]
            cells.append(f"{ratio:.2f}")
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {'met' if ok else 'NOT MET'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pps_bench")
    parser.add_argument("--scales", default="34,30000,83763")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--staff",
        choices=["superuser", "operator", "provincial"],
        default="superuser",
        help="who requests the staff pages",
    )
    parser.add_argument(
        "--pages", default="", help="comma-separated words: time only the pages whose label contains one"
    )
    parser.add_argument("--only-scale", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only_scale is not None:
        only = [word for word in args.pages.split(",") if word]
        run = measure_scale(
            scale_url(args.database_url, args.only_scale), args.only_scale, args.requests, only, args.staff
        )
        Path(args.output).write_text(json.dumps(run, indent=1))
        return
    out_dir = Path(__file__).resolve().parent / "results"
    out_dir.mkdir(exist_ok=True)
    runs = []
    for scale in [int(s) for s in args.scales.split(",")]:
        print(f"scale {scale:,} kelurahan ({scale_url(args.database_url, scale)})", flush=True)
        output = out_dir / f".page_times-{scale}.json"
        subprocess.run(  # noqa: S603 - this script with its own arguments
            [
                sys.executable,
                __file__,
                "--database-url",
                args.database_url,
                "--only-scale",
                str(scale),
                "--requests",
                str(args.requests),
                "--pages",
                args.pages,
                "--staff",
                args.staff,
                "--output",
                str(output),
            ],
            check=True,
            cwd=ROOT,
        )
        runs.append(json.loads(output.read_text()))
        output.unlink()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    (out_dir / f"page_times-{stamp}.json").write_text(json.dumps(runs, indent=1))
    print()
    print(
        f"staff pages requested as: {args.staff}; kabupaten/kota offices: "
        + ", ".join(f"{run['offices']} at {run['scale']:,}" for run in runs)
    )
    print(
        "load average during runs: "
        + ", ".join(str(tuple(round(x, 2) for x in run["load_average"])) for run in runs)
    )
    print(table(runs))


if __name__ == "__main__":
    main()
