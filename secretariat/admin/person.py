import logging

from django.contrib import admin, messages
from django.db.models import Prefetch

from kelurahan.admin_filters import kecamatan_filter
from pps_admin.admin_history import ReadableHistoryAdmin
from pps_admin.admin_scale import LargeTableAdminMixin
from pps_admin.admin_scope import ScopedAdminMixin
from pps_admin.admin_widgets import WideTextInputsMixin
from pps_admin.staff_pages import file_download

from .. import identity
from ..models import Appointment, Person
from ..office_admin import OfficeOwnedAdminMixin
from ..services.accounts import portal_accounts_create_with_sheet, portal_passwords_reset_with_sheet
from .concurrency import OptimisticLockAdminMixin, OptimisticLockForm

log = logging.getLogger(__name__)

SHEET_FAILED = (
    "Lembar serah terima (PDF) tidak dapat dibuat, jadi tidak ada akun atau sandi yang diubah: sandi lama "
    "anggota tetap berlaku. Coba lagi; bila terus gagal, laporkan ke pengelola aplikasi."
)


def _with_sheet(request, service, queryset):
    """(rows, sheet) of `service`, or None with the reason shown when the sheet failed (nothing changed)."""
    try:
        return service(people=queryset, portal_url=request.build_absolute_uri("/"))
    except Exception:  # the sheet's rendering: whatever failed, the unit was rolled back
        log.exception("The portal handover sheet could not be rendered; nothing was changed")
        messages.error(request, SHEET_FAILED)
        return None


class ActivePostFilter(admin.SimpleListFilter):
    title = "status jabatan"
    parameter_name = "menjabat"

    def lookups(self, request, model_admin):
        return [("ya", "Sedang menjabat"), ("tidak", "Tidak menjabat")]

    def queryset(self, request, queryset):
        active = Appointment.objects.active().values("person_id")
        if self.value() == "ya":
            return queryset.filter(pk__in=active)
        if self.value() == "tidak":
            return queryset.exclude(pk__in=active)
        return queryset


class AppointmentInline(ScopedAdminMixin, admin.TabularInline):
    model = Appointment
    fk_name = "person"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["kelurahan", "role", "period", "start_date", "end_date", "end_reason"]
    readonly_fields = fields
    verbose_name_plural = "riwayat jabatan (ubah lewat menu Pengangkatan)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("kelurahan", "period")


def _people_serving_in(queryset, kecamatan_codes):
    # Through a subquery, not a join: a person with two posts in one kecamatan is listed once.
    posts = Appointment.objects.filter(kelurahan__kecamatan__in=kecamatan_codes).values("person_id")
    return queryset.filter(pk__in=posts)


@admin.register(Person)
class PersonAdmin(
    ScopedAdminMixin,
    OfficeOwnedAdminMixin,
    WideTextInputsMixin,
    LargeTableAdminMixin,
    OptimisticLockAdminMixin,
    ReadableHistoryAdmin,
):
    form = OptimisticLockForm
    list_display = ["name", "masked_nik_display", "gender", "employment_status", "current_post"]
    list_filter = [
        ActivePostFilter,
        "employment_status",
        "gender",
        kecamatan_filter("appointments__kelurahan__kecamatan", through=_people_serving_in),
        "appointments__role",
    ]
    # "=nik": a whole NIK, matched through its unique index (a partial NIK is no search key).
    search_fields = ["name", "=nik", "appointments__kelurahan__name"]
    list_per_page = 50
    inlines = [AppointmentInline]
    # The portal account is made by the "Buat akun portal" action, never picked: a picked account could be
    # anybody's (another office's staff, a superuser), whose password the reset action would then replace.
    readonly_fields = ["user", "created_at", "updated_at"]
    fieldsets = [
        ("Identitas", {"fields": ["nik", "name", "gender", "birth_place", "birth_date", "loaded_version"]}),
        ("Kepegawaian", {"fields": ["employment_status", "nip"]}),
        ("Kontak", {"fields": ["phone", "email", "address"]}),
        ("Akun", {"fields": ["user", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    history_masked_fields = {"nik": identity.mask_nik, "nip": identity.mask_nip}
    actions = ["create_portal_accounts", "reset_portal_password"]

    @admin.action(description="Buat akun portal (unduh lembar serah terima PDF)", permissions=["change"])
    def create_portal_accounts(self, request, queryset):
        selected = queryset.count()
        had_account = queryset.filter(user__isnull=False).count()
        made = _with_sheet(request, portal_accounts_create_with_sheet, queryset)
        if made is None:
            return None
        rows, sheet = made
        skipped = selected - len(rows)
        reasons = []
        if had_account:
            reasons.append(f"{had_account} sudah punya akun")
        if skipped - had_account > 0:
            reasons.append(f"{skipped - had_account} tidak sedang menjabat")
        summary = f"{skipped} dilewati ({', '.join(reasons)})" if skipped else "tidak ada yang dilewati"
        if not rows:
            messages.info(request, f"Tidak ada akun portal baru: {summary}.")
            return None
        messages.success(
            request,
            f"Akun portal dibuat untuk {len(rows)} anggota; {summary}. Lembar serah terima (PDF) "
            "sudah diunduh: sandi sekali pakai hanya ada di lembar itu.",
        )
        return file_download(sheet, "serah-terima-akun-portal.pdf")

    @admin.action(
        description="Atur ulang sandi portal (sandi sekali pakai baru, PDF)", permissions=["change"]
    )
    def reset_portal_password(self, request, queryset):
        # The new passwords are committed only with their sheet rendered (services/accounts.py).
        made = _with_sheet(request, portal_passwords_reset_with_sheet, queryset)
        if made is None:
            return None
        rows, sheet = made
        if not rows:
            messages.info(request, "Tidak ada anggota terpilih yang punya akun portal.")
            return None
        return file_download(sheet, "sandi-baru-portal.pdf")

    def has_delete_permission(self, request, obj=None):
        return False  # records: people and appointments end, they are never deleted

    def get_queryset(self, request):
        active = Appointment.objects.active().select_related("kelurahan")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("appointments", queryset=active, to_attr="active_appointments"))
        )

    @admin.display(description="NIK", ordering="nik")
    def masked_nik_display(self, obj):
        return obj.masked_nik

    @admin.display(description="NIP")
    def masked_nip_display(self, obj):
        return obj.masked_nip or "-"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            # The masked numbers get_fieldsets shows them are no form fields (simple-history's version page
            # builds its form from the fieldsets and failed on them).
            fields += ["masked_nik_display", "masked_nip_display"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Someone who may only look (Pengamat KPU) does not need the whole identity numbers, as in the lists.
        masked = {"nik": "masked_nik_display", "nip": "masked_nip_display"}
        return [
            (name, {**options, "fields": [masked.get(field, field) for field in options["fields"]]})
            for name, options in fieldsets
        ]

    @admin.display(description="jabatan aktif")
    def current_post(self, obj):
        posts = getattr(obj, "active_appointments", None)
        if not posts:
            return "-"
        post = posts[0]
        return f"{post.get_role_display()} - {post.kelurahan.name}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for warning in obj.warnings():
            messages.warning(request, warning)
