from django.contrib import admin

from pps_admin.admin_scale import IndexedSearchMixin, LargeTablePaginator
from pps_admin.admin_widgets import WideTextInputsMixin

from .admin_filters import kecamatan_filter
from .models import Kecamatan, Kelurahan


@admin.register(Kecamatan)
class KecamatanAdmin(WideTextInputsMixin, IndexedSearchMixin, admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    show_full_result_count = False
    paginator = LargeTablePaginator

    def get_readonly_fields(self, request, obj=None):
        # The code is the key other records point to: editable names, fixed codes.
        return ["code"] if obj else []


@admin.register(Kelurahan)
class KelurahanAdmin(WideTextInputsMixin, IndexedSearchMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kecamatan", "postal_code"]
    list_filter = [kecamatan_filter("kecamatan")]
    list_select_related = ["kecamatan"]
    search_fields = ["code", "name", "kecamatan__name"]
    autocomplete_fields = ["kecamatan"]  # a <select> of 7,000 kecamatan at national scale
    show_full_result_count = False
    paginator = LargeTablePaginator

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []
