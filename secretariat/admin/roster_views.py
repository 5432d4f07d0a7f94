"""Staff pages for the roster as a whole: the completeness matrix, the import with preview, the exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from pps_admin.staff_pages import admin_context, file_download, require_perms

from ..models import Appointment, Office
from ..models.scoping import user_office
from ..selectors import completeness_matrix
from ..services.exporting import roster_csv, roster_xlsx, template_xlsx
from ..services.import_staging import import_confirm, import_preview, import_staging_sweep
from .forms import ImportUploadForm

PREVIEW_ROWS = 300


def _context(request, title, **extra):
    return admin_context(request, title, opts=Appointment._meta, **extra)


def completeness_view(request):
    require_perms(request, "secretariat.view_appointment")
    matrix = completeness_matrix(page=request.GET.get("p", 1), user=request.user)
    return TemplateResponse(
        request,
        "admin/secretariat/completeness.html",
        _context(request, "Kelengkapan sekretariat PPS", matrix=matrix),
    )


def import_view(request):
    require_perms(
        request, "secretariat.add_person", "secretariat.change_person", "secretariat.add_appointment"
    )
    import_staging_sweep()  # abandoned uploads go whenever someone opens the page
    context = _context(request, "Impor anggota sekretariat")
    if request.method == "POST" and "token" in request.POST:
        return _import_confirm(request, context)
    office = user_office(request.user)  # staff import for their own office
    if office is None and not request.user.is_superuser:
        raise PermissionDenied  # a staff account of no office imports for none
    form = _upload_form(request, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        preview = import_preview(
            data=form.cleaned_data["file"].read(),
            session=request.session,
            office=office or form.cleaned_data.get("office"),
        )
        context["result"] = preview.result
        context["preview_rows"] = preview.result.rows[:PREVIEW_ROWS]
        if preview.token:
            context["token"] = preview.token
    context["form"] = form
    return TemplateResponse(request, "admin/secretariat/import.html", context)


def _upload_form(request, *args) -> ImportUploadForm:
    """A superuser names the office when the deployment has several; staff import for their own."""
    asks = user_office(request.user) is None and request.user.is_superuser and Office.sole() is None
    return ImportUploadForm(*args, ask_office=asks)


def _import_confirm(request, context):
    try:
        result = import_confirm(token=request.POST["token"], session=request.session, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("admin:secretariat_import")
    if result.ok:
        messages.success(request, f"Impor selesai: {result.summary}.")
        return redirect("admin:secretariat_completeness")
    context.update(result=result, form=_upload_form(request))
    return TemplateResponse(request, "admin/secretariat/import.html", context)


def import_template_view(request):
    require_perms(request, "secretariat.view_appointment")
    return file_download(template_xlsx(user=request.user), "templat-impor-anggota-sekretariat-pps.xlsx")


def export_view(request, fmt):
    require_perms(request, "secretariat.view_appointment", "secretariat.view_person")
    full_nik = request.user.has_perm("secretariat.export_full_nik")
    name = f"anggota-sekretariat-pps-{timezone.localtime():%Y%m%d-%H%M}{'' if full_nik else '-nik-tersamar'}"
    if fmt == "csv":
        return file_download(roster_csv(full_nik=full_nik, user=request.user), f"{name}.csv")
    if fmt == "xlsx":
        return file_download(roster_xlsx(full_nik=full_nik, user=request.user), f"{name}.xlsx")
    raise Http404
