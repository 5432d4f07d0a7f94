"""Bench data: the 34 real kelurahan with the fictional roster, plus national-scale synthetic kelurahan.

The synthetic kelurahan, people and appointments come from the `seed_synthetic` command of bench/loadtest
(issue #7 item 1: codes `0P.KK.CC.DDDD`, valid NIKs of province 99, removable with
`seed_synthetic --remove`; 514 kabupaten/kota offices at national scale, issue #17.6). On top of that, for
the page-time and load benchmarks, this module adds with set-based SQL what an office has after its SK was
issued: a pact per appointment (about 70% signed, with its office's pact text where it has one) and a
decree of its own (its NOMOR 1 TAHUN 2024) with Petikan records, for every office (Balikpapan's too).

Call `setup(database_url)` before importing models, then `seed(total_kelurahan)`.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(database_url: str, **extra_env) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="pps_admin.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret"),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        LOADTEST="true",  # bench/loadtest's seed_synthetic
        **extra_env,
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def create_database(database_url: str) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist (never drops anything)."""
    from urllib.parse import urlparse

    import psycopg2

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    connection = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username, password=url.password, dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def seed(total_kelurahan: int, *, log=print) -> None:
    """Migrate, load the fictional roster of the 34, then make the synthetic kelurahan number the rest."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.loadtest.codes import SYNTHETIC_REGION
    from kelurahan.models import Kelurahan
    from secretariat.models import Appointment, ElectionPeriod

    call_command("migrate", "--noinput", verbosity=0)
    if not Appointment.objects.filter(kelurahan__code__startswith="64.71.").exists():
        from secretariat.services.demo import demo_csv
        from secretariat.services.importing import members_import

        result = members_import(data=demo_csv(), dry_run=False, reason="bench")
        assert result.ok, result.summary
        log("  loaded the fictional 102-member roster")
    existing = Kelurahan.objects.filter(SYNTHETIC_REGION).count()
    wanted = max(0, total_kelurahan - Kelurahan.objects.exclude(SYNTHETIC_REGION).count())
    if wanted != existing:
        if wanted:
            call_command("seed_synthetic", "--kelurahan", str(wanted), "--replace", verbosity=0)
        else:
            call_command("seed_synthetic", "--remove", verbosity=0)
        log(f"  seed_synthetic: {wanted} synthetic kelurahan (was {existing})")
    from secretariat.services.decree_coverage import listing_refresh

    period_id = ElectionPeriod.current().pk
    with transaction.atomic(), connection.cursor() as cursor:
        _add_pacts_and_decrees(cursor, period_id=period_id)
        # Statistics of what was just written, first: without them the planner takes the 515 new decrees
        # for none and checks every appointment against every decree (a quarter-hour anti-join).
        cursor.execute("ANALYZE secretariat_decree, secretariat_decreeentry, secretariat_appointment")
        # The decrees and entries above are written by SQL, past the services that keep this flag.
        listing_refresh(Appointment.objects.all())
        cursor.execute("ANALYZE")


def _add_pacts_and_decrees(cursor, *, period_id: int) -> None:
    """Pacts for appointments without one; one decree (with Petikan records) per office whose appointments
    no decree lists yet, numbered after that office's own 2024 decrees."""
    cursor.execute("SELECT id FROM integrity_pacttext ORDER BY version DESC LIMIT 1")
    any_text_id = cursor.fetchone()[0]
    cursor.execute(
        """
        INSERT INTO integrity_pact (appointment_id, text_id, status, signed_date, signed_place, scan,
            scan_sha256, recorded_at)
        SELECT a.id,
               coalesce((SELECT t.id FROM integrity_pacttext t WHERE t.office_id = a.office_id
                         ORDER BY t.version DESC LIMIT 1), %s),
               CASE WHEN a.id %% 10 < 7 THEN 'ditandatangani' ELSE 'dicetak' END,
               CASE WHEN a.id %% 10 < 7 THEN DATE '2024-06-01' END,
               CASE WHEN a.id %% 10 < 7 THEN 'Balikpapan' ELSE '' END, '', '', NULL
        FROM secretariat_appointment a
        WHERE NOT EXISTS (SELECT 1 FROM integrity_pact p WHERE p.appointment_id = a.id)
        """,
        [any_text_id],
    )
    # Set-based (one statement per table): a loop per office rescanned every appointment each time.
    cursor.execute("DROP TABLE IF EXISTS bench_groups")
    cursor.execute(
        """
        CREATE TEMP TABLE bench_groups AS
        SELECT o.office_id, coalesce((SELECT max(d.sequence) FROM secretariat_decree d
                                      WHERE d.office_id = o.office_id AND d.year = 2024), 0) + 1 AS seq
        FROM (SELECT DISTINCT a.office_id FROM secretariat_appointment a
              WHERE NOT EXISTS (SELECT 1 FROM secretariat_decreeentry e WHERE e.appointment_id = a.id)) o
        """
    )
    cursor.execute(
        """
        INSERT INTO secretariat_decree (office_id, number, year, sequence, decree_date, period_id, text,
            status, revoked_reason, created_at, kind)
        SELECT office_id, 'NOMOR ' || seq || ' TAHUN 2024', 2024, seq, DATE '2024-06-01', %s, '{}'::jsonb,
               'issued', '', now(), 'appointment'
        FROM bench_groups ORDER BY office_id
        """,
        [period_id],
    )
    cursor.execute(
        """
        INSERT INTO secretariat_decreeentry (decree_id, appointment_id, position)
        SELECT d.id, a.id, row_number() OVER (PARTITION BY d.id ORDER BY a.kelurahan_id, a.role)
        FROM secretariat_appointment a
        JOIN bench_groups g ON g.office_id = a.office_id
        JOIN secretariat_decree d ON d.office_id = g.office_id AND d.year = 2024 AND d.sequence = g.seq
        WHERE NOT EXISTS (SELECT 1 FROM secretariat_decreeentry e WHERE e.appointment_id = a.id)
        """
    )
    cursor.execute(
        """
        INSERT INTO secretariat_generationjob (office_id, kind, status, decree_id, total, error, created_at,
            finished_at, awaiting_first_signature)
        SELECT d.office_id, 'sk', 'done', d.id,
               (SELECT count(*) FROM secretariat_decreeentry e WHERE e.decree_id = d.id) + 1, '',
               now(), now(), false
        FROM secretariat_decree d
        JOIN bench_groups g ON d.office_id = g.office_id AND d.year = 2024 AND d.sequence = g.seq
        """
    )
    cursor.execute(
        """
        INSERT INTO secretariat_document (public_id, check_code, job_id, kind, decree_id, appointment_id,
            status, file, sha256, size, pages, attempts, error, signed_by, signature_certified)
        SELECT gen_random_uuid(), 'B' || lpad(e.appointment_id::text, 11, '0'), j.id, 'petikan',
               j.decree_id, e.appointment_id, 'done', 'bench/petikan-' || e.appointment_id || '.pdf',
               repeat('0', 64), 1000, 2, 1, '', '', false
        FROM secretariat_generationjob j
        JOIN secretariat_decree d ON d.id = j.decree_id
        JOIN bench_groups g ON d.office_id = g.office_id AND d.year = 2024 AND d.sequence = g.seq
        JOIN secretariat_decreeentry e ON e.decree_id = j.decree_id
        """
    )
