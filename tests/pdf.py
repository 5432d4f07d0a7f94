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


def poppler_text(source, *, page: int | None = None, layout: bool = True) -> str:
    """Text as poppler's pdftotext extracts it (what a viewer's copy and search see), per page if asked."""
    import subprocess
    import tempfile

    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        args = ["pdftotext", *(["-layout"] if layout else [])]
        if page is not None:
            args += ["-f", str(page), "-l", str(page)]
        return subprocess.run([*args, handle.name, "-"], check=True, capture_output=True, text=True).stdout


def font_sizes(source, page: int = 0) -> dict[float, list[str]]:
    """Effective font size (pt) -> the text runs set in it, on one page (pypdf's text visitor)."""
    sizes: dict[float, list[str]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.setdefault(round(size * tm[0] * cm[0], 1), []).append(text.strip())

    read(source).pages[page].extract_text(visitor_text=visit)
    return sizes


def pdfa_identification(source) -> tuple[str, str]:
    """(part, conformance) from the XMP metadata's pdfaid schema, e.g. ("3", "A")."""
    import re

    reader = read(source)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    part = re.search(r'pdfaid:part(?:="|>)(\d)', xmp)
    conformance = re.search(r'pdfaid:conformance(?:="|>)([ABU])', xmp)
    return (part.group(1) if part else "", conformance.group(1) if conformance else "")


def page_images(page) -> list:
    """The image XObjects a page's resources name (pypdf objects, resolved)."""
    xobjects = page["/Resources"].get_object().get("/XObject", {})
    images = [ref.get_object() for ref in xobjects.get_object().values()]
    return [image for image in images if image.get("/Subtype") == "/Image"]


def is_check_qr(image) -> bool:
    """Whether an image XObject is the check block's QR code (verification.qr_data_uri): square, grey, a
    whole number of QR_MODULE_PX-pixel modules. The tests' logos are RGB."""
    from secretariat.services.verification import QR_MODULE_PX

    width = int(image["/Width"])
    return (
        image.get("/ColorSpace") == "/DeviceGray"
        and width == int(image["/Height"])
        and width % QR_MODULE_PX == 0
    )


def interpolated(image) -> bool:
    """Whether an image XObject asks viewers to smooth it (/Interpolate true: not allowed in PDF/A)."""
    value = image.get("/Interpolate", False)
    return bool(getattr(value, "value", value))  # pypdf's BooleanObject keeps its value in .value
