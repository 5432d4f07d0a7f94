"""PostgreSQL COPY for very large inserts of plain rows (a national roster import; load-test data).

bulk_create spends most of its time in Python (model instances, then per-value SQL preparation); COPY
takes tab-separated text straight into the table, several times faster overall (bench/RESULTS.md,
"Seeding and removal"). Values are str, int, bool, date, datetime or None; text is escaped
for COPY's text format (backslash, tab, line breaks); a NUL character cannot be stored and is refused.
Errors (a unique NIK taken meanwhile) surface as Django's IntegrityError, as with bulk_create.
"""

import datetime as dt
import io
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

COPY_SLICE = 10_000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_available() -> bool:
    # psycopg2 (requirements.txt) has copy_expert on every PostgreSQL cursor.
    return connection.vendor == "postgresql"


def reserve_ids(model, count: int) -> list[int]:
    """Take `count` primary keys from the table's sequence (safe alongside other writers)."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_insert(model, rows: Iterable[dict]) -> int:
    """Insert `rows` (attname -> value) with COPY. Fields a row leaves out take their default; an
    auto-increment primary key left out takes the next value of its sequence."""
    rows = list(rows)
    if not rows:
        return 0
    given = rows[0].keys()
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.attname in given
        or not (field.primary_key and field.get_internal_type().endswith("AutoField"))
    ]
    defaults = {field.attname: field.get_default() for field in fields if field.attname not in given}
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_text(row.get(f.attname, defaults.get(f.attname))) for f in fields))
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
    return len(rows)


def copy_create_with_history(
    objs: list, model, *, default_user=None, default_change_reason: str = ""
) -> None:
    """What simple_history's bulk_create_with_history does (rows, then one "+" history row each, with the
    given user and reason), through COPY. Sets each object's primary key; auto_now(_add) fields get now."""
    now = timezone.now()
    fields = model._meta.concrete_fields
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    history_model = get_history_model_for_model(model)
    kept = {field.attname for field in history_model._meta.concrete_fields}
    extra = {
        "history_date": now,
        "history_change_reason": default_change_reason,
        "history_type": "+",
        "history_user_id": default_user.pk if default_user else None,
    }
    # In slices, so only one slice of row dicts and COPY text is in memory at a time (all of a national
    # import at once weighed on its peak memory: bench/RESULTS.md, "Import").
    for start in range(0, len(objs), COPY_SLICE):
        part = objs[start : start + COPY_SLICE]
        rows = []
        for obj, pk in zip(part, reserve_ids(model, len(part)), strict=True):
            obj.pk = pk
            for field in stamped:
                setattr(obj, field.attname, now)
            obj._state.adding, obj._state.db = False, connection.alias
            rows.append({field.attname: getattr(obj, field.attname) for field in fields})
        copy_insert(model, rows)
        copy_insert(history_model, ({k: v for k, v in row.items() if k in kept} | extra for row in rows))


def _text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.date):  # datetime included
        return value.isoformat()
    text = str(value)
    if "\x00" in text:
        raise ValueError("COPY cannot store a NUL character")
    return text.translate(_ESCAPES)


def create_with_history(objs: list, model, *, user=None, reason: str = "", batch_size: int = 1000) -> None:
    """Insert new objects and their "+" history rows: COPY on PostgreSQL, bulk_create elsewhere. Both set
    the objects' primary keys (SQLite since 3.35 returns them from bulk inserts too)."""
    if copy_available():
        copy_create_with_history(objs, model, default_user=user, default_change_reason=reason)
    else:
        bulk_create_with_history(
            objs, model, batch_size=batch_size, default_user=user, default_change_reason=reason
        )


def analyze(*models) -> None:
    """Refresh PostgreSQL's statistics of tables that were just bulk-loaded, inside the transaction.

    Besides better plans for what follows, this invalidates plans the session cached while the tables were
    small, among them the foreign-key checks that PostgreSQL runs at COMMIT (Django's foreign keys are
    deferred). Seeding 83,763 kelurahan on a connection that had imported the 34 real ones earlier kept
    a check planned as a sequential scan of 34 kelurahan for all 251k appointments, and the COMMIT ran for
    minutes (bench/RESULTS.md). With the statistics refreshed the checks probe the primary keys. No-op
    elsewhere.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
