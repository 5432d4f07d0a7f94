"""The document-job engine and its clients: every kind registered, an unknown kind a clear failure, the
tasks under the names the engine sends, and the rules the decree and pact documents share (page CSS, the
casing of headings)."""

import datetime as dt

import pytest

from pps_admin.celery import app
from secretariat import tasks
from secretariat.models import (
    DecreeTemplate,
    Document,
    DocumentKind,
    DocumentStatus,
    ElectionPeriod,
    JobKind,
    Paper,
)
from secretariat.services.decree_documents import decree_pdf_metadata
from secretariat.services.decrees import decree_issue, text_snapshot
from secretariat.services.document_jobs import (
    DISPATCH_JOB_TASK,
    FINISH_JOB_TASK,
    RENDER_DOCUMENT_TASK,
    RENDER_DOCUMENTS_TASK,
    document_render_and_store,
    job_create,
    registered_document_kinds,
)
from secretariat.services.letterhead import office_author
from secretariat.services.page_layout import office_page_css, page_css
from secretariat.services.title_case import title_case

from .factories import make_appointment, office


def test_every_kind_of_document_is_registered_with_the_engine():
    assert registered_document_kinds() == set(DocumentKind.values)


def test_the_tasks_are_registered_under_the_names_the_engine_sends():
    names = (
        tasks.dispatch_job.name,
        tasks.render_documents.name,
        tasks.render_document.name,
        tasks.finish_job.name,
    )
    assert names == (DISPATCH_JOB_TASK, RENDER_DOCUMENTS_TASK, RENDER_DOCUMENT_TASK, FINISH_JOB_TASK)
    # shared_task gives a proxy of the app's task
    assert app.tasks[DISPATCH_JOB_TASK] is tasks.dispatch_job._get_current_object()
    assert app.tasks[RENDER_DOCUMENT_TASK] is tasks.render_document._get_current_object()
    assert app.tasks[FINISH_JOB_TASK] is tasks.finish_job._get_current_object()


@pytest.mark.django_db
def test_a_document_of_an_unknown_kind_fails_with_its_reason_and_no_file():
    job = job_create(kind=JobKind.SK, office=office(), documents=[Document(kind="brosur")])
    document = job.documents.get()
    with pytest.raises(ValueError, match="brosur"):
        document_render_and_store(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "unknown document kind 'brosur'" in document.error
    assert not document.file and not document.sha256


@pytest.mark.django_db
def test_pacts_and_a_decree_issued_now_share_the_template_page_css():
    template = DecreeTemplate.active(office())
    template.paper, template.margin_left_mm, template.margin_top_mm = Paper.A4, 30, 15
    template.save()
    text = text_snapshot(template, ElectionPeriod.current())
    assert page_css(text["page_mm"], text["margins_mm"]) == office_page_css(office())
    assert office_page_css(office()) == "size: 210mm 297mm; margin: 15mm 20mm 20mm 30mm;"


@pytest.mark.django_db
def test_without_a_template_the_page_is_f4_with_the_template_default_margins():
    DecreeTemplate.objects.update(is_active=False)
    assert office_page_css(office()) == "size: 215mm 330mm; margin: 20mm 20mm 20mm 25mm;"


@pytest.mark.parametrize(
    ("heading", "cased"),
    [
        ("KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN", "Komisi Pemilihan Umum Kota Balikpapan"),
        ("SEKRETARIS PPS", "Sekretaris PPS"),
        ("Sekretaris PPS", "Sekretaris PPS"),
        ("PAKTA INTEGRITAS", "Pakta Integritas"),
        ("NOMOR 5/PP.04.2-KPT/6471/KPU-KOT/2024", "Nomor 5/PP.04.2-KPT/6471/KPU-KOT/2024"),
        (
            "PENETAPAN SEKRETARIAT PANITIA PEMUNGUTAN SUARA DALAM PEMILIHAN GUBERNUR DAN WAKIL GUBERNUR",
            "Penetapan Sekretariat Panitia Pemungutan Suara dalam Pemilihan Gubernur dan Wakil Gubernur",
        ),
    ],
)
def test_headings_in_capitals_are_cased_by_one_rule(heading, cased):
    assert title_case(heading) == cased


def test_the_pdf_author_is_the_letterhead_cased_line_by_line():
    assert office_author({"lines": ["KOMISI PEMILIHAN UMUM", "KOTA BALIKPAPAN"]}) == (
        "Komisi Pemilihan Umum Kota Balikpapan"
    )
    assert office_author({"lines": ["KPU", "Kota Balikpapan"]}) == "KPU Kota Balikpapan"


@pytest.mark.django_db
def test_a_decree_number_with_codes_keeps_them_in_the_pdf_title():
    make_appointment()
    template = DecreeTemplate.active(office())
    template.number_format = "NOMOR {n}/PP.04.2-KPT/6471/KPU-KOT/{yyyy}"
    template.save()
    decree = decree_issue(decree_date=dt.date(2024, 6, 1))
    title = decree_pdf_metadata(decree, "Keputusan").title
    assert title == "Keputusan KPU Kota Balikpapan Nomor 1/PP.04.2-KPT/6471/KPU-KOT/2024"
