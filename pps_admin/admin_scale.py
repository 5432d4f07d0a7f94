"""Admin changelists that stay fast at national scale (83,763 kelurahan, 251k people): issue #7.

- `LargeTableAdminMixin`: what every list of a table that grows with the country uses: the indexed search
  (pps_admin/admin_search.py), the paginator and changelist below, plain row checkboxes.
- `LargeTablePaginator`: an unfiltered list of a big table shows PostgreSQL's row estimate instead of
  counting every row; small tables and any filtered or searched list are still counted exactly; a search
  alone is counted and paged in one query.
- `PlainActionCheckboxMixin`: the row checkbox written directly instead of through a form widget's templates.
- `CountlessAutocompleteJsonView`: the admin's autocomplete (select2) only needs "is there a next page",
  which it gets by fetching one row more than it shows instead of counting every match.
"""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .admin_search import IndexedSearchMixin, ordered_search_page, rows_of, searched_by, sole_search

ESTIMATE_ABOVE_ROWS = 20_000
# PostgreSQL's OFFSET is a bigint: a page number beyond it is past the end, not a query error.
MAX_OFFSET = 2**63 - 1
ESTIMATE_OR_COUNT_SQL = (
    "SELECT CASE WHEN reltuples > %s THEN reltuples::bigint "
    "ELSE (SELECT count(*) FROM {table}) END FROM pg_class WHERE oid = %s::regclass"
)


class LargeTablePaginator(Paginator):
    """Counts and pages an admin list of a table that grows with the country.

    `page_hint`: the page the request asks for. A search alone is then counted and its page sorted in one
    query (`ordered_search_page`), which the page reuses (not with orphans: that page would be longer).
    """

    def __init__(self, *args, page_hint=None, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            self.page_hint = max(1, int(page_hint or 1))
        except (TypeError, ValueError):
            self.page_hint = 1
        self._pages = {}

    @cached_property
    def count(self):
        queryset = self.object_list
        if searched_by(queryset) is not None:
            offset = (self.page_hint - 1) * self.per_page
            page = None
            if offset + self.per_page <= MAX_OFFSET and not self.orphans:
                page = ordered_search_page(queryset, offset, self.per_page, with_total=True)
            if page is not None and page.total is not None:
                self._pages[self.page_hint] = page.pks
                return page.total
            search = sole_search(queryset)
            if search is not None:
                # A search alone: its UNION of pks already holds each match once; counting it
                # skips fetching every match by pk (~12,000 index probes for "Siti" at 83,763 kelurahan).
                return search.matches.count()
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

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        pks = self._pages.get(number)
        if pks is None:
            page = ordered_search_page(self.object_list, bottom, top - bottom, with_total=False)
            pks = page.pks if page is not None else None
        rows = self.object_list[bottom:top] if pks is None else rows_of(self.object_list, pks)
        return self._get_page(rows, number, self)

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
    nothing here calls them.

    `also`: a further condition on the rows (a Q or boolean expression on the model's own table), kept out
    of the queryset so that a search can still be sorted out of its matches (`ordered_search_page`).
    """

    def __init__(self, *args, also=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.also = also

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
        searched = ordered_search_page(
            self.object_list, start, self.per_page + 1, with_total=False, also=self.also
        )
        if searched is None:
            rows = self.object_list if self.also is None else self.object_list.filter(self.also)
            rows = list(rows[start : start + self.per_page + 1])
            has_next = len(rows) > self.per_page
        else:
            # The extra row is cut by the sorted read's order, where every row has its own place.
            has_next = len(searched.pks) > self.per_page
            rows = list(rows_of(self.object_list, searched.pks[: self.per_page]))
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return LookaheadPage(rows[: self.per_page], number, self, has_next=has_next)


class CountlessAutocompleteJsonView(AutocompleteJsonView):
    """Django's paginates with the model admin's paginator, which counts every match: ~12,000 people for
    "Siti" at 83,763 kelurahan, to answer only whether select2 may ask for another page (issue #7)."""

    def get_queryset(self):
        # Each result is shown as str(row): what the admin prefetches for its list columns (a person's
        # active posts) is a query the answer does not use.
        return super().get_queryset().prefetch_related(None)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return LookaheadPaginator(queryset, per_page, allow_empty_first_page=allow_empty_first_page)


class PlainActionCheckboxMixin:
    """The admin renders each row's checkbox through `forms.CheckboxInput` and three widget templates, a
    large share of every list page's time at any scale (bench/RESULTS.md, "Page times", issue #7). This
    writes the same element (Django's `ModelAdmin.action_checkbox`, same attributes and label)."""

    def action_checkbox(self, obj):
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class SearchedChangeList(ChangeList):
    """A list that fits on one page is shown whole from its queryset (Django); when a search alone was
    counted by `ordered_search_page`, that query already returned every match: they are fetched by pk
    instead of running the search again, which was a third of a kelurahan search's time (bench/RESULTS.md,
    "Page times")."""

    def get_results(self, request):
        super().get_results(request)
        known = self.paginator._pages.get(1)  # LargeTableAdminMixin's paginator, asked for page 1
        if known is not None and not self.multi_page:
            self.result_list = rows_of(self.queryset, known)


class LargeTableAdminMixin(PlainActionCheckboxMixin, IndexedSearchMixin):
    """For the admin lists of tables that grow with the country (people, appointments, pacts, regions):
    indexed search, the row estimate instead of a count when unfiltered, no second full count, plain row
    checkboxes."""

    show_full_result_count = False
    paginator = LargeTablePaginator

    def get_changelist(self, request, **kwargs):
        return SearchedChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page, page_hint=request.GET.get(PAGE_VAR)
        )
