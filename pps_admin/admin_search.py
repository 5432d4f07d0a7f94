"""Admin search that PostgreSQL answers from its trigram indexes at national scale (issues #7 and #15).

A row matches when one of its search fields contains every word of the search ("siti saputra" finds "Siti
Nur Saputra"; "manggar baru" finds people serving in Manggar Baru). Unlike Django's default, the words
cannot be spread over different fields: that lets each field be answered by its own index with all the
words at once. A `=field` matches the whole search exactly (a NIK: its unique index serves it), a `^field`
starts with the first word.

Each field becomes a condition on the searched table's own columns, and the fields' conditions are ORed,
so that PostgreSQL ORs their indexes' bitmaps and reads each matching row once, whatever the list's filters:

- a column: `UPPER(col) LIKE UPPER('%word%')` for each word, served by the trigram index on that expression
  (pps_admin/search_indexes.py);
- a field through a foreign key (`person__name` on appointments): `person_id = ANY(ARRAY(<matching people>))`.
  The related rows are matched first on their own index, this table's rows then found by the foreign key's
  index. A join instead makes PostgreSQL hash every appointment for a broad search (issue #7);
- a field back through a foreign key (`appointments__kelurahan__name` on people):
  `id = ANY(ARRAY(SELECT person_id FROM <matching appointments>))`; every word applies to the same related
  row.

When every field lies behind the same foreign key (pacts: their appointment's person and kelurahan), the
conditions are written on the joined table's columns (`appointment.person_id = ANY(...)`): the list joins it
anyway for its columns and order, and PostgreSQL then finds the matching appointments by their own indexes.

Nothing here looks inside a query: the conditions are built from the model's fields with Django's public
expressions (`Func`, `ArraySubquery`, `Q`). SQLite (`make run`) gets `IN (<subquery>)` instead of arrays.
How a searched list is counted and paged without PostgreSQL walking an index in the list's order: see
`numbered` in pps_admin/admin_scale.py.
"""

import operator
from functools import reduce

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet


class IndexedSearchMixin:
    def get_search_results(self, request, queryset, search_term):
        fields = self.get_search_fields(request)
        if not search_term.split() or not fields:
            return super().get_search_results(request, queryset, search_term)
        condition = search_condition(self.model, fields, search_term, vendor=connections[queryset.db].vendor)
        return queryset.filter(condition), False  # conditions on the table's own rows: never a duplicate


class AnyOf(Func):
    """`<expression> = ANY(<array>)`: an index on the column serves it (one probe per element), and the
    array subquery runs once."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def search_condition(model, fields, search_term: str, *, vendor: str) -> Q:
    """The condition, on `model`'s table, that a row matches `search_term` in one of `fields`."""
    specs = [(field[0], field[1:]) if field[0] in "=^" else ("", field) for field in fields]
    head = _shared_foreign_key(model, [path for _, path in specs])
    search = _Search(search_term, vendor)
    if head is not None:
        other = model._meta.get_field(head).related_model
        arms = [search.arm(other, path.partition("__")[2], mode, prefix=f"{head}__") for mode, path in specs]
    else:
        arms = [search.arm(model, path, mode) for mode, path in specs]
    return reduce(operator.or_, arms)


def _shared_foreign_key(model, paths: list[str]) -> str | None:
    """The forward foreign key every path goes through first, if there is one."""
    heads = {path.partition("__")[0] for path in paths}
    if len(heads) != 1 or not all("__" in path for path in paths):
        return None
    field = model._meta.get_field(heads.pop())
    return field.name if _forward(field) else None


def _forward(field) -> bool:
    return field.many_to_one or (field.one_to_one and field.concrete)


class _Search:
    def __init__(self, search_term: str, vendor: str):
        self.term = search_term.strip()
        self.words = search_term.split()
        self.arrays = vendor == "postgresql"

    def arm(self, model, path: str, mode: str, prefix: str = "") -> Q:
        """Rows of the root model whose `path` (from `model`, reached from the root through `prefix`)
        matches, as a condition on `model`'s own columns."""
        head, _, rest = path.partition("__")
        if not rest:
            return self.matching(prefix + path, mode)
        field = model._meta.get_field(head)
        other = field.related_model
        if _forward(field):
            related = other._default_manager.filter(self.arm(other, rest, mode)).values("pk")
            return self.among(prefix + field.attname, related)
        if field.one_to_many or field.one_to_one:  # back through a foreign key to this model's rows
            related = other._default_manager.filter(self.arm(other, rest, mode)).values(field.field.attname)
            return self.among(prefix + field.field.target_field.attname, related)
        related = model._default_manager.filter(self.matching(path, mode)).values("pk")  # many-to-many
        return self.among(prefix + "pk", related)

    def matching(self, path: str, mode: str) -> Q:
        if mode == "=":
            return Q(**{f"{path}__exact": self.term})
        if mode == "^":
            first, *others = self.words
            others = [Q(**{f"{path}__icontains": word}) for word in others]
            return Q(*others, **{f"{path}__istartswith": first})
        return Q(*[Q(**{f"{path}__icontains": word}) for word in self.words])

    def among(self, column: str, rows: QuerySet) -> Q:
        if self.arrays:
            return Q(AnyOf(F(column), ArraySubquery(rows.order_by())))
        return Q(**{f"{column}__in": rows.order_by()})
