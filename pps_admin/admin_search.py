"""Admin search that stays fast at national scale (83,763 kelurahan, 251k people): issue #7.

A row matches when one of its search fields contains every word of the search ("siti saputra" finds "Siti
Nur Saputra"; "manggar baru" finds people serving in Manggar Baru). Unlike Django's default, the words
cannot be spread over different fields: that lets each field be answered by its own trigram index with all
the words at once. On PostgreSQL:

- the list keeps its rows by `pk = ANY(ARRAY(<UNION of each field's matching pks>))`, not `pk IN (...)` nor
  one OR over joined tables (which PostgreSQL can only answer by scanning the whole join): see `PkInArray`;
- a search alone is counted and its page sorted in one read of the matches, the fields' conditions ORed on
  the table (`ordered_search_page`), and only that page's rows are then fetched, by pk (`rows_of`).

A `=field` matches the whole search exactly (NIK: the unique index serves it). SQLite (`make run`) keeps
`pk IN (<UNION>)` and Django's own paging.
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    OrderBy,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.sql.where import WhereNode


class IndexedSearchMixin:
    def get_search_results(self, request, queryset, search_term):
        words = search_term.split()
        if not words or not self.get_search_fields(request):
            return super().get_search_results(request, queryset, search_term)
        fields = [(f[0], f[1:]) if f[0] in "=^" else ("", f) for f in self.get_search_fields(request)]
        if connections[queryset.db].vendor != "postgresql":
            conditions = [_condition(path, mode, search_term, words) for mode, path in fields]
            return queryset.filter(pk__in=_union([_rows(self.model, c) for c in conditions])), False
        arms = [_arm(self.model, path, mode, search_term, words) for mode, path in fields]
        matches = _union([_rows(self.model, arm) for arm in arms])
        # Neither form ever duplicates a row.
        return queryset.filter(PkInArray(matches, arms=arms)), False


def _rows(model, condition) -> QuerySet:
    return model._default_manager.filter(condition).order_by().values("pk")


def _union(branches: list[QuerySet]) -> QuerySet:
    return branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]


def _condition(path: str, mode: str, search_term: str, words: list[str]) -> Q:
    if mode == "=":
        return Q(**{f"{path}__exact": search_term.strip()})
    if mode == "^":
        condition = Q(**{f"{path}__istartswith": words[0]})
        return condition & Q(*[Q(**{f"{path}__icontains": word}) for word in words[1:]])
    return Q(*[Q(**{f"{path}__icontains": word}) for word in words])


def _arm(model, path, mode, search_term, words):
    """The condition on `model` rows whose `path` matches the search (PostgreSQL), answered by an index.

    Through a foreign key (`person__name` on appointments, `appointment__person__name` on pacts) the related
    rows are matched first, on their own trigram index, and this model's rows are then found by the foreign
    key's index (`person_id = ANY(ARRAY(...))`): a join would make PostgreSQL hash every appointment for a
    broad search, on every query (bench/RESULTS.md, "Broad searches"). Back through a foreign key
    (`appointments__...` on people) the related rows give this model's pks
    (`id = ANY(ARRAY(SELECT person_id ...))`). On a multi-valued path every word applies to the same
    related row.
    """
    head, _, rest = path.partition("__")
    if rest:
        field = model._meta.get_field(head)
        other = field.related_model
        if field.many_to_one or (field.one_to_one and field.concrete):
            inner = _arm(other, rest, mode, search_term, words)
            arm = ColumnInArray(field.attname, _rows(other, inner))
            arm.through = (head, inner)  # for `_through_join`
            return arm
        if (field.one_to_many or field.one_to_one) and field.field.target_field == model._meta.pk:
            related = other._default_manager.filter(_arm(other, rest, mode, search_term, words))
            return PkInArray(related.order_by().values(field.field.attname))
        return PkInArray(_rows(model, _condition(path, mode, search_term, words)))
    return _condition(path, mode, search_term, words)


class _Array(Subquery):
    template = "ARRAY(%(subquery)s)"


class PkInArray(Func):
    """`pk = ANY(ARRAY(<subquery>))` (PostgreSQL): the subquery runs once, as an InitPlan, and the rows are
    then fetched by primary key, one index probe per match.

    With `pk IN (<subquery>)` PostgreSQL estimates the match count from the trigram index; for a broad search
    ("Siti": ~12,000 of 251k people) it then prefers a hash join over a sequential scan of the whole table,
    for the count and again for the page (bench/RESULTS.md, "Page times", issue #7). An array parameter
    has no such estimate, so the plan is index probes whatever the search, and the cost follows the number
    of matches, not the size of the table.
    """

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()

    def __init__(self, matches: QuerySet, arms: list | None = None):
        super().__init__(F("pk"), _Array(matches))
        self.matches = matches
        self.arms = arms  # a search's condition per field, for `ordered_search_page`


class ColumnInArray(PkInArray):
    """`<column> = ANY(ARRAY(<subquery>))`: the same plan shape for a foreign key column."""

    def __init__(self, column: str, matches: QuerySet):
        Func.__init__(self, F(column), _Array(matches))
        self.column = column
        self.matches = matches
        self.arms = None


@dataclass
class SearchPage:
    pks: list
    total: int | None  # every match, when asked for and the page is not past the end


def searched_by(queryset) -> tuple[PkInArray, int] | None:
    """The indexed search condition of a queryset and its place among the conditions it ANDs (the admin's
    list filters are the others)."""
    if not isinstance(queryset, QuerySet):
        return None
    query = queryset.query
    if query.distinct or query.combinator or query.is_sliced or query.where.negated:
        return None
    if query.where.connector != "AND":
        return None
    for index, condition in enumerate(query.where.children):
        condition = getattr(condition, "lhs", condition)  # filter(expression) compiles to expression = true
        if isinstance(condition, PkInArray) and condition.arms:
            return condition, index
    return None


def sole_search(queryset) -> PkInArray | None:
    """The search condition of a queryset filtered by an indexed search and nothing else."""
    found = searched_by(queryset)
    return found[0] if found and len(queryset.query.where.children) == 1 else None


def ordered_search_page(
    queryset, offset: int, limit: int, *, with_total: bool, also=None
) -> SearchPage | None:
    """The pks of one page of a searched list, in the list's order, from the matches alone.

    Fetching the page from the table (`pk = ANY(ARRAY(<matches>)) ORDER BY name LIMIT 50`) first builds the
    UNION of matches, then probes every match by primary key before sorting (one probe per match of a broad
    word), and the count builds the UNION again. The matching rows are read anyway (the trigram index is
    rechecked against the heap), so one read returns the sort keys with the pk, the page is sorted out of
    them and the count comes along (`count(*) OVER ()`), in a fraction of the time (bench/RESULTS.md, "Page
    times"). `OFFSET 0` keeps PostgreSQL from planning the filter for the outer "ORDER BY name LIMIT 50": it
    would walk the name index hoping to meet 50 matches early, and for a word many names start with
    ("Siti ...") that walk passes most of the other names first.

    Sort keys of related rows (a pact ordered by its appointment's kelurahan) are joined in through
    foreign keys, one row each. None when the list is not a search alone, or its order goes back through a
    foreign key or is random. `also`: one more condition the matches must meet (a Q or boolean expression).
    """
    searched = searched_by(queryset)
    if searched is None:
        return None
    search, place = searched
    sole = len(queryset.query.where.children) == 1
    keys = _sort_keys(queryset)
    if keys is None:
        return None
    # One filter on the table, the fields' conditions ORed: PostgreSQL ORs their indexes' bitmaps (each row
    # once, no UNION to deduplicate) and reads each matching row once.
    annotations = {f"sort_key_{index}": expression for index, (expression, _) in enumerate(keys)}

    def matches(arms):
        condition = reduce(operator.or_, [arm if isinstance(arm, Q) else Q(arm) for arm in arms])
        if sole:
            found = queryset.model._default_manager.filter(condition)
        else:  # the list's filters stay; the search condition among them becomes the ORed fields
            found = queryset.all()
            found.query.where.children[place] = found.query.build_where(condition)
        if also is not None:
            found = found.filter(also)
        found = found.order_by().annotate(**annotations).values("pk", *annotations)
        query = found.query
        return found, [query.alias_map[alias] for alias in query.alias_map if query.alias_refcount[alias]][1:]

    found, joins = matches(search.arms)
    if not all(getattr(join.join_field, "concrete", False) for join in joins):
        return None  # a sort key went back through a foreign key or many-to-many: rows would repeat
    joined = _through_join(search.arms, {join.join_field.name for join in joins}) if sole else None
    if joined is not None:
        found, _ = matches(joined)
    query = found.query
    connection = connections[queryset.db]
    inner, params = query.get_compiler(connection=connection).as_sql()
    columns = [f"k{index}" for index in range(len(keys) + 1)]
    order = ", ".join(f"k{index + 1} {direction}" for index, (_, direction) in enumerate(keys))
    total = ", count(*) OVER ()" if with_total else ""
    # Built from the compiled query (values stay parameters) and names made here: nothing from the request.
    sql = (
        f"SELECT k0{total} FROM ({inner} OFFSET 0) AS found({', '.join(columns)}) "  # noqa: S608
        f"ORDER BY {order} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        rows = cursor.fetchall()
    total = None
    if with_total:  # no row on the first page: nothing matches; past the end: unknown
        total = rows[0][1] if rows else (0 if offset == 0 else None)
    return SearchPage([row[0] for row in rows], total)


def _through_join(arms, joined: set[str]) -> list | None:
    """When every field searched lies behind the same foreign key and the sort keys join it anyway (pacts:
    searched by their appointment's person and kelurahan, sorted by its kelurahan and role), the same
    conditions on the joined table's columns: PostgreSQL then finds the matching appointments by their own
    indexes and their pacts through the join, instead of collecting the appointments' ids, finding the
    pacts by those and joining the appointments again for the keys (bench/RESULTS.md, "Page times")."""
    heads = {getattr(arm, "through", (None,))[0] for arm in arms}
    if len(heads) != 1 or None in heads or not heads <= joined:
        return None
    return [_rooted(arm.through[1], arm.through[0] + "__") for arm in arms]


def _rooted(condition, prefix: str):
    """`condition` on a related model, written from the model that reaches it through `prefix`."""
    if isinstance(condition, Q):
        rooted = Q(*[_rooted(child, prefix) for child in condition.children])
        rooted.connector, rooted.negated = condition.connector, condition.negated
        return rooted
    if isinstance(condition, tuple):
        return (prefix + condition[0], condition[1])
    if isinstance(condition, ColumnInArray):
        return ColumnInArray(prefix + condition.column, condition.matches)
    if isinstance(condition, PkInArray):
        return ColumnInArray(prefix + "pk", condition.matches)
    raise TypeError(f"cannot root {condition!r}")


def _sort_keys(queryset) -> list[tuple[object, str]] | None:
    """(expression, "ASC"/"DESC" with its NULLS rule) of each term of the queryset's ordering, ending with the
    pk as tie-break; None for a random order or a foreign key by name (Django orders it by the related
    model's ordering; its `_id` column is fine)."""
    query = queryset.query
    terms = query.order_by or (queryset.model._meta.ordering if query.default_ordering else ())
    keys = []
    for term in terms:
        if isinstance(term, str):
            path = term.lstrip("-")
            if term == "?" or not _is_column(queryset.model, path):
                return None
            term = F(path).desc() if term.startswith("-") else F(path).asc()
        elif not isinstance(term, OrderBy):
            term = term.asc() if hasattr(term, "asc") else None
        if term is None:
            return None
        direction = "DESC" if term.descending else "ASC"
        if term.nulls_first or term.nulls_last:
            direction += " NULLS FIRST" if term.nulls_first else " NULLS LAST"
        if not any(key == term.expression for key, _ in keys):  # a repeated key changes nothing
            keys.append((term.expression, direction))
    if not any(isinstance(key, F) and key.name == "pk" for key, _ in keys):
        keys.append((F("pk"), "ASC"))
    return keys


def _is_column(model, path: str) -> bool:
    """Whether `path` ends on a column (not on a relation, which Django orders by the related ordering)."""
    *hops, last = path.split("__")
    for hop in hops:
        try:
            model = model._meta.get_field(hop).related_model
        except FieldDoesNotExist:
            return False
        if model is None:
            return False
    if last == "pk":
        return True
    try:
        field = model._meta.get_field(last)
    except FieldDoesNotExist:
        return False
    return field.concrete and (not field.is_relation or last == field.attname)


def rows_of(queryset, pks: list) -> QuerySet:
    """The queryset's rows with these pks, in the order of `pks` (the sorted read's, whose last key is the
    pk: rows that tie on the queryset's own ordering keep their place), the search condition replaced."""
    rows = queryset.all()
    rows.query.where = WhereNode()  # the search and the list filters, all answered by `pks`
    if not pks:
        return rows.none()
    place = Case(*[When(pk=pk, then=Value(index)) for index, pk in enumerate(pks)])
    return rows.filter(pk__in=pks).order_by(place.asc())
