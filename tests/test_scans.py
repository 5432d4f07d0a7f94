"""Hostile scans of a signed pact (issue #14.2): each file is uploaded through the pact's staff page with a
signature date and place, as staff would, and must be refused with an Indonesian message, the pact left
unsigned and nothing stored. Real files, built with Pillow and pypdf; the checks decode them for real."""

import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from integrity.models import PactStatus
from integrity.services.pacts import pact_attach_scan, pacts_generate
from pps_admin.scans import checks as scans

from .factories import make_appointment, make_person
from .test_pacts import minimal_pdf, private_files, upload

pytestmark = pytest.mark.django_db

NOVOTEL = "Hotel Novotel Balikpapan"
HTML = b"<html><script>alert(document.cookie)</script></html>"


# --- files ------------------------------------------------------------------------------------------


def jpeg(size=(120, 80), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (180, 30, 30)).save(out, "JPEG", **save)
    return out.getvalue()


def png(size=(120, 80), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (30, 30, 180) if mode == "RGB" else (30, 30, 180, 128)).save(out, "PNG")
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side=30_000) -> bytes:
    """A 30000x30000 one-bit PNG: about 110 KB on disk, 900 million pixels once decoded."""
    packer = zlib.compressobj(9)
    row = b"\x00" + bytes(side // 8)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real JPEG whose frame header is rewritten to claim another size (what a bomb looks like)."""
    data = bytearray(jpeg())
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def pdf_with(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def name(value: str) -> NameObject:
    return NameObject(value)


def action(kind: str, **entries) -> DictionaryObject:
    result = DictionaryObject({name("/S"): name(kind)})
    result.update({name(f"/{key}"): TextStringObject(value) for key, value in entries.items()})
    return result


def with_open_action(value):
    return lambda writer: writer._root_object.__setitem__(name("/OpenAction"), value)


def with_javascript_name_tree(writer):
    tree = DictionaryObject(
        {name("/Names"): ArrayObject([TextStringObject("x"), action("/JavaScript", JS="app.alert(1)")])}
    )
    writer._root_object[name("/Names")] = DictionaryObject({name("/JavaScript"): tree})


def with_page_open_action(writer):
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): action("/JavaScript", JS="app.alert(1)")})


def with_link(writer):
    link = DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name("/Link"),
            name("/Rect"): ArrayObject(
                [NumberObject(0), NumberObject(0), NumberObject(200), NumberObject(50)]
            ),
            name("/A"): action("/URI", URI="https://contoh.invalid/pindaian"),
        }
    )
    writer.pages[0][name("/Annots")] = ArrayObject([writer._add_object(link)])


def with_attachment(writer):
    writer.add_attachment("pakta.html", HTML)


def encrypted(writer):
    writer.encrypt(user_password="", owner_password="rahasia", algorithm="RC4-128")


def escaped_javascript_pdf() -> bytes:
    """A hand-written PDF whose JavaScript name tree spells every name with a #-escape (/J#61vaScript is
    /JavaScript, /J#53 is /JS), which a check matching raw bytes would miss."""
    data = minimal_pdf(
        catalog_extra=b"/Names << /J#61vaScript << /Names [(x) "
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>] >> >> "
    )
    assert b"/JavaScript" not in data and b"/JS" not in data
    return data


HOSTILE = {
    # name: (file name, bytes, message)
    "fake-jpeg-43-bytes-of-html": (
        "pakta.jpg",
        b"\xff\xd8\xff<html><script>alert(1)</script></html>\xff\xd9",  # 43 bytes, as the probe sent
        scans.BROKEN_IMAGE,
    ),
    "real-jpeg-with-html-appended": ("pakta.jpg", jpeg() + HTML, scans.TRAILING_DATA),
    "real-png-with-html-appended": ("pakta.png", png() + HTML, scans.TRAILING_DATA),
    "png-30000x30000-bomb": ("pakta.png", png_bomb(), scans.TOO_MANY_PIXELS),
    "jpeg-claiming-60000x60000": ("pakta.jpg", jpeg_claiming(60_000, 60_000), scans.TOO_MANY_PIXELS),
    "jpeg-cut-in-half": ("pakta.jpg", jpeg()[: len(jpeg()) // 2], scans.BROKEN_IMAGE),
    "png-with-bad-checksum": ("pakta.png", png()[:-5] + b"\x00" + png()[-4:], scans.BROKEN_IMAGE),
    "svg-with-script-renamed-png": ("pakta.png", b"<svg onload='alert(1)'/>", scans.WRONG_TYPE),
    "pdf-javascript-name-tree": (
        "pakta.pdf",
        pdf_with(with_javascript_name_tree),
        scans.ACTIVE_PDF.format(what="JavaScript"),
    ),
    "pdf-javascript-on-open": (
        "pakta.pdf",
        pdf_with(with_open_action(action("/JavaScript", JS="app.alert(1)"))),
        scans.ACTIVE_PDF.format(what=scans.OPEN_ACTION),
    ),
    "pdf-javascript-escaped-name": (
        "pakta.pdf",
        escaped_javascript_pdf(),
        scans.ACTIVE_PDF.format(what="JavaScript"),
    ),
    "pdf-opens-url-on-open": (
        "pakta.pdf",
        pdf_with(with_open_action(action("/URI", URI="https://contoh.invalid/"))),
        scans.ACTIVE_PDF.format(what=scans.OPEN_ACTION),
    ),
    "pdf-launches-program-on-open": (
        "pakta.pdf",
        pdf_with(with_open_action(action("/Launch", F="cmd.exe"))),
        scans.ACTIVE_PDF.format(what=scans.OPEN_ACTION),
    ),
    "pdf-page-additional-action": (
        "pakta.pdf",
        pdf_with(with_page_open_action),
        scans.ACTIVE_PDF.format(what="tindakan otomatis (AA)"),
    ),
    "pdf-link-to-url": (
        "pakta.pdf",
        pdf_with(with_link),
        scans.ACTIVE_PDF.format(what="tautan ke alamat luar (URI)"),
    ),
    "pdf-embedded-html-file": (
        "pakta.pdf",
        pdf_with(with_attachment),
        scans.ACTIVE_PDF.format(what="berkas sisipan"),
    ),
    "pdf-encrypted": ("pakta.pdf", pdf_with(encrypted), scans.ENCRYPTED_PDF),
}


# --- the pact's page refuses each of them -----------------------------------------------------------


@pytest.fixture
def pact(db):
    make_appointment(person=make_person(name="Agus Pengunggah Pindaian"), kelurahan="64.71.01.1001")
    pacts_generate()
    from integrity.models import Pact

    return Pact.objects.get()


def detail_url(pact) -> str:
    return reverse("admin:integrity_pact_change", args=[pact.pk])


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_scan_is_refused_the_pact_stays_unsigned_and_nothing_is_stored(staff_client, pact, case):
    filename, data, message = HOSTILE[case]
    files, recorded = private_files(), pact.history.count()

    response = staff_client.post(
        detail_url(pact),
        {"signed_date": "2024-06-01", "signed_place": NOVOTEL, "scan": upload(filename, data)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"scan": [message]}
    pact.refresh_from_db()
    assert (pact.status, pact.signed_date, pact.signed_place) == (PactStatus.NOT_PRINTED, None, "")
    assert (pact.scan.name, pact.scan_sha256) == ("", "")
    assert pact.history.count() == recorded
    assert private_files() == files


def test_the_bomb_is_refused_before_its_pixels_are_decoded(pact):
    # 900 million one-bit pixels would take minutes and gigabytes; the size in the header is enough.
    import time

    started = time.monotonic()
    with pytest.raises(Exception) as raised:
        pact_attach_scan(pact=pact, upload=upload("bom.png", png_bomb()))
    assert raised.value.messages == [scans.TOO_MANY_PIXELS]
    assert time.monotonic() - started < 2


# --- what real scans look like is still accepted ----------------------------------------------------


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("filename", "data", "extension"),
    [
        ("foto.jpg", jpeg((1240, 1754), quality=85), "jpg"),  # A4 at 150 dpi
        ("pindaian.png", png((850, 1100)), "png"),
        ("transparan.png", png((200, 300), mode="RGBA"), "png"),
        ("progresif.jpg", jpeg((400, 600), progressive=True), "jpg"),
    ],
    ids=["jpeg-a4-150dpi", "png", "png-with-alpha", "progressive-jpeg"],
)
def test_a_real_image_is_stored_as_a_reencoded_copy_with_the_same_pixels(pact, filename, data, extension):
    stored = pact_attach_scan(pact=pact, upload=upload(filename, data))

    path = Path(stored.scan.path)
    kept = path.read_bytes()
    assert path.suffix == f".{extension}"
    assert stored.scan_sha256 == hashlib.sha256(kept).hexdigest()
    original, copy = decoded(data), decoded(kept)
    assert (copy.format, copy.size, copy.mode) == (original.format, original.size, original.mode)


def test_a_phone_photo_is_stored_upright_without_its_location(pact):
    """EXIF says "rotate 90°" and carries a GPS position: the stored copy is turned and has no EXIF."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "S", 2: (1.0, 16.0, 0.0)}  # GPS: 1°16' S, Balikpapan's latitude
    data = jpeg((300, 200), exif=exif.tobytes())
    assert decoded(data).getexif()[0x0112] == 6

    stored = pact_attach_scan(pact=pact, upload=upload("foto-hp.jpg", data))

    copy = decoded(Path(stored.scan.path).read_bytes())
    assert copy.size == (200, 300)
    assert dict(copy.getexif()) == {}


def test_a_pdf_that_only_opens_at_its_first_page_is_accepted_as_it_is(pact):
    """Scanners and office programs write an OpenAction that shows page 1; that is not an action."""
    data = pdf_with(
        lambda writer: writer._root_object.__setitem__(
            name("/OpenAction"), ArrayObject([writer.pages[0].indirect_reference, name("/Fit")])
        )
    )
    stored = pact_attach_scan(pact=pact, upload=upload("pindaian.pdf", data))
    assert Path(stored.scan.path).read_bytes() == data


def test_scans_are_served_as_attachments_that_browsers_may_not_sniff(staff_client, pact):
    stored = pact_attach_scan(pact=pact, upload=upload("foto.png", png()))

    response = staff_client.get(reverse("admin:integrity_scan", args=[stored.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == stored.scan_sha256
