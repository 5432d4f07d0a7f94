"""The local PKCS#12 seal: documents made by the real worker are PAdES-signed before they are stored;
pyHanko's validator and poppler's pdfsig accept them and reject a copy changed by one byte; the stored
hash is the signed file's; the document still reads as before. Plus the configuration around it:
`create_local_seal`, the system check, `seal_note`, SIGNER=none and an unreachable timestamp server."""

import datetime as dt
import hashlib
import io
import stat
import subprocess
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import call_command
from django.urls import reverse

from pps_admin.signing import get_signer, seal_note
from pps_admin.signing.blocking import call_blocking
from pps_admin.signing.checks import signing_check
from secretariat.models import Document, DocumentKind, DocumentStatus
from secretariat.services.decrees import decree_issue
from secretariat.services.document_jobs import document_render_and_store

from . import pdf
from .conftest import wait_for_job
from .factories import make_appointment, make_person

SK_DATE = dt.date(2024, 6, 1)


@pytest.fixture
def members():
    return [
        make_appointment(person=make_person(name="Rahmat Hidayat"), kelurahan="64.71.01.1001"),
        make_appointment(person=make_person(name="Siti Aminah", gender="P"), kelurahan="64.71.01.1002"),
    ]


def _ca(local_seal):
    from pyhanko.keys import load_cert_from_pemder

    return load_cert_from_pemder(str(local_seal.ca_path))


def _pyhanko_status(data: bytes, ca):
    """pyHanko's own validator, used directly (not through pps_admin.signing) to judge our output."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    [signature] = PdfFileReader(io.BytesIO(data), strict=False).embedded_regular_signatures
    return call_blocking(validate_pdf_signature, signature, ValidationContext(trust_roots=[ca]))


def _one_byte_changed(data: bytes) -> bytes:
    """A copy with one byte of the signed revision flipped (halfway through what the signature covers)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    [signature] = PdfFileReader(io.BytesIO(data), strict=False).embedded_regular_signatures
    start, length = signature.byte_range[0], signature.byte_range[1]
    tampered = bytearray(data)
    tampered[start + length // 2] ^= 0x01
    return bytes(tampered)


def _pdfsig(data: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout


@pytest.mark.usefixtures("committed_db")
def test_the_worker_seals_every_document_and_validators_accept_it_and_reject_a_changed_copy(
    celery_worker, members, local_seal, tmp_path, staff_client
):
    decree = decree_issue(decree_date=SK_DATE)
    job = wait_for_job(decree.jobs.get())
    assert job.status == "done", job.progress()
    ca = _ca(local_seal)
    documents = list(Document.objects.filter(decree=decree).select_related("appointment__person"))
    assert len(documents) == 4
    for document in documents:
        data = Path(document.file.path).read_bytes()
        # The record is the signed file: its hash and size are of the bytes on disk.
        assert document.sha256 == hashlib.sha256(data).hexdigest() and document.size == len(data)
        assert document.signed_by == "KPU Kota Balikpapan" and not document.signature_certified
        assert document.signed_at is not None

        status = _pyhanko_status(data, ca)
        assert status.bottom_line and status.intact and status.valid and status.trusted
        assert status.signing_cert.subject.native["common_name"] == "Segel lokal TIDAK TERSERTIFIKASI"
        tampered = _pyhanko_status(_one_byte_changed(data), ca)
        assert not tampered.intact and not tampered.bottom_line

        report = _pdfsig(data, tmp_path, f"{document.pk}.pdf")
        assert "Signature Validation: Signature is Valid." in report, report
        assert "Segel lokal TIDAK TERSERTIFIKASI" in report
        changed = _pdfsig(_one_byte_changed(data), tmp_path, f"{document.pk}-changed.pdf")
        assert "Signature is Valid." not in changed, changed

    # The signed documents still read as they did.
    keputusan = next(d for d in documents if d.kind == DocumentKind.KEPUTUSAN)
    text = pdf.flat(keputusan.file.path)
    assert "KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN" in text and "Rahmat Hidayat" in text
    assert all(pdf.is_size(size, pdf.F4_POINTS) for size in pdf.page_sizes(keputusan.file.path))
    for petikan in (d for d in documents if d.kind == DocumentKind.PETIKAN):
        sizes = pdf.page_sizes(petikan.file.path)
        assert len(sizes) == 1 and pdf.is_size(sizes[0], pdf.F4_POINTS) and petikan.pages == 1
        assert petikan.appointment.person.name in " ".join(pdf.poppler_text(petikan.file.path).split())

    page = staff_client.get(reverse("admin:secretariat_decree_change", args=[decree.pk])).content.decode()
    assert page.count("KPU Kota Balikpapan,") >= 4 and "tidak tersertifikasi" in page


@pytest.mark.django_db
def test_with_signing_off_the_document_is_stored_unsigned(settings, members):
    settings.SIGNER = "none"
    decree = decree_issue(decree_date=SK_DATE)
    document = document_render_and_store(Document.objects.get(decree=decree, kind=DocumentKind.KEPUTUSAN).pk)
    assert document.status == DocumentStatus.DONE
    assert document.signed_by == "" and document.signed_at is None
    assert b"/ByteRange" not in Path(document.file.path).read_bytes()
    assert seal_note(get_signer()) == ""


@pytest.mark.django_db
def test_an_unreachable_timestamp_server_fails_the_document_with_its_reason_and_stores_nothing(
    settings, members
):
    settings.SEAL_TSA_URL = "http://127.0.0.1:9/tsa"  # the discard port: nothing answers
    decree = decree_issue(decree_date=SK_DATE)
    pk = Document.objects.get(decree=decree, kind=DocumentKind.KEPUTUSAN).pk
    with pytest.raises(Exception, match="cap waktu"):
        document_render_and_store(pk)
    document = Document.objects.get(pk=pk)
    assert document.status == DocumentStatus.FAILED and not document.file and not document.sha256
    assert document.error.startswith("Server cap waktu (SEAL_TSA_URL)")


@pytest.mark.django_db
def test_a_seal_that_cannot_be_opened_fails_the_document_with_its_reason(settings, members):
    settings.SEAL_PKCS12_PASSPHRASE = "bukan-passphrase-nya"
    decree = decree_issue(decree_date=SK_DATE)
    pk = Document.objects.get(decree=decree, kind=DocumentKind.KEPUTUSAN).pk
    with pytest.raises(Exception, match="tidak dapat dibuka"):
        document_render_and_store(pk)
    document = Document.objects.get(pk=pk)
    assert document.status == DocumentStatus.FAILED and not document.file
    assert document.error.startswith("Segel elektronik (SEAL_PKCS12_PATH) tidak dapat dibuka")
    assert "bukan-passphrase-nya" not in document.error


@pytest.fixture
def tsa():
    from .tsa_standin import TsaStandin

    server = TsaStandin()
    yield server
    server.stop()


@pytest.mark.django_db
def test_with_a_timestamp_authority_the_seal_carries_its_rfc3161_timestamp(
    settings, members, local_seal, tsa
):
    settings.SEAL_TSA_URL = tsa.url
    decree = decree_issue(decree_date=SK_DATE)
    first, second = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).order_by("id")
    document = document_render_and_store(first.pk)
    # pyHanko asks once for a sample token to size the signature (kept per process), then once a document.
    assert document.status == DocumentStatus.DONE and tsa.requests == 2
    assert document_render_and_store(second.pk).status == DocumentStatus.DONE and tsa.requests == 3
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    data = Path(document.file.path).read_bytes()
    [signature] = PdfFileReader(io.BytesIO(data), strict=False).embedded_regular_signatures
    status = call_blocking(
        validate_pdf_signature, signature, ValidationContext(trust_roots=[_ca(local_seal), tsa.ca])
    )
    assert status.bottom_line
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted


def test_seal_note_says_honestly_whether_the_signature_is_certified(settings):
    assert seal_note(get_signer()) == (
        "Ditandatangani secara elektronik oleh KPU Kota Balikpapan dengan segel elektronik tidak "
        "tersertifikasi (PP 71/2019)"
    )
    settings.SIGNER, settings.BSRE_URL, settings.BSRE_NIK = "bsre", "http://127.0.0.1:9", "6471010101800001"
    settings.BSRE_SIGNER_NAME = "Ketua KPU Kota Balikpapan"
    assert seal_note(get_signer()) == (
        "Ditandatangani secara elektronik oleh Ketua KPU Kota Balikpapan dengan sertifikat elektronik "
        "BSrE (tersertifikasi)"
    )


def test_create_local_seal_makes_a_seal_marked_not_certified_once(tmp_path, capsys):
    from cryptography.hazmat.primitives.serialization import pkcs12

    folder = tmp_path / "seal"
    call_command("create_local_seal", "--dir", str(folder))
    assert "Segel lokal tidak tersertifikasi dibuat" in capsys.readouterr().out
    p12 = folder / "segel.p12"
    passphrase = (folder / "passphrase").read_text().strip()
    assert (
        stat.S_IMODE(p12.stat().st_mode) == 0o600
        and stat.S_IMODE((folder / "passphrase").stat().st_mode) == 0o600
    )
    key, certificate, chain = pkcs12.load_key_and_certificates(p12.read_bytes(), passphrase.encode())
    assert "CN=Segel lokal TIDAK TERSERTIFIKASI" in certificate.subject.rfc4514_string()
    assert "O=KPU Kota Balikpapan" in certificate.subject.rfc4514_string()
    assert [ca.subject.rfc4514_string() for ca in chain] == [
        "CN=CA lokal TIDAK TERSERTIFIKASI,O=KPU Kota Balikpapan,C=ID"
    ]
    before = p12.read_bytes()
    call_command("create_local_seal", "--dir", str(folder))
    assert "sudah ada, tidak diubah" in capsys.readouterr().out
    assert p12.read_bytes() == before  # a seal key is never replaced


@pytest.mark.parametrize(
    ("changes", "check_id", "words"),
    [
        ({"SEAL_PKCS12_PATH": None}, "pps_admin.E010", "SEAL_PKCS12_PATH tidak diatur"),
        ({"SEAL_PKCS12_PATH": "/nonexistent/segel.p12"}, "pps_admin.E011", "tidak dapat dibaca"),
        (
            {"SEAL_PKCS12_PASSPHRASE": "bukan-passphrase-nya"},
            "pps_admin.E012",
            "passphrase (SEAL_PKCS12_PASSPHRASE) salah",
        ),
        (
            {"SIGNER": "bsre", "BSRE_URL": None},
            "pps_admin.E014",
            "BSRE_URL, BSRE_NIK, BSRE_SIGNER_NAME tidak diatur",
        ),
    ],
    ids=["no-path", "unreadable", "wrong-passphrase", "bsre-incomplete"],
)
def test_the_system_check_reports_a_broken_signing_configuration(settings, changes, check_id, words):
    assert signing_check(None) == []  # the session's seal is fine
    for name, value in changes.items():
        setattr(settings, name, value)
    [problem] = signing_check(None)
    assert problem.level == checks.ERROR and problem.id == check_id and words in problem.msg, problem.msg


def test_the_system_check_warns_in_production_when_signing_is_off(settings):
    settings.SIGNER, settings.DEBUG = "none", False
    [warning] = signing_check(None)
    assert warning.level == checks.WARNING and warning.id == "pps_admin.W010"
