from django.contrib import admin

from pps_admin.admin_scale import LargeTableAdminMixin
from pps_admin.admin_scope import ScopedAdminMixin
from pps_admin.admin_widgets import WideTextInputsMixin

from .admin_filters import kecamatan_filter, regency_filter
from .models import Kecamatan, Kelurahan, Province, Regency


class ReadOnlyAdminMixin:
    """Provinces and kabupaten/kota come from the Kemendagri list (`load_regions`), never from a form."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["code", "__str__", "province"]
    list_filter = ["province"]  # 38 links
    list_select_related = ["province"]
    search_fields = ["code", "name"]


@admin.register(Kecamatan)
class KecamatanAdmin(ScopedAdminMixin, WideTextInputsMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "regency"]
    list_filter = [regency_filter("regency")]
    list_select_related = ["regency"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # The code is the key other records point to: editable names, fixed codes. The kabupaten/kota
        # follows from the code (Kecamatan.clean), so it is never typed.
        return ["code", "regency", "official_name"] if obj else ["regency", "official_name"]


@admin.register(Kelurahan)
class KelurahanAdmin(ScopedAdminMixin, WideTextInputsMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind_label", "kecamatan", "postal_code"]
    list_filter = [regency_filter("kecamatan__regency"), kecamatan_filter("kecamatan")]
    list_select_related = ["kecamatan"]
    search_fields = ["code", "name", "kecamatan__name"]
    autocomplete_fields = ["kecamatan"]  # a <select> of 7,000 kecamatan at national scale

    def get_readonly_fields(self, request, obj=None):
        return ["code", "kind_label", "official_name"] if obj else ["official_name"]

    @admin.display(description="jenis")
    def kind_label(self, obj):
        return obj.kind.label
