"""Staff pages for integrity pacts, through Django's test client: dashboard, generation, bulk signing,
recording a signature with its scan, downloads and their permissions, the print bundle, the attendance
sheet, and what nobody may do (edit a text version without being a superuser, delete a pact)."""

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from integrity.models import Ceremony, Pact, PactStatus, PactText
from integrity.services.pacts import pact_attach_scan, pacts_generate, pacts_mark_signed
from secretariat.models import Document, GenerationJob
from secretariat.services.document_jobs import document_render_and_store

from . import pdf
from .factories import join_office, make_appointment, make_person, office
from .test_pacts import minimal_pdf, minimal_png, private_files, upload

pytestmark = pytest.mark.django_db

CEREMONY_DAY = dt.date(2024, 6, 1)
NOVOTEL = "Hotel Novotel Balikpapan"
WRONG_TYPE = "Pindaian harus berupa PDF, JPEG atau PNG (diperiksa dari isi berkas)."

# (kelurahan code, role, name), deliberately not in roster order.
ROSTER = [
    ("64.71.06.1004", "staf_teknis", "Wulan Staf Klandasan"),
    ("64.71.01.1001", "bendahara", "Siti Bendahara Manggar"),
    ("64.71.06.1004", "sekretaris", "Rahmat Sekretaris Klandasan"),
    ("64.71.01.1001", "staf_teknis", "Andi Staf Manggar"),
    ("64.71.01.1001", "sekretaris", "Budi Sekretaris Manggar"),
    ("64.71.02.1001", "sekretaris", "Yusuf Sekretaris Baru Ilir"),
]
# Kecamatan / kelurahan / role order (Timur 64.71.01, Barat 64.71.02, Kota 64.71.06).
ROSTER_ORDER = [
    "Budi Sekretaris Manggar",
    "Siti Bendahara Manggar",
    "Andi Staf Manggar",
    "Yusuf Sekretaris Baru Ilir",
    "Rahmat Sekretaris Klandasan",
    "Wulan Staf Klandasan",
]


def make_roster():
    for kelurahan, role, name in ROSTER:
        make_appointment(person=make_person(name=name), kelurahan=kelurahan, role=role)


def pact_of(name: str) -> Pact:
    return Pact.objects.select_related("document").get(appointment__person__name=name)


def render(pact: Pact):
    document = document_render_and_store(pact.document_id)
    assert document.status == "done", document.error
    return document


@pytest.fixture
def pacts(db):
    """Six members with pacts; their PDFs are not rendered yet."""
    make_roster()
    pacts_generate()
    return {name: pact_of(name) for _, _, name in ROSTER}


@pytest.fixture
def rendered(pacts):
    for pact in pacts.values():
        render(pact)
    return {name: pact_of(name) for name in pacts}


@pytest.fixture
def ceremony(db):
    return Ceremony.objects.get()


def user_with(django_user_model, username, codenames, *, app_label="integrity"):
    user = join_office(
        django_user_model.objects.create_user(username, password="sandi-uji-12345", is_staff=True)
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
    return user


@pytest.fixture
def pact_reader(django_user_model):
    """Staff who may look at pacts and ceremonies but change nothing."""
    return user_with(django_user_model, "pembaca-pakta", ["view_pact", "view_ceremony", "view_pacttext"])


@pytest.fixture
def integrity_operator(django_user_model):
    """Staff with every integrity permission, but not a superuser."""
    return user_with(
        django_user_model,
        "operator-pakta",
        list(
            Permission.objects.filter(content_type__app_label="integrity").values_list("codename", flat=True)
        ),
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def detail_url(pact):
    return reverse("admin:integrity_pact_change", args=[pact.pk])


def signed_pacts() -> set[str]:
    return set(
        Pact.objects.filter(status=PactStatus.SIGNED).values_list("appointment__person__name", flat=True)
    )


# --- dashboard and generation -----------------------------------------------------------------------


def test_dashboard_shows_signed_over_total_and_who_is_missing(staff_client, pacts, ceremony):
    pacts_mark_signed(
        pacts=[pacts["Budi Sekretaris Manggar"], pacts["Wulan Staf Klandasan"]],
        signed_date=CEREMONY_DAY,
        signed_place=NOVOTEL,
    )

    response = staff_client.get(reverse("admin:integrity_dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<strong id="signed-total">2/6</strong>' in html
    assert "(33%)" in html
    assert "Siti Bendahara Manggar (Bendahara), Andi Staf Manggar (Staf Teknis)" in html
    assert "Rahmat Sekretaris Klandasan (Sekretaris)" in html
    assert "Budi Sekretaris Manggar (" not in html  # signed: not in the missing list
    assert reverse("admin:integrity_attendance", args=[ceremony.pk]) in html
    assert reverse("admin:integrity_generate") in html


def test_generate_button_creates_the_pakta_job_and_a_second_press_creates_none(staff_client, staff_user):
    make_roster()

    response = staff_client.post(reverse("admin:integrity_generate"), follow=True)

    assert response.redirect_chain == [(reverse("admin:integrity_dashboard"), 302)]
    job = GenerationJob.objects.get(kind="pakta")
    assert (job.total, job.requested_by) == (6, staff_user)
    assert Pact.objects.count() == 6 and job.documents.count() == 6
    assert "6 PDF pakta integritas sedang dibuat." in messages_of(response)
    assert 'id="job-count">0 dari 6<' in response.content.decode()

    again = staff_client.post(reverse("admin:integrity_generate"), follow=True)
    assert "Semua anggota aktif sudah punya PDF pakta." in messages_of(again)
    assert GenerationJob.objects.count() == 1


def test_dashboard_progress_bar_polls_the_pakta_job(client, staff_client, pact_reader, viewer_user, pacts):
    job = GenerationJob.objects.get(kind="pakta")
    document = render(pacts["Andi Staf Manggar"])
    assert document.job_id == job.pk
    url = reverse("admin:integrity_job_progress", args=[job.pk])
    assert (
        f'data-progress-url="{url}"'
        in staff_client.get(reverse("admin:integrity_dashboard")).content.decode()
    )

    client.force_login(pact_reader)
    progress = client.get(url).json()
    assert (progress["done"], progress["total"]) == (1, 6)

    other = GenerationJob.objects.create(office=office(), kind="sk", total=1)
    assert client.get(reverse("admin:integrity_job_progress", args=[other.pk])).status_code == 404
    client.force_login(viewer_user)
    assert client.get(url).status_code == 403


def test_generate_only_accepts_post_and_needs_change_permission(client, staff_client, pact_reader):
    make_roster()
    assert staff_client.get(reverse("admin:integrity_generate")).status_code == 405
    client.force_login(pact_reader)
    assert client.post(reverse("admin:integrity_generate")).status_code == 403
    assert "Buat PDF pakta" not in client.get(reverse("admin:integrity_dashboard")).content.decode()
    assert not GenerationJob.objects.exists() and not Pact.objects.exists()


def _stall(job):
    """The job's tasks were lost STUCK_JOB_MINUTES + 1 ago (a broker flush): nothing has moved since."""
    old = timezone.now() - dt.timedelta(minutes=settings.STUCK_JOB_MINUTES + 1)
    GenerationJob.objects.filter(pk=job.pk).update(status="running", dispatched_at=old)
    job.documents.exclude(started_at=None).update(started_at=old, finished_at=old)


def test_dashboard_retry_puts_back_failed_and_stalled_pact_pdfs(staff_client, pacts):
    job = GenerationJob.objects.get(kind="pakta")
    done = render(pacts["Budi Sekretaris Manggar"])
    failed = pacts["Andi Staf Manggar"].document
    Document.objects.filter(pk=failed.pk).update(status="failed", error="OSError: disk penuh")
    _stall(job)
    html = staff_client.get(reverse("admin:integrity_dashboard")).content.decode()
    assert "Coba lagi dokumen yang gagal (1) dan yang macet (4)" in html

    response = staff_client.post(reverse("admin:integrity_job_retry", args=[job.pk]), follow=True)
    assert messages_of(response) == [
        f"1 dokumen yang gagal dan 4 dokumen yang macet (tidak bergerak lebih dari "
        f"{settings.STUCK_JOB_MINUTES} menit) dijadwalkan ulang."
    ]
    statuses = dict(job.documents.values_list("pk", "status"))
    assert statuses.pop(done.pk) == "done" and set(statuses.values()) == {"pending"}
    assert GenerationJob.objects.get(pk=job.pk).status == "queued"
    for pact in pacts.values():
        render(pact)  # what the worker does with them; the done one is left as it was
    assert Document.objects.get(pk=done.pk).attempts == 1


def test_dashboard_retry_needs_post_and_change_permission(client, staff_client, pact_reader, pacts):
    job = GenerationJob.objects.get(kind="pakta")
    _stall(job)
    url = reverse("admin:integrity_job_retry", args=[job.pk])
    assert staff_client.get(url).status_code == 405
    sk_job = GenerationJob.objects.create(office=office(), kind="sk", total=0)
    assert staff_client.post(reverse("admin:integrity_job_retry", args=[sk_job.pk])).status_code == 404
    client.force_login(pact_reader)
    html = client.get(reverse("admin:integrity_dashboard")).content.decode()
    assert "6 dokumen macet" in html and "Kirim ulang" not in html
    assert client.post(url).status_code == 403
    assert set(job.documents.values_list("status", flat=True)) == {"pending"}


# --- bulk actions -----------------------------------------------------------------------------------


def test_bulk_mark_signed_action_shows_the_form_then_marks_only_the_selection(
    staff_client, staff_user, pacts
):
    chosen = [
        pacts["Budi Sekretaris Manggar"],
        pacts["Siti Bendahara Manggar"],
        pacts["Wulan Staf Klandasan"],
    ]
    changelist = reverse("admin:integrity_pact_changelist")
    selection = {"action": "mark_signed", "_selected_action": [p.pk for p in chosen]}

    form_page = staff_client.post(changelist, {**selection, "index": "0"})

    assert form_page.status_code == 200
    assert form_page.templates[0].name == "admin/integrity/pact/bulk_sign.html"
    html = form_page.content.decode()
    assert "3 pakta dipilih." in html
    assert 'value="2024-06-01"' in html and f'value="{NOVOTEL}"' in html  # the ceremony's
    for pact in chosen:
        assert f'name="_selected_action" value="{pact.pk}"' in html
    assert signed_pacts() == set()  # nothing happens before confirming

    done = staff_client.post(
        changelist,
        {**selection, "apply": "1", "signed_date": "2024-06-01", "signed_place": NOVOTEL},
        follow=True,
    )

    assert done.redirect_chain[-1][1] == 302
    assert "3 pakta ditandai sudah ditandatangani." in messages_of(done)
    assert signed_pacts() == {"Budi Sekretaris Manggar", "Siti Bendahara Manggar", "Wulan Staf Klandasan"}
    for pact in Pact.objects.filter(status=PactStatus.SIGNED):
        assert (pact.signed_date, pact.signed_place, pact.recorded_by) == (CEREMONY_DAY, NOVOTEL, staff_user)
        assert pact.history.latest().history_user == staff_user


def test_bulk_mark_signed_with_a_future_date_shows_the_error_and_changes_nothing(staff_client, pacts):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = staff_client.post(
        reverse("admin:integrity_pact_changelist"),
        {
            "action": "mark_signed",
            "_selected_action": [pacts["Budi Sekretaris Manggar"].pk],
            "apply": "1",
            "signed_date": tomorrow.isoformat(),
            "signed_place": NOVOTEL,
        },
    )
    assert response.status_code == 200
    assert "Tanggal penandatanganan tidak boleh di masa depan." in response.content.decode()
    assert signed_pacts() == set()


def test_mark_printed_action_marks_the_selection_printed(staff_client, pacts):
    chosen = [pacts["Andi Staf Manggar"].pk, pacts["Yusuf Sekretaris Baru Ilir"].pk]
    response = staff_client.post(
        reverse("admin:integrity_pact_changelist"),
        {"action": "mark_printed", "_selected_action": chosen, "index": "0"},
        follow=True,
    )
    assert "2 pakta ditandai sudah dicetak." in messages_of(response)
    assert set(Pact.objects.filter(status=PactStatus.PRINTED).values_list("pk", flat=True)) == set(chosen)


# --- recording a signature on the pact's page -------------------------------------------------------


def test_pact_page_records_signature_date_place_and_scan_upload(staff_client, staff_user, pacts):
    pact = pacts["Siti Bendahara Manggar"]
    page = staff_client.get(detail_url(pact))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert 'value="2024-06-01"' in page.content.decode()
    scan = minimal_pdf("Pakta Siti bertanda tangan")

    response = staff_client.post(
        detail_url(pact),
        {"signed_date": "2024-06-01", "signed_place": NOVOTEL, "scan": upload("scan-siti.pdf", scan)},
        follow=True,
    )

    assert response.redirect_chain == [(detail_url(pact), 302)]
    assert "Tanda tangan dan pindaian dicatat." in messages_of(response)
    pact.refresh_from_db()
    assert (pact.status, pact.signed_date, pact.signed_place) == (PactStatus.SIGNED, CEREMONY_DAY, NOVOTEL)
    assert pact.recorded_by == staff_user
    assert Path(pact.scan.path).read_bytes() == scan
    assert pact.scan_sha256 == hashlib.sha256(scan).hexdigest()
    html = response.content.decode()
    assert "Ditandatangani &mdash; Hotel Novotel Balikpapan, 01-06-2024" in html
    assert reverse("admin:integrity_scan", args=[pact.pk]) in html and "Unduh pindaian" in html
    assert "Unggah pindaian" in html and 'name="signed_date"' not in html  # now only a new scan
    reasons = list(pact.history.order_by("-history_id").values_list("history_change_reason", flat=True)[:2])
    assert reasons == ["pindaian diunggah", "ditandatangani"]


def test_pact_page_rejects_a_renamed_text_file_and_changes_nothing(staff_client, pacts):
    pact = pacts["Andi Staf Manggar"]
    files, recorded = private_files(), pact.history.count()

    response = staff_client.post(
        detail_url(pact),
        {
            "signed_date": "2024-06-01",
            "signed_place": NOVOTEL,
            "scan": upload("pakta.pdf", b"Bukan PDF, hanya teks.\n", "application/pdf"),
        },
    )

    assert response.status_code == 200
    assert WRONG_TYPE in response.content.decode()
    assert messages_of(response) == []
    pact.refresh_from_db()
    assert (pact.status, pact.signed_date, pact.signed_place) == (PactStatus.NOT_PRINTED, None, "")
    assert (pact.scan.name, pact.scan_sha256) == ("", "")
    assert pact.history.count() == recorded
    assert private_files() == files


def test_pact_page_puts_a_future_date_error_on_the_date_field(staff_client, pacts):
    pact = pacts["Andi Staf Manggar"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = staff_client.post(
        detail_url(pact), {"signed_date": tomorrow.isoformat(), "signed_place": NOVOTEL}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"signed_date": ["Tanggal penandatanganan tidak boleh di masa depan."]}
    pact.refresh_from_db()
    assert pact.status == PactStatus.NOT_PRINTED


def test_signed_pact_page_accepts_a_replacement_scan(staff_client, pacts):
    pact = pacts["Yusuf Sekretaris Baru Ilir"]
    pacts_mark_signed(pacts=[pact], signed_date=CEREMONY_DAY, signed_place=NOVOTEL)
    image = minimal_png()

    response = staff_client.post(detail_url(pact), {"scan": upload("foto.png", image)}, follow=True)

    assert "Tanda tangan dan pindaian dicatat." in messages_of(response)
    pact.refresh_from_db()
    stored = Path(pact.scan.path).read_bytes()  # the re-encoded copy of the image (tests/test_scans.py)
    assert pact.scan.name.endswith(".png") and stored.startswith(b"\x89PNG")
    assert pact.scan_sha256 == hashlib.sha256(stored).hexdigest()
    assert (pact.signed_date, pact.signed_place) == (CEREMONY_DAY, NOVOTEL)


def test_reader_sees_the_pact_page_without_a_form_and_cannot_post(client, pact_reader, pacts):
    pact = pacts["Andi Staf Manggar"]
    client.force_login(pact_reader)
    page = client.get(detail_url(pact))
    assert page.status_code == 200 and '<form method="post"' not in page.content.decode()
    response = client.post(detail_url(pact), {"signed_date": "2024-06-01", "signed_place": NOVOTEL})
    assert response.status_code == 403
    pact.refresh_from_db()
    assert pact.status == PactStatus.NOT_PRINTED


# --- downloads and their permissions ----------------------------------------------------------------


@pytest.fixture
def scanned(pacts, staff_user):
    """Budi's pact: PDF rendered, scan uploaded (the other five are left unrendered)."""
    pact = pacts["Budi Sekretaris Manggar"]
    render(pact)
    pact_attach_scan(pact=pact, upload=upload("budi.pdf", minimal_pdf("Pindaian Budi")), user=staff_user)
    pact.refresh_from_db()
    return pact


def read_streaming(response) -> bytes:
    return b"".join(response.streaming_content)


def test_staff_download_the_scan_and_the_pact_pdf(staff_client, scanned):
    scan = staff_client.get(reverse("admin:integrity_scan", args=[scanned.pk]))
    assert scan.status_code == 200
    assert read_streaming(scan) == minimal_pdf("Pindaian Budi")
    assert scan["Content-Disposition"].startswith("attachment;")
    assert Path(scanned.scan.name).name in scan["Content-Disposition"]

    document = staff_client.get(reverse("admin:integrity_pact_pdf", args=[scanned.pk]))
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    data = read_streaming(document)
    assert hashlib.sha256(data).hexdigest() == scanned.document.sha256
    assert "Budi Sekretaris Manggar" in pdf.flat(data)


def test_pact_pdf_view_is_404_until_the_pdf_is_rendered_and_scan_view_until_uploaded(staff_client, pacts):
    pact = pacts["Andi Staf Manggar"]
    assert staff_client.get(reverse("admin:integrity_pact_pdf", args=[pact.pk])).status_code == 404
    assert staff_client.get(reverse("admin:integrity_scan", args=[pact.pk])).status_code == 404


@pytest.mark.parametrize("view", ["integrity_scan", "integrity_pact_pdf", "integrity_pact_change"])
def test_secretariat_viewer_gets_403_on_pact_files(client, viewer_user, scanned, view):
    client.force_login(viewer_user)
    assert viewer_user.has_perm("secretariat.view_person")
    response = client.get(reverse(f"admin:{view}", args=[scanned.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        lambda pact: reverse("admin:integrity_scan", args=[pact.pk]),
        lambda pact: reverse("admin:integrity_pact_pdf", args=[pact.pk]),
        lambda pact: reverse("admin:integrity_bundle"),
        lambda pact: reverse("admin:integrity_dashboard"),
        lambda pact: reverse("admin:integrity_attendance", args=[pact.ceremony_id]),
    ],
    ids=["scan", "pact-pdf", "bundle", "dashboard", "attendance"],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, scanned, url):
    target = url(scanned)
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "next=" in response["Location"]


def test_scans_are_not_served_under_the_public_media_url(client, staff_client, scanned):
    url = f"/{settings.MEDIA_URL.lstrip('/')}{scanned.scan.name}"
    assert Path(scanned.scan.path).is_file()
    assert client.get(url).status_code == 404
    assert staff_client.get(url).status_code == 404


# --- the print bundle -------------------------------------------------------------------------------


def test_bundle_has_one_page_per_pact_in_roster_order_and_marks_them_printed(
    staff_client, staff_user, rendered
):
    pacts_mark_signed(
        pacts=[rendered["Rahmat Sekretaris Klandasan"]], signed_date=CEREMONY_DAY, signed_place=NOVOTEL
    )

    response = staff_client.post(reverse("admin:integrity_bundle"))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="bundel-pakta-integritas.pdf"' in response["Content-Disposition"]
    body = response.getvalue()
    reader = pdf.read(body)
    assert len(reader.pages) == 6
    assert all(pdf.is_size(size, pdf.F4_POINTS) for size in pdf.page_sizes(body))
    for page, name in zip(reader.pages, ROSTER_ORDER, strict=True):
        text = " ".join(page.extract_text().split())
        assert name in text
        assert not any(other in text for other in ROSTER_ORDER if other != name)
    statuses = dict(Pact.objects.values_list("appointment__person__name", "status"))
    assert statuses.pop("Rahmat Sekretaris Klandasan") == PactStatus.SIGNED  # never moved back
    assert set(statuses.values()) == {PactStatus.PRINTED}
    printed = Pact.history.filter(history_change_reason="dicetak")
    assert printed.count() == 5 and {h.history_user for h in printed} == {staff_user}


def test_bundle_leaves_out_and_does_not_mark_pacts_whose_pdf_is_not_ready(staff_client, pacts):
    for name in ROSTER_ORDER[:2]:
        render(pacts[name])

    response = staff_client.post(reverse("admin:integrity_bundle"))

    assert len(pdf.read(response.getvalue()).pages) == 2
    statuses = dict(Pact.objects.values_list("appointment__person__name", "status"))
    assert {name for name, status in statuses.items() if status == PactStatus.PRINTED} == set(
        ROSTER_ORDER[:2]
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_bundle_before_any_pdf_is_ready_redirects_with_a_message(staff_client, pacts, method):
    response = getattr(staff_client, method)(reverse("admin:integrity_bundle"), follow=True)
    assert response.redirect_chain == [(reverse("admin:integrity_dashboard"), 302)]
    assert "Belum ada PDF pakta yang selesai dibuat." in messages_of(response)
    assert not Pact.objects.exclude(status=PactStatus.NOT_PRINTED).exists()


def test_reader_downloads_the_bundle_without_marking_anything_printed(client, pact_reader, rendered):
    client.force_login(pact_reader)
    response = client.post(reverse("admin:integrity_bundle"))
    assert response.status_code == 200 and len(pdf.read(response.getvalue()).pages) == 6
    assert set(Pact.objects.values_list("status", flat=True)) == {PactStatus.NOT_PRINTED}


def test_opening_the_bundle_page_shows_what_it_will_do_and_changes_nothing(staff_client, pacts):
    for name in ROSTER_ORDER[:4]:
        render(pacts[name])
    pacts_mark_signed(pacts=[pacts[ROSTER_ORDER[0]]], signed_date=CEREMONY_DAY, signed_place=NOVOTEL)
    history_before = Pact.history.count()

    response = staff_client.get(reverse("admin:integrity_bundle"))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'id="bundle-ready">4<' in html
    assert "2 pakta belum ada PDF-nya" in html
    assert "<strong>3</strong> pakta yang belum dicetak" in html
    assert '<form method="post">' in html and "csrfmiddlewaretoken" in html
    assert set(Pact.objects.values_list("status", flat=True)) == {PactStatus.NOT_PRINTED, PactStatus.SIGNED}
    assert Pact.history.count() == history_before


def test_the_bundle_is_not_given_out_on_a_post_without_the_csrf_token(staff_user, rendered):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)

    response = client.post(reverse("admin:integrity_bundle"))

    assert response.status_code == 403
    assert set(Pact.objects.values_list("status", flat=True)) == {PactStatus.NOT_PRINTED}


# --- attendance sheet -------------------------------------------------------------------------------


def test_ceremony_attendance_sheet_url_returns_the_pdf(staff_client, ceremony):
    make_roster()
    change_page = staff_client.get(reverse("admin:integrity_ceremony_change", args=[ceremony.pk]))
    url = reverse("admin:integrity_attendance", args=[ceremony.pk])
    assert url in change_page.content.decode()

    response = staff_client.get(url)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="daftar-hadir-20240601.pdf"' in response["Content-Disposition"]
    body = response.getvalue()
    text = pdf.flat(body)
    assert "DAFTAR HADIR" in text and "Sabtu, 1 Juni 2024" in text
    assert all(name in text for name in ROSTER_ORDER)
    assert all(pdf.is_size(size, pdf.F4_POINTS) for size in pdf.page_sizes(body))


def test_attendance_sheet_needs_ceremony_view_permission(client, viewer_user, ceremony):
    client.force_login(viewer_user)
    assert client.get(reverse("admin:integrity_attendance", args=[ceremony.pk])).status_code == 403


# --- what nobody may do -----------------------------------------------------------------------------


def test_pact_text_cannot_be_changed_or_added_by_staff_who_are_not_superusers(client, integrity_operator):
    assert integrity_operator.has_perm("integrity.change_pacttext")
    current = PactText.current(office())
    count = PactText.objects.count()
    client.force_login(integrity_operator)
    change_url = reverse("admin:integrity_pacttext_change", args=[current.pk])

    assert client.get(change_url).status_code == 200  # may read it
    response = client.post(
        change_url,
        {"title": "DIUBAH", "preamble": "Pembuka lain", "pledges": "Satu butir saja", "closing": ""},
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:integrity_pacttext_add")).status_code == 403
    assert PactText.objects.count() == count
    current.refresh_from_db()
    assert current.title == "PAKTA INTEGRITAS" and current.pledges != "Satu butir saja"


def test_no_one_may_delete_pacts_or_pact_texts(staff_client, pacts):
    pact = pacts["Budi Sekretaris Manggar"]
    delete_url = reverse("admin:integrity_pact_delete", args=[pact.pk])
    assert staff_client.get(delete_url).status_code == 403
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = staff_client.get(reverse("admin:integrity_pact_changelist"))
    actions = [value for value, _ in changelist.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions and {"mark_printed", "mark_signed"} <= set(actions)
    bulk_delete = staff_client.post(
        reverse("admin:integrity_pact_changelist"),
        {"action": "delete_selected", "_selected_action": [pact.pk], "index": "0", "post": "yes"},
    )
    assert bulk_delete.status_code == 302
    text = PactText.current(office())
    assert staff_client.get(reverse("admin:integrity_pacttext_delete", args=[text.pk])).status_code == 403
    assert Pact.objects.count() == 6 and PactText.objects.count() == 2  # the old default and the standard
    assert staff_client.get(reverse("admin:integrity_pact_add")).status_code == 403


def test_the_pact_list_follows_roster_order(staff_client, pacts):
    response = staff_client.get(reverse("admin:integrity_pact_changelist"))

    names = [pact.appointment.person.name for pact in response.context["cl"].result_list]
    assert names == ROSTER_ORDER


def test_the_ceremony_name_input_takes_the_full_width(staff_client, ceremony):
    from django.contrib.staticfiles import finders

    html = staff_client.get(reverse("admin:integrity_ceremony_change", args=[ceremony.pk])).content.decode()

    name_input = html[html.index('name="name"') - 200 : html.index('name="name"') + 200]
    assert 'class="vTextField vWideTextField"' in name_input
    assert "css/admin-extra" in html  # the stylesheet with the rule is on every admin page
    css = Path(finders.find("css/admin-extra.css")).read_text()
    assert "input.vWideTextField { width: 100%;" in css
