"""Signed Petikan receipts coming home (issue #16.6, "the same for signed Petikan receipts"): after the
handover the office uploads one scan of the receipts its members signed (each a printed Petikan, whose QR code
carries its check code); each page is matched to its Petikan, shown as a preview, and kept on "confirm" as
that Petikan's receipt (PetikanReceipt) with the handover date.

The same rules as the pacts' intake: the pages are cut, staged and read by pps_admin/scans (a worker reads
them); a page is kept only when it passes a single scan's checks and its one check code is an issued Petikan
of a decree in force, without a receipt yet and not on an earlier page of this upload. Every other page is
listed with the reason, never attached silently. The confirm step classifies again under lock, in one
transaction, and removes the files it stored when that transaction does not commit.
"""

import datetime as dt
import hashlib
import uuid
from collections.abc import MutableMapping
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from pps_admin.scans.checks import scan_checked
from pps_admin.scans.intake import StagedScan, scans_stage
from pps_admin.scans.pages import ScanPage
from pps_admin.scans.results import IntakeOutcome, IntakePreview, PageResult, scans_confirm, scans_preview

from ..check_code import grouped
from ..models import Document, DocumentKind, DocumentStatus, PetikanReceipt
from .decree_text import indonesian_date
from .scan_codes import PAGE_VERDICTS, documents_of, pages_codes
from .verification import KIND_LABELS

PURPOSE = "tanda_terima_petikan"
ATTACH = "simpan"
FUTURE_DATE = "Tanggal serah terima tidak boleh di masa depan."
BEFORE_DECREE = (
    "Tanggal serah terima tidak boleh sebelum tanggal Keputusan {number} ({date}); tidak ada yang disimpan."
)
VERDICTS = {
    **PAGE_VERDICTS,
    ATTACH: "Akan disimpan sebagai tanda terima Petikan ini.",
    "tanpa_kode": "Tidak ada kode QR yang terbaca. Periksa halaman ini; pindai ulang tanda terimanya.",
    "banyak_kode": "Halaman memuat lebih dari satu kode cek; pindai satu tanda terima per halaman.",
    "bukan_petikan": "Halaman ini bukan Petikan Keputusan, melainkan {kind}.",
    "dicabut": "Keputusan {number} sudah dicabut pada {date}; tanda terima Petikannya tidak disimpan.",
    "sudah_diterima": "Tanda terima Petikan ini sudah tersimpan (diterima {date}).",
    "ganda": "Petikan yang sama sudah ada di halaman {first} unggahan ini.",
}


class ReceiptPage(PageResult):
    @property
    def document(self) -> Document | None:
        return self.record


def _result(page: ScanPage, verdict: str, document=None, **details) -> ReceiptPage:
    message = VERDICTS[verdict].format(**details)
    return ReceiptPage(page.number, page.label, verdict, message, document, verdict == ATTACH)


def receipt_pages_classify(pages: list[ScanPage], *, user) -> list[ReceiptPage]:
    """Each page's verdict against the database as it is now, for `user`'s office (the caller locks if it
    writes)."""
    found = pages_codes(pages)
    documents = documents_of(
        (code for code, _ in found.values() if code), "decree", "appointment__person", "receipt", user=user
    )
    first_page_of: dict[int, int] = {}
    results = []
    for page in pages:
        code, problem = found[page.number]
        document = documents.get(code) if code else None
        if code is None:
            results.append(_result(page, problem.pop("verdict"), **problem))
        elif document is None:
            results.append(_result(page, "tidak_dikenal", code=grouped(code)))
        elif document.kind != DocumentKind.PETIKAN:
            results.append(_result(page, "bukan_petikan", kind=KIND_LABELS.get(document.kind, document.kind)))
        elif document.status != DocumentStatus.DONE:
            results.append(_result(page, "belum_terbit", code=grouped(code)))
        elif document.pk in first_page_of:
            results.append(_result(page, "ganda", document, first=first_page_of[document.pk]))
        else:
            first_page_of[document.pk] = page.number
            results.append(_document_result(page, document))
    return results


def _document_result(page: ScanPage, document: Document) -> ReceiptPage:
    decree = document.decree
    if decree.is_revoked:
        date = indonesian_date(decree.revoked_date)
        return _result(page, "dicabut", document, number=decree.number, date=date)
    receipt = getattr(document, "receipt", None)
    if receipt is not None:
        return _result(page, "sudah_diterima", document, date=indonesian_date(receipt.received_date))
    return _result(page, ATTACH, document)


# --- the steps -------------------------------------------------------------------------------------


def receipts_upload(*, uploads, session: MutableMapping) -> str:
    """Keep the pages of `uploads` for a worker to read; the token of the preview to come. Hostile or
    oversized input raises a ValidationError in Indonesian and keeps nothing."""
    return scans_stage(uploads=uploads, purpose=PURPOSE, session=session)


def receipts_preview(*, token: str, session: MutableMapping, user) -> IntakePreview:
    """The preview kept under `token`, once the worker has read every page (pps_admin/scans/results.py)."""
    classify = partial(receipt_pages_classify, user=user)
    return scans_preview(token=token, purpose=PURPOSE, session=session, classify=classify)


def receipts_confirm(*, token: str, session: MutableMapping, received_date: dt.date, user) -> IntakeOutcome:
    """Keep each page previewed under `token` that still matches a Petikan without a receipt as its receipt,
    received on `received_date`, all in one transaction; every other page is reported. The preview is used
    once: a second submit is refused."""
    if received_date > timezone.localdate():
        raise ValidationError(FUTURE_DATE)

    def write(staged: StagedScan, stored: list) -> list[ReceiptPage]:
        return _keep(staged, received_date=received_date, user=user, stored=stored)

    return scans_confirm(token=token, purpose=PURPOSE, session=session, write=write)


@transaction.atomic
def _keep(staged: StagedScan, *, received_date: dt.date, user, stored: list) -> list[ReceiptPage]:
    codes = {code for code, _ in pages_codes(staged.pages).values() if code}
    # Locked before classifying, so what is checked is what is written (a receipt is one per Petikan).
    list(Document.objects.select_for_update().filter(check_code__in=codes, kind=DocumentKind.PETIKAN))
    results = receipt_pages_classify(staged.pages, user=user)
    by_number = {page.number: page for page in staged.pages}
    decrees = [result.document.decree for result in results if result.attaches]
    early = [decree for decree in decrees if received_date < decree.decree_date]
    if early:
        raise ValidationError(
            BEFORE_DECREE.format(number=early[0].number, date=indonesian_date(early[0].decree_date))
        )
    for result in results:
        if result.attaches:
            page = by_number[result.number]
            data, extension = scan_checked(ContentFile(staged.data(page), name=f"pindaian.{page.extension}"))
            receipt = PetikanReceipt(
                document=result.document,
                scan_sha256=hashlib.sha256(data).hexdigest(),
                received_date=received_date,
                created_by=user,
            )
            receipt.scan.save(
                f"{result.document.pk}-{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False
            )
            stored.append(receipt.scan)
            receipt._change_reason = "tanda terima diunggah"
            if user is not None:
                receipt._history_user = user
            receipt.full_clean()
            receipt.save()
    return results


def receipt_counts(decree) -> tuple[int, int]:
    """(received, listed): the decree's Petikan with a receipt, and all its Petikan."""
    petikan = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN)
    return petikan.filter(receipt__isnull=False).count(), petikan.count()
