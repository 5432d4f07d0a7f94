"""Reading generated PDFs back (pypdf), for content and page size checks."""

import io
from pathlib import Path

from pypdf import PdfReader

MM = 72 / 25.4
F4_POINTS = (215 * MM, 330 * MM)
A4_POINTS = (210 * MM, 297 * MM)


def read(source) -> PdfReader:
    if isinstance(source, (str, Path)):
        return PdfReader(str(source))
    return PdfReader(io.BytesIO(source))


def text(source) -> str:
    reader = read(source)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def flat(source) -> str:
    """Text with all whitespace folded, so wrapped lines still match."""
    return " ".join(text(source).split())


def page_sizes(source) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in read(source).pages]


def is_size(size, expected, tolerance=1.0) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(size, expected, strict=True))
