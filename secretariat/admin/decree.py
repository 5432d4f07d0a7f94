from django.contrib import admin
from django.db.models import Count
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from ..models import Decree, DecreeNumberSequence, DecreeTemplate
from . import decree_views as views


@admin.register(DecreeTemplate)
class DecreeTemplateAdmin(SimpleHistoryAdmin):
    """Legal text: everyone with view permission may read it; only superusers may change it."""

    list_display = ["name", "is_active", "number_format", "paper", "signer_name", "updated_at"]
    change_form_template = "admin/secretariat/decreetemplate/change_form.html"
    fieldsets = [
        (None, {"fields": ["name", "is_active", "number_format", "issuer"]}),
        (
            "Teks hukum",
            {
                "fields": [
                    "title",
                    "considerations",
                    "legal_basis",
                    "observations",
                    "dictums",
                    "petikan_closing",
                ]
            },
        ),
        ("Penetapan", {"fields": ["place", "signer_title", "signer_name"]}),
        (
            "Pengesahan petikan",
            {"fields": ["authenticator_title", "authenticator_name", "authenticator_nip"]},
        ),
        (
            "Tata letak",
            {
                "fields": [
                    "paper",
                    "margin_top_mm",
                    "margin_bottom_mm",
                    "margin_left_mm",
                    "margin_right_mm",
                    "logo",
                ]
            },
        ),
    ]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DecreeNumberSequence)
class DecreeNumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["year", "next_number"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decree)
class DecreeAdmin(SimpleHistoryAdmin):
    list_display = ["number", "decree_date", "entry_count", "status", "job_status"]
    list_filter = ["status", "year", "period"]
    search_fields = ["number"]
    change_list_template = "admin/secretariat/decree/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description="jumlah anggota", ordering="entry_count")
    def entry_count(self, obj):
        return obj.entry_count

    @admin.display(description="dokumen")
    def job_status(self, obj):
        job = obj.jobs.order_by("-created_at").first()
        if job is None:
            return "-"
        progress = job.progress()
        return f"{progress['done']}/{progress['total']} ({progress['status_label']})"

    def has_add_permission(self, request):
        return False  # decrees are issued through "Terbitkan SK", with a number and documents

    def has_delete_permission(self, request, obj=None):
        return False  # an issued decree is a record: it can be revoked, never deleted

    def get_urls(self):
        wrap = self.admin_site.admin_view
        custom = [
            path("terbitkan/", wrap(views.issue_view), name="secretariat_decree_issue"),
            path("pratinjau.pdf", wrap(views.preview_view), name="secretariat_decree_preview"),
            path("<int:pk>/progres/", wrap(views.progress_view), name="secretariat_decree_progress"),
            path("<int:pk>/cabut/", wrap(views.revoke_view), name="secretariat_decree_revoke"),
            path("<int:pk>/ulangi/", wrap(views.retry_view), name="secretariat_decree_retry"),
            path("<int:pk>/bundel.pdf", wrap(views.bundle_view), name="secretariat_decree_bundle"),
            path(
                "dokumen/<uuid:public_id>/", wrap(views.document_view), name="secretariat_document_download"
            ),
        ]
        return custom + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return views.detail_view(request, object_id)
