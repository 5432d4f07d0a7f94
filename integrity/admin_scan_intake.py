"""Staff pages for the ceremony's scans: upload, preview of each page's match, confirm (issue #16.6).
The rules are in services/scan_intake.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from pps_admin.staff_pages import admin_context, require_perms

from .forms import ScanIntakeConfirmForm, ScanIntakeForm
from .models import Pact
from .services import scan_intake

PERMS = ("integrity.view_pact", "integrity.change_pact")
TITLE = "Unggah pindaian pakta bertanda tangan"


def _page(request, *, form, preview=None, confirm_form=None, outcome=None):
    return TemplateResponse(
        request,
        "admin/integrity/pact/scan_intake.html",
        admin_context(
            request,
            TITLE,
            opts=Pact._meta,
            form=form,
            preview=preview,
            confirm_form=confirm_form,
            outcome=outcome,
        ),
    )


def scan_intake_view(request):
    """GET: the upload form. POST: the preview of every page, nothing attached yet."""
    require_perms(request, *PERMS)
    if request.method != "POST":
        return _page(request, form=ScanIntakeForm())
    form = ScanIntakeForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form)
    try:
        preview = scan_intake.scan_intake_preview(
            uploads=form.cleaned_data["scans"], session=request.session, user=request.user
        )
    except ValidationError as exc:
        form.add_error("scans", " ".join(exc.messages))
        return _page(request, form=form)
    confirm_form = None
    if preview.token:
        initial = {**scan_intake.intake_signing_defaults(preview, user=request.user), "token": preview.token}
        confirm_form = ScanIntakeConfirmForm(initial=initial)
    return _page(request, form=ScanIntakeForm(), preview=preview, confirm_form=confirm_form)


@require_POST
def scan_intake_confirm_view(request):
    """Attach the previewed pages that still match and mark their pacts signed; list the others."""
    require_perms(request, *PERMS)
    confirm_form = ScanIntakeConfirmForm(request.POST)
    token = request.POST.get("token", "")
    try:
        if not confirm_form.is_valid():
            preview = scan_intake.scan_intake_staged(token=token, session=request.session, user=request.user)
            return _page(request, form=ScanIntakeForm(), preview=preview, confirm_form=confirm_form)
        data = confirm_form.cleaned_data
        outcome = scan_intake.scan_intake_confirm(
            token=data["token"],
            session=request.session,
            signed_date=data["signed_date"],
            signed_place=data["signed_place"],
            user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("admin:integrity_scan_intake")
    messages.success(
        request, f"{len(outcome.attached)} pindaian dilampirkan; paktanya ditandai sudah ditandatangani."
    )
    if outcome.problems:
        messages.warning(request, f"{len(outcome.problems)} halaman tidak dilampirkan (lihat daftar).")
    return _page(request, form=ScanIntakeForm(), outcome=outcome)
