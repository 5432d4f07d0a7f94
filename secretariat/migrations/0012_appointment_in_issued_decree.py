"""PostgreSQL only: a column `in_issued_decree` on appointments, kept by triggers, and a partial index on the
active appointments that are in no decree in force (issue #7: the "Terbitkan SK" page counted them with an
anti-join over every appointment, 87 ms at 251k; the index holds only those the next decree would list).

The column is not a model field: Django never reads a stale value of it into memory or writes one back,
the audit history does not copy it, and SQLite (`make run`, which rebuilds tables on schema changes and so
would drop triggers) has neither it nor the triggers; there `uncovered_count` counts with the anti-join.

What it says is a function of the rows, recomputed by the database whenever one of them changes, whoever
writes (services, bulk COPY, the bench loader's SQL, psql): true exactly when an entry of a decree with
status 'issued' lists the appointment. Concurrent writers do not leave it stale (READ COMMITTED):
- every recount locks the appointments it recomputes, then reads entries and statuses in a later
  statement, whose snapshot holds every transaction that had locked them before;
- a decree's status change finds those appointments through the decree's entries, so it cannot see
  entries another transaction is still writing into that decree. Entry statements therefore first take
  a SHARE lock on the decrees their rows are in: a status change (an UPDATE of the decree) waits for
  them, and they wait for a status change in progress, then read its outcome.
The services write entries only into a decree they are creating, which nobody else can see yet; the
SHARE lock is for everyone else (SQL, restores, a future admin screen).
"""

from django.db import migrations

# Added as true for every existing row (no table rewrite), then set false where no decree in force lists
# the appointment: only those rows are written, none at all once everybody's SK is out (an UPDATE of
# every row would leave 251k dead tuples behind for VACUUM).
COLUMN = [
    "ALTER TABLE secretariat_appointment ADD COLUMN in_issued_decree boolean NOT NULL DEFAULT true",
    "ALTER TABLE secretariat_appointment ALTER COLUMN in_issued_decree SET DEFAULT false",
]
BACKFILL = """
UPDATE secretariat_appointment a SET in_issued_decree = false
WHERE NOT EXISTS (SELECT 1 FROM secretariat_decreeentry e JOIN secretariat_decree d ON d.id = e.decree_id
                  WHERE e.appointment_id = a.id AND d.status = 'issued')
"""

# Recompute the column of the given appointments.
REFRESH = """
CREATE OR REPLACE FUNCTION secretariat_in_issued_decree_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql {settings} AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    -- The SK preview issues a decree in a transaction it always rolls back: it names that transaction
    -- here (SET LOCAL) so as not to lock and rewrite every listed appointment while its PDF renders.
    -- The id, not just a flag, so that no other transaction of the session can ever match it.
    IF current_setting('secretariat.preview_transaction', true) = pg_current_xact_id()::text THEN
        RETURN;
    END IF;
    -- Lock first (in id order: two of these never deadlock); the UPDATE is a new statement with a new
    -- snapshot, so it sees the entries and statuses committed by everyone who held these rows before.
    -- NO KEY UPDATE, the lock the UPDATE takes anyway: it leaves rows that point at these appointments
    -- (pacts, petikan, replacements) free to be written meanwhile.
    PERFORM 1 FROM secretariat_appointment WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE secretariat_appointment a
    SET in_issued_decree = c.listed
    FROM (
        SELECT x.id, EXISTS (
            SELECT 1 FROM secretariat_decreeentry e
            JOIN secretariat_decree d ON d.id = e.decree_id
            WHERE e.appointment_id = x.id AND d.status = 'issued'
        ) AS listed
        FROM unnest(ids) AS x(id)
    ) c
    WHERE a.id = c.id AND a.in_issued_decree IS DISTINCT FROM c.listed;
END $$
"""

# Trigger functions: which appointments to recompute after a statement (and, for entries, which decrees to
# share-lock first: see the docstring). Decrees are looked at when inserted or deleted too: foreign keys
# are checked at commit, so entries may be written before their decree (or their appointment) and deleted
# after it.
TRIGGER_FUNCTIONS = {
    "secretariat_entries_changed": "SELECT DISTINCT appointment_id FROM changed",
    "secretariat_entries_updated": "SELECT appointment_id FROM old_rows UNION SELECT appointment_id FROM new_rows",
    "secretariat_decrees_changed": (
        "SELECT DISTINCT appointment_id FROM secretariat_decreeentry WHERE decree_id IN (SELECT id FROM changed)"
    ),
    "secretariat_decrees_updated": (
        "SELECT DISTINCT appointment_id FROM secretariat_decreeentry WHERE decree_id IN ("
        " SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.status IS DISTINCT FROM o.status)"
    ),
    "secretariat_appointments_inserted": (
        "SELECT c.id FROM changed c WHERE c.in_issued_decree"
        " OR EXISTS (SELECT 1 FROM secretariat_decreeentry e WHERE e.appointment_id = c.id)"
    ),
}
LOCKED_DECREES = {
    "secretariat_entries_changed": "SELECT decree_id FROM changed",
    "secretariat_entries_updated": "SELECT decree_id FROM new_rows",
}
LOCK_DECREES = "PERFORM 1 FROM secretariat_decree WHERE id IN ({decrees}) ORDER BY id FOR SHARE;"
TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql {settings} AS $$
BEGIN
    {lock}
    PERFORM secretariat_in_issued_decree_refresh(ARRAY({appointments}));
    RETURN NULL;
END $$
"""
TRUNCATED = """
CREATE OR REPLACE FUNCTION secretariat_listings_truncated() RETURNS trigger LANGUAGE plpgsql {settings} AS $$
BEGIN
    UPDATE secretariat_appointment SET in_issued_decree = false WHERE in_issued_decree;
    RETURN NULL;
END $$
"""
# Whoever sets the column by hand (an UPDATE outside these triggers) gets what it must say instead.
WRITTEN = """
CREATE OR REPLACE FUNCTION secretariat_appointment_listing_written() RETURNS trigger
LANGUAGE plpgsql {settings} AS $$
BEGIN
    NEW.in_issued_decree := EXISTS (
        SELECT 1 FROM secretariat_decreeentry e
        JOIN secretariat_decree d ON d.id = e.decree_id
        WHERE e.appointment_id = NEW.id AND d.status = 'issued'
    );
    RETURN NEW;
END $$
"""
WRITTEN_TRIGGER = (
    "CREATE TRIGGER appointments_listing_written BEFORE UPDATE OF in_issued_decree ON secretariat_appointment "
    "FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION secretariat_appointment_listing_written()"
)

# (trigger, table, event, transition tables, function)
NEW = "NEW TABLE AS changed"
OLD = "OLD TABLE AS changed"
BOTH = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
TRIGGERS = [
    ("entries_inserted", "secretariat_decreeentry", "INSERT", NEW, "entries_changed"),
    ("entries_deleted", "secretariat_decreeentry", "DELETE", OLD, "entries_changed"),
    ("entries_updated", "secretariat_decreeentry", "UPDATE", BOTH, "entries_updated"),
    ("decrees_inserted", "secretariat_decree", "INSERT", NEW, "decrees_changed"),
    ("decrees_deleted", "secretariat_decree", "DELETE", OLD, "decrees_changed"),
    ("decrees_updated", "secretariat_decree", "UPDATE", BOTH, "decrees_updated"),
    ("appointments_inserted", "secretariat_appointment", "INSERT", NEW, "appointments_inserted"),
    ("entries_truncated", "secretariat_decreeentry", "TRUNCATE", None, "listings_truncated"),
    ("decrees_truncated", "secretariat_decree", "TRUNCATE", None, "listings_truncated"),
]

INDEX = (
    "CREATE INDEX IF NOT EXISTS appointment_awaiting_decree_idx ON secretariat_appointment (period_id) "
    "WHERE end_date IS NULL AND NOT in_issued_decree"
)


def function_settings(schema_editor) -> str:
    """Every function names the schema of the tables it reads: a session may call it with another
    search_path (pg_dump's output empties it before it copies rows in, and so fires the triggers)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
    return f"SET search_path = {schema_editor.quote_name(schema)}"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    settings = function_settings(schema_editor)
    # No listing may be written between the backfill and the triggers (they are made in this transaction).
    run(
        "LOCK TABLE secretariat_decree, secretariat_decreeentry, secretariat_appointment IN SHARE ROW EXCLUSIVE MODE"
    )
    for statement in COLUMN:
        run(statement)
    run(BACKFILL)
    run(REFRESH.format(settings=settings))
    for name, appointments in TRIGGER_FUNCTIONS.items():
        decrees = LOCKED_DECREES.get(name)
        lock = LOCK_DECREES.format(decrees=decrees) if decrees else ""
        run(TRIGGER_FUNCTION.format(name=name, appointments=appointments, settings=settings, lock=lock))
    run(TRUNCATED.format(settings=settings))
    run(WRITTEN.format(settings=settings))
    run("DROP TRIGGER IF EXISTS appointments_listing_written ON secretariat_appointment")
    run(WRITTEN_TRIGGER)
    for trigger, table, event, transition, function in TRIGGERS:
        referencing = f" REFERENCING {transition}" if transition else ""
        run(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        run(
            f"CREATE TRIGGER {trigger} AFTER {event} ON {table}{referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION secretariat_{function}()"
        )
    run(INDEX)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    for trigger, table, *_ in TRIGGERS:
        run(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    run("DROP TRIGGER IF EXISTS appointments_listing_written ON secretariat_appointment")
    for name in [
        *TRIGGER_FUNCTIONS,
        "secretariat_listings_truncated",
        "secretariat_appointment_listing_written",
    ]:
        run(f"DROP FUNCTION IF EXISTS {name}()")
    run("DROP FUNCTION IF EXISTS secretariat_in_issued_decree_refresh(bigint[])")
    run("DROP INDEX IF EXISTS appointment_awaiting_decree_idx")
    run("ALTER TABLE secretariat_appointment DROP COLUMN IF EXISTS in_issued_decree")


class Migration(migrations.Migration):
    dependencies = [("secretariat", "0011_synthetic_marker")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
