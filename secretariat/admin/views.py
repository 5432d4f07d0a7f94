"""Staff pages inside the admin: completeness matrix, import with preview, export, end/replace."""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from pps_admin.admin_scale import LookaheadPaginator, numbered

from ..models import Appointment, Person
from ..selectors import completeness_matrix
from ..services.appointments import appointment_end, appointment_reactivate, appointment_replace
from ..services.exporting import roster_csv, roster_xlsx, template_xlsx
from ..services.importing import members_import
from .forms import (
    REPLACEMENT_MIN_CHARACTERS,
    EndAppointmentForm,
    ImportUploadForm,
    ReactivateAppointmentForm,
    ReplaceAppointmentForm,
)

PREVIEW_ROWS = 300
SESSION_KEY = "import_staging_tokens"
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


def _context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, "opts": Appointment._meta, **extra}


def _require(request, *perms):
    if not request.user.has_perms([f"secretariat.{perm}" for perm in perms]):
        raise PermissionDenied


def completeness_view(request):
    _require(request, "view_appointment")
    matrix = completeness_matrix(page=request.GET.get("p", 1))
    return TemplateResponse(
        request,
        "admin/secretariat/completeness.html",
        _context(request, "Kelengkapan sekretariat PPS", matrix=matrix),
    )


STAGING_MAX_AGE_SECONDS = 2 * 60 * 60


def _staging_dir() -> Path:
    """Uploaded files waiting for confirmation (they hold NIKs): private, and removed after two hours."""
    path = Path(settings.MEDIA_ROOT) / "private" / "import_staging"
    path.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STAGING_MAX_AGE_SECONDS
    for staged in path.glob("*.bin"):
        try:
            if staged.stat().st_mtime < cutoff:
                staged.unlink()
        except FileNotFoundError:
            pass  # removed by a concurrent request
    return path


def import_view(request):
    _require(request, "add_person", "change_person", "add_appointment")
    _staging_dir()  # also removes abandoned uploads
    context = _context(request, "Impor anggota sekretariat")
    if request.method == "POST" and "token" in request.POST:
        return _import_confirm(request, context)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        result = members_import(data=data, dry_run=True, max_rows=settings.IMPORT_WEB_MAX_ROWS)
        context["result"] = result
        context["preview_rows"] = result.rows[:PREVIEW_ROWS]
        if result.ok:
            token = secrets.token_hex(16)
            (_staging_dir() / f"{token}.bin").write_bytes(data)
            request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-4:], token]
            context["token"] = token
    context["form"] = form
    return TemplateResponse(request, "admin/secretariat/import.html", context)


def _import_confirm(request, context):
    token = request.POST["token"]
    if not TOKEN_RE.match(token) or token not in request.session.get(SESSION_KEY, []):
        messages.error(request, "Pratinjau impor sudah kedaluwarsa. Unggah ulang berkasnya.")
        return redirect("admin:secretariat_import")
    staged = _staging_dir() / f"{token}.bin"
    if not staged.exists():
        messages.error(request, "Berkas pratinjau tidak ditemukan. Unggah ulang berkasnya.")
        return redirect("admin:secretariat_import")
    result = members_import(
        data=staged.read_bytes(),
        dry_run=False,
        user=request.user,
        reason="impor lewat admin",
        max_rows=settings.IMPORT_WEB_MAX_ROWS,
    )
    staged.unlink(missing_ok=True)
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != token]
    if result.ok:
        messages.success(request, f"Impor selesai: {result.summary}.")
        return redirect("admin:secretariat_completeness")
    context.update(result=result, form=ImportUploadForm())
    return TemplateResponse(request, "admin/secretariat/import.html", context)


def import_template_view(request):
    _require(request, "view_appointment")
    return _download(template_xlsx(), "templat-impor-anggota-sekretariat-pps.xlsx")


def export_view(request, fmt):
    _require(request, "view_appointment", "view_person")
    full_nik = request.user.has_perm("secretariat.export_full_nik")
    name = f"anggota-sekretariat-pps-{timezone.localtime():%Y%m%d-%H%M}{'' if full_nik else '-nik-tersamar'}"
    if fmt == "csv":
        return _download(roster_csv(full_nik=full_nik), f"{name}.csv")
    if fmt == "xlsx":
        return _download(roster_xlsx(full_nik=full_nik), f"{name}.xlsx")
    raise Http404


def _download(data: bytes, filename: str) -> HttpResponse:
    content_type = (
        "text/csv; charset=utf-8"
        if filename.endswith(".csv")
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _appointment_form_view(request, pk, form_class, title, action, *, needs_active=True):
    _require(request, "change_appointment")
    appointment = get_object_or_404(
        Appointment.objects.select_related("person", "kelurahan__kecamatan"), pk=pk
    )
    if needs_active and not appointment.is_active:
        messages.error(request, "Pengangkatan ini sudah berakhir.")
        return redirect("admin:secretariat_appointment_change", pk)
    if not needs_active and appointment.is_active:
        messages.error(request, "Pengangkatan ini masih aktif.")
        return redirect("admin:secretariat_appointment_change", pk)
    extra = {"request": request} if form_class is ReplaceAppointmentForm else {}
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            target = action(appointment, form)
        except ValidationError as exc:
            # The service rolled back, but may have set fields on this object first (an "Akhiri" before a
            # refused replacement): show what is stored, not an end that was never saved.
            appointment.refresh_from_db()
            _add_errors(form, exc)
        else:
            return redirect(reverse("admin:secretariat_appointment_change", args=[target.pk]))
    return TemplateResponse(
        request,
        "admin/secretariat/appointment_action.html",
        _context(request, title, form=form, appointment=appointment, original=appointment),
    )


def _add_errors(form, exc: ValidationError) -> None:
    """Errors on the form's own fields next to them, the others above the form."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, errors in exc.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def end_view(request, pk):
    def action(appointment, form):
        appointment_end(
            appointment=appointment,
            end_date=form.cleaned_data["end_date"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"Pengangkatan {appointment} diakhiri.")
        return appointment

    return _appointment_form_view(request, pk, EndAppointmentForm, "Akhiri pengangkatan", action)


def replace_view(request, pk):
    def action(appointment, form):
        new = appointment_replace(
            appointment=appointment,
            replacement=form.replacement_person,
            end_date=form.cleaned_data["end_date"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            lurah_decree_number=form.cleaned_data["lurah_decree_number"],
            lurah_decree_date=form.cleaned_data["lurah_decree_date"],
            start_date=form.cleaned_data["start_date"],
        )
        messages.success(
            request,
            f"{new.person.name} menggantikan {appointment.person.name} mulai {new.start_date:%d-%m-%Y}. "
            "Terbitkan SK penggantian antarwaktu lewat Keputusan (SK) → Terbitkan SK.",
        )
        return new

    return _appointment_form_view(request, pk, ReplaceAppointmentForm, "Penggantian antarwaktu (PAW)", action)


def reactivate_view(request, pk):
    """Undo an "Akhiri" made by mistake (only while nobody replaced the member)."""

    def action(appointment, form):
        appointment_reactivate(appointment=appointment, note=form.cleaned_data["note"])
        messages.success(request, f"Pengakhiran {appointment} dibatalkan; pengangkatan aktif kembali.")
        return appointment

    return _appointment_form_view(
        request, pk, ReactivateAppointmentForm, "Batalkan pengakhiran", action, needs_active=False
    )


def replacement_search_view(request):
    """Search-as-you-type for "Ganti (PAW)": registered people without an active post, in the
    JSON shape of the admin's autocomplete (select2). The search is the person list's own (indexed: every
    word in the name, or a whole NIK), pages fetched without a count.

    It starts when a word has REPLACEMENT_MIN_CHARACTERS (the widget waits for as many characters): listing
    everyone without a post means passing everyone with one (bench/RESULTS.md, "the Ganti search"), and
    words shorter than a trigram scan the whole table; a word of three letters or more is found through
    the trigram index."""
    _require(request, "change_appointment", "view_person")
    term = request.GET.get("term", "").strip()
    page = None
    if max(map(len, term.split()), default=0) >= REPLACEMENT_MIN_CHARACTERS:
        people, _ = admin.site.get_model_admin(Person).get_search_results(request, Person.objects.all(), term)
        free = ~Exists(Appointment.objects.active().filter(person=OuterRef("pk")))
        paginator = LookaheadPaginator(numbered(people.filter(free), ["name", "pk"]), 20)
        try:
            page = paginator.page(request.GET.get("page", 1))
        except EmptyPage:
            page = None
    return JsonResponse(
        {
            "results": [{"id": str(p.pk), "text": f"{p.name} ({p.masked_nik})"} for p in page or []],
            "pagination": {"more": bool(page and page.has_next())},
        }
    )
