"""The KPU offices in the admin: each kabupaten/kota office's rollup (issue #17.3), read-only for staff.

- A provincial viewer sees the province's kabupaten/kota offices (and the provincial office itself) with
  their figures; a kabupaten/kota operator or viewer sees their own office. Nobody but a superuser changes an
  office; superusers edit its name, address, city and contacts (its code and region stay as created by
  `create_office`, which is also the only way to add one).
- A superuser (national) also has "Ringkasan per provinsi": the same figures summed per province, each
  province linking to its offices in this list.
The figures are subqueries of the list's one query (secretariat/office_rollups.py), scoped by the rule in
secretariat/models/scoping.py like every other admin page.
"""

from types import SimpleNamespace

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone

from pps_admin.admin_history import ReadableHistoryAdmin
from pps_admin.admin_scope import ScopedAdminMixin
from pps_admin.admin_widgets import WideTextInputsMixin
from pps_admin.staff_pages import admin_context

from ..models import Office
from ..models.scoping import offices_visible_to, user_office
from ..office_rollups import (
    last_activity,
    offices_with_rollups,
    posts_expected,
    province_rollups_add,
    provinces_with_offices,
)
from ..services.office_seals import office_seal_status

IDENTITY_FIELDS = ["code", "kind", "province", "regency", "parent"]
PROVINCES_PER_PAGE = 50


def number(value) -> str:
    return formats.number_format(value, force_grouping=True)


def posts_cell(row) -> str:
    """ "301/306 (98,4%)": filled of expected; a dash where the region has no desa/kelurahan loaded."""
    expected = posts_expected(row)
    if not expected:
        return "–"
    share = formats.number_format(round(100 * row.rollup_filled / expected, 1), 1)
    return f"{number(row.rollup_filled)}/{number(expected)} ({share}%)"


def moment_cell(row) -> str:
    moment = last_activity(row)
    return formats.date_format(timezone.localtime(moment), "j F Y H.i") if moment else "–"


@admin.register(Office)
class OfficeAdmin(ScopedAdminMixin, WideTextInputsMixin, ReadableHistoryAdmin):
    list_display = [
        "code",
        "short_name",
        "province",
        "posts_filled",
        "pacts_signed",
        "decrees_in_force",
        "last_activity",
    ]
    list_display_links = ["code", "short_name"]
    list_filter = ["kind", ("province", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["province"]
    list_per_page = 50
    search_fields = ["code", "name", "short_name"]
    fields = [
        *IDENTITY_FIELDS,
        "name",
        "short_name",
        "city",
        "address",
        "phone",
        "email",
        "website",
        "seal_status",
    ]
    change_list_template = "admin/secretariat/office/change_list.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request) & offices_visible_to(request.user)
        return offices_with_rollups(queryset, request.user)

    def get_urls(self):
        view = self.admin_site.admin_view(self.provinces_view)
        return [path("provinsi/", view, name="secretariat_office_provinces"), *super().get_urls()]

    def get_fields(self, request, obj=None):
        return [*self._identity(request, obj), *self.fields[len(IDENTITY_FIELDS) :]]

    def get_readonly_fields(self, request, obj=None):
        return [*self._identity(request, obj), "seal_status"]

    def _identity(self, request, obj) -> list[str]:
        # The provincial office is linked only for those who may open it: its page is a 404 to an
        # office's own staff.
        parent_visible = obj is None or offices_visible_to(request.user).filter(pk=obj.parent_id).exists()
        return [name if name != "parent" or parent_visible else "parent_name" for name in IDENTITY_FIELDS]

    @admin.display(description=Office._meta.get_field("parent").verbose_name)
    def parent_name(self, obj):
        return str(obj.parent) if obj.parent_id else "–"

    def has_add_permission(self, request):
        return False  # `manage.py create_office KODE` makes an office with its region's defaults

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # offices own records (decrees, pacts): they are never deleted

    @admin.display(description="jabatan terisi", ordering="rollup_filled")
    def posts_filled(self, obj):
        return posts_cell(obj)

    @admin.display(description="pakta ditandatangani", ordering="rollup_signed")
    def pacts_signed(self, obj):
        return number(obj.rollup_signed)

    @admin.display(description="SK berlaku", ordering="rollup_decrees")
    def decrees_in_force(self, obj):
        return number(obj.rollup_decrees)

    @admin.display(description="segel elektronik")
    def seal_status(self, obj):
        """Kind, holder and validity (never a secret); set with `manage.py set_office_seal`."""
        return office_seal_status(obj) if obj is not None and obj.pk else "–"

    @admin.display(description="aktivitas terakhir")
    def last_activity(self, obj):
        return moment_cell(obj)

    def provinces_view(self, request):
        """The national overview: a superuser's, or a provincial staff member's (their one province)."""
        office = user_office(request.user)
        if not (request.user.is_superuser or (office is not None and office.is_provincial)):
            raise PermissionDenied
        provinces = Paginator(provinces_with_offices(request.user), PROVINCES_PER_PAGE)
        page = provinces.get_page(request.GET.get("p"))
        page.object_list = list(page.object_list)
        province_rollups_add(request.user, page.object_list)
        changelist = reverse("admin:secretariat_office_changelist")
        rows = [
            {
                "province": province,
                "offices_url": f"{changelist}?province__code__exact={province.code}&kind__exact=kabkota",
                "offices": number(province.rollup_offices),
                "posts": posts_cell(province),
                "signed": number(province.rollup_signed),
                "decrees": number(province.rollup_decrees),
                "last": moment_cell(province),
            }
            for province in page
        ]
        context = admin_context(
            request, "Ringkasan per provinsi", opts=Office._meta, rows=rows, page=page, totals=_totals(page)
        )
        return TemplateResponse(request, "admin/secretariat/office/provinces.html", context)


def _totals(page) -> dict | None:
    """The nation's sums, when every province is on this page (38 real ones fit on one)."""
    if page.paginator.num_pages > 1:
        return None
    keys = ("offices", "kelurahan", "filled", "signed", "decrees")
    nation = SimpleNamespace(
        **{f"rollup_{key}": sum(getattr(row, f"rollup_{key}") for row in page) for key in keys}
    )
    return {
        "offices": number(nation.rollup_offices),
        "posts": posts_cell(nation),
        "signed": number(nation.rollup_signed),
        "decrees": number(nation.rollup_decrees),
    }
