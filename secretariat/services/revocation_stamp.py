"""A revoked decree's documents are served marked DICABUT; the stored files stay byte for byte as issued.

The mark is laid over the served copy at download time: one overlay page (rendered once per page size and
revocation) is merged onto every page with pypdf. The stored file and its SHA-256 are never touched, so a
document keeps proving what was issued, and a copy downloaded after the revocation cannot be mistaken
for one in force.
"""

import io
from functools import lru_cache
from pathlib import Path

from pps_admin.rendering import render_pdf

from ..models import Decree, Document
from .decree_text import indonesian_date
from .title_case import number_in_sentence


@lru_cache(maxsize=32)
def _overlay_pdf(width_pt: float, height_pt: float, notice: str) -> bytes:
    context = {"page_css": f"size: {width_pt}pt {height_pt}pt; margin: 0;", "notice": notice}
    return render_pdf("documents/dicabut_overlay.html", context)


def revocation_notice(decree: Decree) -> str:
    """The stamp's sentence. A decree is revoked by another: once the corrected decree that revokes it is
    issued, the stamp names that decree and its date ("DICABUT dengan Keputusan Nomor 3 Tahun 2024 tanggal
    16 Juli 2024"); until then, the date the revocation was recorded. The page under it names its own
    decree, so the stamp does not repeat it (with both numbers it ran past the edge of an A4 page)."""
    revoking = decree.corrected_by.order_by("decree_date", "pk").first()
    if revoking is not None:
        return (
            f"DICABUT dengan Keputusan {number_in_sentence(revoking.number)} tanggal "
            f"{indonesian_date(revoking.decree_date)}"
        )
    return f"DICABUT pada tanggal {indonesian_date(decree.revoked_date)}"


def stamp_revoked(data: bytes, *, decree: Decree) -> bytes:
    """`data` (a PDF of `decree`) with DICABUT and the revocation date on every page."""
    from pypdf import PdfReader, PdfWriter  # loaded on first use, on purpose: only downloads need it

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    notice = revocation_notice(decree)
    overlays = {}
    for page in writer.pages:
        size = (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2))
        if size not in overlays:
            overlays[size] = PdfReader(io.BytesIO(_overlay_pdf(*size, notice))).pages[0]
        page.merge_page(overlays[size])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def revoked_copy(document: Document) -> bytes | None:
    """The copy a download of `document` serves when its decree is revoked (stamped); None when the stored
    file is served as it is."""
    decree = document.decree
    if decree is None or not decree.is_revoked:
        return None
    return stamp_revoked(Path(document.file.path).read_bytes(), decree=decree)


def dicabut_filename(filename: str) -> str:
    path = Path(filename)
    return f"{path.stem}-DICABUT{path.suffix}"
