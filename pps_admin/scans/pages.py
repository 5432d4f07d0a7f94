"""An upload of many signed papers (one multi-page PDF, or photos/images) cut into pages, then each page
checked and its QR codes read.

Cutting (`upload_pages`) is quick and runs in the request, so a hostile or oversized upload is refused at
once; reading (`page_read`) costs seconds a page (bench/RESULTS.md), in a worker (intake.py). Each page
passes the checks of a single scan (checks.py: type from the content, 5 MB, pixel limit, no active PDF
content, no data after an image's end), so a page that storing it would refuse is listed in the preview as
a problem instead of failing the confirm step. A page is kept as the bytes later stored: a one-page PDF cut
out with pypdf, or the image as uploaded (re-encoded once when it is stored).

PDF pages are rasterised by poppler's `pdftoppm` and decoded by zbar's `zbarimg`, both as separate
processes with a time limit: a hostile file that makes a parser loop or crash takes the child with it, not
the web process, and no Python binding (pypdfium2, pyzbar) has to be added for what two installed Debian
tools already do. The page size is checked before rasterising, so a page cannot claim a size whose
raster would be a bomb.
"""

import io
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader, PdfWriter

from . import checks as scans

# A whole ceremony (34 kelurahan x 3 members = 102 pacts) with room for re-scans; nginx accepts 55 MiB.
MAX_INTAKE_BYTES = 50 * 1024 * 1024
MAX_INTAKE_PAGES = 150
# Each file a browser sends is one request part; Django refuses more than DATA_UPLOAD_MAX_NUMBER_FILES.
MAX_INTAKE_FILES = 100
# 200 dpi: the footer QR code of a scan made at 200 dpi, JPEG quality 60, is read (tests/test_scan_intake.py).
RASTER_DPI = 200
# A page takes seconds (bench/RESULTS.md); the limit only stops a file that makes a tool hang (and keeps the
# worker's task inside its time limit, pps_admin/tasks.py).
TOOL_TIMEOUT_SECONDS = 30

NO_FILES = "Pilih berkas pindaian: satu PDF berisi semua halaman, atau beberapa foto/gambar."
TOOLS_MISSING = (
    "Pembaca pindaian ({program}) tidak terpasang di server ini; hubungi pengelola aplikasi "
    "(paket poppler-utils dan zbar-tools)."
)
TOO_BIG = "Unggahan pindaian terlalu besar (maksimal 50 MB seluruhnya)."
TOO_MANY_FILES = f"Terlalu banyak berkas dalam satu unggahan (maksimal {MAX_INTAKE_FILES})."
TOO_MANY_PAGES = f"Unggahan berisi lebih dari {MAX_INTAKE_PAGES} halaman; bagi menjadi beberapa unggahan."
PAGE_TOO_LARGE = (
    "Halaman {page} pada berkas {name} terlalu besar ukurannya; pindai ulang dengan ukuran kertas F4 atau A4."
)
UNREADABLE_PDF = "PDF {name} tidak dapat dibaca halamannya; pindai ulang atau unggah foto JPEG/PNG."
IN_FILE = "Berkas {name}: {message}"


@dataclass
class ScanPage:
    """One page of the upload: where it came from, the bytes to store, and the QR codes found on it."""

    number: int  # 1-based, in upload order across all files
    label: str  # "pindaian.pdf hlm. 3" or "foto-12.jpg"
    data: bytes
    extension: str  # "pdf" or "jpg"/"png", as checks.scan_checked names it
    codes: list[str] = field(default_factory=list)
    problem: str = ""  # why storing the page would be refused (checks.scan_checked), "" when it would not


def upload_pages(uploads) -> list[ScanPage]:
    """Every page of `uploads` (Django uploaded files), not yet read, or a ValidationError in Indonesian
    naming the file at fault; nothing is stored here."""
    uploads = list(uploads)
    if not uploads:
        raise ValidationError(NO_FILES)
    if len(uploads) > MAX_INTAKE_FILES:
        raise ValidationError(TOO_MANY_FILES)
    if sum(upload.size for upload in uploads) > MAX_INTAKE_BYTES:
        raise ValidationError(TOO_BIG)
    pages: list[ScanPage] = []
    for upload in uploads:
        name = Path(upload.name or "berkas").name
        data = upload.read(MAX_INTAKE_BYTES + 1)
        if len(data) > MAX_INTAKE_BYTES:
            raise ValidationError(TOO_BIG)
        kind = scans.scan_kind(data)
        if kind == "pdf":
            pages += _pdf_pages(data, name, first=len(pages) + 1)
        else:
            pages.append(_image_page(data, name, number=len(pages) + 1))
        if len(pages) > MAX_INTAKE_PAGES:
            raise ValidationError(TOO_MANY_PAGES)
    return pages


def pages_read(pages: list[ScanPage]) -> None:
    """Check and read every page of `pages` in place (the test suite's and benchmark's shortcut; the staff
    pages read in a worker, page by page, intake.py)."""
    with tempfile.TemporaryDirectory(prefix="scan-intake-") as folder:
        for page in pages:
            page_read(page, Path(folder))


def page_read(page: ScanPage, folder: Path) -> None:
    """Set the page's problem (the single scan's checks) and its QR codes, using `folder` for the raster.
    Raises a ValidationError (code "tools") only when the readers are not installed."""
    try:
        scans.scan_checked(ContentFile(page.data))
    except ValidationError as exc:
        page.problem = " ".join(exc.messages)
        if page.extension != "pdf":
            return  # an image its checks refuse may be a bomb: not handed to zbar (a PDF page's size was)
    page.codes = _page_codes(page, folder)


def _image_page(data: bytes, name: str, *, number: int) -> ScanPage:
    # Only the type here; the image's own checks (5 MB, 50 million pixels, nothing trailing) are the
    # page's, in page_read.
    extension = scans.scan_kind(data)
    if extension is None:
        raise ValidationError(IN_FILE.format(name=name, message=scans.WRONG_TYPE))
    return ScanPage(number, name, data, extension)


def _pdf_pages(data: bytes, name: str, *, first: int) -> list[ScanPage]:
    try:
        scans.check_pdf(data)  # the single scan's rules: no JavaScript, actions or embedded files
    except ValidationError as exc:
        raise ValidationError(IN_FILE.format(name=name, message=" ".join(exc.messages))) from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_INTAKE_PAGES:
            raise ValidationError(TOO_MANY_PAGES)
        pages = []
        for index, page in enumerate(reader.pages):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            if (width / 72 * RASTER_DPI) * (height / 72 * RASTER_DPI) > scans.MAX_SCAN_PIXELS:
                raise ValidationError(PAGE_TOO_LARGE.format(page=index + 1, name=name))
            writer = PdfWriter()
            writer.add_page(page)
            out = io.BytesIO()
            writer.write(out)
            label = f"{name} hlm. {index + 1}"
            pages.append(ScanPage(first + index, label, out.getvalue(), "pdf"))
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds on a malformed file; each means the same to staff
        raise ValidationError(UNREADABLE_PDF.format(name=name)) from None
    return pages


def _run(command: list) -> subprocess.CompletedProcess:
    # A fixed program and our own temporary paths: nothing of the upload reaches the command line.
    try:
        return subprocess.run(  # noqa: S603
            command, capture_output=True, timeout=TOOL_TIMEOUT_SECONDS, check=False
        )
    except FileNotFoundError:  # poppler-utils or zbar-tools not installed on this server
        raise ValidationError(TOOLS_MISSING.format(program=command[0]), code="tools") from None


def _page_codes(page: ScanPage, folder: Path) -> list[str]:
    """The QR codes zbar reads on the page; [] when there is none or the page cannot be rasterised (the
    page is then listed as without a readable code, never attached)."""
    source = folder / f"page-{page.number}.{page.extension}"
    source.write_bytes(page.data)
    image = source
    if page.extension == "pdf":
        stem = folder / f"raster-{page.number}"
        try:
            done = _run(["pdftoppm", "-gray", "-r", str(RASTER_DPI), "-singlefile", "-png", source, stem])
        except subprocess.TimeoutExpired:
            return []
        image = stem.with_suffix(".png")
        if done.returncode != 0 or not image.exists():
            return []
    for attempt in (_as_is, _binarised, _enlarged_binarised):
        candidate = attempt(image, folder)
        if candidate is None:
            continue
        codes = _zbar(candidate)
        if codes:
            return codes
    return []


def _zbar(image: Path) -> list[str]:
    try:
        # zbarimg exits 4 when it finds no code; only QR codes are looked for (no false EAN reads on text).
        found = _run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", image])
    except subprocess.TimeoutExpired:
        return []
    return [line for line in found.stdout.decode("utf-8", "replace").splitlines() if line.strip()]


# The footer's QR code is small (its modules about 3 pixels wide at 150 dpi): JPEG noise around its edges
# defeats zbar's own thresholding, a plain black-and-white copy does not. Tried only when the page as it is
# gives nothing, so a clean page costs one pass.
THRESHOLD = 160
ENLARGE_MAX_PIXELS = 12_000_000


def _as_is(image: Path, folder: Path) -> Path:
    return image


def _binarised(image: Path, folder: Path, *, scale: int = 1) -> Path | None:
    try:
        with Image.open(image) as source:
            gray = source.convert("L")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    if scale > 1:
        if gray.width * gray.height * scale * scale > ENLARGE_MAX_PIXELS:
            return None
        gray = gray.resize((gray.width * scale, gray.height * scale), Image.Resampling.BICUBIC)
    target = folder / f"{image.stem}-bw{scale}.png"
    gray.point(lambda value: 255 if value > THRESHOLD else 0).convert("1").save(target)
    return target


def _enlarged_binarised(image: Path, folder: Path) -> Path | None:
    return _binarised(image, folder, scale=2)
