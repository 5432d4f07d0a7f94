"""Recording a signed pact in a real browser: date, place, the scanned paper, and the download link."""

import hashlib

import pytest

from integrity.models import Ceremony, Pact, PactStatus, PactText
from secretariat.models import Document, DocumentKind, GenerationJob
from secretariat.services.document_jobs import document_render_and_store, job_refresh

from .factories import make_appointment, make_person, office
from .test_pacts import minimal_pdf

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed_db")]

NAME = "Nurul Fitri Lestari"


def login(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "staf")
    page.fill("#id_password", "sandi-staf-123")
    page.click("input[type=submit]")
    page.wait_for_selector("#quick-links")


@pytest.fixture
def pact():
    """A member's pact with its PDF rendered here. The data is committed (the live server must see it),
    so the pact and its document are created directly: pacts_generate would queue a job for a worker."""
    appointment = make_appointment(
        person=make_person(name=NAME, gender="P"), kelurahan="64.71.04.1003", role="bendahara"
    )
    job = GenerationJob.objects.create(office=office(), kind="pakta", total=1)
    document = Document.objects.create(job=job, kind=DocumentKind.PAKTA, appointment=appointment)
    pact = Pact.objects.create(
        appointment=appointment,
        text=PactText.current(office()),
        ceremony=Ceremony.objects.get(),
        document=document,
    )
    assert document_render_and_store(document.pk).status == "done"
    job_refresh(job.pk)
    return pact


def test_staff_record_a_signature_with_a_pdf_scan_and_can_download_it(
    page, live_server, staff_user, pact, artifacts_dir, tmp_path
):
    scan = tmp_path / "pakta-nurul-bertanda-tangan.pdf"
    scan.write_bytes(minimal_pdf("Pakta Nurul bertanda tangan"))
    login(page, live_server)

    page.goto(f"{live_server.url}/admin/integrity/pact/")
    page.click(f"text={NAME}")
    page.wait_for_selector("#pact-status")
    assert page.inner_text("#pact-status") == "Belum dicetak"
    assert page.inner_text("#pact-scan") == "belum ada"
    assert page.locator("text=Lihat PDF pakta").count() == 1
    page.fill("#id_signed_date", "2024-06-01")
    page.fill("#id_signed_place", "Hotel Novotel Balikpapan")
    page.set_input_files("#id_scan", str(scan))
    page.screenshot(path=artifacts_dir / "admin-pact-record-signature.png", full_page=True)
    page.click("input[type=submit][value=Simpan]")

    page.wait_for_selector(".messagelist")
    assert "Tanda tangan dan pindaian dicatat." in page.inner_text(".messagelist")
    assert page.inner_text("#pact-status").startswith("Ditandatangani")
    assert "Hotel Novotel Balikpapan, 01-06-2024" in page.inner_text("#pact-status")
    link = page.locator("#pact-scan a")
    assert link.inner_text() == "Unduh pindaian"
    page.screenshot(path=artifacts_dir / "admin-pact-signed.png", full_page=True)

    with page.expect_download() as download_info:
        link.click()
    downloaded = download_info.value.path().read_bytes()
    assert downloaded == scan.read_bytes()

    pact.refresh_from_db()
    assert pact.status == PactStatus.SIGNED and pact.recorded_by == staff_user
    assert pact.scan_sha256 == hashlib.sha256(scan.read_bytes()).hexdigest()
