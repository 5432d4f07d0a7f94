"""Issue #16 points 1 and 2: a QR code and check code on every document, and the public check page.

Documents are rendered and stored by the same function the worker runs (`document_render_and_store`);
tests/test_verification_worker.py goes through a real Celery worker. QR codes are read back from the
rasterised page with zbar, as a phone reads the paper.
"""

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
import zxingcpp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from integrity.models import Pact
from integrity.services.pacts import pacts_generate
from pps_admin.apps import site_url_check
from secretariat import identity
from secretariat.check_code import ALPHABET, grouped, new_check_code, parse_check_code
from secretariat.models import DecreeTemplate, Document, DocumentKind
from secretariat.services.decrees import decree_issue, decree_revoke
from secretariat.services.document_jobs import document_render_and_store
from secretariat.services.verification import QR_BORDER, QR_MODULE_PX, document_stamp

from . import pdf
from .factories import make_appointment, make_person, office
from .verification_helpers import forget_rate_limit, qr_codes

SK_DATE = dt.date(2024, 6, 1)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    forget_rate_limit()
    yield
    forget_rate_limit()


@pytest.fixture
def members(db):
    sekretaris = make_appointment(
        person=make_person(name="Hendra Saputra", asn=True), kelurahan="64.71.01.1001"
    )
    bendahara = make_appointment(person=make_person(name="Siti Aminah", gender="P"), role="bendahara")
    return sekretaris, bendahara


def _stored(decree, kind, appointment=None) -> Document:
    documents = Document.objects.filter(decree=decree, kind=kind)
    if appointment is not None:
        documents = documents.filter(appointment=appointment)
    document = document_render_and_store(documents.get().pk)
    assert document.status == "done", document.error
    return document


def _path(document) -> str:
    return f"/cek/{grouped(document.check_code)}/"


def _upload(client, path, data, name="dokumen.pdf"):
    return client.post(path, {"berkas": SimpleUploadedFile(name, data, content_type="application/pdf")})


def _personal_numbers(person) -> list[str]:
    numbers = [person.nik, identity.mask_nik(person.nik)]
    if person.nip:
        numbers += [person.nip, identity.mask_nip(person.nip)]
    return numbers


# --- check codes -----------------------------------------------------------------------------------


def test_a_check_code_is_12_crockford_characters_shown_in_groups_and_read_back_as_people_type_it():
    code = new_check_code()
    assert len(code) == 12 and set(code) <= set(ALPHABET)
    assert not set(code) & set("ILOU")
    shown = grouped(code)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", shown)
    assert parse_check_code(shown) == code
    assert parse_check_code(shown.lower().replace("-", " ")) == code
    assert parse_check_code("K7QM-3XPA-9DTO") == "K7QM3XPA9DT0"  # O typed for 0
    assert parse_check_code("1lI1-0000-0000") == "111100000000"
    for bad in ["", "K7QM-3XPA", "K7QM-3XPA-9DTR-X", "K7QM-3XPA-9DT!", "U7QM3XPA9DTR", "x" * 1000]:
        assert parse_check_code(bad) is None


def test_every_document_row_gets_its_own_code_when_it_is_created_before_anything_is_rendered(members):
    decree = decree_issue(decree_date=SK_DATE)
    pacts_generate()
    documents = list(Document.objects.all())
    assert len(documents) == 6  # Keputusan, SALINAN, 2 Petikan, 2 pacts
    assert all(d.status == "pending" and len(d.check_code) == 12 for d in documents)
    assert len({d.check_code for d in documents}) == len(documents)
    assert decree.documents.count() == 4


# --- what is printed -------------------------------------------------------------------------------


def test_every_page_of_every_kind_carries_the_qr_code_of_its_check_address_and_the_code_in_words(members):
    decree = decree_issue(decree_date=SK_DATE)
    pacts_generate()
    documents = [
        _stored(decree, DocumentKind.KEPUTUSAN),
        _stored(decree, DocumentKind.SALINAN),
        *(_stored(decree, DocumentKind.PETIKAN, a) for a in members),
        *(document_render_and_store(p.document_id) for p in Pact.objects.all()),
    ]
    for document in documents:
        url = f"{settings.SITE_URL}{_path(document)}"
        for page in range(1, document.pages + 1):
            assert qr_codes(document.file.path, page=page) == [url], (document.kind, page)
            words = " ".join(pdf.poppler_text(document.file.path, page=page, layout=False).split())
            assert f"Kode cek dokumen: {grouped(document.check_code)}" in words
            assert url in words
    petikan = [d for d in documents if d.kind == DocumentKind.PETIKAN]
    pacts = [d for d in documents if d.kind == DocumentKind.PAKTA]
    assert all(d.pages == 1 for d in petikan + pacts)  # the check block takes no room from the sheet


def test_the_qr_code_is_one_sharp_black_and_white_image_a_pdf_shows_on_every_page(members):
    """Embedded once and drawn on each page (not painted again per page as an SVG was), 8 pixels a
    module so that viewers which smooth images keep its modules sharp, never interpolated (PDF/A)."""
    decree = decree_issue(decree_date=SK_DATE)
    keputusan = _stored(decree, DocumentKind.KEPUTUSAN)
    reader = pdf.read(keputusan.file.path)
    assert len(reader.pages) > 1
    shown = set()
    for page in reader.pages:
        xobjects = page["/Resources"]["/XObject"]
        (name,) = [name for name, ref in xobjects.items() if pdf.is_check_qr(ref.get_object())]
        shown.add(xobjects.raw_get(name).idnum)
    assert len(shown) == 1  # one image object for every page
    (image,) = pdf.page_images(reader.pages[0])
    assert not pdf.interpolated(image)
    modules = verification_qr_size(f"{settings.SITE_URL}{_path(keputusan)}")
    assert image["/Width"] == image["/Height"] == modules * QR_MODULE_PX
    picture = reader.pages[0].images[0].image
    assert {value for _, value in picture.getcolors()} == {0, 255}  # black and white, no grey edge


def verification_qr_size(payload: str) -> int:
    """Modules across the QR code of `payload` with its quiet zone (a version-v symbol is 17 + 4v
    modules: version 4, 33, for a production check address)."""
    symbol = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    return memoryview(symbol.to_image(scale=1, add_quiet_zones=False)).shape[0] + 2 * QR_BORDER


def test_the_qr_code_holds_the_address_and_nothing_personal(members):
    decree = decree_issue(decree_date=SK_DATE)
    document = _stored(decree, DocumentKind.PETIKAN, members[0])
    (payload,) = qr_codes(document.file.path)
    assert payload == f"{settings.SITE_URL}/cek/{grouped(document.check_code)}/"
    person = members[0].person
    for value in [*_personal_numbers(person), person.name, "Hendra", decree.number, "1"]:
        assert value not in payload.replace(settings.SITE_URL, "").replace(grouped(document.check_code), "")


def test_the_print_bundle_lays_out_each_petikan_with_its_own_check_block(members):
    from secretariat.services.decree_documents import decree_print_bundle

    decree = decree_issue(decree_date=SK_DATE)
    stored = [_stored(decree, DocumentKind.PETIKAN, a) for a in members]
    bundle = decree_print_bundle(decree)
    codes = [qr_codes(bundle, page=page) for page in (1, 2)]
    expected = sorted([[f"{settings.SITE_URL}{_path(d)}"] for d in stored])
    assert sorted(codes) == expected


def test_without_site_url_documents_carry_the_code_alone_and_the_check_warns(members, settings):
    settings.SITE_URL = ""
    assert [w.id for w in site_url_check(None)] == ["pps_admin.W004"]
    decree = decree_issue(decree_date=SK_DATE)
    document = _stored(decree, DocumentKind.PETIKAN, members[0])
    stamp = document_stamp(document)
    assert stamp["url"] == ""
    assert qr_codes(document.file.path) == [grouped(document.check_code)]
    settings.SITE_URL = "https://pps.kpu-balikpapan.go.id"  # the settings fixture restores it afterwards
    assert site_url_check(None) == []


def test_the_check_block_names_the_seal_honestly(members):
    """The suite seals with a local, uncertified seal (conftest's local_seal): the printed block says so."""
    decree = decree_issue(decree_date=SK_DATE)
    document = _stored(decree, DocumentKind.PETIKAN, members[0])
    printed = " ".join(pdf.poppler_text(document.file.path, layout=False).split())
    assert "Ditandatangani secara elektronik oleh KPU Kota Balikpapan" in printed
    assert "segel elektronik tidak tersertifikasi (PP 71/2019)" in printed
    assert "tersertifikasi (BSrE)" not in printed


@pytest.mark.parametrize("value", [5, 17])
def test_a_bottom_margin_too_small_for_the_check_block_is_refused(db, value):
    template = DecreeTemplate.active(office())
    template.margin_bottom_mm = value
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert "kode QR" in " ".join(caught.value.message_dict["margin_bottom_mm"])


# --- the check page --------------------------------------------------------------------------------


def test_the_check_page_shows_kind_number_date_member_status_and_the_stored_files_hash(members, client):
    decree = decree_issue(decree_date=SK_DATE)
    document = _stored(decree, DocumentKind.PETIKAN, members[0])
    response = client.get(_path(document))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Petikan Keputusan" in page and "1 Juni 2024" in page
    # The number as issued, as the Petikan's own heading and title print it: never re-cased.
    assert decree.number == "NOMOR 1 TAHUN 2024"
    assert '<dd id="number">NOMOR 1 TAHUN 2024</dd>' in page
    assert "<title>Petikan Keputusan NOMOR 1 TAHUN 2024" in page and "Nomor 1 TAHUN" not in page
    assert "Hendra Saputra" in page and "Sekretaris PPS Kelurahan Manggar" in page
    assert 'id="status">Berlaku<' in page
    stored_hash = hashlib.sha256(Path(document.file.path).read_bytes()).hexdigest()
    assert re.search(r'id="sha256">([0-9a-f]{64})<', page).group(1) == stored_hash == document.sha256
    assert "KOMISI PEMILIHAN UMUM" in page and "KOTA BALIKPAPAN" in page  # the letterhead


def test_no_nik_or_nip_appears_on_the_check_page_of_a_petikan_a_pact_or_the_keputusan(members, client):
    decree = decree_issue(decree_date=SK_DATE)
    pacts_generate()
    documents = [
        _stored(decree, DocumentKind.KEPUTUSAN),
        *(_stored(decree, DocumentKind.PETIKAN, a) for a in members),
        *(document_render_and_store(p.document_id) for p in Pact.objects.all()),
    ]
    forbidden = [n for a in members for n in _personal_numbers(a.person)]
    assert any(len(n) == 18 for n in forbidden)  # the ASN sekretaris has a NIP to leak
    for document in documents:
        page = client.get(_path(document)).content.decode()
        for number in forbidden:
            assert number not in page, (document.kind, number)
        assert "NIK" not in page and "NIP" not in page


def test_the_pact_page_names_the_member_role_and_ceremony_date(members, client):
    pacts_generate()
    pact = Pact.objects.select_related("document", "ceremony").get(appointment=members[1])
    document = document_render_and_store(pact.document_id)
    page = client.get(_path(document)).content.decode()
    assert "Pakta Integritas" in page and "Siti Aminah" in page and "Bendahara Sekretariat PPS" in page
    assert "1 Juni 2024" in page


def test_the_issued_file_is_reported_identical_and_a_copy_altered_by_one_byte_is_not(members, client):
    decree = decree_issue(decree_date=SK_DATE)
    document = _stored(decree, DocumentKind.KEPUTUSAN)
    data = Path(document.file.path).read_bytes()
    same = _upload(client, _path(document), data).content.decode()
    assert "sama persis (bita demi bita)" in same and "alert-success" in same
    altered = bytearray(data)
    altered[len(altered) // 2] ^= 0x01
    changed = _upload(client, _path(document), bytes(altered)).content.decode()
    assert "TIDAK sama" in changed and "alert-danger" in changed
    # The other page: any file, without a code.
    assert "sama persis dengan dokumen yang diterbitkan" in _upload(client, "/cek/", data).content.decode()
    assert "TIDAK sama dengan dokumen mana pun" in _upload(client, "/cek/", bytes(altered)).content.decode()


def test_another_issued_documents_file_uploaded_on_this_code_is_named_as_that_document(members, client):
    decree = decree_issue(decree_date=SK_DATE)
    first, second = (_stored(decree, DocumentKind.PETIKAN, a) for a in members)
    page = _upload(client, _path(first), Path(second.file.path).read_bytes()).content.decode()
    assert "dokumen lain yang diterbitkan" in page and f'href="{_path(second)}"' in page


def test_a_revoked_decree_shows_dicabut_with_its_date_reason_and_the_decree_that_replaced_it(members, client):
    decree = decree_issue(decree_date=SK_DATE)
    document = _stored(decree, DocumentKind.PETIKAN, members[0])
    decree_revoke(decree=decree, revoked_date=dt.date(2024, 6, 10), reason="Nama anggota salah tulis.")
    page = client.get(_path(document)).content.decode()
    assert 'id="status">Dicabut<' in page
    assert "Dicabut pada tanggal 10 Juni 2024." in page and "Nama anggota salah tulis." in page
    assert "Diganti dengan" not in page
    decree_issue(decree_date=dt.date(2024, 6, 11))
    page = client.get(_path(document)).content.decode()
    assert "Diganti dengan Keputusan NOMOR 2 TAHUN 2024 tanggal 11 Juni 2024." in page
    assert "Nomor 2 TAHUN" not in page
    assert "diberi cap DICABUT" in page  # why a copy downloaded now differs from the issued file


def test_a_document_not_yet_rendered_is_said_to_be_not_issued_with_no_hash_and_no_upload(members, client):
    decree = decree_issue(decree_date=SK_DATE)
    document = Document.objects.get(decree=decree, kind=DocumentKind.KEPUTUSAN)
    page = client.get(_path(document)).content.decode()
    assert 'id="status">Belum diterbitkan<' in page and "belum selesai dibuat" in page
    assert 'id="sha256"' not in page and 'name="berkas"' not in page


@pytest.mark.parametrize("status", ["pending", "running", "failed"])
def test_a_petikan_or_pact_not_issued_names_nobody_on_its_check_page(members, client, status):
    """A check code is printed only on an issued document, but a pending or failed one has a code too:
    its page says it is not issued and names no member, role or kelurahan."""
    decree = decree_issue(decree_date=SK_DATE)
    pacts_generate()
    documents = [
        Document.objects.get(decree=decree, kind=DocumentKind.PETIKAN, appointment=members[0]),
        Pact.objects.get(appointment=members[1]).document,
    ]
    for document in documents:
        Document.objects.filter(pk=document.pk).update(status=status, error="uji")
        page = client.get(_path(document)).content.decode()
        assert 'id="status">Belum diterbitkan<' in page, document.kind
        for personal in ("Hendra Saputra", "Siti Aminah", "Sekretaris", "Bendahara", "Manggar", "Nama"):
            assert personal not in page, (document.kind, personal)


def test_unknown_and_malformed_codes_get_the_same_plain_404(members, client):
    decree = decree_issue(decree_date=SK_DATE)
    known = Document.objects.filter(decree=decree).first()
    unknown = [c for c in (new_check_code() for _ in range(5)) if c != known.check_code][:2]
    responses = [client.get(f"/cek/{grouped(code)}/") for code in unknown]
    responses += [client.get("/cek/bukan-kode/"), client.get("/cek/" + "A" * 200 + "/")]
    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1
    assert "Halaman tidak ditemukan" in responses[0].content.decode()
    assert grouped(unknown[0]) not in responses[0].content.decode()


def test_a_typed_code_leads_to_its_page_and_a_malformed_one_is_explained(members, client):
    decree = decree_issue(decree_date=SK_DATE)
    document = Document.objects.filter(decree=decree).first()
    typed = grouped(document.check_code).lower().replace("-", "")
    response = client.get("/cek/", {"kode": typed})
    assert response.status_code == 302 and response["Location"] == _path(document)
    page = client.get("/cek/", {"kode": "12345"}).content.decode()
    assert "Kode cek terdiri atas 12 huruf dan angka" in page


def test_the_check_page_sets_no_cookie_and_asks_not_to_be_indexed(members, client):
    decree = decree_issue(decree_date=SK_DATE)
    document = _stored(decree, DocumentKind.KEPUTUSAN)
    for response in [
        client.get(_path(document)),
        _upload(client, _path(document), b"%PDF-1.7 bukan dokumen"),
        client.get("/cek/"),
        client.get("/cek/ZZZZ-ZZZZ-ZZZZ/"),
    ]:
        assert "Set-Cookie" not in response.headers, response.headers
        assert not response.cookies
    response = client.get(_path(document))
    assert response["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex' in response.content.decode()


def test_past_the_rate_limit_a_client_gets_429_with_an_indonesian_page(members, client, settings):
    settings.CHECK_RATE_LIMIT = 3
    decree = decree_issue(decree_date=SK_DATE)
    path = _path(Document.objects.filter(decree=decree).first())
    statuses = [client.get(path).status_code for _ in range(3)]
    statuses += [client.get("/cek/ZZZZ-ZZZZ-ZZZZ/").status_code]  # unknown codes count too
    assert statuses == [200, 200, 200, 429]
    limited = client.get(path)
    assert limited.status_code == 429 and "Terlalu banyak permintaan" in limited.content.decode()
    # Another client address is counted on its own.
    assert client.get(path, REMOTE_ADDR="192.0.2.7").status_code == 200
    forget_rate_limit()
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "data, name, expected",
    [
        (b"GIF89a not a pdf", "foto.pdf", "Berkas ini bukan PDF"),
        (b"", "kosong.pdf", "Berkas yang diunggah kosong"),
        (b"%PDF-1.7" + b"0" * 3000, "besar.pdf", "Berkas terlalu besar: paling besar 2,0"),
    ],
)
def test_upload_errors_are_clear_indonesian_messages(members, client, settings, data, name, expected):
    settings.CHECK_UPLOAD_MAX_BYTES = 2048
    decree = decree_issue(decree_date=SK_DATE)
    document = _stored(decree, DocumentKind.PETIKAN, members[0])
    for path in (_path(document), "/cek/"):
        response = _upload(client, path, data, name)
        page = response.content.decode()
        assert response.status_code == 200
        assert expected in page and "is-invalid" in page
        assert "alert-success" not in page


def test_an_upload_with_no_file_or_far_too_large_is_refused_before_it_is_read(members, client, settings):
    settings.CHECK_UPLOAD_MAX_BYTES = 1024
    decree = decree_issue(decree_date=SK_DATE)
    document = _stored(decree, DocumentKind.PETIKAN, members[0])
    assert "Pilih berkas PDF yang ingin diperiksa." in client.post(_path(document), {}).content.decode()
    huge = _upload(client, _path(document), b"%PDF-" + b"0" * 200_000).content.decode()
    assert "Berkas terlalu besar" in huge


def test_the_attendance_sheet_is_a_record_with_its_check_code_and_unchanged_content_issues_nothing_new(
    members, client
):
    from integrity.models import AttendanceSheet, Ceremony
    from integrity.services.documents import attendance_sheet_document

    ceremony = Ceremony.objects.get()
    first = attendance_sheet_document(ceremony)
    assert first.status == "done" and first.kind == DocumentKind.DAFTAR_HADIR
    url = f"{settings.SITE_URL}{_path(first)}"
    assert all(qr_codes(first.file.path, page=p) == [url] for p in range(1, first.pages + 1))
    assert attendance_sheet_document(ceremony).pk == first.pk  # printed again: the same record
    page = client.get(_path(first)).content.decode()
    assert "Daftar Hadir" in page and ceremony.name in page and first.sha256 in page
    members[1].person.name = "Siti Aminah Putri"
    members[1].person.save()
    second = attendance_sheet_document(ceremony)  # who it lists changed: a new record, the first kept
    assert second.pk != first.pk and second.check_code != first.check_code
    assert AttendanceSheet.objects.count() == 2 and Path(first.file.path).is_file()
    assert "Siti Aminah Putri" in pdf.flat(second.file.path)
