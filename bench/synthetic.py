"""Bench-only bulk loader: the 34 real kelurahan with the fictional roster, plus synthetic kelurahan.

Not a product command (that is `seed_synthetic`, issue #7 item 1); this one exists so that page-time and
load benchmarks can build national-scale data in about a minute with set-based SQL on PostgreSQL.
Synthetic codes start with `00.` (kecamatan `00.PP.KK`, kelurahan `00.PP.KK.10NN`, 12 per kecamatan, about
the national average), so they can never collide with a Kemendagri code. Every kelurahan gets three active
appointments of the current period, each appointment a pact (about 70% signed) and a decree entry with a
generated Petikan record (one decree per synthetic `00.PP` group), like a city after its SK was issued.

Call `setup(database_url)` before importing models, then `seed(total_kelurahan)`; it only ever adds.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_KECAMATAN = 12

KELURAHAN_PREFIX = [
    "Sungai",
    "Gunung",
    "Teluk",
    "Tanjung",
    "Batu",
    "Karang",
    "Muara",
    "Padang",
    "Bukit",
    "Kampung",
    "Suka",
    "Loa",
    "Long",
    "Sido",
    "Tanah",
    "Air",
]
KELURAHAN_WORD = [
    "Ampal",
    "Baru",
    "Jaya",
    "Makmur",
    "Indah",
    "Harapan",
    "Mulya",
    "Sari",
    "Rejo",
    "Agung",
    "Lestari",
    "Permai",
    "Damai",
    "Sejahtera",
    "Merdeka",
    "Asri",
    "Kencana",
    "Raya",
    "Timur",
    "Barat",
    "Utara",
    "Selatan",
    "Tengah",
    "Hilir",
    "Hulu",
    "Pinang",
    "Kelapa",
    "Nangka",
    "Durian",
    "Rambutan",
    "Bambu",
    "Cempaka",
    "Melati",
    "Mawar",
    "Kenanga",
    "Dahlia",
    "Anggrek",
    "Teratai",
    "Seroja",
    "Kemuning",
    "Beringin",
    "Meranti",
    "Ulin",
    "Bangkirai",
    "Pandan",
    "Rotan",
    "Seberang",
    "Pesisir",
    "Lama",
]
FIRST = [
    "Budi",
    "Agus",
    "Rahmat",
    "Hendra",
    "Yusuf",
    "Andi",
    "Dedi",
    "Fajar",
    "Rizky",
    "Irfan",
    "Siti",
    "Dewi",
    "Nurul",
    "Rina",
    "Fitri",
    "Ayu",
    "Wulan",
    "Indah",
    "Lestari",
    "Yuni",
    "Ahmad",
    "Muhammad",
    "Eko",
    "Joko",
    "Sri",
    "Ratna",
    "Putri",
    "Hadi",
    "Bambang",
    "Wahyu",
    "Yanti",
    "Agustina",
    "Sulastri",
    "Taufik",
    "Arif",
    "Imam",
    "Nur",
    "Dian",
    "Mega",
    "Kartini",
]
MIDDLE = ["", "", "Nur", "Dwi", "Tri", "Eka", "Adi", "Puspa", "Ratu", "Rahma", "Sari", "Jaya", "Putra"]
LAST = [
    "Saputra",
    "Pratama",
    "Hidayat",
    "Santoso",
    "Wijaya",
    "Kusuma",
    "Setiawan",
    "Gunawan",
    "Nugroho",
    "Rahman",
    "Hakim",
    "Syahputra",
    "Siregar",
    "Nasution",
    "Harahap",
    "Lubis",
    "Simanjuntak",
    "Sinaga",
    "Wibowo",
    "Susanto",
    "Hartono",
    "Purnomo",
    "Utami",
    "Rahmawati",
    "Handayani",
    "Wulandari",
    "Anggraini",
    "Permata",
    "Maharani",
    "Ramadhan",
    "Firmansyah",
    "Kurniawan",
    "Halim",
    "Tanjung",
    "Pane",
    "Daulay",
    "Batubara",
    "Matondang",
    "Sembiring",
    "Ginting",
    "Tarigan",
    "Manurung",
    "Pardede",
    "Silalahi",
    "Hutapea",
    "Sitompul",
    "Panjaitan",
    "Marpaung",
    "Damanik",
    "Saragih",
    "Purba",
    "Latuconsina",
    "Pattimura",
    "Wattimena",
    "Tuhumury",
    "Rumbiak",
    "Wenda",
    "Mandacan",
    "Kambu",
    "Sawaki",
]


def setup(database_url: str, **extra_env) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="pps_admin.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret"),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
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


def _sql_array(words: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + w.replace("'", "''") + "'" for w in words) + "]"


def seed(total_kelurahan: int, *, log=print) -> None:
    """Migrate, load the fictional roster of the 34, then add synthetic kelurahan up to the total."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from kelurahan.models import Kelurahan
    from secretariat.models import Appointment, ElectionPeriod

    call_command("migrate", "--noinput", verbosity=0)
    if not Appointment.objects.filter(kelurahan__code__startswith="64.71.").exists():
        from secretariat.services.demo import demo_csv
        from secretariat.services.importing import members_import

        result = members_import(data=demo_csv(), dry_run=False, reason="bench")
        assert result.ok, result.summary
        log("  loaded the fictional 102-member roster")
    existing = Kelurahan.objects.filter(code__startswith="00.").count()
    wanted = max(0, total_kelurahan - Kelurahan.objects.exclude(code__startswith="00.").count())
    period_id = ElectionPeriod.current().pk
    if wanted > existing:
        with transaction.atomic(), connection.cursor() as cursor:
            _add_synthetic(cursor, start=existing, stop=wanted, period_id=period_id)
        log(f"  added {wanted - existing} synthetic kelurahan ({wanted} synthetic in all)")
    with transaction.atomic(), connection.cursor() as cursor:
        _add_pacts_and_decrees(cursor, period_id=period_id)
        cursor.execute("ANALYZE")


def _kecamatan_code(i: str) -> str:
    kec = f"({i} / {PER_KECAMATAN})"
    return f"'00.' || lpad(({kec} / 99 + 1)::text, 2, '0') || '.' || lpad(({kec} %% 99 + 1)::text, 2, '0')"


def _kelurahan_code(i: str) -> str:
    return f"{_kecamatan_code(i)} || '.' || (1001 + {i} %% {PER_KECAMATAN})"


def _add_synthetic(cursor, *, start: int, stop: int, period_id: int) -> None:
    kec = f"(i / {PER_KECAMATAN})"
    kec_code = _kecamatan_code("i")
    prefix, word = _sql_array(KELURAHAN_PREFIX), _sql_array(KELURAHAN_WORD)
    cursor.execute(
        f"""
        INSERT INTO kelurahan_kecamatan (code, name)
        SELECT DISTINCT {kec_code}, 'Sintetis ' || ({word})[({kec} * 7 %% {len(KELURAHAN_WORD)}) + 1]
               || ' ' || ({kec} + 1)
        FROM generate_series(%s, %s - 1) AS i
        ON CONFLICT (code) DO NOTHING
        """,
        [start, stop],
    )
    cursor.execute(
        f"""
        INSERT INTO kelurahan_kelurahan (code, kecamatan_id, name, postal_code)
        SELECT {_kelurahan_code("i")}, {kec_code},
               ({prefix})[(i %% {len(KELURAHAN_PREFIX)}) + 1] || ' '
               || ({word})[((i / {len(KELURAHAN_PREFIX)}) %% {len(KELURAHAN_WORD)}) + 1],
               ''
        FROM generate_series(%s, %s - 1) AS i
        """,
        [start, stop],
    )
    first, middle, last = _sql_array(FIRST), _sql_array(MIDDLE), _sql_array(LAST)
    cursor.execute(
        f"""
        INSERT INTO secretariat_person (nik, name, gender, birth_place, birth_date, employment_status, nip,
            phone, email, address, must_change_password, created_at, updated_at)
        SELECT '99' || lpad(j::text, 14, '0'),
               ({first})[(j * 7 %% {len(FIRST)}) + 1] || ' '
               || coalesce(nullif(({middle})[(j * 5 %% {len(MIDDLE)}) + 1], '') || ' ', '')
               || ({last})[((j * 13 + j / 7) %% {len(LAST)}) + 1],
               CASE WHEN j %% 2 = 0 THEN 'L' ELSE 'P' END, 'Sintetis', DATE '1975-01-01' + (j %% 9000),
               CASE WHEN j %% 3 = 0 THEN 'ASN' ELSE 'NON_ASN' END,
               CASE WHEN j %% 3 = 0 THEN '99' || lpad(j::text, 16, '0') ELSE '' END,
               '', '', 'data sintetis', false, now(), now()
        FROM generate_series(%s * 3, %s * 3 - 1) AS j
        """,
        [start, stop],
    )
    cursor.execute(
        f"""
        INSERT INTO secretariat_appointment (person_id, kelurahan_id, role, period_id, lurah_decree_number,
            lurah_decree_date, start_date, end_date, end_reason, end_note, replaces_id,
            created_at, updated_at)
        SELECT p.id, {_kelurahan_code("(j / 3)")},
               (ARRAY['sekretaris', 'bendahara', 'staf_teknis'])[j %% 3 + 1], %s, 'SINTETIS/' || j,
               DATE '2024-05-20', DATE '2024-05-26', NULL, '', '', NULL, now(), now()
        FROM generate_series(%s * 3, %s * 3 - 1) AS j
        JOIN secretariat_person p ON p.nik = '99' || lpad(j::text, 14, '0')
        """,
        [period_id, start, stop],
    )


# One decree per city: Balikpapan's 34, and synthetic "cities" of 14 kecamatan (~168 kelurahan, about the
# national average per regency), so a decree lists about 500 appointments.
DECREE_GROUP = """CASE WHEN a.kelurahan_id LIKE '00.%%'
    THEN 'S' || lpad((((substr(a.kelurahan_id, 4, 2)::int - 1) * 99 + substr(a.kelurahan_id, 7, 2)::int - 1)
        / 14)::text, 4, '0')
    ELSE substr(a.kelurahan_id, 1, 5) END"""


def _add_pacts_and_decrees(cursor, *, period_id: int) -> None:
    """Pacts for appointments without one; one decree (with Petikan records) per code group without one."""
    cursor.execute("SELECT id FROM integrity_pacttext ORDER BY version DESC LIMIT 1")
    text_id = cursor.fetchone()[0]
    cursor.execute(
        """
        INSERT INTO integrity_pact (appointment_id, text_id, status, signed_date, signed_place, scan,
            scan_sha256, recorded_at)
        SELECT a.id, %s, CASE WHEN a.id %% 10 < 7 THEN 'ditandatangani' ELSE 'dicetak' END,
               CASE WHEN a.id %% 10 < 7 THEN DATE '2024-06-01' END,
               CASE WHEN a.id %% 10 < 7 THEN 'Balikpapan' ELSE '' END, '', '', NULL
        FROM secretariat_appointment a
        WHERE NOT EXISTS (SELECT 1 FROM integrity_pact p WHERE p.appointment_id = a.id)
        """,
        [text_id],
    )
    cursor.execute(
        """
        SELECT DISTINCT {GROUP} FROM secretariat_appointment a
        WHERE NOT EXISTS (SELECT 1 FROM secretariat_decreeentry e WHERE e.appointment_id = a.id)
        ORDER BY 1
        """.replace("{GROUP}", DECREE_GROUP)
    )
    groups = [row[0] for row in cursor.fetchall()]
    for group in groups:
        cursor.execute("SELECT coalesce(max(sequence), 0) + 1 FROM secretariat_decree WHERE year = 2024")
        sequence = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO secretariat_decree (number, year, sequence, decree_date, period_id, text, status,
                revoked_reason, created_at)
            VALUES (%s, 2024, %s, DATE '2024-06-01', %s, '{}'::jsonb, 'issued', '', now()) RETURNING id
            """,
            [f"NOMOR {sequence} TAHUN 2024", sequence, period_id],
        )
        decree_id = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO secretariat_decreeentry (decree_id, appointment_id, position)
            SELECT %s, a.id, row_number() OVER (ORDER BY a.kelurahan_id, a.role)
            FROM secretariat_appointment a
            WHERE {GROUP} = %s
              AND NOT EXISTS (SELECT 1 FROM secretariat_decreeentry e WHERE e.appointment_id = a.id)
            """.replace("{GROUP}", DECREE_GROUP),
            [decree_id, group],
        )
        cursor.execute(
            """
            INSERT INTO secretariat_generationjob (kind, status, decree_id, total, error, created_at,
                finished_at)
            SELECT 'sk', 'done', %s, count(*) + 1, '', now(), now()
            FROM secretariat_decreeentry WHERE decree_id = %s RETURNING id
            """,
            [decree_id, decree_id],
        )
        job_id = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO secretariat_document (public_id, job_id, kind, decree_id, appointment_id, status,
                file,
                sha256, size, pages, attempts, error)
            SELECT gen_random_uuid(), %s, 'petikan', %s, e.appointment_id, 'done',
                   'bench/petikan-' || e.appointment_id || '.pdf', repeat('0', 64), 1000, 2, 1, ''
            FROM secretariat_decreeentry e WHERE e.decree_id = %s
            """,
            [job_id, decree_id, decree_id],
        )
