"""Trigram indexes for the admin's name search, created by migrations on PostgreSQL only.

Django's `icontains` (admin search) compiles to `UPPER(col::text) LIKE UPPER('%term%')`, which no B-tree can
serve; a GIN index with `gin_trgm_ops` on exactly that expression can. SQLite (the zero-setup `make run`)
has no such index type, so there the operations do nothing.
"""

from django.db import migrations


def trigram_indexes(*specs: tuple[str, str, str]) -> migrations.RunPython:
    """specs: (index name, table, column). Idempotent; reversible (drops the indexes)."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in specs:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table, _column in specs:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(forward, backward, elidable=False)
