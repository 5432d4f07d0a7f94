"""Who is rendering a document right now: a PostgreSQL advisory lock per document, held by its renderer's
session from the start of its rendering until it is stored.

It used to be the document's row lock, held in one transaction around rendering and signing; but signing
may wait tens of seconds on a remote service (BSrE), and a transaction that long holds its row lock (which
blocks every foreign key check on the document) and pins a connection in a transaction. A session lock
holds no transaction and no row. It still says what the row lock said: a second delivery of the document
waits for it and then finds the document stored, and a renderer whose worker died lost it with its
connection, so the sweeps (recovery.py) know its document was abandoned.

SQLite (`make run`) has no advisory locks: there a claim is nothing, and the sweeps go by time alone
(`abandoned_cutoff`)."""

import contextlib

from django.db import DatabaseError, connection

# The advisory lock key of document n is NAMESPACE + n (one bigint key space per database): a constant far
# above any id, so no other user of advisory locks in this database collides with ours by accident.
NAMESPACE = 0x5053_0000_0000_0000  # "PS"
# Every key of a batch, in the array's (sorted) order, in one statement.
LOCK_ALL = "SELECT count(pg_advisory_lock(k)) FROM unnest(%s::bigint[]) AS k"
UNLOCK_ALL = "SELECT count(pg_advisory_unlock(k)) FROM unnest(%s::bigint[]) AS k"


def _key(document_id: int) -> int:
    return NAMESPACE + int(document_id)


def _advisory() -> bool:
    return connection.vendor == "postgresql"


@contextlib.contextmanager
def documents_claimed(document_ids: list[int]):
    """Hold the claims of `document_ids` (a render task's batch) for the block, each waited for while
    another renderer holds it. One statement takes them all, in id order: two renderers whose batches
    overlap (a batch sent again by a sweep) wait for each other in that order, never in a circle."""
    if not _advisory():
        yield
        return
    keys = sorted({_key(i) for i in document_ids})
    # Failed part-way (a deadlock found, the server going away), the keys taken so far are session locks,
    # which outlive the failed statement.
    _on_keys(LOCK_ALL, keys, reraise=True)
    try:
        yield
    finally:
        # Lost meanwhile, the connection took the locks with it; alive but unusable (an aborted
        # transaction around us), it must not keep the documents claimed.
        _on_keys(UNLOCK_ALL, keys, reraise=False)


def _on_keys(sql: str, keys: list[int], *, reraise: bool) -> None:
    """`sql` (LOCK_ALL or UNLOCK_ALL) on `keys`; on a database error the connection is closed (outside a
    transaction), which lets go of every lock it held."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [keys])
    except DatabaseError:
        if not connection.in_atomic_block:
            connection.close()
        if reraise:
            raise


def unclaimed(document_ids: list[int]) -> list[int]:
    """Of `document_ids`, those no renderer holds now, each claimed until the caller's transaction ends (so
    no renderer starts on it before the caller has put it back). Call it inside a transaction."""
    if not document_ids or not _advisory():
        return list(document_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM unnest(%s::bigint[]) AS id WHERE pg_try_advisory_xact_lock(%s + id) ORDER BY id",
            [list(document_ids), NAMESPACE],
        )
        return [row[0] for row in cursor.fetchall()]
