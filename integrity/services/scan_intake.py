"""Scans coming home by themselves (issue #16.6): one upload of the signed pacts after the ceremony, each
page matched to its pact by the QR code printed in its footer, shown as a preview, then stored on "confirm".

Nothing is attached silently: a page is attached only when it passes a single scan's checks and its one check
code is a pact of this office, issued, of a member still in office, not yet signed nor scanned, and not
already on an earlier page of the same upload. Every other page is listed with the reason. The pages wait
between the steps in pps_admin's scan staging (read there by a worker: pps_admin/scans/intake.py), under a
token only the uploader's session holds, used once; the confirm step classifies them again under lock, so a
pact signed by someone else meanwhile is reported, not overwritten, and removes the files it stored when its
transaction does not commit.
"""

from collections.abc import MutableMapping
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction

from pps_admin.scans.intake import EXPIRED as EXPIRED  # the preview's refusal, named here for callers
from pps_admin.scans.intake import StagedScan, scans_stage
from pps_admin.scans.pages import ScanPage
from pps_admin.scans.results import IntakeOutcome, IntakePreview, PageResult, scans_confirm, scans_preview
from pps_admin.staging import SCANS
from secretariat.check_code import grouped
from secretariat.models import DocumentKind, DocumentStatus
from secretariat.services.decree_text import indonesian_date
from secretariat.services.scan_codes import PAGE_VERDICTS, documents_of, pages_codes
from secretariat.services.verification import KIND_LABELS

from ..models import Ceremony, Pact
from .pacts import pact_signature_record, signing_defaults

PURPOSE = "pakta"
SESSION_KEY = SCANS.session_key

ATTACH = "lampirkan"
# The verdicts, each with the sentence the preview shows (formatted with the page's details).
VERDICTS = {
    **PAGE_VERDICTS,
    ATTACH: "Akan dilampirkan sebagai pindaian pakta ini dan pakta ditandai sudah ditandatangani.",
    "tanpa_kode": "Tidak ada kode QR yang terbaca. Periksa halaman ini; unggah pindaiannya di halaman pakta.",
    "banyak_kode": "Halaman memuat lebih dari satu kode cek; pindai satu pakta per halaman.",
    "bukan_pakta": "Halaman ini bukan pakta integritas, melainkan {kind}.",
    "berakhir": "Masa tugas anggota ini berakhir pada {date}; pakta tidak dilampirkan.",
    "sudah_ditandatangani": "Pakta ini sudah dicatat ditandatangani; pindaiannya diunggah di halaman pakta.",
    "sudah_dipindai": "Pakta ini sudah punya pindaian; pindaian lain diunggah di halaman pakta.",
    "ganda": "Pakta yang sama sudah ada di halaman {first} unggahan ini.",
}


class PactPage(PageResult):
    @property
    def pact(self) -> Pact | None:
        return self.record


# --- classifying ------------------------------------------------------------------------------------


def _result(page: ScanPage, verdict: str, pact: Pact | None = None, **details) -> PactPage:
    message = VERDICTS[verdict].format(**details)
    return PactPage(page.number, page.label, verdict, message, pact, verdict == ATTACH)


def pages_classify(pages: list[ScanPage], *, user) -> list[PactPage]:
    """Each page's verdict against the database as it is now, for `user`'s office (the caller locks the
    pacts if it writes)."""
    found = pages_codes(pages)
    documents = documents_of(
        (code for code, _ in found.values() if code),
        "pact__appointment__person",
        "pact__appointment__kelurahan__kecamatan",
        "pact__ceremony",
        user=user,
    )
    first_page_of: dict[int, int] = {}
    results = []
    for page in pages:
        code, problem = found[page.number]
        if code is None:
            results.append(_result(page, problem.pop("verdict"), **problem))
            continue
        document = documents.get(code)
        if document is None:
            results.append(_result(page, "tidak_dikenal", code=grouped(code)))
        elif document.kind != DocumentKind.PAKTA:
            results.append(_result(page, "bukan_pakta", kind=KIND_LABELS.get(document.kind, document.kind)))
        elif document.status != DocumentStatus.DONE or getattr(document, "pact", None) is None:
            results.append(_result(page, "belum_terbit", code=grouped(code)))
        else:
            results.append(_pact_result(page, document.pact, first_page_of))
    return results


def _pact_result(page: ScanPage, pact: Pact, first_page_of: dict[int, int]) -> PactPage:
    if pact.pk in first_page_of:
        return _result(page, "ganda", pact, first=first_page_of[pact.pk])
    first_page_of[pact.pk] = page.number
    end_date = pact.appointment.end_date
    if end_date is not None:
        return _result(page, "berakhir", pact, date=indonesian_date(end_date))
    if pact.is_signed:
        return _result(page, "sudah_ditandatangani", pact)
    if pact.scan:
        return _result(page, "sudah_dipindai", pact)
    return _result(page, ATTACH, pact)


# --- the steps -------------------------------------------------------------------------------------


def scan_intake_upload(*, uploads, session: MutableMapping) -> str:
    """Keep the pages of `uploads` for a worker to read (pps_admin/scans/intake.py); the token of the
    preview to come. Hostile or oversized input raises a ValidationError in Indonesian and keeps nothing."""
    return scans_stage(uploads=uploads, purpose=PURPOSE, session=session)


def scan_intake_preview(*, token: str, session: MutableMapping, user) -> IntakePreview:
    """The preview kept under `token`: every page classified when the worker has read them all (token None
    when no page would be attached), else no pages yet and `staged` telling how far the reading is."""
    classify = partial(pages_classify, user=user)
    return scans_preview(token=token, purpose=PURPOSE, session=session, classify=classify)


def intake_signing_defaults(preview: IntakePreview, *, user=None) -> dict:
    """The date and place offered on confirm: those of the ceremony the matched pacts were printed for,
    else of their office's latest ceremony."""
    ceremony = next((page.pact.ceremony for page in preview.matched if page.pact.ceremony_id), None)
    if ceremony is None and preview.matched:
        office_id = preview.matched[0].pact.appointment.office_id
        ceremony = Ceremony.objects.filter(office_id=office_id).order_by("-date").first()
    return signing_defaults(ceremony)


def scan_intake_confirm(
    *, token: str, session: MutableMapping, signed_date, signed_place: str, user
) -> IntakeOutcome:
    """Store each page previewed under `token` that still matches an unsigned pact as that pact's scan and
    mark the pact signed on `signed_date` at `signed_place`, all in one transaction (audited as a single
    signature is); every other page is reported. The preview is used once: a second submit is refused."""

    def write(staged: StagedScan, stored: list) -> list[PactPage]:
        return _attach(staged, signed_date=signed_date, signed_place=signed_place, user=user, stored=stored)

    return scans_confirm(token=token, purpose=PURPOSE, session=session, write=write)


@transaction.atomic
def _attach(staged: StagedScan, *, signed_date, signed_place: str, user, stored: list) -> list[PactPage]:
    codes = {code for code, _ in pages_codes(staged.pages).values() if code}
    # Locked before classifying, so what is checked is what is written.
    list(Pact.objects.select_for_update().filter(document__check_code__in=codes))
    results = pages_classify(staged.pages, user=user)
    by_number = {page.number: page for page in staged.pages}
    for result in results:
        if result.attaches:
            page = by_number[result.number]
            pact = pact_signature_record(
                pact=result.pact,
                signed_date=signed_date,
                signed_place=signed_place,
                scan=ContentFile(staged.data(page), name=f"pindaian.{page.extension}"),
                user=user,
            )
            stored.append(pact.scan)
    return results
