"""The whole SK flow with a real Celery worker on Redis and PostgreSQL, PDFs read back."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from secretariat.models import Decree, Document, DocumentStatus
from secretariat.services.decrees import decree_issue
from secretariat.services.demo import demo_csv
from secretariat.services.importing import members_import

from . import pdf
from .conftest import wait_for_job

pytestmark = pytest.mark.usefixtures("committed_db")

SK_DATE = dt.date(2024, 6, 1)


@pytest.fixture
def roster():
    result = members_import(data=demo_csv(), dry_run=False)
    assert result.ok
    return result


def test_full_issue_for_102_members_renders_1_keputusan_and_102_one_page_f4_petikan(celery_worker, roster):
    decree = decree_issue(decree_date=SK_DATE)
    job = wait_for_job(decree.jobs.get(), timeout=300)
    assert job.status == "done", job.progress()
    assert job.total == 104  # Keputusan, its SALINAN, 102 Petikan
    documents = list(Document.objects.filter(decree=decree).select_related("appointment__person"))
    assert len(documents) == 104
    assert all(d.status == DocumentStatus.DONE and len(d.sha256) == 64 for d in documents)

    keputusan = next(d for d in documents if d.kind == "keputusan")
    text = pdf.flat(keputusan.file.path)
    assert decree.number == "NOMOR 1 TAHUN 2024"
    for part in (
        "KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN",
        "NOMOR 1 TAHUN 2024",
        "TENTANG",
        "Menimbang",
        "Mengingat",
        "Memperhatikan",
        "MEMUTUSKAN",
        "Menetapkan",
        "KESATU",
        "KELIMA",
        "Ditetapkan di Balikpapan",
        "pada tanggal 1 Juni 2024",
        "PRAKOSO YUDHO LELONO",
        "LAMPIRAN",
        "DAFTAR NAMA SEKRETARIAT PANITIA PEMUNGUTAN SUARA",
        "KECAMATAN BALIKPAPAN TIMUR",
        "26 Mei 2024",
        "27 Januari 2025",
    ):
        assert part in text, part
    petikan = [d for d in documents if d.kind == "petikan"]
    for document in petikan:
        assert document.appointment.person.name in text
    assert all(pdf.is_size(size, pdf.F4_POINTS) for size in pdf.page_sizes(keputusan.file.path))

    for document in petikan:
        assert document.pages == 1
        sizes = pdf.page_sizes(document.file.path)
        assert len(sizes) == 1 and pdf.is_size(sizes[0], pdf.F4_POINTS)
        page = pdf.flat(document.file.path)
        person = document.appointment.person
        assert person.name in page
        assert document.appointment.kelurahan.name in page
        assert "PETIKAN" in page and "NOMOR 1 TAHUN 2024" in page and "1 Juni 2024" in page
        assert "Petikan Keputusan ini disampaikan kepada yang bersangkutan" in page
        assert "sesuai dengan aslinya" in page
        assert person.nik not in page  # the excerpt needs no NIK
        assert Path(document.file.path).is_relative_to(Path(document.file.storage.location))


def test_generate_sk_wait_prints_every_written_pdf_and_a_rerun_issues_nothing(celery_worker, roster, capsys):
    call_command("generate_sk", "--date", "2024-06-01", "--wait")
    out = capsys.readouterr()
    paths = out.out.split()
    assert len(paths) == 104
    assert all(Path(p).is_file() and p.endswith(".pdf") for p in paths)
    assert "NOMOR 1 TAHUN 2024" in out.err

    call_command("generate_sk", "--date", "2024-06-02", "--wait")
    out = capsys.readouterr()
    assert out.out == ""
    assert "tidak ada SK baru" in out.err
    assert Decree.objects.count() == 1
