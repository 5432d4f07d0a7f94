from django.contrib import admin
from django.urls import path
from django.utils import timezone

from kelurahan.admin_filters import kecamatan_filter, kelurahan_filter
from pps_admin.admin_history import ReadableHistoryAdmin
from pps_admin.admin_scale import LargeTableAdminMixin
from pps_admin.admin_scope import ScopedAdminMixin

from ..models import Appointment, ElectionPeriod
from ..models.appointment import role_order, roster_order
from . import appointment_views, roster_views
from .concurrency import OptimisticLockAdminMixin, OptimisticLockForm


class ActiveFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("aktif", "Aktif"), ("berakhir", "Berakhir")]

    def queryset(self, request, queryset):
        if self.value() == "aktif":
            return queryset.filter(end_date__isnull=True)
        if self.value() == "berakhir":
            return queryset.filter(end_date__isnull=False)
        return queryset


@admin.register(Appointment)
class AppointmentAdmin(
    ScopedAdminMixin, LargeTableAdminMixin, OptimisticLockAdminMixin, ReadableHistoryAdmin
):
    form = OptimisticLockForm
    list_display = [
        "person_name",
        "masked_nik",
        "role_label",
        "kelurahan",
        "kecamatan",
        "is_asn",
        "start_date",
        "status",
    ]
    list_select_related = ["person", "kelurahan__kecamatan"]
    list_filter = [
        ActiveFilter,
        kecamatan_filter("kelurahan__kecamatan"),
        kelurahan_filter("kelurahan"),
        "role",
        "person__employment_status",
        "period",
    ]
    search_fields = ["person__name", "=person__nik", "kelurahan__name", "=kelurahan__code"]
    autocomplete_fields = ["person", "kelurahan"]
    list_per_page = 50
    ordering = ["kelurahan_id", "role"]  # real fields for the system checks; see get_ordering()
    change_list_template = "admin/secretariat/appointment/change_list.html"
    change_form_template = "admin/secretariat/appointment/change_form.html"
    readonly_fields = ["end_date", "end_reason", "end_note", "replaces", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["person", "kelurahan", "role", "period", "start_date", "loaded_version"]}),
        ("Dasar pengangkatan", {"fields": ["lurah_decree_number", "lurah_decree_date", "replaces"]}),
        ("Berakhir", {"fields": ["end_date", "end_reason", "end_note"]}),
        ("Catatan", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        custom = [
            path("kelengkapan/", wrap(roster_views.completeness_view), name="secretariat_completeness"),
            path("impor/", wrap(roster_views.import_view), name="secretariat_import"),
            path(
                "impor/templat.xlsx",
                wrap(roster_views.import_template_view),
                name="secretariat_import_template",
            ),
            path("ekspor/<str:fmt>/", wrap(roster_views.export_view), name="secretariat_export"),
            path("<int:pk>/akhiri/", wrap(appointment_views.end_view), name="secretariat_appointment_end"),
            path(
                "<int:pk>/ganti/",
                wrap(appointment_views.replace_view),
                name="secretariat_appointment_replace",
            ),
            path(
                "<int:pk>/batalkan-akhir/",
                wrap(appointment_views.reactivate_view),
                name="secretariat_appointment_reactivate",
            ),
            path(
                "cari-pengganti/",
                wrap(appointment_views.replacement_search_view),
                name="secretariat_appointment_replacement_search",
            ),
        ]
        return custom + super().get_urls()

    def has_delete_permission(self, request, obj=None):
        return False  # records: people and appointments end, they are never deleted

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "period" not in initial:
            period = ElectionPeriod.for_new_appointment(timezone.localdate())
            if period is not None:
                initial["period"] = period.pk
        return initial

    def get_ordering(self, request):
        # Roster order: kelurahan (by code, so kecamatan by kecamatan), then sekretaris, bendahara,
        # staf teknis. The (kelurahan, role) index still serves the first key; the role order is
        # an incremental sort of at most a few rows per kelurahan.
        return [*roster_order(), "-start_date"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Who holds which post changes through "Akhiri" / "Ganti", so history stays readable.
            fields += ["person", "kelurahan", "role", "period"]
        return fields

    @admin.display(description="nama", ordering="person__name")
    def person_name(self, obj):
        return obj.person.name

    @admin.display(description="jabatan", ordering=role_order())
    def role_label(self, obj):
        return obj.get_role_display()

    @admin.display(description="NIK")
    def masked_nik(self, obj):
        return obj.person.masked_nik

    @admin.display(description="kecamatan", ordering="kelurahan__kecamatan__name")
    def kecamatan(self, obj):
        return obj.kelurahan.kecamatan.name

    @admin.display(description="ASN", boolean=True)
    def is_asn(self, obj):
        return obj.person.is_asn

    @admin.display(description="status", ordering="end_date")
    def status(self, obj):
        if obj.is_active:
            return "Aktif"
        return f"Berakhir {obj.end_date:%d-%m-%Y} ({obj.get_end_reason_display()})"
