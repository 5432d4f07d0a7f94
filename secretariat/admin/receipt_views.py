"""Staff pages for the signed Petikan receipts (issue #16.6): upload, the reading's progress then the
preview, confirm with the handover date (pps_admin/scans/views.py), and each kept receipt's scan. The rules
are in services/petikan_receipts.py."""

from functools import partial
from pathlib import Path

from django import forms
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pps_admin.scans import views
from pps_admin.scans.fields import MultipleFileField
from pps_admin.scans.pages import MAX_INTAKE_FILES
from pps_admin.staff_pages import file_download, require_perms

from ..models import Decree, PetikanReceipt
from ..services import petikan_receipts as receipts


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
        # Checked here too (the service refuses it as well) so the message sits next to the date field.
        value = self.cleaned_data["received_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(receipts.FUTURE_DATE)
        return value


def _confirm(request, data):
    return receipts.receipts_confirm(
        token=data["token"], session=request.session, received_date=data["received_date"], user=request.user
    )


PAGES = views.IntakePages(
    perms=("secretariat.view_decree", "secretariat.change_decree"),
    title="Unggah pindaian tanda terima Petikan",
    opts=Decree._meta,
    url_names=("secretariat_receipts", "secretariat_receipts_status", "secretariat_receipts_confirm"),
    pages_template="admin/secretariat/decree/_receipt_pages.html",
    texts={
        "matched": "cocok dengan Petikan",
        "intro": "Setiap tanda terima dikenali dari kode QR pada Petikan yang ditandatangani.",
        "submit": "Simpan {count} tanda terima",
        "done": "{count} tanda terima Petikan disimpan.",
        "listed": "{count} halaman tidak disimpan (lihat daftar).",
        "attached": "Disimpan",
        "listed_heading": "Tidak disimpan",
    },
    upload_form=ReceiptUploadForm,
    confirm_form=ReceiptConfirmForm,
    upload=receipts.receipts_upload,
    preview=receipts.receipts_preview,
    confirm_initial=lambda preview: {"received_date": timezone.localdate()},
    confirm=_confirm,
)

receipts_view = partial(views.upload_view, pages=PAGES)
receipts_status_view = partial(views.status_view, pages=PAGES)
receipts_confirm_view = partial(views.confirm_view, pages=PAGES)


def receipt_scan_view(request, pk):
    require_perms(request, "secretariat.view_decree")
    receipts_seen = PetikanReceipt.objects.visible_to(request.user).select_related("document")
    receipt = get_object_or_404(receipts_seen, pk=pk)
    path = Path(receipt.scan.path)
    return file_download(path, f"tanda-terima-petikan-{receipt.document.check_code}{path.suffix}")
