"""The documents as a Sekretaris KPU reads them before signing (issue #13 items 2-4, 6-8, 13): each check
reads the rendered PDF back, with pypdf and with poppler's pdftotext (what copy and search see)."""

import datetime as dt
import io
import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from integrity.models import Ceremony, Pact
from integrity.services.documents import attendance_sheet_pdf
from integrity.services.pacts import pacts_generate
from kelurahan.models import Kelurahan
from secretariat import identity
from secretariat.models import Appointment, DecreeTemplate, Document, DocumentKind, Paper
from secretariat.services.decree_documents import decree_print_bundle
from secretariat.services.decrees import decree_issue
from secretariat.services.demo import demo_csv
from secretariat.services.document_jobs import document_render_and_store
from secretariat.services.importing import members_import

from . import pdf
from .factories import make_appointment, make_person, office, replace_member
from .test_decrees import small_png

SK_DATE = dt.date(2024, 6, 1)
LONG_NAME = "Raden Mas Adipati Haryo Sosrodiningrat Wicaksono Gunungsamarinda Kusumanegara"
MANGGAR, GUNUNGSAMARINDA = "64.71.01.1001", "64.71.03.1002"
OFFICIAL_NIP = identity.make_nip(birth_date=dt.date(1975, 1, 1), appointed=(2000, 3), gender="L", serial=1)
LURAH_DECREE = "100.3.3/12/Kel-Mgr/V/2024"


@pytest.fixture
def members(db):
    """An ASN sekretaris with a long name and a Lurah decree, a non-ASN bendahara, in Manggar."""
    sekretaris = make_appointment(
        person=make_person(name=LONG_NAME, asn=True),
        kelurahan=MANGGAR,
        lurah_decree_number=LURAH_DECREE,
        lurah_decree_date=dt.date(2024, 5, 20),
    )
    bendahara = make_appointment(person=make_person(name="Siti Aminah", gender="P"), role="bendahara")
    return sekretaris, bendahara


def _document(decree, kind, appointment=None) -> Document:
    documents = Document.objects.filter(decree=decree, kind=kind)
    if appointment is not None:
        documents = documents.filter(appointment=appointment)
    document = document_render_and_store(documents.get().pk)
    assert document.status == "done", document.error
    return document


def _path(document) -> str:
    return document.file.path


def _configure(**fields) -> DecreeTemplate:
    template = DecreeTemplate.active(office())
    for name, value in fields.items():
        setattr(template, name, value)
    template.full_clean()
    template.save()
    return template


def _full_roster():
    result = members_import(data=demo_csv(), dry_run=False)
    assert result.ok
    # The long name in Gunungsamarinda, where the lampiran broke "Gunungsamari|nda".
    person = Appointment.objects.get(kelurahan_id=GUNUNGSAMARINDA, role="bendahara").person
    person.name = LONG_NAME
    person.save()
    Appointment.objects.update(lurah_decree_number=LURAH_DECREE, lurah_decree_date=dt.date(2024, 5, 20))


# --- item 2: the letterhead -------------------------------------------------------------------------


def _unwrapped(text: str) -> str:
    """Flat text with line breaks after a slash or a hyphen undone (a decree number may wrap there, as
    "Undang-Undang" does)."""
    return re.sub(r"(?<=\S[/-]) (?=\S)", "", text)


def _first_lines(source, count=3) -> list[str]:
    return [line.strip() for line in pdf.poppler_text(source, page=1).splitlines() if line.strip()][:count]


def test_every_document_opens_with_the_office_letterhead_when_no_logo_was_uploaded(members):
    decree = decree_issue(decree_date=SK_DATE)
    pacts_generate()
    pact = Pact.objects.first()
    documents = {
        "keputusan": _path(_document(decree, DocumentKind.KEPUTUSAN)),
        "salinan": _path(_document(decree, DocumentKind.SALINAN)),
        "petikan": _path(_document(decree, DocumentKind.PETIKAN, members[0])),
        "pakta": document_render_and_store(pact.document_id).file.path,
        "daftar hadir": attendance_sheet_pdf(Ceremony.objects.get()),
    }
    for name, source in documents.items():
        lines = _first_lines(source)
        if name == "salinan":
            assert lines[0] == "SALINAN"
            lines = lines[1:]
        assert lines[:2] == ["KOMISI PEMILIHAN UMUM", "KOTA BALIKPAPAN"], (name, lines)
        images = pdf.page_images(pdf.read(source).pages[0])
        assert [pdf.is_check_qr(image) for image in images] == [True], name  # the QR code alone: no logo


def test_the_letterhead_prints_the_uploaded_emblem_centred_and_the_configured_name_and_address(members):
    template = _configure(
        letterhead_name="KOMISI PEMILIHAN UMUM\nKOTA CONTOH",
        letterhead_address="Jalan Contoh Nomor 1, Balikpapan 76112",
    )
    template.logo = SimpleUploadedFile("logo.png", small_png(40, 40), content_type="image/png")
    template.save()
    decree = decree_issue(decree_date=SK_DATE)
    pacts_generate()
    for source in (
        _path(_document(decree, DocumentKind.PETIKAN, members[0])),
        _path(_document(decree, DocumentKind.KEPUTUSAN)),
        document_render_and_store(Pact.objects.first().document_id).file.path,
    ):
        assert _first_lines(source) == [
            "KOMISI PEMILIHAN UMUM",
            "KOTA CONTOH",
            "Jalan Contoh Nomor 1, Balikpapan 76112",
        ]
        page = pdf.read(source).pages[0]
        # The emblem's placement: the image is drawn centred on the page, above the office's name.
        placements = _image_placements(page)
        assert len(placements) == 1, placements
        x, y, width = placements[0]
        # Centred in the text block (margins 25 mm left, 20 mm right by default), to the point.
        left, right = template.margin_left_mm * pdf.MM, template.margin_right_mm * pdf.MM
        centre = left + (float(page.mediabox.width) - left - right) / 2
        assert abs((x + width / 2) - centre) < 1, (x, width, centre)
        assert y > float(page.mediabox.height) * 0.8
        # PDF/A forbids asking viewers to interpolate an image (ISO 19005-2 and -3, 6.2.8.1): the logo
        # and the QR code both say /Interpolate false.
        images = pdf.page_images(page)
        assert len(images) == 2 and not any(pdf.interpolated(image) for image in images), images


def _image_placements(page) -> list[tuple[float, float, float]]:
    """(x, y, width) in points of every image drawn on `page` but the check block's QR code, from its
    content stream's matrices."""
    from pypdf.generic import ContentStream

    placements, stack, matrix = [], [], [1, 0, 0, 1, 0, 0]
    xobjects = page["/Resources"].get("/XObject", {})

    def multiply(m, n):
        return [
            m[0] * n[0] + m[1] * n[2],
            m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4],
            m[4] * n[1] + m[5] * n[3] + n[5],
        ]

    def walk(content, matrix, resources):
        for operands, operator in ContentStream(content, page.pdf).operations:
            if operator == b"q":
                stack.append(matrix)
            elif operator == b"Q":
                matrix = stack.pop()
            elif operator == b"cm":
                matrix = multiply([float(v) for v in operands], matrix)
            elif operator == b"Do":
                xobject = resources[operands[0]].get_object()
                if xobject["/Subtype"] == "/Image":
                    if not pdf.is_check_qr(xobject):  # the check block's QR code is in every footer
                        placements.append((matrix[4], matrix[5], matrix[0]))
                else:
                    inner = matrix
                    if "/Matrix" in xobject:
                        inner = multiply([float(v) for v in xobject["/Matrix"]], matrix)
                    walk(xobject, inner, xobject.get("/Resources", {}).get("/XObject", {}))

    walk(page.get_contents(), matrix, xobjects)
    return placements


# --- item 3: typography -----------------------------------------------------------------------------

ALONE = [
    re.compile(r"^\d{1,2}\.$"),  # a list number
    re.compile(r"^[a-z]\.$"),  # a consideration's letter
    re.compile(r"^(Menimbang|Mengingat|Memperhatikan|MEMUTUSKAN:|LAMPIRAN|TENTANG)"),
    re.compile(r"^KECAMATAN [A-Z ]+$"),  # a group heading of the lampiran
]


def _last_line(page_text: str) -> str:
    lines = [line.strip() for line in page_text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


@pytest.mark.parametrize("extra_items", [0, 1, 2, 3])
def test_no_list_number_or_heading_is_left_alone_at_the_foot_of_a_page(members, extra_items):
    """Mengingat's "4." sat alone at the bottom of page 1; longer legal texts move every break."""
    template = DecreeTemplate.active(office())
    padding = (
        "Peraturan Contoh Nomor {} Tahun 2020 tentang Sesuatu yang Cukup Panjang untuk Memindahkan Batas "
        "Halaman (Berita Negara Republik Indonesia Tahun 2020 Nomor 1);"
    )
    template.legal_basis = template.legal_basis + "".join(
        "\n" + padding.format(i) for i in range(extra_items)
    )
    template.save()
    for index in range(20):  # enough lampiran rows to reach a second lampiran page
        make_appointment(kelurahan=Kelurahan.objects.order_by("code")[index + 1].code)
    source = _path(_document(decree_issue(decree_date=SK_DATE), DocumentKind.KEPUTUSAN))
    for number in range(1, len(pdf.read(source).pages) + 1):
        last = _last_line(pdf.poppler_text(source, page=number, layout=False))
        assert not any(pattern.match(last) for pattern in ALONE), (number, last)


def test_the_lampiran_breaks_no_word_and_has_no_kecamatan_column(db):
    _full_roster()
    source = _path(_document(decree_issue(decree_date=SK_DATE), DocumentKind.KEPUTUSAN))
    flat = pdf.flat(source)
    assert (
        "DAFTAR NAMA SEKRETARIAT PANITIA PEMUNGUTAN SUARA No Nama Jabatan Kelurahan Unsur Keterangan "
        "KECAMATAN BALIKPAPAN TIMUR 1 "
    ) in flat
    text = pdf.poppler_text(source, layout=False)
    lampiran = text[text.index("DAFTAR NAMA SEKRETARIAT") :]
    words = set(lampiran.split())
    for kelurahan in Kelurahan.objects.filter(code__startswith="64.71."):
        assert all(part in words for part in kelurahan.name.split()), kelurahan.name
    assert re.search(r"[a-z]-\n[a-z]", lampiran) is None  # no hyphenation
    assert flat[flat.index("DAFTAR NAMA SEKRETARIAT") :].count(LONG_NAME) == 1  # in order, unbroken
    # Nothing runs into the next column: "Gunungsamarinda" once overprinted the Unsur column's "ASN".
    assert _overlapping_words(source) == []


def _lampiran_rows_by_page(source) -> dict[int, int]:
    """Lampiran row number -> the page it is printed on (the No column, as pdftotext lays the page out)."""
    pages = {}
    for number in range(1, len(pdf.read(source).pages) + 1):
        text = pdf.poppler_text(source, page=number)
        if "Keterangan" not in text:  # not a lampiran page
            continue
        for line in text.splitlines():
            # A row's first line: its number, the name and the post (a note's wrapped "20 Mei 2024" is not).
            match = re.match(r"\s*(\d{1,3})\s+\S.*\b(?:Sekretaris|Bendahara|Staf Teknis)\b", line)
            if match:
                pages.setdefault(int(match.group(1)), number)
    return pages


@pytest.mark.parametrize("salinan", [False, True])
def test_no_kelurahan_of_the_lampiran_is_split_over_two_pages_nor_a_kecamatan_heading_left_alone(db, salinan):
    """Kariangau's three rows were 22 | 23-24 and Balikpapan Tengah's heading sat at the foot of a page
    over one row. With every Lurah decree in the Keterangan, the rows are as tall as they get."""
    _full_roster()
    decree = decree_issue(decree_date=SK_DATE)
    source = _path(_document(decree, DocumentKind.SALINAN if salinan else DocumentKind.KEPUTUSAN))
    page_of = _lampiran_rows_by_page(source)
    entries = decree.entries.select_related("appointment__kelurahan__kecamatan").order_by("position")
    assert sorted(page_of) == [entry.position for entry in entries] == list(range(1, 103))
    by_kelurahan, first_of_kecamatan = {}, {}
    for entry in entries:
        kelurahan = entry.appointment.kelurahan
        by_kelurahan.setdefault(kelurahan.name, set()).add(page_of[entry.position])
        first_of_kecamatan.setdefault(kelurahan.kecamatan.name, entry.position)
    assert {name: pages for name, pages in by_kelurahan.items() if len(pages) > 1} == {}
    assert len(set(page_of.values())) >= 4  # the break really falls inside the roster
    for kecamatan, position in first_of_kecamatan.items():
        text = pdf.poppler_text(source, page=page_of[position])
        assert f"KECAMATAN {kecamatan.upper()}" in text, (kecamatan, position)


def test_the_salinan_authentication_shares_its_page_and_row_with_the_chairs_ttd(members):
    """It went alone onto a page of its own after the decree's last page and after the lampiran's."""
    _configure(authenticator_name="Drs. Contoh Sekretaris, M.Si.", authenticator_nip=OFFICIAL_NIP)
    salinan = _path(_document(decree_issue(decree_date=SK_DATE), DocumentKind.SALINAN))
    closings = []
    for number in range(1, len(pdf.read(salinan).pages) + 1):
        text = pdf.poppler_text(salinan, page=number)
        if "sesuai dengan aslinya" in text:
            closings.append(number)
            assert "ttd." in text and "PRAKOSO YUDHO LELONO" in text, number
            line = next(line for line in text.splitlines() if "sesuai dengan aslinya" in line)
            assert "Ditetapkan di Balikpapan" in line  # side by side: the same printed line
    assert len(closings) == 2  # after the dictums and after the lampiran


def _overlapping_words(source) -> list[tuple[int, str, str]]:
    """Pairs of words drawn over each other on one line, from pdftotext's word boxes, page by page."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(source), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        boxes = sorted(
            (float(x0), float(y0), float(x1), float(y1), word)
            for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
            )
        )
        for i, (x0, y0, x1, y1, word) in enumerate(boxes):
            for ox0, oy0, ox1, oy1, other in boxes[i + 1 :]:
                if ox0 >= x1:
                    break
                same_line = abs((y0 + y1) - (oy0 + oy1)) < 4  # centres within 2 pt
                if same_line and min(x1, ox1) - max(x0, ox0) > 0.5:
                    found.append((number, word, other))
    return found


def test_the_petikan_reads_the_long_name_in_order_in_pypdf_and_pdftotext_and_never_justifies_it(members):
    source = _path(_document(decree_issue(decree_date=SK_DATE), DocumentKind.PETIKAN, members[0]))
    assert LONG_NAME in pdf.flat(source)
    assert LONG_NAME in " ".join(pdf.poppler_text(source, layout=False).split())
    # Set as typed: single spaces between the words of the laid-out line, not stretched to the margin.
    line = next(line for line in pdf.poppler_text(source).splitlines() if "Raden" in line)
    assert "Raden Mas Adipati" in line, line


def test_the_keputusan_is_numbered_from_page_2_at_the_top_centre_and_page_1_is_not(members):
    source = _path(_document(decree_issue(decree_date=SK_DATE), DocumentKind.KEPUTUSAN))
    pages = len(pdf.read(source).pages)
    assert pages >= 3
    assert not re.search(r"^\s*- 1 -\s*$", pdf.poppler_text(source, page=1), re.M)
    for number in range(2, pages + 1):
        first = next(line for line in pdf.poppler_text(source, page=number).splitlines() if line.strip())
        assert re.fullmatch(rf"-\s?{number}\s?-", first.strip()), (number, first)
        assert len(first) - len(first.lstrip()) > 25  # centred, not at the left margin


def test_the_lampiran_heading_is_written_as_kpu_writes_it_at_the_top_right(members):
    source = _path(_document(decree_issue(decree_date=SK_DATE), DocumentKind.KEPUTUSAN))
    reader = pdf.read(source)
    number = next(
        n for n in range(1, len(reader.pages) + 1) if "LAMPIRAN" in pdf.poppler_text(source, page=n)
    )
    lines = [line for line in pdf.poppler_text(source, page=number).splitlines() if line.strip()]
    heading = [line.strip() for line in lines[1:5]]  # after the page number
    assert heading[0] == "LAMPIRAN"
    assert heading[1].startswith("KEPUTUSAN KOMISI PEMILIHAN")
    flat = " ".join(line.strip() for line in lines[:12])
    assert (
        "LAMPIRAN KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN NOMOR 1 TAHUN 2024 TENTANG PENETAPAN"
        in flat
    )
    indent = min(len(line) - len(line.lstrip()) for line in lines[1:5])
    assert indent > 30  # the right half of the page, as KPU sets it


def _body_size(source) -> float:
    sizes = pdf.font_sizes(source)
    return max(sizes, key=lambda size: len(sizes[size]))


@pytest.mark.parametrize("paper", [Paper.F4, Paper.A4])
def test_keputusan_and_petikan_are_set_in_12_pt_and_the_petikan_fits_one_sheet(members, paper):
    template = _configure(paper=paper)
    template.logo = SimpleUploadedFile("logo.png", small_png(40, 40), content_type="image/png")
    template.save()
    decree = decree_issue(decree_date=SK_DATE)
    petikan = _path(_document(decree, DocumentKind.PETIKAN, members[0]))  # the long name, with the logo
    assert len(pdf.read(petikan).pages) == 1
    sizes = pdf.font_sizes(petikan)
    # The check block in the bottom margin (issue #16) is set small on purpose, and is all that is.
    footer = " ".join(sizes.pop(7.5))
    assert "Kode cek dokumen:" in footer and "/cek/" in footer and "Menetapkan" not in footer
    assert _body_size(petikan) == 12.0 and min(sizes) >= 12.0, sorted(sizes)  # nothing shrunk to fit
    assert _body_size(_path(_document(decree, DocumentKind.KEPUTUSAN))) == 12.0


# --- item 4: the lampiran's content -----------------------------------------------------------------


def test_the_lampiran_shows_each_lurah_decree_the_replaced_member_and_the_nip_of_asn_members(members):
    sekretaris, bendahara = members
    first = decree_issue(decree_date=SK_DATE)
    text = _unwrapped(pdf.flat(_path(_document(first, DocumentKind.KEPUTUSAN))))
    lampiran = text[text.index("DAFTAR NAMA") :]
    assert f"{LONG_NAME} NIP {sekretaris.person.nip}" in lampiran
    assert f"Keputusan Lurah Nomor {LURAH_DECREE} tanggal 20 Mei 2024" in lampiran
    assert bendahara.person.nik not in text and sekretaris.person.nik not in text
    row = lampiran.split("Siti Aminah")[1].split("Ditetapkan")[0]
    assert "NIP" not in row and "Non-ASN" in row  # a non-ASN member has no NIP

    replacement = replace_member(bendahara, name="Dewi Pengganti")
    second = decree_issue(decree_date=dt.date(2024, 7, 5))
    text = _unwrapped(pdf.flat(_path(_document(second, DocumentKind.KEPUTUSAN))))
    lampiran = text[text.index("DAFTAR NAMA") :]  # a PAW decree names the replacement in Menimbang too
    row = lampiran[lampiran.index("Dewi Pengganti") :]
    assert "Keputusan Lurah Nomor 100.3.3.2/12/KEL-MGR tanggal 28 Juni 2024" in row
    assert "Pengganti antarwaktu Siti Aminah" in row
    petikan = pdf.flat(_path(_document(second, DocumentKind.PETIKAN, replacement)))
    assert "Pengganti antarwaktu Siti Aminah" in petikan


# --- item 6: the SALINAN ----------------------------------------------------------------------------


def test_the_salinan_is_its_own_stored_document_with_ttd_and_the_authentication(members, staff_client):
    _configure(authenticator_name="Drs. Contoh Sekretaris, M.Si.", authenticator_nip=OFFICIAL_NIP)
    decree = decree_issue(decree_date=SK_DATE)
    assert decree.jobs.get().total == 2 + 2  # Keputusan, SALINAN, two Petikan
    salinan = _document(decree, DocumentKind.SALINAN)
    assert len(salinan.sha256) == 64 and salinan.file.name.endswith("salinan-keputusan.pdf")
    original = _document(decree, DocumentKind.KEPUTUSAN)
    copy_text, original_text = pdf.flat(salinan.file.path), pdf.flat(original.file.path)
    assert copy_text.startswith("SALINAN KOMISI PEMILIHAN UMUM")
    assert "SALINAN" not in original_text and "sesuai dengan aslinya" not in original_text
    assert "KOTA BALIKPAPAN, ttd. PRAKOSO YUDHO LELONO" in copy_text
    assert "KOTA BALIKPAPAN, PRAKOSO YUDHO LELONO" in original_text  # the original leaves room to sign
    assert (
        "Salinan sesuai dengan aslinya, SEKRETARIS KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN, "
        f"Drs. Contoh Sekretaris, M.Si. NIP {OFFICIAL_NIP}"
    ) in copy_text
    assert LONG_NAME in copy_text  # with its lampiran

    page = staff_client.get(reverse("admin:secretariat_decree_change", args=[decree.pk])).content.decode()
    link = reverse("admin:secretariat_document_download", args=[salinan.public_id])
    assert f'href="{link}">Salinan Keputusan (PDF)' in page
    response = staff_client.get(link + "?unduh=1")
    assert response.status_code == 200
    with open(salinan.file.path, "rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert f"salinan-keputusan-{decree.year}-{decree.sequence}.pdf" in response["Content-Disposition"]


# --- items 7 and 8: the Petikan ---------------------------------------------------------------------


def test_the_petikan_prints_the_official_and_full_nip_or_blanks_only_when_none_is_configured(members):
    blank = pdf.flat(_path(_document(decree_issue(decree_date=SK_DATE), DocumentKind.PETIKAN, members[0])))
    authentic = blank.split("Petikan sesuai dengan aslinya,")[1].split("Ditetapkan")[0]
    assert "(.....................................) NIP ..." in authentic

    from secretariat.services.decrees import decree_revoke

    decree_revoke(decree=members[0].decrees.get(), revoked_date=SK_DATE, reason="pengesah belum diisi")
    _configure(authenticator_name="Drs. Contoh Sekretaris", authenticator_nip=OFFICIAL_NIP)
    decree = decree_issue(decree_date=SK_DATE)
    text = pdf.flat(_path(_document(decree, DocumentKind.PETIKAN, members[0])))
    assert f"KOTA BALIKPAPAN, Drs. Contoh Sekretaris NIP {OFFICIAL_NIP}" in text
    assert "....." not in text.split("Petikan sesuai dengan aslinya,")[1]


def test_the_petikan_row_names_the_member_role_with_kelurahan_and_nip_and_kesatu_is_an_excerpt(members):
    sekretaris, bendahara = members
    decree = decree_issue(decree_date=SK_DATE)
    source = _path(_document(decree, DocumentKind.PETIKAN, sekretaris))
    text = pdf.flat(source)
    kesatu = text.split("KESATU :")[1].split("Nama :")[0]
    assert "Lampiran" not in kesatu and "lampiran" not in kesatu  # the Petikan carries none
    assert kesatu.strip().startswith("Menetapkan Saudara yang namanya tersebut di bawah ini")
    assert (
        f"Nama : {LONG_NAME} NIP : {sekretaris.person.nip} Jabatan : Sekretaris PPS Kelurahan Manggar" in text
    )
    layout = pdf.poppler_text(source)
    assert re.search(r"^\s*KEDUA s\.d\. KELIMA\s*:\s*dst\.", layout, re.M), layout

    other = pdf.flat(_path(_document(decree, DocumentKind.PETIKAN, bendahara)))
    assert "Jabatan : Bendahara Sekretariat PPS Kelurahan Manggar" in other
    assert "NIP :" not in other


def test_the_petikan_kesatu_wording_is_editable(members):
    _configure(
        petikan_dictum="Mengangkat Saudara tersebut di bawah ini untuk masa kerja mulai {mulai_tugas}:"
    )
    decree = decree_issue(decree_date=SK_DATE)
    text = pdf.flat(_path(_document(decree, DocumentKind.PETIKAN, members[0])))
    assert (
        "KESATU : Mengangkat Saudara tersebut di bawah ini untuk masa kerja mulai 26 Mei 2024: Nama" in text
    )


# --- item 13: metadata, archival variant, tags, bundles ---------------------------------------------


def _info(source) -> dict:
    return dict(pdf.read(source).metadata)


def test_every_pdf_is_pdf_a_3a_tagged_with_title_author_subject_and_date_never_the_persons_name(members):
    decree = decree_issue(decree_date=SK_DATE)
    pacts_generate()
    pact = Pact.objects.select_related("appointment__person").first()
    expected = {
        "Keputusan KPU Kota Balikpapan Nomor 1 Tahun 2024": _path(_document(decree, DocumentKind.KEPUTUSAN)),
        "Salinan Keputusan KPU Kota Balikpapan Nomor 1 Tahun 2024": _path(
            _document(decree, DocumentKind.SALINAN)
        ),
        "Petikan Keputusan KPU Kota Balikpapan Nomor 1 Tahun 2024": _path(
            _document(decree, DocumentKind.PETIKAN, members[0])
        ),
        "Pakta Integritas Sekretariat PPS KPU Kota Balikpapan": document_render_and_store(
            pact.document_id
        ).file.path,
        f"Daftar Hadir {Ceremony.objects.get().name}": attendance_sheet_pdf(Ceremony.objects.get()),
    }
    names = {LONG_NAME, "Siti Aminah"}
    for title, source in expected.items():
        info = _info(source)
        assert info["/Title"] == title
        assert info["/Author"] == "Komisi Pemilihan Umum Kota Balikpapan"
        assert info["/Subject"]
        assert re.fullmatch(r"D:\d{14}\+08'00'?", info["/CreationDate"]), info["/CreationDate"]
        assert not any(name in str(info.values()) for name in names), info
        assert pdf.pdfa_identification(source) == ("3", "A"), title
        root = pdf.read(source).trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root, title
        assert root["/Lang"] == "id"
    # Dated when issued (in WITA), so a redelivered render is byte for byte the same file.
    created = _info(expected["Keputusan KPU Kota Balikpapan Nomor 1 Tahun 2024"])["/CreationDate"]
    wita = decree.created_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert created.startswith(f"D:{wita:%Y%m%d%H%M}")


def test_a_rendered_decree_document_is_byte_for_byte_the_same_when_rendered_again(members):
    from secretariat.services.document_jobs import render_document_pdf

    decree = decree_issue(decree_date=SK_DATE)
    petikan = Document.objects.get(decree=decree, kind=DocumentKind.PETIKAN, appointment=members[0])
    assert render_document_pdf(petikan) == render_document_pdf(petikan)


def test_the_print_bundle_embeds_each_font_once_and_is_smaller_than_the_merged_files(members):
    for index in range(4):
        make_appointment(kelurahan=Kelurahan.objects.order_by("code")[index + 1].code)
    decree = decree_issue(decree_date=SK_DATE)
    petikan = [
        _document(decree, DocumentKind.PETIKAN, entry.appointment)
        for entry in decree.entries.order_by("position")
    ]
    bundle = decree_print_bundle(decree)
    reader = PdfReader(io.BytesIO(bundle))
    assert len(reader.pages) == len(petikan) == 6
    assert [pdf.flat(d.file.path) for d in petikan] == [
        " ".join((page.extract_text() or "").split()) for page in reader.pages
    ]
    fonts = {ref.idnum for page in reader.pages for ref in page["/Resources"].get_object()["/Font"].values()}
    assert len(fonts) == 2  # regular and bold, shared by every page
    merged = PdfWriter()
    for document in petikan:
        merged.append(document.file.path)
    buffer = io.BytesIO()
    merged.write(buffer)
    assert len(bundle) < 0.6 * len(buffer.getvalue()), (len(bundle), len(buffer.getvalue()))
    assert _info(bundle)["/Title"] == "Bundel Cetak Petikan Keputusan KPU Kota Balikpapan Nomor 1 Tahun 2024"
    assert decree_print_bundle(decree) == bundle  # built once, then served as stored


def test_no_kelurahan_heading_of_the_attendance_sheet_is_left_alone_at_the_foot_of_a_page(db):
    _full_roster()
    ceremony = Ceremony.objects.get()
    appointments = list(Appointment.objects.order_by("kelurahan_id", "pk"))
    # Sheets of 19 to 27 members: the first page break falls on every row of a kelurahan, its heading too.
    for count in range(19, 28):
        ceremony.expected.set(appointments[:count])
        source = attendance_sheet_pdf(ceremony)
        assert len(pdf.read(source).pages) >= 2
        for number in range(1, len(pdf.read(source).pages) + 1):
            text = pdf.poppler_text(source, page=number)
            rows = [line.strip() for line in text.splitlines() if line.strip() and "Halaman" not in line]
            assert not rows[-1].startswith("Kelurahan "), (count, number, rows[-2:])


def test_a_download_waits_for_the_builder_of_the_bundle_and_serves_its_file(members, settings):
    """The worker that finished the decree builds the print bundle; a download that comes meanwhile waits
    for it (a lock file beside the bundle) instead of writing the same file at the same time."""
    import fcntl
    import threading
    import time
    from pathlib import Path

    from secretariat.services.decree_documents import _decree_folder

    decree = decree_issue(decree_date=SK_DATE)
    for entry in decree.entries.all():
        _document(decree, DocumentKind.PETIKAN, entry.appointment)
    name = _decree_folder(decree).rsplit("/", 1)[1]
    stored = Path(settings.MEDIA_ROOT) / f"documents/bundel-sk/{decree.year}/{name}.pdf"
    stored.parent.mkdir(parents=True, exist_ok=True)
    lock = open(stored.with_name(f".lock-{stored.name}"), "a")  # noqa: SIM115 (released by the thread)
    fcntl.flock(lock, fcntl.LOCK_EX)

    def other_builder():
        time.sleep(0.5)
        stored.write_bytes(b"%PDF-1.7 built by the worker")
        fcntl.flock(lock, fcntl.LOCK_UN)

    builder = threading.Thread(target=other_builder)
    builder.start()
    try:
        assert decree_print_bundle(decree) == b"%PDF-1.7 built by the worker"
    finally:
        builder.join()
        lock.close()
