"""Staff pages for decrees (SK): issue, preview, progress, documents, print bundle, revoke, retry, and
who may do what. Documents are rendered by calling the service directly (no worker here)."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from secretariat.models import (
    Decree,
    DecreeNumberSequence,
    DecreeTemplate,
    Document,
    DocumentKind,
    DocumentStatus,
    GenerationJob,
    JobStatus,
)
from secretariat.services.appointments import appointment_end
from secretariat.services.decrees import decree_issue, decree_revoke
from secretariat.services.document_jobs import document_render_and_store

from . import pdf
from .factories import join_office, make_appointment, make_person, office
from .test_decrees import small_png

pytestmark = pytest.mark.django_db

SK_DATE = dt.date(2024, 6, 1)


# Created out of lampiran order (the lampiran sorts by kelurahan code, then sekretaris, bendahara, staf).
MEMBERS = [
    ("Yohana Pratiwi", "64.71.02.1001", "bendahara"),
    ("Agus Salim", "64.71.01.1001", "staf_teknis"),
    ("Wulan Sari", "64.71.02.1001", "sekretaris"),
    ("Joko Susilo", "64.71.01.1001", "sekretaris"),
]
LAMPIRAN_ORDER = ["Joko Susilo", "Agus Salim", "Wulan Sari", "Yohana Pratiwi"]


@pytest.fixture
def roster():
    return [
        make_appointment(person=make_person(name=name), kelurahan=kelurahan, role=role)
        for name, kelurahan, role in MEMBERS
    ]


@pytest.fixture
def decree(roster):
    return decree_issue(decree_date=SK_DATE)


def _render_all(decree):
    for document in Document.objects.filter(decree=decree):
        document_render_and_store(document.pk)


def _url(name, *args):
    return reverse(f"admin:secretariat_{name}", args=args)


def _staff_with(*codenames, username="staf-terbatas"):
    user = join_office(
        get_user_model().objects.create_user(username, password="sandi-terbatas-123", is_staff=True)
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="secretariat", codename__in=codenames)
    )
    return user


# --- issuing ---------------------------------------------------------------------------------------


def test_issue_page_shows_how_many_active_appointments_are_not_yet_in_a_decree(staff_client, roster):
    response = staff_client.get(_url("decree_issue"))
    assert response.status_code == 200
    assert "Ada <strong>4</strong> pengangkatan aktif yang belum tercantum" in response.content.decode()


def test_issue_page_says_there_is_nothing_to_issue_once_everyone_is_covered(staff_client, decree):
    body = staff_client.get(_url("decree_issue")).content.decode()
    assert "Semua pengangkatan aktif sudah tercantum" in body
    assert 'value="Terbitkan SK" disabled' in body


def test_posting_the_issue_form_issues_a_decree_and_redirects_to_it(staff_client, staff_user, roster):
    response = staff_client.post(_url("decree_issue"), {"decree_date": "2024-06-01"})
    decree = Decree.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("decree_change", decree.pk)
    assert (decree.number, decree.decree_date, decree.created_by) == (
        "NOMOR 1 TAHUN 2024",
        SK_DATE,
        staff_user,
    )
    assert decree.entries.count() == 4
    assert decree.jobs.get().total == 6

    # Posting again (e.g. a double click) issues nothing more.
    response = staff_client.post(_url("decree_issue"), {"decree_date": "2024-06-01"})
    assert response["Location"] == _url("decree_changelist")
    assert Decree.objects.count() == 1


def test_issue_form_without_a_date_issues_nothing(staff_client, roster):
    response = staff_client.post(_url("decree_issue"), {"decree_date": ""})
    assert response.status_code == 200
    assert Decree.objects.count() == 0


def test_staff_without_add_permission_cannot_issue(client, roster):
    client.force_login(_staff_with("view_decree"))
    assert client.get(_url("decree_issue")).status_code == 403
    assert client.post(_url("decree_issue"), {"decree_date": "2024-06-01"}).status_code == 403
    assert Decree.objects.count() == 0


# --- the decree page and its progress -------------------------------------------------------------


def test_decree_page_shows_number_facts_and_document_progress(staff_client, decree):
    response = staff_client.get(_url("decree_change", decree.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "NOMOR 1 TAHUN 2024" in body
    assert "Pembuatan dokumen" in body
    assert f'data-progress-url="{_url("decree_progress", decree.pk)}"' in body
    assert '<span id="job-count">0 dari 6</span>' in body
    for name in LAMPIRAN_ORDER:
        assert name in body


def test_progress_url_returns_total_done_and_percent_as_json(staff_client, decree):
    url = _url("decree_progress", decree.pk)
    data = staff_client.get(url).json()
    assert (data["total"], data["done"], data["percent"], data["failed"]) == (6, 0, 0, 0)

    keputusan = Document.objects.get(decree=decree, kind=DocumentKind.KEPUTUSAN)
    document_render_and_store(keputusan.pk)
    data = staff_client.get(url).json()
    assert (data["total"], data["done"], data["percent"]) == (6, 1, 17)
    assert data["failed_documents"] == []


def test_progress_of_an_unknown_decree_is_404(staff_client, db):
    assert staff_client.get(_url("decree_progress", 999999)).status_code == 404


# --- preview ---------------------------------------------------------------------------------------


def test_preview_is_a_marked_pdf_and_writes_nothing(staff_client, roster):
    counts = (Decree.objects.count(), GenerationJob.objects.count(), Document.objects.count())
    sequences = list(DecreeNumberSequence.objects.values_list("year", "next_number"))

    response = staff_client.get(_url("decree_preview"), {"tanggal": "2024-06-01"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf.flat(response.getvalue())
    assert "PRATINJAU" in text
    assert "NOMOR 1 TAHUN 2024" in text and "Joko Susilo" in text

    assert (Decree.objects.count(), GenerationJob.objects.count(), Document.objects.count()) == counts
    assert list(DecreeNumberSequence.objects.values_list("year", "next_number")) == sequences
    # The real issue afterwards still gets number 1.
    assert decree_issue(decree_date=SK_DATE).number == "NOMOR 1 TAHUN 2024"


def test_preview_with_everyone_covered_shows_the_template_and_leaves_the_sequence(staff_client, decree):
    response = staff_client.get(_url("decree_preview"), {"tanggal": "2024-06-02"})
    assert response.status_code == 200
    text = pdf.flat(response.getvalue())
    assert "PRATINJAU" in text
    assert "NOMOR 2 TAHUN 2024" in text and "NOMOR 0" not in text  # the next number, not 0
    assert DecreeNumberSequence.objects.get(year=2024).next_number == 2
    assert Decree.objects.count() == 1


def test_the_preview_button_submits_the_issue_form_so_the_typed_date_is_shown(staff_client, roster):
    body = staff_client.get(_url("decree_issue")).content.decode()
    form = body[body.index('<form method="post" novalidate') :]
    form = form[: form.index("</form>")]
    assert f'formaction="{_url("decree_preview")}"' in form and 'formtarget="_blank"' in form
    assert 'id="preview-link"' not in body  # the old link carried no date at all

    response = staff_client.post(_url("decree_preview"), {"decree_date": "2024-06-05"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf.flat(response.getvalue())
    assert "pada tanggal 5 Juni 2024" in text and "1 Juni 2024" not in text
    assert Decree.objects.count() == 0


def test_a_preview_without_a_valid_date_says_so_instead_of_using_today(staff_client, roster):
    response = staff_client.post(_url("decree_preview"), {"decree_date": "31-02-2024"})
    assert response.status_code == 400
    assert "Tanggal ditetapkan belum diisi atau tidak valid" in response.content.decode()


def test_staff_who_may_only_view_cannot_post_a_preview_either(client, roster):
    client.force_login(_staff_with("view_appointment"))
    assert client.post(_url("decree_preview"), {"decree_date": "2024-06-05"}).status_code == 403


# --- documents -------------------------------------------------------------------------------------


@pytest.fixture
def keputusan(decree):
    return document_render_and_store(Document.objects.get(decree=decree, kind=DocumentKind.KEPUTUSAN).pk)


def test_staff_can_open_and_download_a_finished_document(staff_client, keputusan):
    url = _url("document_download", keputusan.public_id)
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") and len(body) == keputusan.size
    assert response["Content-Disposition"].startswith("inline")

    response = staff_client.get(url, {"unduh": "1"})
    assert response["Content-Disposition"] == 'attachment; filename="keputusan-2024-1.pdf"'
    response.close()


def test_staff_with_only_view_permissions_can_open_a_document(client, viewer_user, keputusan):
    client.force_login(viewer_user)
    response = client.get(_url("document_download", keputusan.public_id))
    assert response.status_code == 200
    response.close()


def test_anonymous_visitors_are_sent_to_the_login_page(client, keputusan):
    url = _url("document_download", keputusan.public_id)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_view_decree_permission_get_403(client, keputusan):
    client.force_login(_staff_with("view_person", "view_appointment"))
    assert client.get(_url("document_download", keputusan.public_id)).status_code == 403
    assert client.get(_url("decree_change", keputusan.decree_id)).status_code == 403
    assert client.get(_url("decree_progress", keputusan.decree_id)).status_code == 403
    assert client.get(_url("decree_bundle", keputusan.decree_id)).status_code == 403
    assert client.get(_url("decree_preview")).status_code == 403


def test_a_document_not_yet_rendered_cannot_be_downloaded(staff_client, decree):
    pending = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).first()
    assert staff_client.get(_url("document_download", pending.public_id)).status_code == 404


# --- print bundle ----------------------------------------------------------------------------------


def test_print_bundle_waits_until_every_petikan_is_done(staff_client, decree):
    first = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).first()
    document_render_and_store(first.pk)
    response = staff_client.get(_url("decree_bundle", decree.pk))
    assert response.status_code == 302
    assert response["Location"] == _url("decree_change", decree.pk)


def test_print_bundle_has_one_page_per_petikan_in_lampiran_order(staff_client, decree):
    _render_all(decree)
    response = staff_client.get(_url("decree_bundle", decree.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.getvalue()
    reader = pdf.read(body)
    assert len(reader.pages) == 4
    for page, name in zip(reader.pages, LAMPIRAN_ORDER, strict=True):
        text = " ".join(page.extract_text().split())
        assert "PETIKAN" in text
        assert f"Nama : {name}" in text
        assert [other for other in LAMPIRAN_ORDER if other in text] == [name]
    assert all(pdf.is_size(size, pdf.F4_POINTS) for size in pdf.page_sizes(body))


# --- revoke ----------------------------------------------------------------------------------------


def test_revoking_from_the_admin_marks_the_decree_dicabut(staff_client, staff_user, decree):
    page = staff_client.get(_url("decree_change", decree.pk)).content.decode()
    assert _url("decree_revoke", decree.pk) in page and "DICABUT" not in page
    assert staff_client.get(_url("decree_revoke", decree.pk)).status_code == 200

    response = staff_client.post(
        _url("decree_revoke", decree.pk),
        {"revoked_date": "2024-06-10", "reason": "Salah penulisan nama", "confirm": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("decree_change", decree.pk)
    decree.refresh_from_db()
    assert decree.is_revoked and decree.revoked_by == staff_user

    page = staff_client.get(_url("decree_change", decree.pk)).content.decode()
    assert "DICABUT pada 10-06-2024: Salah penulisan nama" in page
    assert _url("decree_revoke", decree.pk) not in page  # no second revoke offered
    # The members are uncovered again, ready for a corrected decree.
    assert "Ada <strong>4</strong>" in staff_client.get(_url("decree_issue")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"revoked_date": "2024-06-10", "reason": "", "confirm": "on"}, "Bidang ini tidak boleh kosong."),
        (
            {"revoked_date": "2024-05-01", "reason": "Salah nama", "confirm": "on"},
            "Tanggal pencabutan tidak boleh sebelum",
        ),
        # Revoking cannot be undone: it asks for confirmation first.
        ({"revoked_date": "2024-06-10", "reason": "Salah nama"}, "Centang pernyataan ini untuk mencabut SK."),
    ],
)
def test_revoking_without_a_reason_or_before_the_decree_date_shows_an_error(
    staff_client, decree, data, message
):
    response = staff_client.post(_url("decree_revoke", decree.pk), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    decree.refresh_from_db()
    assert not decree.is_revoked


def test_staff_who_may_only_view_cannot_revoke(client, viewer_user, decree):
    client.force_login(viewer_user)
    page = client.get(_url("decree_change", decree.pk)).content.decode()
    assert _url("decree_revoke", decree.pk) not in page
    response = client.post(_url("decree_revoke", decree.pk), {"revoked_date": "2024-06-10", "reason": "x"})
    assert response.status_code == 403
    decree.refresh_from_db()
    assert not decree.is_revoked


# --- retry -----------------------------------------------------------------------------------------


@pytest.fixture
def failed_decree(decree):
    text = decree.text
    Decree.objects.filter(pk=decree.pk).update(text={k: v for k, v in text.items() if k != "considerations"})
    for document in Document.objects.filter(decree=decree):
        with pytest.raises(KeyError):
            document_render_and_store(document.pk)
    Decree.objects.filter(pk=decree.pk).update(text=text)
    return decree


def test_retry_button_requeues_the_failed_documents(staff_client, failed_decree):
    page = staff_client.get(_url("decree_change", failed_decree.pk)).content.decode()
    assert "Coba lagi dokumen yang gagal (6)" in page
    assert "KeyError" in page
    progress = staff_client.get(_url("decree_progress", failed_decree.pk)).json()
    assert progress["failed"] == 6 and len(progress["failed_documents"]) == 6

    response = staff_client.post(_url("decree_retry", failed_decree.pk))
    assert response.status_code == 302
    job = failed_decree.jobs.get()
    assert job.status == JobStatus.QUEUED
    assert set(job.documents.values_list("status", "error")) == {(DocumentStatus.PENDING, "")}

    _render_all(failed_decree)  # what the worker does with the requeued documents
    assert set(job.documents.values_list("status", flat=True)) == {DocumentStatus.DONE}


def test_retry_needs_post_and_change_permission(client, viewer_user, failed_decree):
    client.force_login(viewer_user)
    assert "Coba lagi" not in client.get(_url("decree_change", failed_decree.pk)).content.decode()
    assert client.post(_url("decree_retry", failed_decree.pk)).status_code == 403
    assert set(Document.objects.values_list("status", flat=True)) == {DocumentStatus.FAILED}


def test_retry_by_get_is_refused(staff_client, failed_decree):
    assert staff_client.get(_url("decree_retry", failed_decree.pk)).status_code == 405


# --- the decree template: read-only unless superuser ------------------------------------------------


def _template_form_data(template, **changes):
    data = {k: v for k, v in model_to_dict(template).items() if k not in ("id", "logo") and v is not None}
    data["is_active"] = "on" if template.is_active else ""
    return {**data, **changes}


def test_decree_template_is_read_only_for_staff_with_view_permission(client, viewer_user):
    template = DecreeTemplate.active(office())
    client.force_login(viewer_user)
    url = _url("decreetemplate_change", template.pk)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert template.signer_name in body
    assert 'name="title"' not in body and 'name="_save"' not in body

    response = client.post(url, _template_form_data(template, title="DIUBAH OLEH PENGAMAT"))
    assert response.status_code == 403
    template.refresh_from_db()
    assert template.title != "DIUBAH OLEH PENGAMAT"
    assert client.get(_url("decreetemplate_add")).status_code == 403


def test_decree_template_can_be_edited_by_a_superuser(staff_client):
    template = DecreeTemplate.active(office())
    url = _url("decreetemplate_change", template.pk)
    body = staff_client.get(url).content.decode()
    assert 'name="title"' in body and 'name="_save"' in body

    response = staff_client.post(url, _template_form_data(template, title="JUDUL BARU"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    template.refresh_from_db()
    assert template.title == "JUDUL BARU"
    assert template.history.first().title == "JUDUL BARU"


def test_decree_template_admin_refuses_an_invalid_margin(staff_client):
    template = DecreeTemplate.active(office())
    url = _url("decreetemplate_change", template.pk)
    response = staff_client.post(url, _template_form_data(template, margin_top_mm=2))
    assert response.status_code == 200
    assert "Margin harus antara 5 dan 60 mm." in response.content.decode()
    template.refresh_from_db()
    assert template.margin_top_mm == 20


def test_decree_template_admin_refuses_a_text_file_as_logo(staff_client):
    template = DecreeTemplate.active(office())
    url = _url("decreetemplate_change", template.pk)
    logo = SimpleUploadedFile("logo.png", b"ini bukan gambar", content_type="image/png")
    response = staff_client.post(url, {**_template_form_data(template), "logo": logo})
    assert response.status_code == 200
    assert "Logo harus berkas PNG atau JPEG" in response.content.decode()
    template.refresh_from_db()
    assert not template.logo


# --- the decree list -------------------------------------------------------------------------------


def _listed_rows(client, query="") -> list[str]:
    """The rows of the decree list, each as its cells' text joined by " | "."""
    page = client.get(_url("decree_changelist") + query).content.decode()
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        " | ".join(
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)
        )
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_decree_list_shows_members_and_the_progress_of_each_decrees_latest_job(staff_client, decree):
    done = Document.objects.filter(decree=decree).order_by("pk")[:3]
    Document.objects.filter(pk__in=done.values("pk")).update(
        status=DocumentStatus.DONE, file="x.pdf", sha256="0" * 64
    )
    decree_revoke(decree=decree, revoked_date=SK_DATE, reason="Salah nama")
    ended = decree.entries.order_by("position").first().appointment
    appointment_end(appointment=ended, end_date=dt.date(2024, 7, 1), reason="mengundurkan_diri")
    second = decree_issue(decree_date=SK_DATE + dt.timedelta(days=1))  # the other three

    rows = _listed_rows(staff_client)
    assert [row.split(" | ")[0] for row in rows] == [second.number, decree.number]  # newest first
    assert rows[0].endswith("| 3 | Berlaku | 0/5 (Menunggu)")
    assert rows[1].endswith("| 4 | Dicabut | 3/6 (Menunggu)")

    GenerationJob.objects.create(
        office=office(), kind="sk", decree=decree, total=9, status=JobStatus.DONE
    )  # newer: shown
    assert _listed_rows(staff_client)[1].endswith("| 4 | Dicabut | 0/9 (Selesai)")
    # "jumlah anggota" (the third column) sorts.
    assert [row.split(" | ")[0] for row in _listed_rows(staff_client, "?o=3")] == [
        second.number,
        decree.number,
    ]
    assert [row.split(" | ")[0] for row in _listed_rows(staff_client, "?o=-3")] == [
        decree.number,
        second.number,
    ]


def test_a_decrees_history_page_counts_neither_its_entries_nor_its_documents(staff_client, decree):
    with CaptureQueriesContext(connection) as captured:
        response = staff_client.get(_url("decree_history", decree.pk))
    assert response.status_code == 200
    assert not [q["sql"] for q in captured.captured_queries if "secretariat_decreeentry" in q["sql"]]
    assert not [q["sql"] for q in captured.captured_queries if "secretariat_generationjob" in q["sql"]]


# --- decrees are records: no add, no delete ---------------------------------------------------------


def test_decrees_cannot_be_added_or_deleted_in_the_admin(staff_client, staff_user, decree):
    model_admin = admin.site._registry[Decree]
    request = RequestFactory().get("/")
    request.user = staff_user
    assert staff_user.is_superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request, decree)
    assert "delete_selected" not in model_admin.get_actions(request)

    assert staff_client.get(_url("decree_add")).status_code == 403
    assert staff_client.post(_url("decree_delete", decree.pk), {"post": "yes"}).status_code == 403
    assert Decree.objects.filter(pk=decree.pk).exists()

    changelist = staff_client.get(_url("decree_changelist")).content.decode()
    assert _url("decree_issue") in changelist
    assert _url("decree_add") not in changelist


def test_decree_template_and_number_sequence_cannot_be_deleted(staff_client):
    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(username="staf")
    template = DecreeTemplate.active(office())
    assert not admin.site._registry[DecreeTemplate].has_delete_permission(request, template)
    assert not admin.site._registry[DecreeNumberSequence].has_delete_permission(request)
    assert staff_client.post(_url("decreetemplate_delete", template.pk), {"post": "yes"}).status_code == 403


def test_a_template_whose_logo_file_went_missing_shows_an_error_and_the_logo_can_be_cleared(staff_client):
    template = DecreeTemplate.active(office())
    template.logo = SimpleUploadedFile("logo.png", small_png(), content_type="image/png")
    template.save()
    Path(template.logo.path).unlink()
    url = _url("decreetemplate_change", template.pk)

    response = staff_client.post(url, _template_form_data(template, title="JUDUL BARU"))
    assert response.status_code == 200
    assert "Berkas logo tidak ditemukan" in response.content.decode()

    response = staff_client.post(
        url, _template_form_data(template, title="JUDUL BARU", **{"logo-clear": "on"})
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.title == "JUDUL BARU" and not template.logo


def test_the_issue_page_explains_a_decree_date_before_the_members_start(staff_client, roster):
    response = staff_client.post(_url("decree_issue"), {"decree_date": "2024-05-01"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tanggal SK (1 Mei 2024) lebih awal dari tanggal mulai bertugas" in body
    assert "Tanggal SK paling awal 26 Mei 2024." in body
    assert Decree.objects.count() == 0


def test_the_issue_form_shows_a_please_wait_note_while_submitting(staff_client, roster, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # make run: documents are made inside the request
    body = staff_client.get(_url("decree_issue")).content.decode()
    assert '<form method="post" novalidate data-busy>' in body
    assert "js/busy-submit." in body
    assert "Sedang memproses, mohon tunggu" in body and "tanpa worker" in body


@pytest.mark.django_db(transaction=True)
def test_after_issuing_in_process_the_message_counts_the_finished_documents(
    committed_db, staff_client, roster, monkeypatch
):
    from pps_admin.celery import app

    # As in `make run`: the documents are made when the issuing transaction commits, in the request.
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    response = staff_client.post(_url("decree_issue"), {"decree_date": "2024-06-01"}, follow=True)
    body = response.content.decode()
    assert "SK NOMOR 1 TAHUN 2024 diterbitkan untuk 4 anggota; 6 dari 6 dokumen selesai dibuat." in body
