"""Revocation as legal content: the corrected decree says what it revokes and why; every download of a
revoked document (admin: Keputusan, Petikan, bundle; portal: Petikan) is stamped DICABUT while the stored
file stays byte for byte as issued.

Personas: KPU staff (superuser), a member with a portal account, another member. PDFs are rendered
in-process and read back with pypdf.
"""

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from secretariat.models import DecreeTemplate, Document, DocumentKind, DocumentStatus
from secretariat.services.decree_documents import ORDINALS
from secretariat.services.decrees import decree_issue, decree_revoke, lines
from secretariat.services.document_jobs import document_render_and_store

from . import pdf
from .factories import make_appointment, make_person, office
from .test_decrees import _document, _rendered_text

pytestmark = pytest.mark.django_db

SK_DATE = dt.date(2024, 6, 1)
REVOKED_ON = dt.date(2024, 6, 10)
CITATION = (
    "Keputusan Komisi Pemilihan Umum Kota Balikpapan Nomor 1 Tahun 2024 tentang Penetapan Sekretariat "
    "Panitia Pemungutan Suara dalam Pemilihan Gubernur dan Wakil Gubernur Kalimantan Timur serta Wali Kota "
    "dan Wakil Wali Kota Balikpapan Tahun 2024"
)


@pytest.fixture
def members():
    return [
        make_appointment(person=make_person(name="Rahmat Hidayat"), kelurahan="64.71.01.1001"),
        make_appointment(person=make_person(name="Siti Aminah", gender="P"), kelurahan="64.71.01.1002"),
    ]


@pytest.fixture
def revoked(members):
    """Decree 1, rendered and stored, then revoked for a misspelt name."""
    decree = decree_issue(decree_date=SK_DATE)
    for document in Document.objects.filter(decree=decree):
        document_render_and_store(document.pk)
    decree_revoke(decree=decree, revoked_date=REVOKED_ON, reason="Nama anggota salah tulis.")
    decree.refresh_from_db()
    return decree


# --- the corrected decree's text ---------------------------------------------------------------------


def test_the_corrected_decree_says_it_revokes_the_decree_and_why(revoked, artifacts_dir):
    corrected = decree_issue(decree_date=dt.date(2024, 6, 11))
    assert corrected.number == "NOMOR 2 TAHUN 2024"
    assert list(corrected.revokes.all()) == [revoked]
    keputusan = Document.objects.select_related("decree").get(decree=corrected, kind=DocumentKind.KEPUTUSAN)
    document_render_and_store(keputusan.pk)
    keputusan.refresh_from_db()
    (artifacts_dir / "keputusan-pengganti-sk-dicabut.pdf").write_bytes(Path(keputusan.file.path).read_bytes())
    text = _rendered_text(keputusan)

    template = DecreeTemplate.active(office())
    considerations = text.split("Menimbang", 1)[1].split("Mengingat", 1)[0]
    count = len(lines(template.considerations)) + 1
    revoking_letter = chr(ord("a") + count - 2)  # just before the concluding item
    assert (
        f"{revoking_letter}. bahwa dalam {CITATION} terdapat kekeliruan, yaitu nama anggota salah tulis, "
        "sehingga Keputusan tersebut perlu dicabut dan diganti;" in considerations
    )
    # The concluding item now refers to every item before it.
    letters = ", ".join(f"huruf {chr(ord('a') + i)}" for i in range(count - 2))
    assert f"sebagaimana dimaksud dalam {letters}, dan huruf {revoking_letter}," in considerations

    dictums = text.split("MEMUTUSKAN", 1)[1]
    main_dictums = lines(template.dictums)
    revoking, in_force = ORDINALS[len(main_dictums) - 1], ORDINALS[len(main_dictums)]
    assert (
        f"{revoking} : Dengan berlakunya Keputusan ini, {CITATION} dicabut dan dinyatakan tidak berlaku."
        in dictums
    )
    last = main_dictums[-1].replace("{mulai_tugas}", "26 Mei 2024")  # the term's start, filled on issue
    assert f"{in_force} : {last}" in dictums
    assert "DICABUT" not in text  # the corrected decree itself is in force


def test_a_decree_in_force_revokes_nothing(members):
    decree = decree_issue(decree_date=SK_DATE)
    assert not decree.revokes.exists()
    assert "dicabut" not in _rendered_text(_document(decree))


def test_a_revoked_decree_is_revoked_by_one_corrected_decree_only(revoked):
    second = decree_issue(decree_date=dt.date(2024, 6, 11))
    decree_revoke(decree=second, revoked_date=dt.date(2024, 6, 12), reason="Tanggal salah")
    third = decree_issue(decree_date=dt.date(2024, 6, 13))
    assert list(third.revokes.all()) == [second]
    assert third.text["revokes"] == ["NOMOR 2 TAHUN 2024"]
    text = _rendered_text(_document(third))
    assert "Nomor 2 Tahun 2024 tentang Penetapan" in text and "Nomor 1 Tahun 2024" not in text


def test_the_revoking_wording_is_editable(revoked):
    template = DecreeTemplate.active(office())
    template.revocation_dictum = "Mencabut {keputusan_dicabut} sejak {tanggal_dicabut}."
    template.full_clean()
    template.save()
    corrected = decree_issue(decree_date=dt.date(2024, 6, 11))
    assert f"Mencabut {CITATION} sejak 10 Juni 2024." in _rendered_text(_document(corrected))


def test_the_admin_page_links_the_revoked_and_the_corrected_decree(staff_client, revoked):
    corrected = decree_issue(decree_date=dt.date(2024, 6, 11))
    page = staff_client.get(reverse("admin:secretariat_decree_change", args=[corrected.pk])).content.decode()
    assert "Mencabut" in page and "SK NOMOR 1 TAHUN 2024" in page
    page = staff_client.get(reverse("admin:secretariat_decree_change", args=[revoked.pk])).content.decode()
    assert "Dicabut dengan" in page and "SK NOMOR 2 TAHUN 2024" in page


# --- downloads of a revoked decree's documents -------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stored(document: Document) -> bytes:
    return Path(document.file.path).read_bytes()


def _assert_stamped(served: bytes, stored: bytes) -> None:
    assert _sha(served) != _sha(stored)
    assert len(pdf.read(served).pages) == len(pdf.read(stored).pages)
    text = pdf.text(served)
    assert "DICABUT" not in pdf.text(stored)
    for page in pdf.read(served).pages:  # every page, not only the first
        assert "DICABUT" in (page.extract_text() or "")
    # Not yet revoked by a corrected decree: the date the revocation was recorded.
    assert "DICABUT pada tanggal 10 Juni 2024" in " ".join(text.split())


@pytest.mark.parametrize("kind", [DocumentKind.KEPUTUSAN, DocumentKind.PETIKAN])
def test_staff_downloads_of_a_revoked_document_are_stamped_and_the_stored_file_is_unchanged(
    staff_client, revoked, kind, artifacts_dir
):
    document = Document.objects.filter(decree=revoked, kind=kind).first()
    stored = _stored(document)
    assert _sha(stored) == document.sha256
    url = reverse("admin:secretariat_document_download", args=[document.public_id])
    for query in ("", "?unduh=1"):  # opened in the browser and downloaded
        response = staff_client.get(url + query)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert "DICABUT" in response["Content-Disposition"]
        body = response.getvalue()
        _assert_stamped(body, stored)
    (artifacts_dir / f"{kind}-dicabut-unduhan.pdf").write_bytes(body)
    assert _stored(document) == stored and _sha(_stored(document)) == document.sha256


def test_once_the_corrected_decree_is_issued_the_stamp_names_it_and_its_date(
    staff_client, revoked, artifacts_dir
):
    corrected = decree_issue(decree_date=dt.date(2024, 6, 11))
    assert corrected.number == "NOMOR 2 TAHUN 2024"
    document = Document.objects.get(decree=revoked, kind=DocumentKind.KEPUTUSAN)
    response = staff_client.get(reverse("admin:secretariat_document_download", args=[document.public_id]))
    assert response.status_code == 200
    body = response.getvalue()
    words = " ".join(pdf.text(body).split())
    assert "DICABUT dengan Keputusan Nomor 2 Tahun 2024 tanggal 11 Juni 2024" in words
    assert "DICABUT pada tanggal" not in words
    (artifacts_dir / "keputusan-dicabut-dengan-sk-pengganti.pdf").write_bytes(body)


def test_the_stamp_with_an_old_style_number_and_a_long_date_stays_on_an_a4_page(members):
    """Naming both decrees in one 8 pt line ran past the edge of an A4 page ("tidak berlaku la")."""
    import subprocess
    import tempfile

    from secretariat.services.revocation_stamp import stamp_revoked

    template = DecreeTemplate.active(office())
    template.number_format = "{n}/PP.04.2-Kpt/6471/{yyyy}"
    template.paper = "A4"
    template.save()
    decree = decree_issue(decree_date=SK_DATE)
    for document in Document.objects.filter(decree=decree):
        document_render_and_store(document.pk)
    decree_revoke(decree=decree, revoked_date=dt.date(2024, 9, 29), reason="Nama anggota salah tulis.")
    decree_issue(decree_date=dt.date(2024, 9, 30))
    decree.refresh_from_db()
    stored = _stored(Document.objects.get(decree=decree, kind=DocumentKind.KEPUTUSAN))
    stamped = stamp_revoked(stored, decree=decree)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(stamped)
        handle.flush()
        boxes = subprocess.run(
            ["pdftotext", "-bbox", "-f", "1", "-l", "1", handle.name, "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    assert abs(width - 595.3) < 1  # A4
    words = re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', boxes)
    # The banner: everything above the page's own text, which starts below its 20 mm top margin (57 pt).
    stamp = [(float(left), float(right), word) for left, right, bottom, word in words if float(bottom) < 45]
    notice = ["DICABUT", "dengan", "Keputusan", "Nomor", "2/PP.04.2-Kpt/6471/2024", "tanggal", "30"]
    notice += ["September", "2024"]
    assert [word for _, _, word in stamp] == notice
    assert all(left >= 0 and right <= width for left, right, _ in stamp), stamp


def test_the_print_bundle_of_a_revoked_decree_is_stamped_on_every_page(staff_client, revoked):
    petikan = list(Document.objects.filter(decree=revoked, kind=DocumentKind.PETIKAN).order_by("id"))
    before = {document.pk: _stored(document) for document in petikan}
    response = staff_client.get(reverse("admin:secretariat_decree_bundle", args=[revoked.pk]))
    assert response.status_code == 200
    body = response.getvalue()
    assert len(pdf.read(body).pages) == len(petikan)
    for page in pdf.read(body).pages:
        assert "DICABUT" in page.extract_text()
    for document in petikan:
        assert _stored(document) == before[document.pk] and _sha(before[document.pk]) == document.sha256


def test_downloads_of_a_decree_in_force_are_the_stored_file_itself(staff_client, members):
    decree = decree_issue(decree_date=SK_DATE)
    keputusan = Document.objects.get(decree=decree, kind=DocumentKind.KEPUTUSAN)
    keputusan = document_render_and_store(keputusan.pk)
    response = staff_client.get(reverse("admin:secretariat_document_download", args=[keputusan.public_id]))
    assert _sha(b"".join(response.streaming_content)) == keputusan.sha256


def _member_client(appointment, username) -> Client:
    person = appointment.person
    person.user = get_user_model().objects.create_user(username, password="Sandi-Anggota-Uji-2024")
    person.save()
    client = Client()
    client.force_login(person.user)
    return client


def test_a_member_downloading_the_petikan_of_a_revoked_decree_gets_it_stamped(revoked, members):
    rahmat, siti = members
    document = Document.objects.get(decree=revoked, kind=DocumentKind.PETIKAN, appointment=rahmat)
    stored = _stored(document)
    response = _member_client(rahmat, "manggar.sekretaris").get(f"/dokumen/{document.public_id}/")
    assert response.status_code == 200
    _assert_stamped(response.getvalue(), stored)
    assert _sha(_stored(document)) == document.sha256 == _sha(stored)
    # Another member still gets nothing of it.
    other = _member_client(siti, "lamaru.sekretaris").get(f"/dokumen/{document.public_id}/")
    assert other.status_code == 404


def test_a_document_rendered_again_after_the_revocation_is_stored_as_issued(members):
    """A Petikan that failed before the revocation and is retried after it: its stored file carries no
    stamp (the stamp is for downloads), and its download does."""
    decree = decree_issue(decree_date=SK_DATE)
    decree_revoke(decree=decree, revoked_date=REVOKED_ON, reason="Salah nama")
    document = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).first()
    document = document_render_and_store(document.pk)
    assert document.status == DocumentStatus.DONE
    assert "DICABUT" not in pdf.text(_stored(document))


def test_a_revoked_paw_decree_is_corrected_by_a_paw_decree_that_revokes_it(members):
    from secretariat.models import DecreeKind
    from secretariat.services.appointments import appointment_replace

    first = decree_issue(decree_date=SK_DATE)
    appointment_replace(
        appointment=members[1],
        replacement=make_person(name="Dewi Lestari", gender="P"),
        end_date=dt.date(2024, 7, 1),
        reason="meninggal",
        lurah_decree_number="100/9/KEL-LMR",
        lurah_decree_date=dt.date(2024, 6, 28),
    )
    paw = decree_issue(decree_date=dt.date(2024, 7, 5))
    decree_revoke(decree=paw, revoked_date=dt.date(2024, 7, 8), reason="Nomor Keputusan Lurah salah")
    corrected = decree_issue(decree_date=dt.date(2024, 7, 9))
    assert corrected.kind == DecreeKind.REPLACEMENT
    assert list(corrected.revokes.all()) == [paw] and first not in corrected.revokes.all()
    text = _rendered_text(_document(corrected))
    assert "TENTANG PENGGANTIAN ANTARWAKTU" in text and "karena meninggal dunia" in text
    assert (
        "Keputusan Komisi Pemilihan Umum Kota Balikpapan Nomor 2 Tahun 2024 tentang Penggantian Antarwaktu "
        "Sekretariat Panitia Pemungutan Suara" in text
    )
    assert "yaitu nomor Keputusan Lurah salah" in text and "dicabut dan dinyatakan tidak berlaku" in text
