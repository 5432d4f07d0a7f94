from django.contrib import admin
from django.db.models import Count
from django.urls import path

from kelurahan.admin_filters import kecamatan_filter, kelurahan_filter
from pps_admin.admin_history import ReadableHistoryAdmin
from pps_admin.admin_scale import LargeTableAdminMixin
from pps_admin.admin_scope import ScopedAdminMixin
from pps_admin.admin_widgets import WideTextInputsMixin
from secretariat.models.appointment import role_order, roster_order
from secretariat.office_admin import OfficeOwnedAdminMixin, office_set

from . import admin_scan_intake as scan_intake_views
from . import admin_views as views
from .models import Ceremony, Pact, PactText


@admin.register(PactText)
class PactTextAdmin(ScopedAdminMixin, OfficeOwnedAdminMixin, WideTextInputsMixin, admin.ModelAdmin):
    """Saving a change stores a new version; signed pacts keep pointing at the version they carry."""

    # The number of pacts per version is on the change page only: in the list it counted every pact of the
    # nation (251k) on each view.
    list_display = ["version", "title", "created_at", "created_by"]
    readonly_fields = ["version", "created_at", "created_by", "pact_count"]
    fields = [
        "version",
        "title",
        "preamble",
        "commitment",
        "pledges",
        "closing",
        "stamp_duty",
        "created_at",
        "created_by",
        "pact_count",
    ]

    @admin.display(description="jumlah pakta")
    def pact_count(self, obj):
        return obj.pacts.count() if obj.pk else 0

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from django.db.models import Max

        obj.pk = None  # never edit a version in place
        office_set(request, obj)
        versions = PactText.objects.filter(office_id=obj.office_id)
        obj.version = (versions.aggregate(Max("version"))["version__max"] or 0) + 1
        obj.created_by = request.user
        obj.save()

    def response_change(self, request, obj):
        self.message_user(request, f"Disimpan sebagai versi baru ({obj.version}).")
        return super().response_post_save_change(request, obj)


@admin.register(Ceremony)
class CeremonyAdmin(ScopedAdminMixin, OfficeOwnedAdminMixin, WideTextInputsMixin, ReadableHistoryAdmin):
    list_display = ["name", "date", "place", "expected_count"]
    autocomplete_fields = ["expected"]
    change_form_template = "admin/integrity/ceremony/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(expected_count=Count("expected"))

    @admin.display(description="diundang")
    def expected_count(self, obj):
        return obj.expected_count or "semua anggota aktif"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/daftar-hadir.pdf", wrap(views.attendance_view), name="integrity_attendance"),
        ] + super().get_urls()


class ScanFilter(admin.SimpleListFilter):
    title = "pindaian"
    parameter_name = "pindaian"

    def lookups(self, request, model_admin):
        return [("ada", "Ada"), ("belum", "Belum ada")]

    def queryset(self, request, queryset):
        if self.value() == "ada":
            return queryset.exclude(scan="")
        if self.value() == "belum":
            return queryset.filter(scan="")
        return queryset


@admin.register(Pact)
class PactAdmin(ScopedAdminMixin, LargeTableAdminMixin, ReadableHistoryAdmin):
    list_display = [
        "person_name",
        "role",
        "kelurahan",
        "kecamatan",
        "status",
        "signed_date",
        "has_scan",
        "version",
    ]
    list_select_related = ["appointment__person", "appointment__kelurahan__kecamatan", "text"]
    list_filter = [
        "status",
        ScanFilter,
        kecamatan_filter("appointment__kelurahan__kecamatan"),
        kelurahan_filter("appointment__kelurahan"),
        "appointment__role",
    ]
    search_fields = ["appointment__person__name", "appointment__kelurahan__name"]
    ordering = ["appointment__kelurahan_id", "appointment__role"]  # for the checks; see get_ordering()
    actions = ["mark_printed", "mark_signed"]
    change_list_template = "admin/integrity/pact/change_list.html"
    list_per_page = 50

    @admin.display(description="nama", ordering="appointment__person__name")
    def person_name(self, obj):
        return obj.appointment.person.name

    def get_ordering(self, request):
        return roster_order("appointment__")

    @admin.display(description="jabatan", ordering=role_order("appointment__role"))
    def role(self, obj):
        return obj.appointment.get_role_display()

    @admin.display(description="kelurahan", ordering="appointment__kelurahan__name")
    def kelurahan(self, obj):
        return obj.appointment.kelurahan.name

    @admin.display(description="kecamatan")
    def kecamatan(self, obj):
        return obj.appointment.kelurahan.kecamatan.name

    @admin.display(description="pindaian", boolean=True)
    def has_scan(self, obj):
        return bool(obj.scan)

    @admin.display(description="versi teks")
    def version(self, obj):
        return obj.text.version

    def has_add_permission(self, request):
        return False  # pacts are created with their PDFs ("Buat PDF pakta")

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Tandai sudah dicetak", permissions=["change"])
    def mark_printed(self, request, queryset):
        from .services.pacts import pacts_mark_printed

        count = pacts_mark_printed(pacts=list(queryset), user=request.user)
        self.message_user(request, f"{count} pakta ditandai sudah dicetak.")

    @admin.action(description="Tandai sudah ditandatangani…", permissions=["change"])
    def mark_signed(self, request, queryset):
        return views.bulk_sign_view(request, queryset)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("dasbor/", wrap(views.dashboard_view), name="integrity_dashboard"),
            path("buat-pdf/", wrap(views.generate_view), name="integrity_generate"),
            path("progres/<int:job_id>/", wrap(views.job_progress_view), name="integrity_job_progress"),
            path("progres/<int:job_id>/ulangi/", wrap(views.job_retry_view), name="integrity_job_retry"),
            path("bundel/", wrap(views.bundle_view), name="integrity_bundle"),
            path("pindaian/", wrap(scan_intake_views.scan_intake_view), name="integrity_scan_intake"),
            path(
                "pindaian/simpan/",
                wrap(scan_intake_views.scan_intake_confirm_view),
                name="integrity_scan_intake_confirm",
            ),
            path(
                "pindaian/<str:token>/",
                wrap(scan_intake_views.scan_intake_status_view),
                name="integrity_scan_intake_status",
            ),
            path("<int:pk>/pindaian/", wrap(views.scan_download_view), name="integrity_scan"),
            path("<int:pk>/pdf/", wrap(views.pact_pdf_view), name="integrity_pact_pdf"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return views.pact_detail_view(request, object_id)
