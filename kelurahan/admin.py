from django.contrib import admin

from .models import Kecamatan, Kelurahan


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # The code is the key other records point to: editable names, fixed codes.
        return ["code"] if obj else []


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kecamatan", "postal_code"]
    list_filter = ["kecamatan"]
    list_select_related = ["kecamatan"]
    search_fields = ["code", "name", "kecamatan__name"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []
