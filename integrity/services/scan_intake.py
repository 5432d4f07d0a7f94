"""Scans coming home by themselves (issue #16.6): one upload of the signed pacts after the ceremony, each
page matched to its pact by the QR code printed in its footer, shown as a preview, then stored on "confirm".

Nothing is attached silently: a page is attached only when its one check code is a pact of this office,
issued, of a member still in office, not yet signed nor scanned, and not already on an earlier page of the
same upload. Every other page is listed with the reason. The preview's pages wait between the two steps
under a random token only the uploader's session holds (they show names and signatures: kept privately,
used once, removed after STAGING_MAX_AGE_SECONDS), and the confirm step classifies them again under lock,
so a pact signed by someone else meanwhile is reported, not overwritten.
"""

import json
import re
import secrets
import shutil
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from secretariat.check_code import grouped, parse_check_code
from secretariat.models import Document, DocumentKind, DocumentStatus
from secretariat.services.decree_text import indonesian_date
from secretariat.services.verification import KIND_LABELS

from ..models import Ceremony, Pact
from .pacts import pact_signature_record, signing_defaults
from .scan_pages import ScanPage, upload_pages

STAGING_MAX_AGE_SECONDS = 2 * 60 * 60
SESSION_KEY = "pact_scan_intake_tokens"
SESSION_TOKENS_KEPT = 5
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
EXPIRED = "Pratinjau pindaian sudah kedaluwarsa atau sudah disimpan. Unggah ulang pindaiannya."

ATTACH = "lampirkan"
# The verdicts, each with the sentence the preview shows (formatted with the page's details).
VERDICTS = {
    ATTACH: "Akan dilampirkan sebagai pindaian pakta ini dan pakta ditandai sudah ditandatangani.",
    "tanpa_kode": "Tidak ada kode QR yang terbaca. Periksa halaman ini; unggah pindaiannya di halaman pakta.",
    "banyak_kode": "Halaman memuat lebih dari satu kode cek; pindai satu pakta per halaman.",
    "bukan_kode": "Kode QR pada halaman ini bukan kode cek dokumen.",
    "kantor_lain": "Kode QR menunjuk ke kantor lain ({host}), bukan kantor ini.",
    "tidak_dikenal": "Kode cek {code} tidak dikenal: tidak ada dokumen kantor ini dengan kode itu.",
    "belum_terbit": "Dokumen dengan kode cek {code} belum selesai dibuat.",
    "bukan_pakta": "Halaman ini bukan pakta integritas, melainkan {kind}.",
    "berakhir": "Masa tugas anggota ini berakhir pada {date}; pakta tidak dilampirkan.",
    "sudah_ditandatangani": "Pakta ini sudah dicatat ditandatangani; pindaiannya diunggah di halaman pakta.",
    "sudah_dipindai": "Pakta ini sudah punya pindaian; pindaian lain diunggah di halaman pakta.",
    "ganda": "Pakta yang sama sudah ada di halaman {first} unggahan ini.",
}


@dataclass
class PageResult:
    number: int
    label: str
    verdict: str
    message: str
    pact: Pact | None = None

    @property
    def attaches(self) -> bool:
        return self.verdict == ATTACH


@dataclass
class IntakePreview:
    pages: list[PageResult]
    token: str | None  # None: no page would be attached, nothing was kept

    @property
    def matched(self) -> list[PageResult]:
        return [page for page in self.pages if page.attaches]

    @property
    def problems(self) -> list[PageResult]:
        return [page for page in self.pages if not page.attaches]


@dataclass
class IntakeOutcome:
    attached: list[PageResult]
    problems: list[PageResult]


# --- reading a page's codes -------------------------------------------------------------------------


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


def _page_code(page: ScanPage) -> tuple[str | None, dict]:
    if not page.codes:
        return None, {"verdict": "tanpa_kode"}
    read = [_code_of(payload) for payload in page.codes]
    codes = {code for code, _ in read if code}
    if len(codes) > 1:
        return None, {"verdict": "banyak_kode"}
    if codes:
        return codes.pop(), {}
    return None, read[0][1]


# --- classifying ------------------------------------------------------------------------------------


def _result(page: ScanPage, verdict: str, pact: Pact | None = None, **details) -> PageResult:
    return PageResult(page.number, page.label, verdict, VERDICTS[verdict].format(**details), pact)


def _documents(user):
    """The documents whose codes `user` may match: their office's (all without a user). Another office's
    code is "tidak dikenal", as if it did not exist."""
    return Document.objects.all() if user is None else Document.objects.visible_to(user)


def pages_classify(pages: list[ScanPage], *, user=None) -> list[PageResult]:
    """Each page's verdict against the database as it is now (the caller locks the pacts if it writes)."""
    found = {page.number: _page_code(page) for page in pages}
    codes = {code for code, _ in found.values() if code}
    documents = {
        document.check_code: document
        for document in _documents(user)
        .filter(check_code__in=codes)
        .select_related(
            "pact__appointment__person", "pact__appointment__kelurahan__kecamatan", "pact__ceremony"
        )
    }
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


def _pact_result(page: ScanPage, pact: Pact, first_page_of: dict[int, int]) -> PageResult:
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


# --- staging between preview and confirm ------------------------------------------------------------


def _staging_root() -> Path:
    path = Path(settings.MEDIA_ROOT) / "private" / "scan_intake_staging"
    path.mkdir(parents=True, exist_ok=True)
    return path


def scan_intake_sweep() -> None:
    """Remove previews abandoned for longer than STAGING_MAX_AGE_SECONDS."""
    cutoff = time.time() - STAGING_MAX_AGE_SECONDS
    for staged in _staging_root().iterdir():
        try:
            if staged.stat().st_mtime < cutoff:
                shutil.rmtree(staged, ignore_errors=True)
        except FileNotFoundError:
            pass  # removed by a concurrent request


def _stage(pages: list[ScanPage], session: MutableMapping) -> str:
    token = secrets.token_hex(16)
    folder = _staging_root() / token
    folder.mkdir()
    manifest = []
    for page in pages:
        name = f"{page.number}.{page.extension}"
        (folder / name).write_bytes(page.data)
        manifest.append({"number": page.number, "label": page.label, "file": name, "codes": page.codes})
    (folder / "manifest.json").write_text(json.dumps(manifest))
    session[SESSION_KEY] = [*session.get(SESSION_KEY, []), token][-SESSION_TOKENS_KEPT:]
    return token


def _staged(token: str, session: MutableMapping) -> tuple[Path, list[ScanPage]]:
    if not TOKEN_RE.match(token or "") or token not in session.get(SESSION_KEY, []):
        raise ValidationError(EXPIRED, code="expired")
    folder = _staging_root() / token
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except FileNotFoundError:
        raise ValidationError(EXPIRED, code="missing") from None
    pages = [
        ScanPage(
            entry["number"],
            entry["label"],
            (folder / entry["file"]).read_bytes(),
            entry["file"].rsplit(".", 1)[1],
            entry["codes"],
        )
        for entry in manifest
    ]
    return folder, pages


def _forget(token: str, folder: Path, session: MutableMapping) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    session[SESSION_KEY] = [t for t in session.get(SESSION_KEY, []) if t != token]


# --- the two steps ----------------------------------------------------------------------------------


def scan_intake_preview(*, uploads, session: MutableMapping, user=None) -> IntakePreview:
    """Read and classify every page of `uploads` without storing anything on a pact; when some page would
    be attached, the pages are kept for `scan_intake_confirm` under a token recorded in `session`.
    Hostile or oversized input raises a ValidationError in Indonesian and keeps nothing."""
    scan_intake_sweep()
    pages = upload_pages(uploads)
    results = pages_classify(pages, user=user)
    token = _stage(pages, session) if any(result.attaches for result in results) else None
    return IntakePreview(results, token)


def scan_intake_staged(*, token: str, session: MutableMapping, user=None) -> IntakePreview:
    """The preview kept under `token`, classified again (shown again when the confirm form is refused)."""
    _, pages = _staged(token, session)
    return IntakePreview(pages_classify(pages, user=user), token)


def intake_signing_defaults(preview: IntakePreview, *, user=None) -> dict:
    """The date and place offered on confirm: those of the ceremony the matched pacts were printed for,
    else of the latest ceremony `user` may see."""
    ceremony = next((page.pact.ceremony for page in preview.matched if page.pact.ceremony_id), None)
    ceremonies = Ceremony.objects.all() if user is None else Ceremony.objects.visible_to(user)
    return signing_defaults(ceremony or ceremonies.order_by("-date").first())


def scan_intake_confirm(
    *, token: str, session: MutableMapping, signed_date, signed_place: str, user
) -> IntakeOutcome:
    """Store each page previewed under `token` that still matches an unsigned pact as that pact's scan and
    mark the pact signed on `signed_date` at `signed_place`, all in one transaction (audited as a single
    signature is); every other page is reported. The preview is used once."""
    scan_intake_sweep()
    folder, pages = _staged(token, session)
    with transaction.atomic():
        codes = {code for code in (_page_code(page)[0] for page in pages) if code}
        # Locked before classifying, so what is checked is what is written.
        list(Pact.objects.select_for_update().filter(document__check_code__in=codes))
        results = pages_classify(pages, user=user)
        by_number = {page.number: page for page in pages}
        for result in results:
            if result.attaches:
                page = by_number[result.number]
                pact_signature_record(
                    pact=result.pact,
                    signed_date=signed_date,
                    signed_place=signed_place,
                    scan=ContentFile(page.data, name=f"pindaian.{page.extension}"),
                    user=user,
                )
    _forget(token, folder, session)
    return IntakeOutcome(
        [result for result in results if result.attaches],
        [result for result in results if not result.attaches],
    )
