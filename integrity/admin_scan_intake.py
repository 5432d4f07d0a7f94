"""Staff pages for the ceremony's scans (issue #16.6): upload, the reading's progress then the preview of
each page's match, confirm with the ceremony's date and place. The pages are pps_admin/scans/views.py's;
the rules are in services/scan_intake.py."""

from functools import partial

from pps_admin.scans import views

from .forms import ScanIntakeConfirmForm, ScanIntakeForm
from .models import Pact
from .services import scan_intake


def _confirm(request, data):
    return scan_intake.scan_intake_confirm(
        token=data["token"],
        session=request.session,
        signed_date=data["signed_date"],
        signed_place=data["signed_place"],
        user=request.user,
    )


PAGES = views.IntakePages(
    perms=("integrity.view_pact", "integrity.change_pact"),
    title="Unggah pindaian pakta bertanda tangan",
    opts=Pact._meta,
    url_names=("integrity_scan_intake", "integrity_scan_intake_status", "integrity_scan_intake_confirm"),
    pages_template="admin/integrity/pact/_scan_pages.html",
    texts={
        "matched": "cocok dengan pakta",
        "intro": "Setiap halaman dikenali dari kode QR di kakinya.",
        "submit": "Lampirkan {count} pindaian dan tandai ditandatangani",
        "done": "{count} pindaian dilampirkan; paktanya ditandai sudah ditandatangani.",
        "listed": "{count} halaman tidak dilampirkan (lihat daftar).",
        "attached": "Dilampirkan",
        "listed_heading": "Tidak dilampirkan",
    },
    upload_form=ScanIntakeForm,
    confirm_form=ScanIntakeConfirmForm,
    upload=scan_intake.scan_intake_upload,
    preview=scan_intake.scan_intake_preview,
    confirm_initial=scan_intake.intake_signing_defaults,
    confirm=_confirm,
)

scan_intake_view = partial(views.upload_view, pages=PAGES)
scan_intake_status_view = partial(views.status_view, pages=PAGES)
scan_intake_confirm_view = partial(views.confirm_view, pages=PAGES)
