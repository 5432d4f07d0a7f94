"""What the QR code on a scanned page says (issue #16.6): the check code of one of this office's documents,
or why not. Shared by the two intakes of signed papers, the pacts (integrity/services/scan_intake.py) and the
Petikan receipts (petikan_receipts.py); the pages themselves are read by pps_admin/scans."""

import re
from urllib.parse import urlsplit

from django.conf import settings

from pps_admin.scans.pages import ScanPage

from ..check_code import parse_check_code
from ..models import Document

# The verdicts every intake gives before it looks at the document, each with the sentence the preview shows
# (formatted with the page's details).
PAGE_VERDICTS = {
    "tidak_sah": "Halaman ini tidak dapat disimpan sebagai pindaian: {problem}",
    "tanpa_kode": "Tidak ada kode QR yang terbaca. Periksa halaman ini; unggah pindaiannya satu per satu.",
    "banyak_kode": "Halaman memuat lebih dari satu kode cek; pindai satu dokumen per halaman.",
    "bukan_kode": "Kode QR pada halaman ini bukan kode cek dokumen.",
    "kantor_lain": "Kode QR menunjuk ke kantor lain ({host}), bukan kantor ini.",
    "tidak_dikenal": "Kode cek {code} tidak dikenal: tidak ada dokumen kantor ini dengan kode itu.",
    "belum_terbit": "Dokumen dengan kode cek {code} belum selesai dibuat.",
}


def _code_of(payload: str) -> tuple[str | None, dict]:
    """The check code a QR payload carries (this office's check address or the code alone), or None with
    the verdict's details when it carries none of this office's."""
    parts = urlsplit(payload.strip())
    if parts.scheme in ("http", "https"):
        ours = urlsplit(settings.SITE_URL) if settings.SITE_URL else None
        match = re.fullmatch(r"/cek/([^/]+)/?", parts.path)
        if ours is None or parts.netloc.lower() != ours.netloc.lower() or not match:
            return None, {"verdict": "kantor_lain", "host": parts.netloc or payload[:60]}
        payload = match.group(1)
    code = parse_check_code(payload)
    return code, ({} if code else {"verdict": "bukan_kode"})


def page_code(page: ScanPage) -> tuple[str | None, dict]:
    """The page's one check code, or None with the verdict (and its details) that lists the page."""
    if page.problem:
        return None, {"verdict": "tidak_sah", "problem": page.problem}
    if not page.codes:
        return None, {"verdict": "tanpa_kode"}
    read = [_code_of(payload) for payload in page.codes]
    codes = {code for code, _ in read if code}
    if len(codes) > 1:
        return None, {"verdict": "banyak_kode"}
    if codes:
        return codes.pop(), {}
    return None, read[0][1]


def pages_codes(pages: list[ScanPage]) -> dict[int, tuple[str | None, dict]]:
    return {page.number: page_code(page) for page in pages}


def documents_of(codes, *related, user) -> dict[str, Document]:
    """The documents with these check codes that `user` may see (their office's), by code: another
    office's code is as unknown as a code nobody issued."""
    found = Document.objects.visible_to(user).filter(check_code__in=set(codes)).select_related(*related)
    return {document.check_code: document for document in found}
