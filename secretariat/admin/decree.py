from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.urls import path

from pps_admin.admin_history import ReadableHistoryAdmin
from pps_admin.admin_scope import ScopedAdminMixin
from pps_admin.admin_widgets import WideTextInputsMixin

from ..models import (
    Decree,
    DecreeEntry,
    DecreeNumberSequence,
    DecreeTemplate,
    Document,
    DocumentStatus,
    GenerationJob,
    JobStatus,
)
from ..office_admin import OfficeOwnedAdminMixin, office_for_new_row
from ..services.office_texts import decree_template_values
from . import decree_views as views
from . import receipt_views


@admin.register(DecreeTemplate)
class DecreeTemplateAdmin(ScopedAdminMixin, OfficeOwnedAdminMixin, WideTextInputsMixin, ReadableHistoryAdmin):
    """Everyone with view permission reads it. Superusers change all of it; an office's operator (change
    permission, roles.py) changes their own office's template, and of it only the office's facts
    (DecreeTemplate.OFFICE_FACT_FIELDS): the legal text is read-only for them, so a value POSTed for it is
    not a form field and is ignored. Another office's template is a 404 (the scoping rule, admin_scope.py).
    Every change is in the template's history like any other."""

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
                    "plenary_minutes_number",
                    "plenary_minutes_date",
                    "dictums",
                    "petikan_dictum",
                    "petikan_closing",
                ]
            },
        ),
        (
            "SK penggantian antarwaktu (PAW)",
            {
                "description": "Dipakai untuk SK yang hanya memuat pengganti antarwaktu. Mengingat, "
                "penanda tangan dan tata letak sama dengan SK utama di atas.",
                "fields": [
                    "paw_title",
                    "paw_considerations",
                    "paw_observations",
                    "paw_dictums",
                    "paw_petikan_dictum",
                ],
            },
        ),
        (
            "Pencabutan",
            {
                "description": "Ditambahkan pada SK yang diterbitkan kembali untuk anggota SK yang dicabut.",
                "fields": ["revocation_consideration", "revocation_dictum"],
            },
        ),
        ("Penetapan", {"fields": ["place", "signer_title", "signer_name"]}),
        (
            "Kop surat",
            {"fields": ["logo", "letterhead_name", "letterhead_address", "office_short_name"]},
        ),
        (
            "Pengesahan petikan dan salinan",
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
                ]
            },
        ),
    ]

    def has_change_permission(self, request, obj=None):
        # ScopedAdminMixin: staff of a kabupaten/kota office with the change permission (operators).
        return request.user.is_superuser or super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        legal_text = [
            name
            for name in flatten_fieldsets(self.fieldsets)
            if name not in DecreeTemplate.OFFICE_FACT_FIELDS and name not in readonly
        ]
        return readonly + legal_text

    def get_changeform_initial_data(self, request):
        """A new template starts from its office's own defaults (no field defaults to any office's
        words); a superuser of several offices, who picks the office in the form, starts empty."""
        initial = super().get_changeform_initial_data(request)
        office = office_for_new_row(request)
        if office is not None and office.regency_id:
            initial = {**decree_template_values(office), **initial}
        return initial


@admin.register(DecreeNumberSequence)
class DecreeNumberSequenceAdmin(ScopedAdminMixin, OfficeOwnedAdminMixin, admin.ModelAdmin):
    list_display = ["year", "next_number"]

    def has_delete_permission(self, request, obj=None):
        return False


def _entry_count():
    # COUNT(*), not COUNT(id): answered from the decree_id index alone, without reading the entries.
    return Coalesce(
        Subquery(
            DecreeEntry.objects.filter(decree=OuterRef("pk"))
            .order_by()
            .values("decree")
            .annotate(n=Count("*"))
            .values("n")
        ),
        0,
    )


def _latest_job():
    """The decree's latest generation job as {id, status, total, done}: one subquery per listed row (its
    done count is read from the document_job_status_idx index alone)."""
    done = (
        Document.objects.filter(job=OuterRef("pk"), status=DocumentStatus.DONE)
        .order_by()
        .values("job")
        .annotate(n=Count("*"))
        .values("n")
    )
    job = JSONObject(id="pk", status="status", total="total", done=Coalesce(Subquery(done), 0))
    return Subquery(
        GenerationJob.objects.filter(decree=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values(json=job)[:1]
    )


class DecreeChangeList(ChangeList):
    """The list's columns are computed here, for the listed page only: the decree's other admin pages
    (history, its own page) and the filters' facet counts (`exclude_parameters`) need neither."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if exclude_parameters is not None:
            return queryset
        return queryset.annotate(entry_count=_entry_count(), latest_job=_latest_job())


@admin.register(Decree)
class DecreeAdmin(ScopedAdminMixin, ReadableHistoryAdmin):
    list_display = ["number", "decree_date", "kind", "entry_count", "status", "job_status"]
    list_filter = ["status", "kind", "year", "period"]
    search_fields = ["number"]
    change_list_template = "admin/secretariat/decree/change_list.html"
    # As the person, appointment and pact lists: each row counts its decree's entries and documents
    # (about 500 of each per decree at national scale).
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return DecreeChangeList

    @admin.display(description="jumlah anggota", ordering=_entry_count())
    def entry_count(self, obj):
        return obj.entry_count

    @admin.display(description="dokumen")
    def job_status(self, obj):
        job = obj.latest_job
        if job is None:
            return "-"
        return f"{job['done']}/{job['total']} ({JobStatus(job['status']).label})"

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
            path("tanda-terima/", wrap(receipt_views.receipts_view), name="secretariat_receipts"),
            path(
                "tanda-terima/simpan/",
                wrap(receipt_views.receipts_confirm_view),
                name="secretariat_receipts_confirm",
            ),
            path(
                "tanda-terima/<int:pk>/pindaian/",
                wrap(receipt_views.receipt_scan_view),
                name="secretariat_receipt_scan",
            ),
            path(
                "tanda-terima/<str:token>/",
                wrap(receipt_views.receipts_status_view),
                name="secretariat_receipts_status",
            ),
        ]
        return custom + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return views.detail_view(request, object_id)
