"""Checking an uploaded scan of a signed pact by decoding it, never by its name or its first bytes.

A scan is later downloaded and opened by staff, so it must not be able to act when opened: an image is
decoded in full by Pillow (with a pixel limit against decompression bombs), refused when bytes follow its
end, and stored as Pillow's re-encoded copy (which drops anything hidden in metadata); a PDF is parsed by
pypdf and refused when any object reachable from its trailer carries JavaScript, an automatic or external
action, or an embedded file, and is stored as the checked original.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MAX_SCAN_BYTES = 5 * 1024 * 1024
# A page scanned at 600 dpi is about 35 million pixels (A4) to 40 million (F4); more is a bomb, not a scan.
MAX_SCAN_PIXELS = 50_000_000
# Objects a 5 MB PDF may hold before walking them is refused (a walk costs time, not memory).
MAX_PDF_OBJECTS = 200_000

SIGNATURES = {
    b"%PDF-": "pdf",
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
}
PILLOW_FORMATS = {"jpg": "JPEG", "png": "PNG"}

WRONG_TYPE = "Pindaian harus berupa PDF, JPEG atau PNG (diperiksa dari isi berkas)."
TOO_BIG = "Berkas pindaian terlalu besar (maksimal 5 MB)."
BROKEN_IMAGE = "Gambar pindaian rusak atau tidak utuh; pindai atau foto ulang, lalu unggah lagi."
TOO_MANY_PIXELS = (
    "Gambar pindaian terlalu besar ukurannya (lebih dari 50 juta piksel); "
    "pindai ulang dengan resolusi 300 dpi, lalu unggah lagi."
)
TRAILING_DATA = (
    "Berkas gambar berisi data tambahan sesudah akhir gambar; simpan ulang sebagai JPEG atau PNG biasa, "
    "lalu unggah lagi."
)
ENCRYPTED_PDF = "PDF pindaian terkunci dengan sandi; unggah PDF tanpa sandi."
ACTIVE_PDF = (
    "PDF pindaian ditolak karena berisi {what}. Pindaian cukup berupa gambar halaman: "
    "pindai ulang, atau unggah foto JPEG/PNG."
)

# What a PDF may not carry, with the words the refusal uses. Keys are PDF dictionary keys; actions are the
# /S (action type) values that open, run or send something.
FORBIDDEN_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/AA": "tindakan otomatis (AA)",
    "/EmbeddedFiles": "berkas sisipan",
    "/EmbeddedFile": "berkas sisipan",
    "/RichMedia": "media sisipan",
    "/XFA": "formulir XFA",
}
OPEN_ACTION = "tindakan otomatis saat dibuka (OpenAction)"
FORBIDDEN_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "perintah menjalankan program (Launch)",
    "/URI": "tautan ke alamat luar (URI)",
    "/SubmitForm": "pengiriman formulir ke luar",
    "/ImportData": "pengambilan data dari luar",
    "/GoToR": "tautan ke berkas lain",
    "/GoToE": "tautan ke berkas sisipan",
    "/Rendition": "pemutaran media",
}


def scan_kind(data: bytes) -> str | None:
    for signature, extension in SIGNATURES.items():
        if data.startswith(signature):
            return extension
    return None


def scan_checked(upload) -> tuple[bytes, str]:
    """The bytes to store for an uploaded scan and their extension, or a ValidationError saying why not."""
    if upload.size > MAX_SCAN_BYTES:
        raise ValidationError(TOO_BIG)
    data = upload.read(MAX_SCAN_BYTES + 1)
    if len(data) > MAX_SCAN_BYTES:
        raise ValidationError(TOO_BIG)
    extension = scan_kind(data)
    if extension is None:
        raise ValidationError(WRONG_TYPE)
    if extension == "pdf":
        check_pdf(data)
        return data, extension
    return _reencoded_image(data, extension), extension


# --- images -----------------------------------------------------------------------------------------


def _reencoded_image(data: bytes, extension: str) -> bytes:
    end = _png_end(data) if extension == "png" else _jpeg_end(data)
    try:
        with warnings.catch_warnings():
            # Pillow warns (and only past twice its own limit raises) on very large images; ours is lower.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[extension]]) as probe:
                width, height = probe.size
                if width * height > MAX_SCAN_PIXELS:
                    raise ValidationError(TOO_MANY_PIXELS)
                probe.verify()  # checksums and structure; the image must be opened again after it
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[extension]]) as image:
                image.load()  # decodes every pixel: a truncated or corrupt image fails here
                upright = ImageOps.exif_transpose(image)
                out = io.BytesIO()
                if extension == "jpg":
                    upright.save(out, format="JPEG", quality=92)
                else:
                    upright.save(out, format="PNG", optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(TOO_MANY_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(BROKEN_IMAGE) from None
    # Checked after decoding, so a broken image is called broken rather than "has trailing data".
    if end is None:
        raise ValidationError(BROKEN_IMAGE)
    if end != len(data):
        raise ValidationError(TRAILING_DATA)
    return out.getvalue()


def _png_end(data: bytes) -> int | None:
    """Offset just after the IEND chunk, walking the chunks by their lengths; None if there is none."""
    offset = 8
    while offset + 12 <= len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        kind = data[offset + 4 : offset + 8]
        offset += 12 + length
        if kind == b"IEND":
            return offset if offset <= len(data) else None
    return None


def _jpeg_end(data: bytes) -> int | None:
    """Offset just after the end-of-image marker, walking segments by their lengths (so a thumbnail's own
    end marker inside EXIF is skipped) and entropy-coded data to its next marker; None if malformed."""
    size, offset = len(data), 2
    while offset < size:
        if data[offset] != 0xFF:
            return None
        while offset < size and data[offset] == 0xFF:  # fill bytes before a marker
            offset += 1
        if offset >= size:
            return None
        marker = data[offset]
        offset += 1
        if marker == 0xD9:  # end of image
            return offset
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            continue
        if offset + 2 > size:
            return None
        length = int.from_bytes(data[offset : offset + 2], "big")
        if length < 2:
            return None
        offset += length
        if marker == 0xDA:  # start of scan: coded data runs to the next marker other than RST or FF00
            while True:
                found = data.find(b"\xff", offset)
                if found < 0 or found + 1 >= size:
                    return None
                following = data[found + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    offset = found + 2
                elif following == 0xFF:
                    offset = found + 1
                else:
                    offset = found
                    break
    return None


# --- PDF --------------------------------------------------------------------------------------------


def check_pdf(data: bytes) -> None:
    """Refuse (ValidationError) a PDF that is encrypted, has no page, or carries active content."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(ENCRYPTED_PDF)
        if len(reader.pages) == 0:
            raise ValidationError(WRONG_TYPE)
        found = _forbidden_content(reader.trailer)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        raise ValidationError(WRONG_TYPE) from None
    if found:
        raise ValidationError(ACTIVE_PDF.format(what=found))


def _is_plain_destination(value) -> bool:
    """An OpenAction that only shows a page (a destination array, or a GoTo action), as scanners and
    office programs write; anything else runs, opens or sends something when the file is opened."""
    if isinstance(value, ArrayObject):
        return True
    return isinstance(value, DictionaryObject) and value.get("/S") == "/GoTo"


def _forbidden_content(trailer) -> str | None:
    """What the first object reachable from the trailer carries that a scan may not, or None.

    Walks every dictionary and array reachable from the trailer (catalog, pages, annotations, name trees,
    outlines, forms), each indirect object once. Names are compared after pypdf decodes them, so an escaped
    spelling such as /J#61vaScript is caught as /JavaScript."""
    seen: set[tuple[int, int]] = set()
    stack = [trailer]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                raise ValueError("too many objects")
            node = node.get_object()
        if isinstance(node, DictionaryObject):  # streams are dictionaries too; their data is not read
            for name in node:
                if name in FORBIDDEN_KEYS:
                    return FORBIDDEN_KEYS[name]
            if "/OpenAction" in node and not _is_plain_destination(node["/OpenAction"]):
                return OPEN_ACTION
            action = node.get("/S")
            if isinstance(action, IndirectObject):
                action = action.get_object()
            if isinstance(action, NameObject) and action in FORBIDDEN_ACTIONS:
                return FORBIDDEN_ACTIONS[action]
            stack.extend(value for name, value in node.items() if name not in ("/Parent", "/P"))
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None
