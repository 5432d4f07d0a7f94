"""Signing with BSrE's Esign Client Service, against a stand-in HTTP server that follows its documented
shapes (tests/bsre_standin.py) and a real Celery worker configured with SIGNER=bsre.

Personas: KPU staff issuing the SK (the Ketua types the passphrase once for the batch)."""

import hashlib
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from pps_admin.signing.pades import check_pdf
from secretariat.models import Decree, Document, DocumentStatus, JobPassphrase

from .bsre_standin import SIGNER_NAME, BsreStandin
from .conftest import start_worker, stop_worker, wait_for_job
from .factories import make_appointment, make_person

pytestmark = pytest.mark.usefixtures("committed_db")

NIK = "6471010101800001"
PASSPHRASE = "Rahasia-Ketua#2024"
TIMEOUT = 2  # BSRE_TIMEOUT of the worker: the slow stand-in waits longer


@pytest.fixture(scope="module")
def standin():
    server = BsreStandin(signers={NIK: PASSPHRASE}).start()
    yield server
    server.stop()


def _bsre_env(standin) -> dict:
    return {
        "SIGNER": "bsre",
        "BSRE_URL": standin.url,
        "BSRE_USER": standin.user,
        "BSRE_PASSWORD": standin.password,
        "BSRE_NIK": NIK,
        "BSRE_SIGNER_NAME": SIGNER_NAME,
        "BSRE_TIMEOUT": str(TIMEOUT),
    }


@pytest.fixture(scope="module")
def bsre_worker(django_db_setup, media_root, tmp_path_factory, celery_queue, standin):
    """A worker of its own on a queue of its own, signing through the stand-in."""
    from django.conf import settings

    from pps_admin.celery import app

    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set (make test sets it)")
    queue = f"{celery_queue}-bsre-{uuid.uuid4().hex[:6]}"
    log = tmp_path_factory.mktemp("bsre-worker") / "worker.log"
    process = start_worker(queue, media_root, log, **_bsre_env(standin))
    app.conf.task_default_queue = queue
    yield log
    app.conf.task_default_queue = celery_queue
    stop_worker(process)


@pytest.fixture
def bsre(settings, standin, bsre_worker):
    """This process (the admin pages) configured as the worker is; the stand-in's state fresh."""
    for name, value in _bsre_env(standin).items():
        setattr(settings, name, int(value) if name == "BSRE_TIMEOUT" else value)
    standin.reset(signers={NIK: PASSPHRASE})
    return standin


@pytest.fixture
def members():
    return [
        make_appointment(person=make_person(name="Rahmat Hidayat"), kelurahan="64.71.01.1001"),
        make_appointment(person=make_person(name="Siti Aminah", gender="P"), kelurahan="64.71.01.1002"),
    ]


def _issue(client, passphrase=PASSPHRASE):
    data = {"decree_date": "2024-06-01"}
    if passphrase is not None:
        data["passphrase"] = passphrase
    return client.post(reverse("admin:secretariat_decree_issue"), data)


def _retry(client, decree, passphrase=PASSPHRASE):
    return client.post(
        reverse("admin:secretariat_decree_retry", args=[decree.pk]), {"passphrase": passphrase}
    )


def _sign_calls(standin):
    return [call for call in standin.calls if call.path == "/api/v2/sign/pdf"]


def _decree_files(media_root, decree) -> list[Path]:
    from secretariat.services.document_jobs import document_relative_path

    folder = (Path(media_root) / document_relative_path(decree.documents.first())).parent
    return list(folder.glob("*")) if folder.exists() else []


def _assert_signed_by_bsre(decree, standin):
    documents = list(Document.objects.filter(decree=decree))
    assert documents and all(d.status == DocumentStatus.DONE for d in documents)
    for document in documents:
        data = Path(document.file.path).read_bytes()
        assert document.sha256 == hashlib.sha256(data).hexdigest() and document.size == len(data)
        check = check_pdf(data, trust_roots=[standin.ca])
        assert check.ok and check.trusted and check.signer.startswith(SIGNER_NAME), check
        assert document.signed_by == SIGNER_NAME and document.signature_certified
        assert document.signed_at is not None


def test_the_ketua_signs_the_whole_batch_with_one_passphrase(staff_client, bsre, members, bsre_worker):
    page = staff_client.get(reverse("admin:secretariat_decree_issue")).content.decode()
    assert "Passphrase TTE penanda tangan (BSrE)" in page and 'type="password"' in page
    response = _issue(staff_client)
    assert response.status_code == 302
    decree = Decree.objects.get()
    job = wait_for_job(decree.jobs.get(), timeout=120)
    assert job.status == "done", job.progress()
    _assert_signed_by_bsre(decree, bsre)

    calls = _sign_calls(bsre)
    assert len(calls) == job.total == 4  # Keputusan, SALINAN, 2 Petikan: one request each
    assert {(call.nik, call.passphrase, call.files) for call in calls} == {(NIK, PASSPHRASE, 1)}
    # Kept for the job's lifetime only, never in plain text, never in the worker's log.
    assert not JobPassphrase.objects.exists()
    log = bsre_worker.read_text()
    assert PASSPHRASE not in log and NIK not in log
    detail = staff_client.get(reverse("admin:secretariat_decree_change", args=[decree.pk])).content.decode()
    assert "tersertifikasi (BSrE)" in detail


def test_issuing_without_the_passphrase_is_refused_and_issues_nothing(staff_client, bsre, members):
    response = _issue(staff_client, passphrase="")
    assert response.status_code == 200
    assert "Masukkan passphrase TTE penanda tangan untuk menandatangani SK." in response.content.decode()
    assert not Decree.objects.exists() and not bsre.calls


def test_a_wrong_passphrase_fails_the_documents_stores_nothing_and_a_retry_with_the_right_one_works(
    staff_client, bsre, members, media_root
):
    bsre.reset(signers={NIK: PASSPHRASE}, delay=1.0)
    _issue(staff_client, passphrase="salah-ketik")
    decree = Decree.objects.get()
    job = wait_for_job(decree.jobs.get(), timeout=120)
    assert job.status == "failed"
    documents = list(Document.objects.filter(decree=decree))
    assert all(d.status == DocumentStatus.FAILED and not d.file and not d.sha256 for d in documents)
    assert any("passphrase TTE salah" in d.error for d in documents)
    assert all("salah-ketik" not in d.error for d in documents)
    # The first document is signed alone; refused, the others are never sent (BSrE locks a certificate
    # after repeated wrong passphrases). The stand-in answers slowly, so both worker processes would be
    # asking at once if the job fanned out before its passphrase was proven.
    assert len(_sign_calls(bsre)) == 1
    held_back = [d for d in documents if "passphrase TTE salah" in d.error and "Tidak dikirim" in d.error]
    assert len(held_back) == len(documents) - 1 == 3, [d.error for d in documents]
    assert not JobPassphrase.objects.exists()
    assert not _decree_files(media_root, decree)  # not even a temporary file
    page = staff_client.get(reverse("admin:secretariat_decree_change", args=[decree.pk])).content.decode()
    assert "passphrase TTE salah" in page and 'name="passphrase"' in page  # the retry asks again

    # The slow answer the worker gave up on is still being made: the retry's request must not compete with
    # it (on a loaded machine it made the retry's own answer late too).
    assert bsre.wait_idle()
    bsre.reset(signers={NIK: PASSPHRASE})
    retried = _retry(staff_client, decree)
    job = wait_for_job(job, timeout=120)
    # Failed once in CI (2026-12-03, not reproduced since): what the retry answered and each document's
    # error, so that a next failure says why.
    assert job.status == "done", (
        job.progress(),
        retried.status_code,
        [(d.status, d.attempts, d.error) for d in Document.objects.filter(decree=decree).order_by("pk")],
        [(call.path, call.files) for call in bsre.calls],
    )
    _assert_signed_by_bsre(decree, bsre)
    assert len(_sign_calls(bsre)) == 4  # the first alone, then the other three


def test_a_signer_not_registered_at_bsre_is_reported(staff_client, bsre, members, media_root):
    bsre.signers.clear()
    _issue(staff_client)
    decree = Decree.objects.get()
    job = wait_for_job(decree.jobs.get(), timeout=120)
    assert job.status == "failed"
    errors = set(Document.objects.filter(decree=decree).values_list("error", flat=True))
    assert any("NIK penanda tangan (BSRE_NIK) tidak terdaftar" in error for error in errors), errors
    assert all(NIK not in error for error in errors)
    assert not Document.objects.filter(decree=decree).exclude(file="").exists()
    assert not _decree_files(media_root, decree)


@pytest.mark.parametrize(
    ("trouble", "message"),
    [
        ({"delay": TIMEOUT + 2}, f"Layanan BSrE tidak menjawab dalam {TIMEOUT} detik"),
        ({"fail_with": 503}, "Layanan BSrE sedang bermasalah (HTTP 503)"),
    ],
    ids=["timeout", "server-error"],
)
def test_bsre_silent_or_broken_fails_the_documents_and_a_later_retry_signs_them(
    staff_client, bsre, members, media_root, trouble, message
):
    bsre.reset(signers={NIK: PASSPHRASE}, **trouble)
    _issue(staff_client)
    decree = Decree.objects.get()
    job = wait_for_job(decree.jobs.get(), timeout=180)
    assert job.status == "failed"
    documents = list(Document.objects.filter(decree=decree))
    assert all(d.status == DocumentStatus.FAILED and not d.file for d in documents)
    assert all(message in d.error for d in documents), [d.error for d in documents]
    assert not _decree_files(media_root, decree)
    assert not JobPassphrase.objects.exists()  # the job failed: its passphrase went with it

    # The slow answer the worker gave up on is still being made: the retry's request must not compete with
    # it (on a loaded machine it made the retry's own answer late too).
    assert bsre.wait_idle()
    bsre.reset(signers={NIK: PASSPHRASE})
    retried = _retry(staff_client, decree)
    job = wait_for_job(job, timeout=120)
    # Failed once in CI (2026-12-03, not reproduced since): what the retry answered and each document's
    # error, so that a next failure says why.
    assert job.status == "done", (
        job.progress(),
        retried.status_code,
        [(d.status, d.attempts, d.error) for d in Document.objects.filter(decree=decree).order_by("pk")],
        [(call.path, call.files) for call in bsre.calls],
    )
    _assert_signed_by_bsre(decree, bsre)


def test_the_bsre_client_verifies_through_the_verify_endpoint(bsre, settings):
    from pps_admin.signing import get_signer

    signer = get_signer()
    document = _a_small_pdf()
    from pps_admin.signing import Credentials

    signed = signer.sign(document, reason="Uji", location="Balikpapan", credentials=Credentials(PASSPHRASE))
    check = signer.verify(signed)
    assert check.ok and check.trusted and check.signer.startswith(SIGNER_NAME)
    tampered = bytearray(signed)
    tampered[len(document) // 2] ^= 0x01
    assert not signer.verify(bytes(tampered)).ok
    assert [call.path for call in bsre.calls].count("/api/v2/verify/pdf") == 2


def _a_small_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://esign.kpu.example/", True),
        ("https://esign.kpu.example/", False),
        ("http://127.0.0.1:9/", False),
    ],
)
def test_bsre_over_plain_http_is_refused_by_the_system_check(settings, url, refused):
    from pps_admin.signing.checks import signing_check

    settings.SIGNER, settings.BSRE_URL, settings.BSRE_NIK = "bsre", url, NIK
    settings.BSRE_SIGNER_NAME = SIGNER_NAME
    settings.PASSPHRASE_KEYS = ["kunci-kotak-passphrase-uji-yang-panjang-sekali"]
    problems = [problem.id for problem in signing_check(None)]
    assert problems == (["pps_admin.E015"] if refused else [])


def test_generate_sk_under_bsre_without_a_passphrase_is_refused_before_any_number_is_used(bsre, members):
    import io

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="passphrase TTE penanda tangan diperlukan"):
        call_command("generate_sk", date="2024-06-01", stdin=io.StringIO(""))
    assert not Decree.objects.exists()


def test_generate_sk_reads_the_passphrase_from_the_environment(bsre, members, monkeypatch, capsys):
    from django.core.management import call_command

    monkeypatch.setenv("BSRE_PASSPHRASE", PASSPHRASE)
    call_command("generate_sk", date="2024-06-01", wait=True, timeout=120)
    decree = Decree.objects.get()
    _assert_signed_by_bsre(decree, bsre)
    assert len(capsys.readouterr().out.split()) == 4


def test_signing_with_bsre_holds_no_row_lock_and_no_transaction_while_bsre_answers(
    staff_client, bsre, members
):
    """BSrE may take tens of seconds: meanwhile the document's row is free and the worker's connection
    is not inside a transaction (it used to hold both for the whole call)."""
    import threading
    import time

    from django.db import connection, transaction

    # BSrE answers once the rows have been looked at (the gate), which takes milliseconds: far below the
    # worker's timeout, and never before the look, however loaded the machine.
    gate = threading.Event()
    bsre.reset(signers={NIK: PASSPHRASE}, gate=gate)
    _issue(staff_client)
    decree = Decree.objects.get()
    try:
        deadline = time.monotonic() + 60
        while not _sign_calls(bsre):
            assert time.monotonic() < deadline, "BSrE was never asked"
            time.sleep(0.05)
        with transaction.atomic():  # NOWAIT: an error at once if any renderer held a document's row
            locked = list(Document.objects.filter(decree=decree).select_for_update(nowait=True))
        assert len(locked) == 4
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%%' AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] == 0
        still_signing = Document.objects.filter(decree=decree, status=DocumentStatus.RUNNING).count()
    finally:
        gate.set()  # BSrE answers now (on a failed check too: nothing left waiting)
    assert still_signing == 1  # the first document, alone while its passphrase is unproven
    job = wait_for_job(decree.jobs.get(), timeout=120)
    errors = list(Document.objects.filter(decree=decree).exclude(error="").values_list("error", flat=True))
    assert job.status == "done", (job.progress(), errors)
    _assert_signed_by_bsre(decree, bsre)


# --- pacts: the same one passphrase for the batch --------------------------------------------------------


def _pact_documents():
    from integrity.models import Pact

    return [pact.document for pact in Pact.objects.select_related("document").order_by("pk")]


def test_pacts_under_bsre_ask_the_passphrase_once_and_a_wrong_one_costs_one_request(
    staff_client, bsre, members
):
    from integrity.models import Pact
    from secretariat.models import GenerationJob

    dashboard = reverse("admin:integrity_dashboard")
    page = staff_client.get(dashboard).content.decode()
    assert "Passphrase TTE penanda tangan (BSrE)" in page and 'type="password"' in page

    response = staff_client.post(reverse("admin:integrity_generate"), {}, follow=True)
    assert "Masukkan passphrase TTE penanda tangan untuk menandatangani pakta integritas." in (
        response.content.decode()
    )
    assert not Pact.objects.exists() and not GenerationJob.objects.exists() and not bsre.calls

    bsre.reset(signers={NIK: PASSPHRASE}, delay=1.0)
    staff_client.post(reverse("admin:integrity_generate"), {"passphrase": "salah-ketik"})
    job = wait_for_job(GenerationJob.objects.get(kind="pakta"), timeout=120)
    assert job.status == "failed"
    assert len(_sign_calls(bsre)) == 1
    assert all("passphrase TTE salah" in d.error and not d.file for d in _pact_documents())
    assert not JobPassphrase.objects.exists()
    page = staff_client.get(dashboard).content.decode()
    assert 'name="passphrase"' in page and "Coba lagi dokumen yang gagal (2)" in page

    bsre.reset(signers={NIK: PASSPHRASE})
    staff_client.post(reverse("admin:integrity_job_retry", args=[job.pk]), {"passphrase": PASSPHRASE})
    job = wait_for_job(job, timeout=120)
    assert job.status == "done", job.progress()
    for document in _pact_documents():
        check = check_pdf(Path(document.file.path).read_bytes(), trust_roots=[bsre.ca])
        assert check.ok and check.trusted and document.signature_certified
    assert {(c.nik, c.passphrase) for c in _sign_calls(bsre)} == {(NIK, PASSPHRASE)}
    assert not JobPassphrase.objects.exists()


def test_generate_pacts_asks_for_the_passphrase_or_refuses_without_one(bsre, members, capsys):
    import io

    from django.core.management import CommandError, call_command

    from integrity.models import Pact

    with pytest.raises(CommandError, match="--passphrase-stdin"):
        call_command("generate_pacts", stdin=io.StringIO(""))  # not a terminal: nobody to ask
    assert not Pact.objects.exists()
    with pytest.raises(CommandError, match="passphrase TTE penanda tangan diperlukan"):
        call_command("generate_pacts", "--passphrase-stdin", stdin=io.StringIO("\n"))
    assert not Pact.objects.exists() and not bsre.calls

    call_command(
        "generate_pacts", "--passphrase-stdin", "--wait", "--timeout", "120", stdin=io.StringIO(PASSPHRASE)
    )
    paths = capsys.readouterr().out.split()
    assert sorted(paths) == sorted(d.file.path for d in _pact_documents()) and len(paths) == 2
    assert all(d.signature_certified for d in _pact_documents())
    assert {(c.nik, c.passphrase) for c in _sign_calls(bsre)} == {(NIK, PASSPHRASE)}


def test_under_bsre_the_attendance_sheet_prints_unsigned_and_asks_no_passphrase(staff_client, bsre, members):
    """The daftar hadir is a form signed by hand, printed when staff need it: under the Ketua's personal
    certificate it is stored unsigned (its check code still records it) instead of failing."""
    from integrity.models import Ceremony

    ceremony = Ceremony.objects.first()
    before = _sign_calls(bsre)
    response = staff_client.get(reverse("admin:integrity_attendance", args=[ceremony.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    sheet = Document.objects.get(kind="daftar_hadir")
    assert sheet.status == "done" and sheet.signed_by == "" and not sheet.signature_certified
    assert _sign_calls(bsre) == before
