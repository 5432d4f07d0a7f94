"""Scans come home by themselves (issue #16.6): scans made from really rendered pacts and a Petikan
(rasterised by pdftoppm at 200 dpi, rotated 2.5 degrees, JPEG quality 60, as a phone or office scanner
would), uploaded as one multi-page PDF or as separate images; zbar reads each page's QR code for real.

The pages are read by a worker's task (pps_admin/scans/intake.py). Here its tasks go to a queue no worker
reads (`own_queue`) and each test runs the task's service itself, `scans_read`, where it wants the reading
done; test_scan_intake_worker.py has the real worker."""

import datetime as dt
import hashlib
import io
import random
import subprocess
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter

from integrity.models import Ceremony, Pact, PactStatus
from integrity.services import scan_intake
from integrity.services.pacts import pacts_generate
from pps_admin.scans import intake
from pps_admin.scans import pages as scan_pages
from secretariat.check_code import grouped
from secretariat.models import Document, DocumentKind
from secretariat.services.appointments import appointment_end
from secretariat.services.decrees import decree_issue
from secretariat.services.document_jobs import document_render_and_store

from .factories import make_appointment, make_person
from .test_pacts import private_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_queue")]

MANGGAR, LAMARU = "64.71.01.1001", "64.71.01.1002"
SCAN_DPI = 200


# --- scans made from the rendered pages -------------------------------------------------------------


def scanned(pdf_path, *, angle=2.5, quality=60, page=1) -> Image.Image:
    """A page (the first) as it comes back from a scanner: rasterised, slightly askew, JPEG-compressed."""
    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-r", str(SCAN_DPI), "-f", str(page), "-l", str(page), "-singlefile", "-png"]
            + [str(pdf_path), str(stem)],
            check=True,
        )
        with Image.open(stem.with_suffix(".png")) as raster:
            tilted = raster.convert("RGB").rotate(
                angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white"
            )
    return Image.open(io.BytesIO(jpeg_bytes(tilted, quality=quality)))


def jpeg_bytes(image: Image.Image, quality=60) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def blank_page() -> Image.Image:
    return Image.new("RGB", (1275, 1950), "white")


def qr_page(payload: str) -> Image.Image:
    """A page carrying only a QR code of `payload` (another office's document, or some other QR)."""
    page = blank_page()
    symbol = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = memoryview(symbol.to_image(scale=6, add_quiet_zones=True))
    code = Image.frombytes("L", modules.shape[::-1], modules.tobytes())
    page.paste(code.convert("RGB"), (900, 1600))
    return page


def pdf_of(images) -> bytes:
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=SCAN_DPI)
    return out.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture
def rendered(db):
    """Four members with their pacts rendered (one pact's member later leaves office) and a Petikan."""
    appointments = [
        make_appointment(person=make_person(name="Hendra Saputra"), kelurahan=MANGGAR),
        make_appointment(person=make_person(name="Siti Aminah", gender="P"), role="bendahara"),
        make_appointment(person=make_person(name="Rudi Hartono"), kelurahan=LAMARU),
        make_appointment(person=make_person(name="Yusuf Maulana"), kelurahan=LAMARU, role="bendahara"),
    ]
    decree = decree_issue(decree_date=dt.date(2024, 6, 1))
    pacts_generate()
    pacts = [Pact.objects.get(appointment=a) for a in appointments]
    for pact in pacts:
        assert document_render_and_store(pact.document_id).status == "done"
    petikan = Document.objects.get(decree=decree, kind=DocumentKind.PETIKAN, appointment=appointments[0])
    assert document_render_and_store(petikan.pk).status == "done"
    petikan.refresh_from_db()
    appointment_end(appointment=appointments[3], end_date=dt.date(2024, 7, 1), reason="mengundurkan_diri")
    return [Pact.objects.get(pk=p.pk) for p in pacts], petikan


def intake_user():
    """Who looks at the previews here: a superuser (tests/test_office_isolation.py covers other offices)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(is_superuser=True).first()
    return user or get_user_model().objects.create_superuser("staf.pindaian", password="sandi-uji-12345")


def preview_of(uploads, session):
    """Upload, read the pages as the worker's task does, and the preview that follows."""
    token = scan_intake.scan_intake_upload(uploads=uploads, session=session)
    assert intake.scans_read(token)
    return scan_intake.scan_intake_preview(token=token, session=session, user=intake_user())


def staging_files() -> set[Path]:
    return {path for path in private_files() if "scan_intake_staging" in path.parts}


def verdicts(preview) -> list[tuple[str, int | None]]:
    return [(page.verdict, page.pact.pk if page.pact else None) for page in preview.pages]


def unchanged(pacts):
    for pact in pacts:
        before = pact
        pact = Pact.objects.get(pk=before.pk)
        assert (pact.status, pact.scan.name, pact.signed_date) == (before.status, before.scan.name, None)


# --- the preview ------------------------------------------------------------------------------------


def test_each_page_of_one_multi_page_scan_is_matched_to_its_pact_and_every_other_page_listed(
    rendered, staff_user
):
    (hendra, siti, rudi, yusuf), petikan = rendered
    other_office = "https://pps.kpu-samarinda.go.id/cek/K7QM-3XPA-9DTR/"
    unknown = f"{settings.SITE_URL}/cek/K7QM-3XPA-9DTR/"
    pages = [
        scanned(hendra.document.file.path),
        scanned(siti.document.file.path, angle=-2),
        blank_page(),
        scanned(petikan.file.path),
        scanned(hendra.document.file.path, angle=3),  # scanned twice
        scanned(yusuf.document.file.path),  # left office after the pact was printed
        qr_page(other_office),
        qr_page(unknown),
        qr_page("WIFI:S:Kantor;T:WPA;P:rahasia;;"),
        scanned(rudi.document.file.path),
    ]
    session = {}
    preview = preview_of([upload("pindaian.pdf", pdf_of(pages))], session)
    assert verdicts(preview) == [
        ("lampirkan", hendra.pk),
        ("lampirkan", siti.pk),
        ("tanpa_kode", None),
        ("bukan_pakta", None),
        ("ganda", hendra.pk),
        ("berakhir", yusuf.pk),
        ("kantor_lain", None),
        ("tidak_dikenal", None),
        ("bukan_kode", None),
        ("lampirkan", rudi.pk),
    ]
    messages = [page.message for page in preview.pages]
    assert "Petikan Keputusan" in messages[3]
    assert "halaman 1 unggahan ini" in messages[4]
    assert "1 Juli 2024" in messages[5]
    assert "pps.kpu-samarinda.go.id" in messages[6]
    assert grouped("K7QM3XPA9DTR") in messages[7]
    assert [page.label for page in preview.pages][:2] == ["pindaian.pdf hlm. 1", "pindaian.pdf hlm. 2"]
    assert preview.token in session[scan_intake.SESSION_KEY]
    unchanged([hendra, siti, rudi, yusuf])  # a preview attaches nothing


def test_confirm_stores_each_matched_page_as_its_pacts_one_page_scan_signed_at_the_ceremony(
    rendered, staff_user
):
    (hendra, siti, rudi, yusuf), petikan = rendered
    ceremony = Ceremony.objects.get()
    pages = [scanned(hendra.document.file.path), blank_page(), scanned(siti.document.file.path)]
    session = {}
    preview = preview_of([upload("upacara.pdf", pdf_of(pages))], session)
    defaults = scan_intake.intake_signing_defaults(preview)
    assert defaults == {"signed_date": ceremony.date, "signed_place": ceremony.place}
    outcome = scan_intake.scan_intake_confirm(
        token=preview.token, session=session, user=staff_user, **defaults
    )
    assert [r.pact.pk for r in outcome.attached] == [hendra.pk, siti.pk]
    assert [(r.number, r.verdict) for r in outcome.problems] == [(2, "tanpa_kode")]
    for pact in (hendra, siti):
        pact.refresh_from_db()
        assert pact.status == PactStatus.SIGNED
        assert (pact.signed_date, pact.signed_place) == (ceremony.date, ceremony.place)
        stored = Path(pact.scan.path).read_bytes()
        assert pact.scan.name.endswith(".pdf") and hashlib.sha256(stored).hexdigest() == pact.scan_sha256
        assert len(PdfReader(io.BytesIO(stored)).pages) == 1
        # The stored page is that pact's page: its QR code leads to the pact's own check address.
        (page,) = scan_pages.upload_pages([upload("tersimpan.pdf", stored)])
        scan_pages.pages_read([page])
        assert page.codes == [f"{settings.SITE_URL}/cek/{grouped(pact.document.check_code)}/"]
        reasons = [h.history_change_reason for h in pact.history.order_by("history_id")]
        assert reasons[-2:] == ["ditandatangani", "pindaian diunggah"]
        assert pact.history.first().history_user == staff_user
    unchanged([rudi, yusuf])
    assert not (Path(settings.MEDIA_ROOT) / "private" / "scan_intake_staging" / preview.token).exists()
    with pytest.raises(ValidationError) as raised:  # a preview is used once
        scan_intake.scan_intake_confirm(token=preview.token, session=session, user=staff_user, **defaults)
    assert raised.value.messages == [scan_intake.EXPIRED]


def test_a_token_of_another_session_or_made_up_is_refused(rendered, staff_user):
    (hendra, *_), _ = rendered
    session = {}
    preview = preview_of([upload("a.jpg", jpeg_bytes(scanned(hendra.document.file.path)))], session)
    for token, other in [(preview.token, {}), ("0" * 32, session), ("../../etc", session)]:
        with pytest.raises(ValidationError):
            scan_intake.scan_intake_confirm(
                token=token,
                session=other,
                signed_date=dt.date(2024, 6, 1),
                signed_place="Aula",
                user=staff_user,
            )
    unchanged([hendra])


def test_a_pact_signed_by_someone_else_between_preview_and_confirm_is_reported_not_overwritten(
    rendered, staff_user
):
    (hendra, siti, *_), _ = rendered
    session = {}
    images = [jpeg_bytes(scanned(p.document.file.path)) for p in (hendra, siti)]
    preview = preview_of([upload(f"{i}.jpg", data) for i, data in enumerate(images)], session)
    assert [p.verdict for p in preview.pages] == ["lampirkan", "lampirkan"]
    Pact.objects.filter(pk=siti.pk).update(
        status=PactStatus.SIGNED, signed_date=dt.date(2024, 6, 2), signed_place="X"
    )
    outcome = scan_intake.scan_intake_confirm(
        token=preview.token,
        session=session,
        signed_date=dt.date(2024, 6, 1),
        signed_place="Aula",
        user=staff_user,
    )
    assert [r.pact.pk for r in outcome.attached] == [hendra.pk]
    assert [r.verdict for r in outcome.problems] == ["sudah_ditandatangani"]
    siti.refresh_from_db()
    assert (siti.signed_date, siti.signed_place, siti.scan.name) == (dt.date(2024, 6, 2), "X", "")


def test_the_reading_goes_in_slices_each_continuing_where_the_last_stopped(rendered):
    """The worker's task reads for a time budget, then queues the rest: here a budget of nothing, so one
    page a slice. What a slice read stays read, and the preview is the same as in one go."""
    (hendra, siti, *_), _ = rendered
    session = {}
    scan = pdf_of([scanned(hendra.document.file.path), blank_page(), scanned(siti.document.file.path)])
    token = scan_intake.scan_intake_upload(uploads=[upload("a.pdf", scan)], session=session)
    progress = []
    while not intake.scans_read(token, budget_seconds=0):
        staged = scan_intake.scan_intake_preview(token=token, session=session, user=intake_user()).staged
        progress.append((staged.state, staged.done, staged.total))
    assert progress == [("membaca", 1, 3), ("membaca", 2, 3)]
    preview = scan_intake.scan_intake_preview(token=token, session=session, user=intake_user())
    assert verdicts(preview) == [("lampirkan", hendra.pk), ("tanpa_kode", None), ("lampirkan", siti.pk)]
    assert intake.scans_read(token)  # read already: nothing more to do


# --- through the staff pages ------------------------------------------------------------------------


def test_staff_upload_images_preview_confirm_then_the_same_images_again_are_already_signed(
    rendered, staff_client
):
    (hendra, siti, rudi, yusuf), petikan = rendered
    ceremony = Ceremony.objects.get()
    images = {
        "IMG_0001.jpg": jpeg_bytes(scanned(hendra.document.file.path)),
        "IMG_0002.jpg": jpeg_bytes(scanned(petikan.file.path)),
        "IMG_0003.jpg": jpeg_bytes(scanned(rudi.document.file.path, angle=-3)),
    }
    url = reverse("admin:integrity_scan_intake")
    assert staff_client.get(reverse("admin:integrity_dashboard")).content.decode().count(url) == 1

    def post_images():
        files = [upload(name, data, "image/jpeg") for name, data in images.items()]
        response = staff_client.post(url, {"scans": files})
        assert response.status_code == 302
        return response["Location"]

    status = post_images()
    # Until the worker has read the pages, the page says how far it is and reloads itself.
    response = staff_client.get(status)
    page = response.content.decode()
    assert "Membaca halaman 0 dari 3" in page and 'http-equiv="refresh"' in page
    assert response.context["confirm_form"] is None
    token = status.rstrip("/").rsplit("/", 1)[1]
    assert intake.scans_read(token)
    response = staff_client.get(status)
    assert response.status_code == 200 and 'http-equiv="refresh"' not in response.content.decode()
    preview = response.context["preview"]
    assert verdicts(preview) == [("lampirkan", hendra.pk), ("bukan_pakta", None), ("lampirkan", rudi.pk)]
    page = response.content.decode()
    assert "Hendra Saputra" in page and "Petikan Keputusan" in page
    assert hendra.appointment.person.nik not in page
    form = response.context["confirm_form"]
    assert form.initial["signed_date"] == ceremony.date and form.initial["signed_place"] == ceremony.place
    confirm = reverse("admin:integrity_scan_intake_confirm")

    # A date in the future is refused next to the field; the preview stays and nothing is attached.
    response = staff_client.post(
        confirm, {"token": preview.token, "signed_date": "2999-01-01", "signed_place": ceremony.place}
    )
    assert "Tanggal penandatanganan tidak boleh di masa depan." in response.content.decode()
    unchanged([hendra, rudi])

    response = staff_client.post(
        confirm,
        {"token": preview.token, "signed_date": ceremony.date.isoformat(), "signed_place": ceremony.place},
    )
    assert response.status_code == 200
    assert "2 pindaian dilampirkan" in response.content.decode()
    for pact in (hendra, rudi):
        pact.refresh_from_db()
        assert pact.status == PactStatus.SIGNED and pact.scan.name.endswith(".jpg")
        assert Image.open(pact.scan.path).format == "JPEG"
    unchanged([siti, yusuf])

    status = post_images()
    assert intake.scans_read(status.rstrip("/").rsplit("/", 1)[1])
    response = staff_client.get(status)
    assert verdicts(response.context["preview"]) == [
        ("sudah_ditandatangani", hendra.pk),
        ("bukan_pakta", None),
        ("sudah_ditandatangani", rudi.pk),
    ]
    assert response.context["preview"].token is None and response.context["confirm_form"] is None


def test_staff_without_change_permission_may_not_upload(rendered, viewer_user, client):
    client.force_login(viewer_user)
    assert client.get(reverse("admin:integrity_scan_intake")).status_code == 403


# --- hostile input ----------------------------------------------------------------------------------


def _blank_pdf(pages: int, size=(595, 935)) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(*size)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# Built when the test runs (lambdas): the oversized upload is 50 MB.
HOSTILE = [
    (
        lambda: [("pakta.pdf", b"<html><script>alert(1)</script></html>")],
        "Berkas pakta.pdf: Pindaian harus berupa PDF, JPEG atau PNG (diperiksa dari isi berkas).",
    ),
    (lambda: [("banyak.pdf", _blank_pdf(151))], scan_pages.TOO_MANY_PAGES),
    (lambda: [(f"{i}.pdf", _blank_pdf(1)) for i in range(101)], scan_pages.TOO_MANY_FILES),
    (
        lambda: [("poster.pdf", _blank_pdf(1, size=(14_400, 14_400)))],
        scan_pages.PAGE_TOO_LARGE.format(page=1, name="poster.pdf"),
    ),
    (lambda: [("besar.pdf", b"%PDF-1.4\n" + bytes(scan_pages.MAX_INTAKE_BYTES))], scan_pages.TOO_BIG),
    (lambda: [("catatan.txt", b"bukan gambar")], "Berkas catatan.txt: " + scan_pages.scans.WRONG_TYPE),
]


@pytest.mark.parametrize(
    ("files", "message"), HOSTILE, ids=["html", "pages", "files", "huge-page", "size", "text"]
)
def test_hostile_uploads_get_a_clear_indonesian_error_and_store_nothing(
    rendered, staff_client, files, message
):
    (hendra, *_), _ = rendered
    before = private_files()
    response = staff_client.post(
        reverse("admin:integrity_scan_intake"), {"scans": [upload(name, data) for name, data in files()]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["scans"] == [message]
    assert response.context["preview"] is None
    assert private_files() == before
    assert scan_intake.SESSION_KEY not in staff_client.session
    unchanged([hendra])


def test_without_the_scan_readers_installed_staff_get_a_clear_message_and_nothing_is_stored(
    rendered, staff_client, monkeypatch, tmp_path
):
    (hendra, *_), _ = rendered
    before = private_files()
    response = staff_client.post(
        reverse("admin:integrity_scan_intake"), {"scans": [upload("pindaian.pdf", _blank_pdf(1))]}
    )
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    with monkeypatch.context() as patched:
        patched.setenv("PATH", str(tmp_path))  # neither pdftoppm nor zbarimg can be found by the reader
        assert intake.scans_read(token)
    response = staff_client.get(response["Location"])
    assert response.status_code == 200
    assert scan_pages.TOOLS_MISSING.format(program="pdftoppm") in response.content.decode()
    assert response.context["confirm_form"] is None
    # Only the status is kept (for this page, until swept); the page itself is gone.
    assert {p.name for p in private_files() - before} == {"manifest.json", "status.json"}
    unchanged([hendra])


# --- a page storing would refuse, a confirm that fails ----------------------------------------------


def noise_page_pdf() -> bytes:
    """One PDF page (A4 at 300 dpi) that is a photo of noise: over 5 MB, more than one scan may be."""
    noise = Image.frombytes("RGB", (2480, 3508), random.Random(16).randbytes(2480 * 3508 * 3))
    out = io.BytesIO()
    noise.save(out, "PDF", resolution=300, quality=95)
    return out.getvalue()


def test_a_page_over_the_single_scan_limit_is_listed_in_the_preview_and_the_rest_is_attached(
    rendered, staff_user
):
    (hendra, *others), _ = rendered
    pages = PdfWriter()
    for data in (pdf_of([scanned(hendra.document.file.path)]), noise_page_pdf()):
        pages.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    pages.write(out)
    session = {}
    preview = preview_of([upload("upacara.pdf", out.getvalue())], session)
    assert verdicts(preview) == [("lampirkan", hendra.pk), ("tidak_sah", None)]
    assert preview.pages[1].message == (
        "Halaman ini tidak dapat disimpan sebagai pindaian: Berkas pindaian terlalu besar (maksimal 5 MB)."
    )
    outcome = scan_intake.scan_intake_confirm(
        token=preview.token,
        session=session,
        signed_date=dt.date(2024, 6, 1),
        signed_place="Aula",
        user=staff_user,
    )
    assert [r.pact.pk for r in outcome.attached] == [hendra.pk]
    assert [r.verdict for r in outcome.problems] == ["tidak_sah"]


def test_a_confirm_that_fails_midway_stores_nothing_and_leaves_no_file_behind(rendered, staff_user):
    """The second page's staged file is damaged on disk after the preview: storing it fails, the whole
    confirm rolls back, and the first page's file, already written, is removed with it."""
    (hendra, siti, *_), _ = rendered
    images = [jpeg_bytes(scanned(p.document.file.path)) for p in (hendra, siti)]
    session = {}
    preview = preview_of([upload(f"{i}.jpg", data) for i, data in enumerate(images)], session)
    assert [p.verdict for p in preview.pages] == ["lampirkan", "lampirkan"]
    (preview.staged.folder / "2.jpg").write_bytes(b"rusak di disk")
    before = private_files()
    with pytest.raises(ValidationError) as raised:
        scan_intake.scan_intake_confirm(
            token=preview.token,
            session=session,
            signed_date=dt.date(2024, 6, 1),
            signed_place="Aula",
            user=staff_user,
        )
    assert raised.value.messages == [scan_pages.scans.WRONG_TYPE]
    unchanged([hendra, siti])
    assert private_files() == before  # hendra's scan, stored before siti's failed, is gone again
    # The preview is given back (nothing was written with it), so the same token still answers.
    assert (
        scan_intake.scan_intake_preview(token=preview.token, session=session, user=intake_user()).token
        == preview.token
    )


def test_a_broken_image_is_listed_as_a_page_storing_would_refuse(rendered):
    session = {}
    preview = preview_of([upload("rusak.jpg", b"\xff\xd8\xff\xe0" + bytes(100))], session)
    assert verdicts(preview) == [("tidak_sah", None)]
    assert preview.token is None
    assert preview.pages[0].message.endswith(scan_pages.scans.BROKEN_IMAGE)


def test_a_reading_ended_by_the_task_time_limit_is_said_on_the_staff_page(staff_client):
    """What the worker's task does when its soft time limit strikes (pps_admin/tasks.py): the page stops
    reloading and says why; the pages are gone."""
    response = staff_client.post(
        reverse("admin:integrity_scan_intake"), {"scans": [upload("pindaian.pdf", _blank_pdf(2))]}
    )
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    intake.scans_fail(token, intake.TOO_SLOW)
    page = staff_client.get(response["Location"]).content.decode()
    assert intake.TOO_SLOW in page and 'http-equiv="refresh"' not in page
    assert intake.scans_read(token)  # nothing left to read
    assert {p.name for p in staging_files() if token in p.parts} == {"manifest.json", "status.json"}
