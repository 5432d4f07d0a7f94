"""Issuing, numbering, revoking and rendering appointment decrees (SK), on PostgreSQL.

Documents are rendered by calling the services directly: the worker itself is covered by
test_decree_generation.py.
"""

import datetime as dt
import re
import struct
import threading
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from kelurahan.models import Kelurahan
from secretariat import identity
from secretariat.models import (
    Appointment,
    Decree,
    DecreeEntry,
    DecreeNumberSequence,
    DecreeTemplate,
    Document,
    DocumentKind,
    DocumentStatus,
    ElectionPeriod,
    GenerationJob,
    JobStatus,
    Person,
)
from secretariat.services.appointments import appointment_replace
from secretariat.services.decrees import _allocate_sequence, decree_issue, decree_revoke
from secretariat.services.document_jobs import (
    DocumentStorageError,
    document_render_and_store,
    job_refresh,
    job_retry,
    render_document_pdf,
    write_once,
)
from secretariat.services.logo import validate_logo

from . import pdf
from .factories import make_appointment, make_person, office, person_fields

SK_DATE = dt.date(2024, 6, 1)
NAMES = ["Siti Aminah", "Budi Santoso", "Rahmat Hidayat"]


def _roster():
    """Three members in two kelurahan of Balikpapan Timur (created out of lampiran order)."""
    return [
        make_appointment(person=make_person(name=NAMES[0]), kelurahan="64.71.01.1002", role="sekretaris"),
        make_appointment(person=make_person(name=NAMES[1]), kelurahan="64.71.01.1001", role="staf_teknis"),
        make_appointment(person=make_person(name=NAMES[2]), kelurahan="64.71.01.1001", role="sekretaris"),
    ]


@pytest.fixture
def roster(db):
    return _roster()


def _replace(appointment, name="Dewi Lestari", *, end_date=dt.date(2024, 7, 1)):
    return appointment_replace(
        appointment=appointment,
        replacement=make_person(name=name, gender="P"),
        end_date=end_date,
        reason="mengundurkan_diri",
        lurah_decree_number="100.3.3.2/12/KEL-MGR",
        lurah_decree_date=end_date - dt.timedelta(days=3),
    )


def _document(decree, kind=DocumentKind.KEPUTUSAN, appointment=None) -> Document:
    documents = Document.objects.filter(decree=decree, kind=kind)
    if appointment is not None:
        documents = documents.filter(appointment=appointment)
    return documents.get()


def _rendered_text(document) -> str:
    document = Document.objects.select_related("decree").get(pk=document.pk)
    return pdf.flat(render_document_pdf(document))


# --- numbering --------------------------------------------------------------------------------------


def test_first_decree_of_2024_is_number_1_and_the_next_after_a_replacement_is_2(roster):
    first = decree_issue(decree_date=SK_DATE)
    assert (first.number, first.year, first.sequence) == ("NOMOR 1 TAHUN 2024", 2024, 1)

    _replace(roster[0])
    second = decree_issue(decree_date=dt.date(2024, 7, 5))
    assert (second.number, second.sequence) == ("NOMOR 2 TAHUN 2024", 2)
    assert DecreeNumberSequence.objects.get(year=2024).next_number == 3


def test_a_decree_dated_in_2025_restarts_at_number_1(roster):
    assert decree_issue(decree_date=SK_DATE).number == "NOMOR 1 TAHUN 2024"
    _replace(roster[1], end_date=dt.date(2024, 12, 30))
    decree = decree_issue(decree_date=dt.date(2025, 1, 2))
    assert (decree.number, decree.year, decree.sequence) == ("NOMOR 1 TAHUN 2025", 2025, 1)
    assert DecreeNumberSequence.objects.get(year=2024).next_number == 2


def test_a_sequence_raised_by_staff_to_57_gives_number_57(roster):
    DecreeNumberSequence.objects.create(office=office(), year=2024, next_number=57)
    decree = decree_issue(decree_date=SK_DATE)
    assert decree.number == "NOMOR 57 TAHUN 2024"
    assert DecreeNumberSequence.objects.get(year=2024).next_number == 58


def test_a_sequence_lowered_below_a_taken_number_still_gives_a_new_number(roster):
    decree_issue(decree_date=SK_DATE)
    DecreeNumberSequence.objects.filter(year=2024).update(next_number=1)
    _replace(roster[2])
    assert decree_issue(decree_date=dt.date(2024, 7, 5)).number == "NOMOR 2 TAHUN 2024"


def test_the_old_style_number_format_of_the_template_is_used(roster):
    template = DecreeTemplate.active(office())
    template.number_format = "{n}/PP.04.2-Kpt/6471/KPU-Kot/{yyyy}"
    template.full_clean()
    template.save()
    decree = decree_issue(decree_date=SK_DATE)
    assert decree.number == "1/PP.04.2-Kpt/6471/KPU-Kot/2024"
    text = re.sub(r"(?<=[/-]) ", "", _rendered_text(_document(decree)))  # the lampiran's narrow heading wraps
    # After "NOMOR" in the heading and in the lampiran's, as KPU heads such a decree.
    assert text.count("NOMOR 1/PP.04.2-Kpt/6471/KPU-Kot/2024") == 2, text[:400]


@pytest.mark.parametrize(
    "number_format",
    [
        "NOMOR TAHUN {yyyy}",
        "NOMOR {n} TAHUN {x}",
        "NOMOR {n} TAHUN {0}",
        "NOMOR {n} TAHUN {yyyy",
        "",
        # Numbers restart every year, so a number without its year would repeat the next year.
        "{n}/PP.04.2-Kpt/6471/KPU-Kot/2024",
    ],
)
def test_a_number_format_without_n_or_year_or_with_unknown_fields_is_refused(db, number_format):
    template = DecreeTemplate.active(office())
    template.number_format = number_format
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert "number_format" in caught.value.message_dict


# --- concurrency (committed data, one connection per thread) ---------------------------------------


def _in_threads(count, work):
    """Run `work()` in `count` threads started together; returns their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as exc:  # reported to the test, which fails on it
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return results


@pytest.mark.parametrize("sequence_exists", [False, True], ids=["new-year", "existing-year"])
def test_eight_concurrent_allocations_get_eight_distinct_consecutive_numbers(committed_db, sequence_exists):
    if sequence_exists:
        DecreeNumberSequence.objects.create(office=office(), year=2024, next_number=10)
    first = 10 if sequence_exists else 1

    def allocate():
        with transaction.atomic():
            return _allocate_sequence(office(), 2024)

    numbers = _in_threads(8, allocate)
    assert sorted(numbers) == list(range(first, first + 8)), numbers
    assert DecreeNumberSequence.objects.get(year=2024).next_number == first + 8


def test_two_staff_issuing_at_once_produce_one_decree_listing_each_appointment_once(committed_db, own_queue):
    appointments = _roster()
    results = _in_threads(2, lambda: decree_issue(decree_date=SK_DATE))

    assert not [r for r in results if isinstance(r, Exception)], results
    decrees = [r for r in results if r is not None]
    assert len(decrees) == 1 and results.count(None) == 1
    assert Decree.objects.count() == 1
    listed = list(DecreeEntry.objects.values_list("appointment_id", flat=True))
    assert sorted(listed) == sorted(a.pk for a in appointments)
    assert GenerationJob.objects.count() == 1


# --- the issued text is a snapshot ------------------------------------------------------------------


def test_editing_the_template_after_issuing_changes_neither_the_decree_text_nor_its_pdf(roster):
    decree = decree_issue(decree_date=SK_DATE)
    snapshot = decree.text
    keputusan = _document(decree)
    before = _rendered_text(keputusan)
    assert "PENETAPAN SEKRETARIAT PANITIA PEMUNGUTAN SUARA" in before

    template = DecreeTemplate.active(office())
    template.title = "JUDUL BARU YANG DIUBAH STAF"
    template.dictums = "Diktum pengganti satu.\nDiktum pengganti dua."
    template.full_clean()
    template.save()

    decree.refresh_from_db()
    assert decree.text == snapshot
    after = _rendered_text(keputusan)
    assert after == before
    assert "JUDUL BARU" not in after and "Diktum pengganti" not in after


def test_the_template_edit_is_used_by_the_next_decree(roster):
    first = decree_issue(decree_date=SK_DATE)
    template = DecreeTemplate.active(office())
    template.title = "JUDUL BARU YANG DIUBAH STAF"
    template.save()
    decree_revoke(decree=first, revoked_date=dt.date(2024, 7, 1), reason="Salah tanggal")
    second = decree_issue(decree_date=dt.date(2024, 7, 5))
    assert second.text["title"] == "JUDUL BARU YANG DIUBAH STAF"
    assert "TENTANG JUDUL BARU YANG DIUBAH STAF" in _rendered_text(_document(second))


def test_issuing_again_with_everyone_covered_issues_nothing(roster):
    assert decree_issue(decree_date=SK_DATE) is not None
    assert decree_issue(decree_date=dt.date(2024, 6, 2)) is None
    assert Decree.objects.count() == 1
    assert GenerationJob.objects.count() == 1
    assert DecreeNumberSequence.objects.get(year=2024).next_number == 2


def test_issuing_without_an_active_template_is_refused(roster):
    DecreeTemplate.objects.update(is_active=False)
    with pytest.raises(ValidationError, match="templat SK"):
        decree_issue(decree_date=SK_DATE)
    assert Decree.objects.count() == 0


def test_issuing_without_a_current_period_is_refused(roster):
    ElectionPeriod.objects.update(is_current=False)
    with pytest.raises(ValidationError, match="periode"):
        decree_issue(decree_date=SK_DATE)
    assert Decree.objects.count() == 0


def test_the_lampiran_lists_members_by_kelurahan_then_role(roster):
    decree = decree_issue(decree_date=SK_DATE)
    names = [e.appointment.person.name for e in decree.entries.select_related("appointment__person")]
    # 1001 Manggar: sekretaris, staf teknis; then 1002 Lamaru: sekretaris.
    assert names == ["Rahmat Hidayat", "Budi Santoso", "Siti Aminah"]
    text = _rendered_text(_document(decree))
    lampiran = text.split("DAFTAR NAMA SEKRETARIAT PANITIA PEMUNGUTAN SUARA", 1)[1]
    positions = [lampiran.index(name) for name in names]
    assert positions == sorted(positions)


# --- replacement (penggantian antarwaktu) ----------------------------------------------------------


def test_a_replacement_gets_a_decree_of_its_own_that_names_whom_it_replaces(roster):
    first = decree_issue(decree_date=SK_DATE)
    old = roster[0]
    new = _replace(old)

    second = decree_issue(decree_date=dt.date(2024, 7, 5))
    assert list(second.entries.values_list("appointment_id", flat=True)) == [new.pk]
    assert second.jobs.get().total == 3  # Keputusan, SALINAN, one Petikan

    keputusan = _rendered_text(_document(second))
    assert "Dewi Lestari" in keputusan
    assert "Pengganti antarwaktu Siti Aminah" in keputusan
    assert "Budi Santoso" not in keputusan
    petikan = _rendered_text(_document(second, DocumentKind.PETIKAN, new))
    assert "Dewi Lestari" in petikan and "Pengganti antarwaktu Siti Aminah" in petikan

    # The old appointment is ended, not deleted, and stays listed in the first decree.
    old.refresh_from_db()
    assert (old.end_date, old.end_reason) == (dt.date(2024, 7, 1), "mengundurkan_diri")
    assert old.history.count() == 2
    assert first.entries.filter(appointment=old).exists()
    assert _document(first, DocumentKind.PETIKAN, old)
    assert Appointment.objects.filter(pk=old.pk).exists()


# --- revocation ------------------------------------------------------------------------------------


def test_revoking_records_status_date_reason_and_who(roster, staff_user):
    decree = decree_issue(decree_date=SK_DATE)
    decree_revoke(decree=decree, revoked_date=dt.date(2024, 6, 10), reason="  Salah nama  ", user=staff_user)
    decree.refresh_from_db()
    assert decree.is_revoked
    assert (decree.status, decree.revoked_date, decree.revoked_reason) == (
        "revoked",
        dt.date(2024, 6, 10),
        "Salah nama",
    )
    assert decree.revoked_by == staff_user
    assert decree.history.first().history_change_reason == "dicabut"

    with pytest.raises(ValidationError, match="sudah dicabut"):
        decree_revoke(decree=decree, revoked_date=dt.date(2024, 6, 11), reason="lagi")


@pytest.mark.parametrize(
    ("revoked_date", "reason", "message"),
    [
        (dt.date(2024, 6, 10), "   ", "Alasan"),
        (dt.date(2024, 6, 10), "", "Alasan"),
        (dt.date(2024, 5, 31), "Salah nama", "sebelum tanggal SK"),
    ],
)
def test_revoking_without_a_reason_or_before_the_decree_date_is_refused(
    roster, revoked_date, reason, message
):
    decree = decree_issue(decree_date=SK_DATE)
    with pytest.raises(ValidationError, match=message):
        decree_revoke(decree=decree, revoked_date=revoked_date, reason=reason)
    decree.refresh_from_db()
    assert decree.status == "issued" and decree.revoked_date is None


def test_after_revoking_the_same_members_get_a_new_decree_and_the_old_files_stay(roster):
    revoked = decree_issue(decree_date=SK_DATE)
    old_documents = list(Document.objects.filter(decree=revoked))
    for document in old_documents:
        document_render_and_store(document.pk)
    decree_revoke(decree=revoked, revoked_date=dt.date(2024, 6, 10), reason="Salah nama")

    corrected = decree_issue(decree_date=dt.date(2024, 6, 11))
    assert corrected.number == "NOMOR 2 TAHUN 2024"
    assert sorted(corrected.entries.values_list("appointment_id", flat=True)) == sorted(a.pk for a in roster)
    assert Document.objects.filter(decree=corrected).count() == 5

    kept = Document.objects.filter(decree=revoked)
    assert kept.count() == len(old_documents) == 5
    for document in kept:
        assert document.status == DocumentStatus.DONE
        assert Path(document.file.path).is_file()
    assert revoked.entries.count() == 3


def test_a_document_of_a_revoked_decree_rendered_again_renders_as_issued(roster):
    """A retry after the revocation stores what was issued; DICABUT is stamped on each download
    (test_revocation_decree.py)."""
    decree = decree_issue(decree_date=SK_DATE)
    petikan = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).first()
    before = _rendered_text(petikan), _rendered_text(_document(decree))
    decree_revoke(decree=decree, revoked_date=dt.date(2024, 6, 10), reason="Salah nama")
    assert (_rendered_text(petikan), _rendered_text(_document(decree))) == before
    assert "DICABUT" not in before[0] + before[1]


# --- storage ---------------------------------------------------------------------------------------


def test_write_once_keeps_the_first_file_and_accepts_only_identical_bytes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    target = write_once("documents/sk/a.pdf", b"%PDF first")
    assert target == tmp_path / "documents/sk/a.pdf"
    assert write_once("documents/sk/a.pdf", b"%PDF first") == target  # a redelivered task

    with pytest.raises(DocumentStorageError, match="tidak ditimpa"):
        write_once("documents/sk/a.pdf", b"%PDF second")
    assert target.read_bytes() == b"%PDF first"
    assert [p.name for p in target.parent.iterdir()] == ["a.pdf"]  # no temporary files left


def test_write_once_removes_what_a_writer_killed_mid_write_left_of_the_same_document(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / "documents/sk"
    folder.mkdir(parents=True)
    (folder / ".tmp-a.pdf").write_bytes(b"%PDF half, longer than the whole one")  # SIGKILLed writer
    (folder / ".tmp-b.pdf").write_bytes(b"%PDF")  # another document, still being written
    write_once("documents/sk/a.pdf", b"%PDF whole")
    assert sorted(p.name for p in folder.iterdir()) == [".tmp-b.pdf", "a.pdf"]
    assert (folder / "a.pdf").read_bytes() == b"%PDF whole"


def test_write_once_refuses_a_path_outside_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with pytest.raises(DocumentStorageError):
        write_once("../escaped.pdf", b"%PDF")
    assert not (tmp_path / "escaped.pdf").exists()


def test_rendering_a_document_twice_renders_and_stores_it_once(roster):
    decree = decree_issue(decree_date=SK_DATE)
    document = _document(decree, DocumentKind.PETIKAN, roster[0])
    first = document_render_and_store(document.pk)
    second = document_render_and_store(document.pk)

    assert first.status == second.status == DocumentStatus.DONE
    assert second.attempts == 1
    assert second.sha256 == first.sha256 and len(first.sha256) == 64
    assert (second.pages, second.size) == (1, Path(first.file.path).stat().st_size)
    folder = Path(first.file.path).parent
    assert [p.name for p in folder.iterdir()] == [Path(first.file.path).name]


def test_a_task_redelivered_after_the_file_was_written_finishes_the_document(roster):
    """The worker died after writing the file but before marking the document done."""
    decree = decree_issue(decree_date=SK_DATE)
    document = document_render_and_store(_document(decree).pk)
    sha256 = document.sha256
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.RUNNING, file="", sha256="")

    again = document_render_and_store(document.pk)
    assert again.status == DocumentStatus.DONE
    assert again.sha256 == sha256
    assert again.attempts == 2


# --- failure and retry -----------------------------------------------------------------------------


def test_a_failed_render_is_recorded_and_a_retry_after_the_fix_finishes_the_job(roster):
    decree = decree_issue(decree_date=SK_DATE)
    job = decree.jobs.get()
    good_text = decree.text
    broken = {key: value for key, value in good_text.items() if key != "dictums"}
    Decree.objects.filter(pk=decree.pk).update(text=broken)

    documents = list(job.documents.all())
    for document in documents:
        with pytest.raises(KeyError):
            document_render_and_store(document.pk)
    for document in documents:
        document.refresh_from_db()
        assert document.status == DocumentStatus.FAILED
        assert "KeyError" in document.error and "dictums" in document.error
        assert not document.file and not document.sha256
    job = job_refresh(job.pk)
    assert job.status == JobStatus.FAILED
    assert "5 dokumen gagal" in job.error
    assert job.progress()["failed"] == 5

    Decree.objects.filter(pk=decree.pk).update(text=good_text)
    assert job_retry(job=job).failed == 5
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.error == ""
    assert set(job.documents.values_list("status", flat=True)) == {DocumentStatus.PENDING}
    for document in documents:
        assert document_render_and_store(document.pk).status == DocumentStatus.DONE
    job = job_refresh(job.pk)
    assert job.status == JobStatus.DONE
    assert job.progress() | {"status_label": None} == {
        "status": "done",
        "status_label": None,
        "total": 5,
        "done": 5,
        "failed": 0,
        "waiting": 0,
        "percent": 100,
    }
    assert set(job.documents.values_list("attempts", flat=True)) == {2}
    assert job_retry(job=job) == (0, 0, False)


def test_a_job_with_documents_still_pending_is_running(roster):
    decree = decree_issue(decree_date=SK_DATE)
    job = decree.jobs.get()
    document_render_and_store(_document(decree).pk)
    job = job_refresh(job.pk)
    assert job.status == JobStatus.RUNNING
    assert job.progress()["done"] == 1 and job.progress()["percent"] == 20


# --- layout ----------------------------------------------------------------------------------------

LONG_NAME = (
    "Muhammad Abdurrahman Wahid Syaifullah Nugroho Prasetyo Kusumawardhani Setiabudi "
    "Tjokroaminoto Hadiningrat Wirjosandjojo Mangkubumi Suryanegara Aji Adi"
)
LONG_KELURAHAN = (
    "Sepinggan Baru Raya Utara Pesisir Timur Teluk Balikpapan Kampung Nelayan Gunung Bahagia Lama Selatan"
)


def _member_with_long_name(name):
    return Person.objects.create(office=office(), **person_fields(name=name))


@pytest.mark.parametrize(
    ("paper", "page", "logo"),
    [("F4", pdf.F4_POINTS, False), ("A4", pdf.A4_POINTS, False), ("A4", pdf.A4_POINTS, True)],
    ids=["f4", "a4", "a4-with-logo"],
)
def test_long_names_and_kelurahan_still_fit_a_petikan_on_one_page(db, paper, page, logo):
    assert len(LONG_NAME) == 150 and len(LONG_KELURAHAN) == 100
    template = DecreeTemplate.active(office())
    template.paper = paper
    if logo:
        template.logo = SimpleUploadedFile("logo.png", small_png(), content_type="image/png")
    template.full_clean()
    template.save()
    Kelurahan.objects.filter(code="64.71.01.1003").update(name=LONG_KELURAHAN)
    old = make_appointment(
        person=_member_with_long_name(LONG_NAME), kelurahan="64.71.01.1003", role="staf_teknis"
    )
    old_decree = decree_issue(decree_date=SK_DATE)
    # The worst case: a replacement whose Keterangan repeats another 150-character name.
    replacement_name = ("Ahmad " + LONG_NAME)[:150].strip()
    assert len(replacement_name) == 150
    new = appointment_replace(
        appointment=old,
        replacement=_member_with_long_name(replacement_name),
        end_date=dt.date(2024, 7, 1),
        reason="meninggal",
        lurah_decree_number="100/1/KEL",
        lurah_decree_date=dt.date(2024, 6, 28),
    )
    second = decree_issue(decree_date=dt.date(2024, 7, 5))

    petikan = Document.objects.filter(kind=DocumentKind.PETIKAN).select_related("decree")
    assert petikan.count() == 2
    texts = {}
    for document in petikan:
        data = render_document_pdf(document)
        sizes = pdf.page_sizes(data)
        assert len(sizes) == 1, document
        assert pdf.is_size(sizes[0], page)
        texts[document.decree_id, document.appointment_id] = pdf.flat(data)
    assert LONG_NAME in texts[old_decree.pk, old.pk]
    text = texts[second.pk, new.pk]
    assert replacement_name in text and LONG_KELURAHAN in text
    assert f"Pengganti antarwaktu {LONG_NAME}" in text
    assert "Petikan sesuai dengan aslinya" in text and "PRAKOSO YUDHO LELONO" in text


def test_a4_paper_on_the_template_gives_a4_pages(roster):
    template = DecreeTemplate.active(office())
    template.paper = "A4"
    template.full_clean()
    template.save()
    decree = decree_issue(decree_date=SK_DATE)
    for document in Document.objects.filter(decree=decree).select_related("decree"):
        sizes = pdf.page_sizes(render_document_pdf(document))
        assert sizes and all(pdf.is_size(size, pdf.A4_POINTS) for size in sizes), (document, sizes)
        if document.kind == DocumentKind.PETIKAN:
            assert len(sizes) == 1


def test_the_default_template_prints_on_f4(roster):
    decree = decree_issue(decree_date=SK_DATE)
    sizes = pdf.page_sizes(render_document_pdf(_document(decree)))
    assert len(sizes) >= 2  # the Keputusan, then its lampiran on a new page
    assert all(pdf.is_size(size, pdf.F4_POINTS) for size in sizes)


@pytest.mark.parametrize("field", ["margin_top_mm", "margin_bottom_mm", "margin_left_mm", "margin_right_mm"])
@pytest.mark.parametrize("value", [0, 4, 61, 200])
def test_margins_outside_5_to_60_mm_are_refused(db, field, value):
    template = DecreeTemplate.active(office())
    setattr(template, field, value)
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert field in caught.value.message_dict


@pytest.mark.parametrize("value", [5, 60])
def test_margins_of_5_and_60_mm_are_accepted(db, value):
    template = DecreeTemplate.active(office())
    template.margin_top_mm = template.margin_left_mm = value
    template.full_clean()


# --- letterhead logo -------------------------------------------------------------------------------


def small_png(width=8, height=8) -> bytes:
    """A real RGB PNG, built by hand (no imaging library needed)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([200, 30, 30]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _image_xobjects(data) -> list:
    """The images of a PDF's pages but the check block's QR code (in every footer)."""
    return [
        image
        for page in pdf.read(data).pages
        for image in pdf.page_images(page)
        if not pdf.is_check_qr(image)
    ]


def test_an_uploaded_png_logo_is_embedded_in_the_documents(roster):
    decree = decree_issue(decree_date=SK_DATE)
    assert _image_xobjects(render_document_pdf(_document(decree))) == []

    template = DecreeTemplate.active(office())
    template.logo = SimpleUploadedFile("logo.png", small_png(), content_type="image/png")
    template.full_clean()
    template.save()
    _replace(roster[0])
    with_logo = decree_issue(decree_date=dt.date(2024, 7, 5))
    assert with_logo.text["letterhead"]["logo"].startswith("data:image/png;base64,")

    images = _image_xobjects(render_document_pdf(_document(with_logo)))
    assert images and (images[0]["/Width"], images[0]["/Height"]) == (8, 8)
    petikan = _document(with_logo, DocumentKind.PETIKAN)
    assert len(_image_xobjects(render_document_pdf(petikan))) == 1


@pytest.mark.parametrize(
    "content",
    [b"bukan gambar, hanya teks", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"GIF89a" + b"\x00" * 20],
)
def test_a_logo_that_is_not_a_png_or_jpeg_by_content_is_refused(db, content):
    upload = SimpleUploadedFile("logo.png", content, content_type="image/png")
    with pytest.raises(ValidationError):
        validate_logo(upload)
    template = DecreeTemplate.active(office())
    template.logo = SimpleUploadedFile("logo.png", content, content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert "logo" in caught.value.message_dict


def test_a_logo_over_512_kb_is_refused(db):
    upload = SimpleUploadedFile("logo.png", small_png() + b"\x00" * (512 * 1024), content_type="image/png")
    with pytest.raises(ValidationError, match="512 KB"):
        validate_logo(upload)


def test_a_jpeg_logo_is_accepted(db):
    validate_logo(SimpleUploadedFile("logo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64))


def test_a_missing_logo_file_is_a_validation_error_and_decrees_are_issued_without_it(roster):
    template = DecreeTemplate.active(office())
    template.logo = SimpleUploadedFile("logo.png", small_png(), content_type="image/png")
    template.full_clean()
    template.save()
    Path(template.logo.path).unlink()  # e.g. media not restored after moving servers

    template = DecreeTemplate.active(office())
    template.title = "JUDUL DIPERBAIKI"
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert "logo" in caught.value.message_dict
    decree = decree_issue(decree_date=SK_DATE)  # issuing goes on, without the logo
    assert decree.text["letterhead"]["logo"] == ""


def test_the_signature_never_stands_alone_on_a_page_of_the_102_member_keputusan(db):
    """The full roster once put both signature blocks alone on a page (pages 3 and 9 of 9): the last
    dictum and the last lampiran row must travel with them."""
    from secretariat.services.demo import demo_csv
    from secretariat.services.importing import members_import

    assert members_import(data=demo_csv(), dry_run=False).ok
    decree = decree_issue(decree_date=SK_DATE)
    last_name = decree.entries.order_by("-position").first().appointment.person.name
    reader = pdf.read(render_document_pdf(_document(decree)))
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    signature_pages = [text for text in pages if "Ditetapkan di Balikpapan" in text]
    assert len(signature_pages) == 2  # the Keputusan and its lampiran
    keputusan, lampiran = signature_pages
    assert "KELIMA : Keputusan ini mulai berlaku" in keputusan.split("Ditetapkan di")[0]
    assert last_name in lampiran.split("Ditetapkan di")[0]


def test_a_decree_dated_before_a_member_starts_is_refused_and_names_the_member(roster):
    with pytest.raises(ValidationError) as caught:
        decree_issue(decree_date=dt.date(2024, 5, 20))
    (message,) = caught.value.messages
    assert message.startswith("Tanggal SK (20 Mei 2024) lebih awal dari tanggal mulai bertugas: ")
    assert "Siti Aminah (26 Mei 2024)" in message
    assert message.endswith("Tanggal SK paling awal 26 Mei 2024.")
    assert not Decree.objects.exists()
    assert decree_issue(decree_date=dt.date(2024, 5, 26)) is not None  # the start day itself is fine


def test_a_decree_dated_before_the_lurah_decree_it_rests_on_is_refused(roster):
    # Lurah decree of 28 June; the replacement starts the day after the end, 2 July.
    replacement = _replace(roster[1], end_date=dt.date(2024, 7, 1))
    with pytest.raises(ValidationError) as caught:
        decree_issue(decree_date=dt.date(2024, 6, 29))
    text = " ".join(caught.value.messages)
    assert "lebih awal dari tanggal mulai bertugas: Dewi Lestari (2 Juli 2024)" in text
    assert replacement.person.name == "Dewi Lestari"
    with pytest.raises(ValidationError) as caught:
        decree_issue(decree_date=dt.date(2024, 6, 27))
    assert "lebih awal dari tanggal Keputusan Lurah yang menjadi dasarnya: Dewi Lestari (28 Juni 2024)" in (
        " ".join(caught.value.messages)
    )
    assert not Decree.objects.exists()
    assert decree_issue(decree_date=dt.date(2024, 7, 2)) is not None


def _petikan_text(decree) -> str:
    document = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).first()
    return _rendered_text(document)


def test_the_petikan_is_authenticated_by_the_sekretaris_kpu_by_default(roster):
    text = _petikan_text(decree_issue(decree_date=SK_DATE))
    authentic = text.split("Petikan sesuai dengan aslinya,")[1].split("Ditetapkan di")[0]
    assert "SEKRETARIS KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN" in text
    assert "KETUA" not in authentic  # the chair signs the decree (ttd.), not the attestation


def test_the_authenticating_official_is_configurable_and_the_nip_is_printed_in_full(roster):
    template = DecreeTemplate.active(office())
    template.authenticator_title = "KEPALA SUBBAGIAN TEKNIS DAN HUKUM"
    template.authenticator_name = "Drs. Contoh Pengesah"
    template.authenticator_nip = identity.make_nip(
        birth_date=dt.date(1975, 1, 1), appointed=(2000, 3), gender="L", serial=1
    )
    template.full_clean()
    template.save()
    text = _petikan_text(decree_issue(decree_date=SK_DATE))
    # An official's NIP is printed whole under the attestation, as on every KPU decree.
    assert f"KEPALA SUBBAGIAN TEKNIS DAN HUKUM, Drs. Contoh Pengesah NIP {template.authenticator_nip}" in text


def test_an_invalid_authenticator_nip_is_refused(db):
    template = DecreeTemplate.active(office())
    template.authenticator_nip = "12345"
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert "authenticator_nip" in caught.value.message_dict


def test_a_decree_issued_before_the_setting_existed_keeps_its_chair_attestation(roster):
    decree = decree_issue(decree_date=SK_DATE)
    old_text = {k: v for k, v in decree.text.items() if not k.startswith("authenticator_")}
    Decree.objects.filter(pk=decree.pk).update(text=old_text)
    authentic = _petikan_text(decree).split("Petikan sesuai dengan aslinya,")[1]
    assert authentic.split("Ditetapkan di")[0].strip().startswith("KETUA KOMISI PEMILIHAN UMUM")
