"""Verifying documents (issue #16): the check block printed on every document, and what the public check
page (/cek/<code>/, secretariat/check/) says about a document and about an uploaded file.

The QR code holds the check page's address and nothing else: no name, no number, no NIK. The page shows
what a reader of the paper already sees (kind, number, date, and once the document is issued the member's
name and role), the status the office knows today (in force, revoked, replaced) and the SHA-256 of the
file as issued. A decree's number is printed as issued (`Decree.number`, e.g. "NOMOR 2 TAHUN 2024"), as the
documents' own titles print it ("Petikan Keputusan NOMOR 2 TAHUN 2024").
"""

import base64
import datetime as dt
import io
from dataclasses import dataclass, field

import zxingcpp
from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageOps

from pps_admin.signing import seal_note

from ..check_code import grouped, parse_check_code
from ..models import Document, DocumentKind, DocumentStatus
from ..models.appointment import post_title
from .signing import document_signature

CHECK_PATH = "/cek/{code}/"
# The document kinds as the check page names them (a pact is a registered kind of the integrity app).
KIND_LABELS = {
    DocumentKind.KEPUTUSAN: "Keputusan (dengan lampiran)",
    DocumentKind.SALINAN: "Salinan Keputusan",
    DocumentKind.PETIKAN: "Petikan Keputusan",
    DocumentKind.PAKTA: "Pakta Integritas",
    DocumentKind.DAFTAR_HADIR: "Daftar Hadir",
}


def check_path(document: Document) -> str:
    return CHECK_PATH.format(code=grouped(document.check_code))


def check_url(document: Document) -> str:
    """The address printed under the QR code; '' without SITE_URL (the warning pps_admin.W004)."""
    return f"{settings.SITE_URL}{check_path(document)}" if settings.SITE_URL else ""


# The QR code's image: QR_MODULE_PX pixels a module, QR_BORDER modules of quiet zone around it.
QR_MODULE_PX = 8
QR_BORDER = 2


def qr_data_uri(payload: str) -> str:
    """A QR code as a PNG data: URI (the only kind of URL the PDF renderer fetches besides our static
    files). Level M survives a stain or a fold; the border is the quiet zone scanners need.

    The symbol is made by zxing-cpp's encoder (Zint: mode, version and mask chosen as ISO/IEC 18004
    says), in 0.3 ms where segno, in pure Python, took 6-7 ms: a QR code is made for every document.
    A greyscale PNG, not an SVG: WeasyPrint embeds an image once per PDF and shows it on every page, where
    it parsed and painted an SVG path again on each page (the check block is in every page's footer):
    about 11 ms a page (bench/RESULTS.md "#18 QR image"). 8 pixels a module (about 580 dpi at 13 mm) so
    that viewers which smooth images whatever the PDF asks (pdf.js, Safari) still show sharp modules;
    black and white only, in 8-bit grey ('L'), which WeasyPrint embeds as it is (a 1-bit image it would
    convert to RGB and encode again). Drawn without interpolation (base.html: PDF/A forbids it)."""
    symbol = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
    height, width = modules.shape
    picture = Image.frombytes("L", (width, height), modules.tobytes())
    picture = ImageOps.expand(picture, QR_BORDER, fill=255)
    size = (picture.width * QR_MODULE_PX, picture.height * QR_MODULE_PX)
    data = io.BytesIO()
    picture.resize(size, Image.Resampling.NEAREST).save(data, format="PNG")
    return "data:image/png;base64," + base64.b64encode(data.getvalue()).decode("ascii")


def document_stamp(document: Document) -> dict:
    """What a template prints in its check block: `check_code` (grouped), `url` ('' without SITE_URL), the
    QR image (`qr_data_uri`, of the URL, or of the code alone without one) and `seal_note`, the sentence
    naming the document's own office's seal (pps_admin.signing; '' for a document stored unsigned)."""
    url = check_url(document)
    code = grouped(document.check_code)
    return {
        "check_code": code,
        "url": url,
        "qr_data_uri": qr_data_uri(url or code),
        "seal_note": seal_note(document_signature(document)),
    }


def petikan_stamps(decree) -> dict:
    """The check block of each Petikan of `decree`, by appointment id (the print bundle lays them out
    again exactly as stored)."""
    documents = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).select_related(
        "job__office"
    )
    return {document.appointment_id: document_stamp(document) for document in documents}


# --- the check page ---------------------------------------------------------------------------------


def document_by_code(text: str) -> Document | None:
    code = parse_check_code(text)
    if code is None:
        return None
    return (
        Document.objects.select_related(
            "decree__office", "appointment__person", "appointment__kelurahan__kecamatan", "job__office"
        )
        .filter(check_code=code)
        .first()
    )


@dataclass
class CheckStatus:
    state: str  # "berlaku", "dicabut", "belum_terbit"
    label: str
    details: list[str] = field(default_factory=list)


def document_status(document: Document) -> CheckStatus:
    """The document's standing today, as the check page states it."""
    from .decree_text import indonesian_date

    if document.status != DocumentStatus.DONE:
        return CheckStatus(
            "belum_terbit",
            "Belum diterbitkan",
            [
                "Berkas dokumen ini belum selesai dibuat, jadi belum ada dokumen yang diterbitkan "
                "dengan kode ini."
            ],
        )
    decree = document.decree
    if decree is not None and decree.is_revoked:
        details = [f"Dicabut pada tanggal {indonesian_date(decree.revoked_date)}."]
        if decree.revoked_reason:
            details.append(f"Alasan: {decree.revoked_reason}")
        for successor in decree.corrected_by.order_by("year", "sequence"):
            details.append(
                f"Diganti dengan Keputusan {successor.number} "
                f"tanggal {indonesian_date(successor.decree_date)}."
            )
        return CheckStatus("dicabut", "Dicabut", details)
    details = []
    appointment = document.appointment
    if appointment is not None and appointment.end_date is not None:
        details.append(
            "Dokumen ini tetap sah sebagai arsip; masa tugas anggota yang disebut di dalamnya berakhir "
            f"pada tanggal {indonesian_date(appointment.end_date)}."
        )
    return CheckStatus("berlaku", "Berlaku", details)


def document_facts(document: Document) -> dict:
    """What the check page shows about a document: never a NIK or NIP (not even masked), and nothing
    personal (the member's name and role) before the document is issued: a code of a pending or failed
    document names nobody."""
    from .decree_text import indonesian_date

    issued = document.status == DocumentStatus.DONE
    decree = document.decree
    facts = {
        "kind": KIND_LABELS.get(document.kind, document.kind),
        "check_code": grouped(document.check_code),
        "number": decree.number if decree else "",
        "date": indonesian_date(decree.decree_date) if decree else "",
        # The issuing office's calendar: 23.30 WIB in Banda Aceh is still that day there.
        "issued_on": indonesian_date(
            timezone.localtime(document.finished_at, document.job.office.time_zone).date()
        )
        if issued and document.finished_at
        else "",
        "sha256": document.sha256 if issued else "",
        "size": document.size if issued else None,
        "pages": document.pages if issued else None,
        "member": None,
        "title": "",
    }
    # The integrity app's attendance sheet, through its reverse relation: the ceremony it lists.
    sheet = getattr(document, "attendance_sheet", None)
    if sheet is not None:
        ceremony = sheet.content["ceremony"]
        facts["title"] = f"{ceremony['name']}, {ceremony['place']}"
        facts["date"] = indonesian_date(dt.date.fromisoformat(ceremony["date"]))
    appointment = document.appointment
    if appointment is not None and issued:
        facts["member"] = {
            "name": appointment.person.name,
            "role": f"{post_title(appointment.role)} {appointment.kelurahan.kind.label} "
            f"{appointment.kelurahan.name}",
            "kecamatan": appointment.kelurahan.kecamatan.name,
        }
        pact = getattr(document, "pact", None)  # the integrity app's reverse relation, if it is a pact
        ceremony = getattr(pact, "ceremony", None)
        if ceremony is not None:
            facts["date"] = indonesian_date(ceremony.date)
    return facts


@dataclass
class FileCheck:
    matches: bool
    message: str
    other: Document | None = None  # another issued document the file is byte for byte


def file_check(document: Document, digest: str) -> FileCheck:
    """Whether the file of SHA-256 `digest` is byte for byte the file issued under this document's code
    (or another document the office issued)."""
    if document.status == DocumentStatus.DONE and digest == document.sha256:
        return FileCheck(True, "Berkas ini sama persis (bita demi bita) dengan dokumen yang diterbitkan.")
    other = Document.objects.filter(sha256=digest, status=DocumentStatus.DONE).exclude(pk=document.pk).first()
    if other is not None:
        return FileCheck(
            False,
            "Berkas ini bukan dokumen dengan kode ini, tetapi sama persis dengan dokumen lain yang "
            "diterbitkan kantor ini.",
            other,
        )
    return FileCheck(
        False,
        "Berkas ini TIDAK sama dengan dokumen yang diterbitkan: isinya berbeda, walau hanya satu bita. "
        "Berkas yang diubah, dipindai atau dicetak ulang ke PDF tidak akan sama.",
    )


def file_check_any(digest: str) -> Document | None:
    """The issued document whose file has SHA-256 `digest`, if any."""
    return Document.objects.filter(sha256=digest, status=DocumentStatus.DONE).first()
