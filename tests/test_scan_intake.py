"""Scans come home by themselves (issue #16.6): scans made from really rendered pacts and a Petikan
(rasterised by pdftoppm at 200 dpi, rotated 2.5 degrees, JPEG quality 60, as a phone or office scanner
would), uploaded as one multi-page PDF or as separate images; zbar reads each page's QR code for real."""

import datetime as dt
import hashlib
import io
import subprocess
import tempfile
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter

from integrity.models import Ceremony, Pact, PactStatus
from integrity.services import scan_intake, scan_pages
from integrity.services.pacts import pacts_generate
from secretariat.check_code import grouped
from secretariat.models import Document, DocumentKind
from secretariat.services.appointments import appointment_end
from secretariat.services.decrees import decree_issue
from secretariat.services.document_jobs import document_render_and_store

from .factories import make_appointment, make_person
from .test_pacts import private_files

pytestmark = pytest.mark.django_db

MANGGAR, LAMARU = "64.71.01.1001", "64.71.01.1002"
SCAN_DPI = 200


# --- scans made from the rendered pages -------------------------------------------------------------


def scanned(pdf_path, *, angle=2.5, quality=60) -> Image.Image:
    """The first page as it comes back from a scanner: rasterised, slightly askew, JPEG-compressed."""
    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-r", str(SCAN_DPI), "-singlefile", "-png", str(pdf_path), str(stem)], check=True
        )
        with Image.open(stem.with_suffix(".png")) as page:
            tilted = page.convert("RGB").rotate(
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
    out = io.BytesIO()
    segno.make(payload, error="m").save(out, kind="png", scale=6, border=2)
    page.paste(Image.open(io.BytesIO(out.getvalue())).convert("RGB"), (900, 1600))
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
    preview = scan_intake.scan_intake_preview(
        uploads=[upload("pindaian.pdf", pdf_of(pages))], session=session, user=staff_user
    )
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
    preview = scan_intake.scan_intake_preview(
        uploads=[upload("upacara.pdf", pdf_of(pages))], session=session, user=staff_user
    )
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
    preview = scan_intake.scan_intake_preview(
        uploads=[upload("a.jpg", jpeg_bytes(scanned(hendra.document.file.path)))],
        session=session,
        user=staff_user,
    )
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
    preview = scan_intake.scan_intake_preview(
        uploads=[upload(f"{i}.jpg", data) for i, data in enumerate(images)], session=session, user=staff_user
    )
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
        return staff_client.post(url, {"scans": files})

    response = post_images()
    assert response.status_code == 200
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

    response = post_images()
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
    (lambda: [("rusak.jpg", b"\xff\xd8\xff\xe0" + bytes(100))], None),
]


@pytest.mark.parametrize(
    ("files", "message"), HOSTILE, ids=["html", "pages", "files", "huge-page", "size", "jpeg"]
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
    errors = response.context["form"].errors["scans"]
    if message is None:
        assert errors == [
            "Berkas rusak.jpg: "
            + "Gambar pindaian rusak atau tidak utuh; pindai atau foto ulang, lalu unggah lagi."
        ]
    else:
        assert errors == [message]
    assert response.context["preview"] is None
    assert private_files() == before
    assert scan_intake.SESSION_KEY not in staff_client.session
    unchanged([hendra])


def test_without_the_scan_readers_installed_staff_get_a_clear_message_and_nothing_is_stored(
    rendered, staff_client, monkeypatch, tmp_path
):
    (hendra, *_), _ = rendered
    before = private_files()
    monkeypatch.setenv("PATH", str(tmp_path))  # neither pdftoppm nor zbarimg can be found
    response = staff_client.post(
        reverse("admin:integrity_scan_intake"), {"scans": [upload("pindaian.pdf", _blank_pdf(1))]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["scans"] == [scan_pages.TOOLS_MISSING.format(program="pdftoppm")]
    assert private_files() == before
    unchanged([hendra])
