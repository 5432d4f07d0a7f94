"""The fidelity guard (issue #18 goal 4): every document kind, rendered from fixed demo content, against a
committed reference of what it looked like: page count, page size, the fonts and sizes on each page and
every word with its position (poppler's `pdftotext -bbox`), within 1 pt. A faster render that moves a
line, changes a font or breaks a page differently fails here instead of quietly looking different.

Regenerate the reference after a deliberate layout change (and look at the pages before committing it):

    UPDATE_RENDER_REFERENCE=1 .venv/bin/pytest -q -p no:cacheprovider -n 0 tests/test_render_fidelity.py

What varies from one render to the next is fixed here: check codes (hence the QR codes), the decree and
ceremony dates, the handover sheet's time and passwords. The roster is the fictional demo roster
(secretariat.services.demo, seeded), so names, NIK and NIP are the same on every run.
"""

import datetime as dt
import html
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from integrity.models import Ceremony, Pact
from integrity.services.documents import attendance_sheet_document
from integrity.services.pacts import pacts_generate
from secretariat.models import Appointment, Document, DocumentKind
from secretariat.services.accounts import HandoverRow, handover_sheet_pdf
from secretariat.services.decrees import decree_issue
from secretariat.services.demo import demo_csv
from secretariat.services.document_jobs import render_document_pdf
from secretariat.services.importing import members_import

from . import pdf

REFERENCE_DIR = Path(__file__).parent / "render_reference"
UPDATE = os.environ.get("UPDATE_RENDER_REFERENCE") == "1"
# Positions are compared within this many points (1 pt = 0.35 mm): rounding, not layout.
TOLERANCE_PT = 1.0
SK_DATE = dt.date(2024, 6, 1)
MANGGAR = "64.71.01.1001"
KINDS = ["keputusan", "salinan", "petikan", "petikan_non_asn", "pakta", "daftar_hadir", "serah_terima_akun"]

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def layout_of(data: bytes) -> dict:
    """What the guard compares: per page its size (pt), the fonts with their sizes, and each word with
    its box (pt, from the top left, rounded to 0.1)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        boxes = subprocess.run(
            ["pdftotext", "-bbox", handle.name, "-"], check=True, capture_output=True, text=True
        ).stdout
    pages = []
    for index, (width, height, body) in enumerate(_PAGE.findall(boxes)):
        words = [
            [html.unescape(word), *(round(float(value), 1) for value in box)]
            for *box, word in _WORD.findall(body)
        ]
        pages.append(
            {
                "size": [round(float(width), 1), round(float(height), 1)],
                "fonts": _fonts(data, index),
                "words": words,
            }
        )
    return {"pages": pages}


def _fonts(data: bytes, index: int) -> list[str]:
    """The page's fonts ("TeXGyreBonum-Bold 12.0"), subset prefixes dropped."""
    found = set()
    page = pdf.read(data).pages[index]

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            name = str(font.get("/BaseFont", "?")).lstrip("/").split("+", 1)[-1]
            found.add(f"{name} {round(size * tm[0] * cm[0], 1)}")

    page.extract_text(visitor_text=visit)
    return sorted(found)


def layout_differences(expected: dict, actual: dict, *, limit: int = 12) -> list[str]:
    """Where `actual` departs from `expected`: page count, sizes, fonts, words and positions beyond
    TOLERANCE_PT. Empty when they agree."""
    if len(expected["pages"]) != len(actual["pages"]):
        return [f"{len(actual['pages'])} pages instead of {len(expected['pages'])}"]
    problems = []
    for number, (want, got) in enumerate(zip(expected["pages"], actual["pages"], strict=True), start=1):
        if any(abs(a - b) > TOLERANCE_PT for a, b in zip(want["size"], got["size"], strict=True)):
            problems.append(f"page {number}: size {got['size']} instead of {want['size']}")
        if want["fonts"] != got["fonts"]:
            problems.append(f"page {number}: fonts {got['fonts']} instead of {want['fonts']}")
        if [w[0] for w in want["words"]] != [w[0] for w in got["words"]]:
            problems.append(f"page {number}: text differs: {_first_text_difference(want, got)}")
            continue
        for a, b in zip(want["words"], got["words"], strict=True):
            moved = max(abs(x - y) for x, y in zip(a[1:], b[1:], strict=True))
            if moved > TOLERANCE_PT:
                problems.append(f"page {number}: {a[0]!r} at {b[1:]} instead of {a[1:]} ({moved:.1f} pt)")
                if len(problems) >= limit:
                    return problems
    return problems


def _first_text_difference(want: dict, got: dict) -> str:
    a, b = [w[0] for w in want["words"]], [w[0] for w in got["words"]]
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"word {at}: {' '.join(b[at : at + 8])!r} instead of {' '.join(a[at : at + 8])!r}"


def _reference_text(layout: dict) -> str:
    """JSON with one word a line, so that a regenerated reference reads as a diff of what moved."""
    pages = []
    for page in layout["pages"]:
        words = ",\n".join(json.dumps(word, ensure_ascii=False) for word in page["words"])
        head = f'{{"size": {json.dumps(page["size"])}, "fonts": {json.dumps(page["fonts"])}, "words": [\n'
        pages.append(f"{head}{words}\n]}}")
    return '{"pages": [\n' + ",\n".join(pages) + "\n]}\n"


# --- the fixed content -------------------------------------------------------------------------------


def _fixed_code(number: int) -> str:
    """A valid check code (Crockford base32, 12 characters) that is the same on every run."""
    return f"REFD{number:08d}"


@pytest.fixture
def rendered(db):
    """Each document kind rendered once from the fixed content, as bytes."""
    return render_every_kind()


def render_every_kind() -> dict[str, bytes]:
    """Each document kind rendered once from the fixed content (tests/test_document_ua.py renders the
    same documents)."""
    assert members_import(data=demo_csv(), dry_run=False).ok
    decree = decree_issue(decree_date=SK_DATE)
    pacts_generate()
    ceremony = Ceremony.objects.get()
    sheet = attendance_sheet_document(ceremony)
    # Fixed check codes, in an order that does not depend on primary keys.
    documents = sorted(
        Document.objects.select_related("appointment"),
        key=lambda d: (
            d.kind,
            d.appointment.kelurahan_id if d.appointment else "",
            d.appointment.role if d.appointment else "",
        ),
    )
    for number, document in enumerate(documents, start=1):
        Document.objects.filter(pk=document.pk).update(check_code=_fixed_code(number))

    def one(kind, appointment=None, **filters):
        document = Document.objects.get(kind=kind, appointment=appointment, **filters)
        return render_document_pdf(document)

    sekretaris = Appointment.objects.get(kelurahan_id=MANGGAR, role="sekretaris")  # ASN, with NIP
    non_asn = Appointment.objects.filter(person__nip="").order_by("kelurahan_id", "role").first()
    rows = [
        HandoverRow(MANGGAR, "sekretaris", sekretaris.person.name, "pps.6471011001.sek", "Kq7-Mx2-Pa9"),
        HandoverRow(MANGGAR, "bendahara", "Siti Contoh Manggar", "pps.6471011001.ben", "Zr4-Tw8-Hn3"),
    ]
    generated = timezone.make_aware(dt.datetime(2024, 6, 1, 8, 30))
    return {
        "keputusan": one(DocumentKind.KEPUTUSAN, decree=decree),
        "salinan": one(DocumentKind.SALINAN, decree=decree),
        "petikan": one(DocumentKind.PETIKAN, sekretaris, decree=decree),
        "petikan_non_asn": one(DocumentKind.PETIKAN, non_asn, decree=decree),
        "pakta": render_document_pdf(Pact.objects.get(appointment=sekretaris).document),
        "daftar_hadir": render_document_pdf(Document.objects.get(pk=sheet.pk)),
        "serah_terima_akun": handover_sheet_pdf(
            rows, portal_url="https://pps-cek.invalid/portal/", generated=generated
        ),
    }


def test_every_document_kind_is_laid_out_as_its_committed_reference(rendered):
    failures = {}
    for kind in KINDS:
        actual = layout_of(rendered[kind])
        path = REFERENCE_DIR / f"{kind}.json"
        if UPDATE:
            REFERENCE_DIR.mkdir(exist_ok=True)
            path.write_text(_reference_text(actual))
            continue
        assert path.is_file(), f"no reference for {kind}: run with UPDATE_RENDER_REFERENCE=1"
        problems = layout_differences(json.loads(path.read_text()), actual)
        if problems:
            failures[kind] = problems
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)


def test_the_reference_covers_the_documents_as_printed(rendered):
    """The guard compares what matters: the Keputusan has its lampiran pages, each one-sheet document
    one page, and the check block (with its fixed code) is in the text the guard reads."""
    pages = {kind: len(layout_of(data)["pages"]) for kind, data in rendered.items()}
    assert pages["keputusan"] >= 5 and pages["salinan"] >= pages["keputusan"], pages
    assert pages["petikan"] == pages["petikan_non_asn"] == pages["pakta"] == 1, pages
    words = [w[0] for w in layout_of(rendered["petikan"])["pages"][0]["words"]]
    assert any(word.startswith("REFD-") for word in words), words[-20:]


def test_the_guard_fails_when_a_line_moves_by_more_than_a_point():
    page = {
        "size": [609.4, 935.4],
        "fonts": ["TeXGyreBonum-Regular 12.0"],
        "words": [["Nama", 70.9, 300.0, 100.2, 312.0]],
    }
    reference = {"pages": [page]}
    same = {"pages": [{**page, "words": [["Nama", 71.5, 300.4, 100.8, 312.4]]}]}
    moved = {"pages": [{**page, "words": [["Nama", 70.9, 301.5, 100.2, 313.5]]}]}
    other_font = {"pages": [{**page, "fonts": ["DejaVuSerif 12.0"]}]}
    assert layout_differences(reference, same) == []
    assert layout_differences(reference, moved) == [
        "page 1: 'Nama' at [70.9, 301.5, 100.2, 313.5] instead of [70.9, 300.0, 100.2, 312.0] (1.5 pt)"
    ]
    assert layout_differences(reference, other_font)
    assert layout_differences(reference, {"pages": [page, page]}) == ["2 pages instead of 1"]
