"""PostgreSQL's own execution time of each SQL query of the admin's search pages (issue #15 item 3).

Usage (from the project root, on a database page_times.py has seeded, e.g. pps_bench_83763):
    .venv/bin/python bench/search_plans.py --database-url postgres://postgres@127.0.0.1:5432/pps_bench_83763

Each page is requested once through Django's test Client (logged in as page_times.py's superuser); every
query it made is then run again under `EXPLAIN (ANALYZE, TIMING OFF)`, --repeat times, and the median of
PostgreSQL's "Execution Time" is printed with the query's first words and the plan's top node. Unlike page
times, these figures leave out Python and template rendering, so a machine shared with other work moves
them less; they are still provisional on a loaded machine.
"""

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

PAGES = [
    ("person search common name", "admin:secretariat_person_changelist", "q=Siti"),
    ("person search common name, page 2", "admin:secretariat_person_changelist", "q=Siti&p=2"),
    ("person search common name + gender", "admin:secretariat_person_changelist", "q=Siti&gender__exact=P"),
    ("person search kelurahan", "admin:secretariat_person_changelist", "q=Manggar+Baru"),
    ("appointment search common name", "admin:secretariat_appointment_changelist", "q=Siti"),
    ("pact search common name", "admin:integrity_pact_changelist", "q=Siti"),
    (
        "pact search common name + signed",
        "admin:integrity_pact_changelist",
        "q=Siti&status__exact=ditandatangani",
    ),
    ("kelurahan search", "admin:kelurahan_kelurahan_changelist", "q=Manggar"),
    ("person list", "admin:secretariat_person_changelist", ""),
    (
        "autocomplete person",
        "admin:autocomplete",
        "app_label=secretariat&model_name=appointment&field_name=person&term=Siti",
    ),
    ("replacement search (Ganti)", "admin:secretariat_appointment_replacement_search", "term=Siti"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pps_bench_83763")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    import synthetic

    synthetic.setup(args.database_url, DEBUG="false")
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    figures = {}
    for label, name, params in PAGES:
        url = f"{reverse(name)}?{params}" if params else reverse(name)
        client.get(url)  # warm-up
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        print(f"{label} ({status})")
        figures[label] = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
                continue
            times, node = [], ""
            with connection.cursor() as cursor:
                for _ in range(args.repeat):
                    cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)
                    plan = cursor.fetchone()[0]
                    plan = json.loads(plan) if isinstance(plan, str) else plan
                    times.append(plan[0]["Execution Time"])
                    node = plan[0]["Plan"]["Node Type"]
            median = round(statistics.median(times), 2)
            figures[label].append({"sql": sql[:160], "node": node, "execution_ms": median})
            print(f"  {median:8.2f} ms  {node:18} {sql[:110]}")
        print(f"  {sum(f['execution_ms'] for f in figures[label]):8.2f} ms  total")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
