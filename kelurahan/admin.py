from django.contrib import admin

from pps_admin.admin_scale import LargeTableAdminMixin
from pps_admin.admin_widgets import WideTextInputsMixin

from .admin_filters import kecamatan_filter
from .models import Kecamatan, Kelurahan


@admin.register(Kecamatan)
class KecamatanAdmin(WideTextInputsMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # The code is the key other records point to: editable names, fixed codes.
        return ["code"] if obj else []


@admin.register(Kelurahan)
class KelurahanAdmin(WideTextInputsMixin, LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kecamatan", "postal_code"]
    list_filter = [kecamatan_filter("kecamatan")]
    list_select_related = ["kecamatan"]
    search_fields = ["code", "name", "kecamatan__name"]
    autocomplete_fields = ["kecamatan"]  # a <select> of 7,000 kecamatan at national scale

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []
