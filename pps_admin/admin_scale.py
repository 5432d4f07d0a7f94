"""Admin changelists that stay fast at national scale (83,763 kelurahan, 251k people): issue #7.

- `IndexedSearchMixin`: a row matches when one of its search fields contains every word of the search
  ("siti saputra" finds "Siti Nur Saputra"; "manggar baru" finds people serving in Manggar Baru). Unlike
  Django's default, the words cannot be spread over different fields: that lets each field be answered by
  its own trigram index with all the words at once, and the fields joined by a UNION instead of one OR
  over joined tables (which PostgreSQL can only answer by scanning the whole join, seconds at 251k rows).
  A `=field` matches the whole search exactly (NIK: the unique index serves it). On PostgreSQL the list keeps
  its rows by `pk = ANY(ARRAY(<the UNION>))`, not `pk IN (<the UNION>)`: see `PkInArray`.
- `LargeTablePaginator`: an unfiltered list of a big table shows PostgreSQL's row estimate instead of
  counting every row; small tables and any filtered or searched list are still counted exactly.
- `CountlessAutocompleteJsonView`: the admin's autocomplete (select2) only needs "is there a next page",
  which it gets by fetching one row more than it shows instead of counting every match.
"""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery
from django.utils.functional import cached_property

ESTIMATE_ABOVE_ROWS = 20_000
ESTIMATE_OR_COUNT_SQL = (
    "SELECT CASE WHEN reltuples > %s THEN reltuples::bigint "
    "ELSE (SELECT count(*) FROM {table}) END FROM pg_class WHERE oid = %s::regclass"
)


class IndexedSearchMixin:
    def get_search_results(self, request, queryset, search_term):
        words = search_term.split()
        if not words or not self.get_search_fields(request):
            return super().get_search_results(request, queryset, search_term)
        postgres = connections[queryset.db].vendor == "postgresql"
        branches = []
        for field in self.get_search_fields(request):
            mode, path = (field[0], field[1:]) if field[0] in "=^" else ("", field)
            branches.append(_matching_pks(self.model, path, mode, search_term, words, postgres))
        matches = branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]
        # Neither form ever duplicates a row.
        if postgres:
            return queryset.filter(PkInArray(matches)), False
        return queryset.filter(pk__in=matches), False


def _condition(path: str, mode: str, search_term: str, words: list[str]) -> Q:
    if mode == "=":
        return Q(**{f"{path}__exact": search_term.strip()})
    if mode == "^":
        condition = Q(**{f"{path}__istartswith": words[0]})
        return condition & Q(*[Q(**{f"{path}__icontains": word}) for word in words[1:]])
    return Q(*[Q(**{f"{path}__icontains": word}) for word in words])


def _matching_pks(model, path, mode, search_term, words, postgres) -> QuerySet:
    """The pks of `model` rows whose `path` matches the search.

    Through a forward foreign key (`person__name` on appointments, `appointment__person__name` on pacts) the
    related rows are matched first, on their own trigram index, and this model's rows are then found by the
    foreign key's index (`person_id = ANY(ARRAY(...))`): a join would make PostgreSQL hash every appointment
    for a broad search (~60 ms per query at 251k rows, issue #7). Other paths filter in one call, so on a
    multi-valued path every word applies to the same related row.
    """
    head, _, rest = path.partition("__")
    if postgres and rest:
        field = model._meta.get_field(head)
        if field.many_to_one or (field.one_to_one and field.concrete):
            related = _matching_pks(field.related_model, rest, mode, search_term, words, postgres)
            rows = model._default_manager.filter(ColumnInArray(field.attname, related))
            return rows.order_by().values("pk")
    return model._default_manager.filter(_condition(path, mode, search_term, words)).order_by().values("pk")


class _Array(Subquery):
    template = "ARRAY(%(subquery)s)"


class PkInArray(Func):
    """`pk = ANY(ARRAY(<subquery>))` (PostgreSQL): the subquery runs once, as an InitPlan, and the rows are
    then fetched by primary key, one index probe per match.

    With `pk IN (<subquery>)` PostgreSQL estimates the match count from the trigram index; for a broad search
    ("Siti": ~12,000 of 251k people) it then prefers a hash join over a sequential scan of the whole table,
    for the count and again for the page (~120-150 ms each at 83,763 kelurahan, issue #7). An array parameter
    has no such estimate, so the plan is index probes whatever the search, and the cost follows the number
    of matches, not the size of the table.
    """

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()

    def __init__(self, matches: QuerySet):
        super().__init__(F("pk"), _Array(matches))
        self.matches = matches


class ColumnInArray(PkInArray):
    """`<column> = ANY(ARRAY(<subquery>))`: the same plan shape for a foreign key column."""

    def __init__(self, column: str, matches: QuerySet):
        Func.__init__(self, F(column), _Array(matches))
        self.matches = matches


class LargeTablePaginator(Paginator):
    @cached_property
    def count(self):
        queryset = self.object_list
        matches = self._search_matches(queryset)
        if matches is not None:
            # A search and nothing else: its UNION of pks already holds each match once; counting it
            # skips fetching every match by pk (~12,000 index probes for "Siti" at 83,763 kelurahan).
            return matches.count()
        if isinstance(queryset, QuerySet) and self._unfiltered(queryset):
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                # One query either way: the exact count runs only when the estimate says the table is small.
                table = connection.ops.quote_name(queryset.model._meta.db_table)
                sql = ESTIMATE_OR_COUNT_SQL.replace("{table}", table)  # the model's own table, quoted
                with connection.cursor() as cursor:
                    cursor.execute(sql, [ESTIMATE_ABOVE_ROWS, table])
                    return cursor.fetchone()[0]
        return super().count

    @staticmethod
    def _search_matches(queryset) -> QuerySet | None:
        if not isinstance(queryset, QuerySet):
            return None
        query = queryset.query
        if query.distinct or query.combinator or query.is_sliced or len(query.where.children) != 1:
            return None
        condition = query.where.children[0]
        condition = getattr(condition, "lhs", condition)  # filter(expression) compiles to expression = true
        return condition.matches if isinstance(condition, PkInArray) and not query.where.negated else None

    @staticmethod
    def _unfiltered(queryset: QuerySet) -> bool:
        query = queryset.query
        return not query.where and not query.distinct and not query.combinator and not query.is_sliced


class LookaheadPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next


class LookaheadPaginator(Paginator):
    """Pages without a count: page N fetches per_page + 1 rows from its start; the extra row, if any, is not
    shown and only tells that a next page exists. `count` and `num_pages` still work (they count) but
    nothing here calls them."""

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise EmptyPage(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start : start + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return LookaheadPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)


class CountlessAutocompleteJsonView(AutocompleteJsonView):
    """Django's paginates with the model admin's paginator, which counts every match: ~12,000 people for
    "Siti" at 83,763 kelurahan, to answer only whether select2 may ask for another page (issue #7)."""

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return LookaheadPaginator(queryset, per_page, allow_empty_first_page=allow_empty_first_page)


class LargeTableAdminMixin(IndexedSearchMixin):
    """For the admin lists of tables that grow with the country (people, appointments, pacts, regions):
    indexed search, the row estimate instead of a count when unfiltered, no second full count."""

    show_full_result_count = False
    paginator = LargeTablePaginator
