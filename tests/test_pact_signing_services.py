"""Recording one pact's signature and the pact print bundle, services level: their refusals, and that a
refused step stores nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from integrity.models import Ceremony, Pact, PactStatus
from integrity.services.pacts import (
    BundleCounts,
    pact_bundle_counts,
    pact_bundle_print,
    pact_signature_record,
    pacts_generate,
    signing_defaults,
)
from secretariat.models.appointment import roster_order
from secretariat.services.document_jobs import document_render_and_store

from . import pdf
from .factories import make_appointment, make_person, office
from .test_pacts import minimal_pdf, private_files, upload

pytestmark = pytest.mark.django_db

CEREMONY_DAY = dt.date(2024, 6, 1)
NOVOTEL = "Hotel Novotel Balikpapan"
NOTHING_TO_PRINT = "Belum ada PDF pakta yang selesai dibuat."


@pytest.fixture
def pacts(db) -> list[Pact]:
    """Two members of Manggar (sekretaris, bendahara) with their pacts; no PDF made yet."""
    for name, role in (("Rahmat Sekretaris", "sekretaris"), ("Dewi Bendahara", "bendahara")):
        make_appointment(person=make_person(name=name), role=role)
    pacts_generate()
    return list(Pact.objects.select_related("appointment__person").order_by(*roster_order("appointment__")))


@pytest.fixture
def pact(pacts) -> Pact:
    return pacts[0]


def stored(pact: Pact) -> tuple:
    pact.refresh_from_db()
    return pact.status, pact.signed_date, pact.signed_place, pact.scan.name or "", pact.history.count()


def test_signing_defaults_are_the_ceremonys_date_and_place_or_none():
    ceremony = Ceremony(date=CEREMONY_DAY, place=NOVOTEL)
    assert signing_defaults(ceremony) == {"signed_date": CEREMONY_DAY, "signed_place": NOVOTEL}
    assert signing_defaults(None) == {}


def test_recording_neither_a_signature_nor_a_scan_is_refused(pact, staff_user):
    before = stored(pact)
    with pytest.raises(ValidationError) as raised:
        pact_signature_record(pact=pact, user=staff_user)
    assert raised.value.messages == ["Isi tanggal dan tempat penandatanganan, atau unggah pindaian pakta."]
    assert stored(pact) == before


def test_a_signature_with_a_refused_scan_stores_neither(pact, staff_user):
    before, files = stored(pact), private_files()
    with pytest.raises(ValidationError):
        pact_signature_record(
            pact=pact,
            signed_date=CEREMONY_DAY,
            signed_place=NOVOTEL,
            scan=upload("pakta.pdf", b"bukan pdf"),
            user=staff_user,
        )
    assert stored(pact) == before and private_files() == files


def test_a_signature_without_a_place_is_refused(pact, staff_user):
    before = stored(pact)
    with pytest.raises(ValidationError) as raised:
        pact_signature_record(pact=pact, signed_date=CEREMONY_DAY, signed_place=" ", user=staff_user)
    assert raised.value.messages == ["Tempat penandatanganan wajib diisi."]
    assert stored(pact) == before


def test_a_signature_and_its_scan_are_recorded_together(pact, staff_user):
    recorded = pact_signature_record(
        pact=pact,
        signed_date=CEREMONY_DAY,
        signed_place=NOVOTEL,
        scan=upload("pakta.pdf", minimal_pdf()),
        user=staff_user,
    )
    status, signed_date, signed_place, scan, _ = stored(recorded)
    assert (status, signed_date, signed_place) == (PactStatus.SIGNED, CEREMONY_DAY, NOVOTEL)
    assert scan.endswith(".pdf") and recorded.scan_sha256


def test_the_print_bundle_is_refused_while_no_pdf_is_made_and_marks_nothing(pacts, staff_user):
    for refused in (
        lambda: pact_bundle_counts(office=office()),
        lambda: pact_bundle_print(office=office(), mark_printed=True, user=staff_user),
    ):
        with pytest.raises(ValidationError) as raised:
            refused()
        assert raised.value.messages == [NOTHING_TO_PRINT]
    assert set(Pact.objects.values_list("status", flat=True)) == {PactStatus.NOT_PRINTED}


def test_the_print_bundle_holds_and_marks_only_the_pacts_whose_pdf_is_made(pacts, staff_user):
    made, waiting = pacts
    document_render_and_store(made.document_id)
    assert pact_bundle_counts(office=office()) == BundleCounts(ready=1, waiting=1, to_mark=1)

    unmarked = pact_bundle_print(office=office(), mark_printed=False, user=staff_user)
    assert len(pdf.read(unmarked).pages) == 1
    assert pact_bundle_counts(office=office()).to_mark == 1

    marked = pact_bundle_print(office=office(), mark_printed=True, user=staff_user)
    assert "Rahmat Sekretaris" in pdf.flat(marked) and "Dewi Bendahara" not in pdf.flat(marked)
    assert stored(made)[0] == PactStatus.PRINTED and stored(waiting)[0] == PactStatus.NOT_PRINTED
    assert pact_bundle_counts(office=office()).to_mark == 0


def test_the_print_bundle_carries_no_broken_seal_and_names_itself(pacts, staff_user, tmp_path):
    """Each stored pact is sealed; the seals copied into the bundle all read "Digest Mismatch" in a PDF
    reader (a signature covers its own file's bytes): the print copy leaves them out and says what it is."""
    import subprocess

    from pyhanko.pdf_utils.reader import PdfFileReader

    for pact in pacts:
        document_render_and_store(pact.document_id)
    stored_file = Pact.objects.get(pk=pacts[0].pk).document.file.path
    with open(stored_file, "rb") as handle:
        assert len(PdfFileReader(handle).embedded_signatures) == 1  # the record is sealed
    bundle = pact_bundle_print(office=office(), mark_printed=False, user=staff_user)
    assert len(pdf.read(bundle).pages) == 2
    path = tmp_path / "bundel.pdf"
    path.write_bytes(bundle)
    with open(path, "rb") as handle:
        assert PdfFileReader(handle).embedded_signatures == []
    assert b"/ByteRange" not in bundle  # nor the signatures' own objects, left behind unreferenced
    pdfsig = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert "Digest Mismatch" not in pdfsig.stdout + pdfsig.stderr
    assert "does not contain any signatures" in pdfsig.stdout + pdfsig.stderr
    metadata = pdf.read(bundle).metadata
    assert metadata["/Title"] == "Bundel Cetak Pakta Integritas Sekretariat PPS KPU Kota Balikpapan"
    assert metadata["/Author"] and "untuk dicetak" in metadata["/Subject"]
    assert "Rahmat Sekretaris" in pdf.flat(bundle) and "Dewi Bendahara" in pdf.flat(bundle)
