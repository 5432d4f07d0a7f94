"""Staff pages for the signed Petikan receipts (issue #16.6): upload, the reading's progress then the
preview, confirm with the handover date, each kept receipt's scan. The rules: services/petikan_receipts.py."""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pps_admin.scans.fields import MultipleFileField
from pps_admin.scans.pages import MAX_INTAKE_FILES
from pps_admin.staff_pages import admin_context, file_download, require_perms

from ..models import Decree, PetikanReceipt
from ..services import petikan_receipts as receipts

PERMS = ("secretariat.view_decree", "secretariat.change_decree")
TITLE = "Unggah pindaian tanda terima Petikan"
REFRESH_SECONDS = 2


class ReceiptUploadForm(forms.Form):
    scans = MultipleFileField(
        label="Berkas pindaian",
        help_text="Satu PDF berisi semua tanda terima Petikan bertanda tangan, atau beberapa foto/gambar "
        f"JPEG/PNG (maksimal 50 MB seluruhnya, 150 halaman, {MAX_INTAKE_FILES} berkas).",
    )


class ReceiptConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    received_date = forms.DateField(
        label="Tanggal serah terima", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_received_date(self):
        value = self.cleaned_data["received_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(receipts.FUTURE_DATE)
        return value


def _page(request, *, form, preview=None, confirm_form=None, outcome=None):
    return TemplateResponse(
        request,
        "admin/secretariat/decree/receipts.html",
        admin_context(
            request,
            TITLE,
            opts=Decree._meta,
            form=form,
            preview=preview,
            confirm_form=confirm_form,
            outcome=outcome,
            refresh_seconds=REFRESH_SECONDS,
        ),
    )


def receipts_view(request):
    require_perms(request, *PERMS)
    if request.method != "POST":
        return _page(request, form=ReceiptUploadForm())
    form = ReceiptUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form)
    try:
        token = receipts.receipts_upload(uploads=form.cleaned_data["scans"], session=request.session)
    except ValidationError as exc:
        form.add_error("scans", " ".join(exc.messages))
        return _page(request, form=form)
    return redirect("admin:secretariat_receipts_status", token=token)


def receipts_status_view(request, token):
    require_perms(request, *PERMS)
    try:
        preview = receipts.receipts_preview(token=token, session=request.session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("admin:secretariat_receipts")
    confirm_form = None
    if preview.token:
        confirm_form = ReceiptConfirmForm(initial={"token": token, "received_date": timezone.localdate()})
    return _page(request, form=ReceiptUploadForm(), preview=preview, confirm_form=confirm_form)


@require_POST
def receipts_confirm_view(request):
    require_perms(request, *PERMS)
    confirm_form = ReceiptConfirmForm(request.POST)
    try:
        if not confirm_form.is_valid():
            token = request.POST.get("token", "")
            preview = receipts.receipts_preview(token=token, session=request.session)
            return _page(request, form=ReceiptUploadForm(), preview=preview, confirm_form=confirm_form)
        kept, listed = receipts.receipts_confirm(
            token=confirm_form.cleaned_data["token"],
            session=request.session,
            received_date=confirm_form.cleaned_data["received_date"],
            user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("admin:secretariat_receipts")
    messages.success(request, f"{len(kept)} tanda terima Petikan disimpan.")
    if listed:
        messages.warning(request, f"{len(listed)} halaman tidak disimpan (lihat daftar).")
    return _page(request, form=ReceiptUploadForm(), outcome={"attached": kept, "problems": listed})


def receipt_scan_view(request, pk):
    require_perms(request, "secretariat.view_decree")
    receipt = get_object_or_404(PetikanReceipt.objects.select_related("document"), pk=pk)
    path = Path(receipt.scan.path)
    return file_download(path, f"tanda-terima-petikan-{receipt.document.check_code}{path.suffix}")
