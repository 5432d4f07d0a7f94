"""Admin changelists that stay fast at national scale (83,763 kelurahan, 251k people): issues #7 and #15.

- `LargeTableAdminMixin`: what every list of a table that grows with the country uses: the indexed search
  (pps_admin/admin_search.py), the paginator and changelist below, no second count of the whole table.
- `LargeTablePaginator`: an unfiltered list of a big table shows PostgreSQL's row estimate instead of
  counting every row; small tables and any filtered list are counted exactly; a search is counted and its
  page's keys found in one query (`numbered`).
- `LookaheadPaginator`: pages without a count, for the autocomplete and the replacement search.

Only public APIs: the model admin's `get_paginator`/`get_changelist` hooks, `ChangeList` methods,
`Paginator`, querysets with `Window` expressions (and Django's filtering on them), and a plain SQL read of
`pg_class` for the estimate.
"""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import Count, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.functional import cached_property

from .admin_search import IndexedSearchMixin

ESTIMATE_ABOVE_ROWS = 20_000
# PostgreSQL's OFFSET is a bigint: a page number beyond it is past the end, not a query error.
MAX_OFFSET = 2**63 - 1
ESTIMATE_OR_COUNT_SQL = (
    "SELECT CASE WHEN reltuples > %s THEN reltuples::bigint "
    "ELSE (SELECT count(*) FROM {table}) END FROM pg_class WHERE oid = %s::regclass"
)
# Query-string parameters of a changelist that only say how to show it (Django's, and the page and error
# flag it removes itself): any other parameter is a list filter or a lookup.
DISPLAY_PARAMS = frozenset({*IGNORED_PARAMS, PAGE_VAR, ERROR_FLAG})
ROW = "list_row"
TOTAL = "list_total"


class NumberedQuerySet(QuerySet):
    """Rows that know their place in the list's order (`numbered`): a page is the rows numbered
    bottom + 1 to top, not an OFFSET/LIMIT."""

    def between(self, bottom: int, top: int) -> QuerySet:
        return self.filter(**{f"{ROW}__gt": bottom, f"{ROW}__lte": top})

    def keys_between(self, bottom: int, top: int) -> tuple[list, int | None]:
        """The pks of rows bottom + 1 to top, in order, and how many rows there are in all (None when the
        range is past the end)."""
        counted = self.annotate(**{TOTAL: Window(Count("*"))})
        found = list(counted.between(bottom, top).values_list("pk", TOTAL))
        return [pk for pk, _ in found], (found[0][1] if found else None)


def numbered(queryset: QuerySet, ordering: list) -> NumberedQuerySet:
    """`queryset` in `ordering`, each row numbered by `ROW_NUMBER() OVER (ORDER BY <ordering>)`.

    Asked for "the first 50 by name" of a search (`ORDER BY name LIMIT 50`), PostgreSQL may walk the name
    index hoping to meet 50 matches early; for a word many names start with ("Siti ...") that walk passes
    most of the table first (issue #7). Rows chosen by their number have no LIMIT to hope on: every
    match is read once through the search's indexes, sorted, and numbered, and the count comes with it
    (`keys_between`). `ordering` must be total (end with the pk) for the numbers to be stable.
    """
    ordered = queryset.order_by(*ordering).alias(**{ROW: Window(RowNumber(), order_by=ordering)})
    return NumberedQuerySet(model=ordered.model, query=ordered.query, using=ordered.db)


class LargeTablePaginator(Paginator):
    """Counts and pages an admin list of a table that grows with the country.

    A `NumberedQuerySet` (a search, `SearchedChangeList`) is paged by its rows' numbers: its pages hold the
    rows' pks, which the changelist then fetches, and the page the request asks for (`page_hint`) is found
    with the count of every match in one query. `whole_table`: the list is neither searched nor filtered,
    so PostgreSQL's row estimate may stand for the count.
    """

    def __init__(self, *args, whole_table=False, page_hint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.whole_table = whole_table
        try:
            self.page_hint = max(1, int(page_hint or 1))
        except (TypeError, ValueError):
            self.page_hint = 1
        self._pages = {}

    @property
    def numbered(self) -> bool:
        return isinstance(self.object_list, NumberedQuerySet)

    @cached_property
    def count(self):
        if self.numbered:
            bottom = (self.page_hint - 1) * self.per_page
            if bottom + self.per_page <= MAX_OFFSET:
                pks, total = self.object_list.keys_between(bottom, bottom + self.per_page)
                if total is not None or self.page_hint == 1:
                    self._pages[self.page_hint] = pks
                    return total or 0
        connection = connections[self.object_list.db]
        if self.whole_table and connection.vendor == "postgresql":
            # One query either way: the exact count runs only when the estimate says the table is small.
            table = connection.ops.quote_name(self.object_list.model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(ESTIMATE_OR_COUNT_SQL.replace("{table}", table), [ESTIMATE_ABOVE_ROWS, table])
                return cursor.fetchone()[0]
        return super().count

    def known_page(self, number: int) -> list | None:
        """The pks of page `number` of a numbered list, if the count already found them."""
        return self._pages.get(number)

    def page(self, number):
        if not self.numbered:
            return super().page(number)
        number = self.validate_number(number)
        pks = self.known_page(number)
        if pks is None:
            bottom = (number - 1) * self.per_page
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            pks, _ = self.object_list.keys_between(bottom, top)
        return Page(pks, number, self)


class SearchedChangeList(ChangeList):
    """A searched list is numbered in its order (`numbered`) for its paginator, which finds the page's pks
    and the count in one query; the page's rows are then fetched by pk from the model admin's own queryset,
    without the search and the filters that chose them. Lists whose filters may repeat a row (Django makes
    them DISTINCT, which numbering would not honour) are paged as Django does."""

    def get_filters(self, request):
        found = super().get_filters(request)
        self.filters_may_have_duplicates = found[3]
        return found

    def get_ordering(self, request, queryset):
        self.list_ordering = super().get_ordering(request, queryset)
        return self.list_ordering

    def get_results(self, request):
        plain = self.queryset
        searched = self.query.split() and self.search_fields and not self.filters_may_have_duplicates
        if searched:
            self.queryset = numbered(plain, self.list_ordering)
        try:
            super().get_results(request)
        finally:
            self.queryset = plain
        if not searched:
            return
        if self.multi_page and not (self.show_all and self.can_show_all):
            self.result_list = self.rows_of(self.result_list)  # the page's pks
        elif self.paginator.known_page(1) is not None and not self.multi_page:
            # The whole list, whose pks the count found.
            self.result_list = self.rows_of(self.paginator.known_page(1))
        else:
            self.result_list = plain.all()

    def rows_of(self, pks: list) -> QuerySet:
        rows = self.apply_select_related(self.root_queryset)
        return rows.filter(pk__in=pks).order_by(*self.list_ordering) if pks else rows.none()


class LargeTableAdminMixin(IndexedSearchMixin):
    """For the admin lists of tables that grow with the country (people, appointments, pacts, regions):
    indexed search, the row estimate instead of a count when unfiltered, no second full count.

    The model admin's own queryset is taken as the whole table when `sees_whole_table(request)` says so
    (a superuser's; ScopedAdminMixin narrows everyone else's): its `get_queryset` may join and prefetch
    but not otherwise filter, and a list filter narrows the list only when its parameter is in the query
    string."""

    show_full_result_count = False
    paginator = LargeTablePaginator

    def sees_whole_table(self, request) -> bool:
        """Whether this user's list is the whole table (ScopedAdminMixin narrows it for most users)."""
        return True

    def get_changelist(self, request, **kwargs):
        return SearchedChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        searched = bool(request.GET.get(SEARCH_VAR, "").split())
        filtered = searched or any(param not in DISPLAY_PARAMS for param in request.GET)
        return self.paginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            whole_table=not filtered and self.sees_whole_table(request),
            page_hint=request.GET.get(PAGE_VAR),
        )


class LookaheadPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next


class LookaheadPaginator(Paginator):
    """Pages without a count: page N fetches per_page + 1 rows from its start; the extra row, if any, is not
    shown and only tells that a next page exists. A `NumberedQuerySet` (a search) is paged by its rows'
    numbers. `count` and `num_pages` still work (they count) but nothing here calls them."""

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise EmptyPage(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number * self.per_page + 1 > MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        if isinstance(self.object_list, NumberedQuerySet):
            rows = list(self.object_list.between(start, start + self.per_page + 1))
        else:
            rows = list(self.object_list[start : start + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return LookaheadPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)


class CountlessAutocompleteJsonView(AutocompleteJsonView):
    """Django's paginates with the model admin's paginator, which counts every match: ~12,000 people for
    "Siti" at 83,763 kelurahan, to answer only whether select2 may ask for another page (issue #7)."""

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        # Django accepts a reverse relation as field_name (a hand-typed URL) and then fails on it (a 500);
        # only a field of the form itself has choices to complete.
        if not source_field.concrete:
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def get_queryset(self):
        # Each result is shown as str(row): what the admin prefetches for its list columns (a person's
        # active posts) is a query the answer does not use.
        queryset = super().get_queryset().prefetch_related(None)
        if not self.term.split():
            return queryset  # everyone, in the order an index gives
        # The order ModelAdmin.get_queryset gives, made total.
        model = queryset.model
        ordering = [*(self.model_admin.get_ordering(self.request) or model._meta.ordering), "pk"]
        return numbered(queryset, ordering)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return LookaheadPaginator(queryset, per_page, allow_empty_first_page=allow_empty_first_page)
