"""What the pact, the attendance sheet and the pact bundle show; rendered by the shared core and stored as
records (the attendance sheet too, since issue #16 gave every document a check code)."""

import datetime as dt
import hashlib
import json
from pathlib import Path

from django.db import transaction

from kelurahan.models import VillageKind
from pps_admin.rendering import PdfMetadata, render_document, render_pdf, write_pdf
from secretariat.models import (
    Appointment,
    DecreeTemplate,
    Document,
    DocumentKind,
    DocumentStatus,
    GenerationJob,
    JobKind,
    Office,
)
from secretariat.models.appointment import ROLE_LABELS, post_title, roster_key
from secretariat.services.decree_documents import village_heading
from secretariat.services.document_jobs import (
    RenderedPdf,
    document_render_and_store,
    job_refresh,
    merge_pdfs,
)
from secretariat.services.document_jobs.job_memo import job_memo
from secretariat.services.letterhead import office_author, office_letterhead
from secretariat.services.office_seals import office_seal_require
from secretariat.services.page_layout import office_page_css
from secretariat.services.title_case import title_case
from secretariat.services.verification import document_stamp

from ..models import AttendanceSheet, Ceremony, Pact, PactText


def pact_context(pact: Pact, *, job: GenerationJob | None = None) -> dict:
    """`job`: the pact job being rendered, whose pacts share the office's page and letterhead, read once
    per job in a worker process (job_memo.py); None reads them."""
    appointment = pact.appointment
    person = appointment.person
    ceremony = pact.ceremony
    # The member's office's: its letterhead, paper and seat, whatever office the ceremony's record says.
    office = appointment.office
    return {
        "page_css": job_memo(job, f"office-page-css-{office.pk}", lambda: office_page_css(office)),
        "letterhead": job_memo(job, f"office-letterhead-{office.pk}", lambda: office_letterhead(office)),
        "text": pact.text,
        "pledges": pact.text.pledge_list,
        "person": person,
        "role": post_title(appointment.role),
        "kelurahan": appointment.kelurahan.name,
        "village_label": appointment.kelurahan.kind.label,  # "Kelurahan", "Desa"
        "kecamatan": appointment.kelurahan.kecamatan.name,
        # An ASN signer's NIP goes under the name (and in the identity); a non-ASN member has none.
        "nip": person.nip if person.is_asn else "",
        "city": (ceremony.city if ceremony else "") or office.city,
        "date": ceremony.date if ceremony else None,
    }


def pact_pdf(document: Document) -> bytes:
    # Not its document again: the engine read it with its job (document_jobs/render.py). The text, the
    # ceremony and the office, which the job's pacts share, once per job in a worker (job_memo.py): joined
    # for each pact they made a plan of eight tables and eight model instances a document.
    pact = Pact.objects.select_related("appointment__person", "appointment__kelurahan__kecamatan").get(
        document=document
    )
    job = document.job
    pact.text = job_memo(job, f"pact-text-{pact.text_id}", lambda: PactText.objects.get(pk=pact.text_id))
    if pact.ceremony_id is not None:
        ceremony_id = pact.ceremony_id
        pact.ceremony = job_memo(job, f"ceremony-{ceremony_id}", lambda: Ceremony.objects.get(pk=ceremony_id))
    office_id = pact.appointment.office_id
    pact.appointment.office = job_memo(job, f"office-{office_id}", lambda: Office.objects.get(pk=office_id))
    context = {**pact_context(pact, job=document.job), "stamp": document_stamp(document)}
    rendered = render_document("documents/pakta.html", context)
    if len(rendered.pages) > 1:  # a very long name or kelurahan under the letterhead: lay it out tighter
        rendered = render_document("documents/pakta.html", {**context, "fit_one_sheet": True})
    metadata = pact_pdf_metadata(context, document)
    return RenderedPdf(write_pdf(rendered, metadata), pages=len(rendered.pages))


def pact_pdf_metadata(context: dict, document: Document) -> PdfMetadata:
    """Names the document, not the signatory (issue #14); dated when the pacts were requested, so a
    redelivered task renders the same bytes."""
    letterhead = context["letterhead"]
    return PdfMetadata(
        title=f"{title_case(context['text'].title)} Sekretariat PPS {letterhead['short_name']}",
        author=office_author(letterhead),
        subject="Pakta integritas Sekretariat Panitia Pemungutan Suara",
        created=document.job.created_at,
    )


def pact_relative_path(document: Document) -> str:
    appointment = document.appointment
    code = appointment.kelurahan_id.replace(".", "")
    return f"documents/pakta/{document.job_id}/pakta-{code}-{appointment.role}-{appointment.pk}.pdf"


def ceremony_appointments(ceremony: Ceremony):
    """Who is expected at the ceremony (everyone active when none were chosen), in roster order."""
    # The ceremony's office's members only: "everyone" is everyone of that office, never of the deployment.
    expected = ceremony.expected.filter(office_id=ceremony.office_id)
    queryset = (
        expected if expected.exists() else Appointment.objects.active().filter(office_id=ceremony.office_id)
    )
    rows = list(queryset.select_related("person", "kelurahan__kecamatan"))
    return sorted(rows, key=roster_key)


def attendance_content(ceremony: Ceremony) -> dict:
    """What the daftar hadir lists, as plain data: per kelurahan, No, Nama, Jabatan, Kelurahan (a zig-zag
    signature column is drawn beside them), the ceremony, and the Sekretaris KPU's "Mengetahui" block."""
    groups = []
    for number, appointment in enumerate(ceremony_appointments(ceremony), start=1):
        kelurahan = appointment.kelurahan
        if not groups or groups[-1]["code"] != kelurahan.code:
            place = {"name": kelurahan.name, "kecamatan": {"name": kelurahan.kecamatan.name}}
            if kelurahan.kind != VillageKind.KELURAHAN:
                # Only a desa says so: a kelurahan's content stays as it was, so its sheet is the same record.
                place["kind"] = kelurahan.kind.label
            groups.append({"code": kelurahan.code, "kelurahan": place, "rows": []})
        groups[-1]["rows"].append(
            {
                "no": number,
                "name": appointment.person.name,
                "role": ROLE_LABELS[appointment.role],
                "kelurahan": kelurahan.name,
            }
        )
    content = {
        "ceremony": {
            "name": ceremony.name,
            "place": ceremony.place,
            "date": ceremony.date.isoformat(),
            "time_label": ceremony.time_label,
        },
        "groups": groups,
        "validator": attendance_validator(ceremony.office),
        "letterhead": office_letterhead(ceremony.office),
        "page_css": office_page_css(ceremony.office),
    }
    # The column of places, as the Keputusan's lampiran heads it ("Desa", "Desa/Kelurahan"); only when it
    # is not "Kelurahan", so that a kelurahan office's sheet stays the same record.
    heading = village_heading(
        [{"village_kind": group["kelurahan"].get("kind", "Kelurahan")} for group in groups]
    )
    if heading != "Kelurahan":
        content["village_heading"] = heading
    return content


def attendance_sheet_document(ceremony: Ceremony, *, user=None) -> Document:
    """The daftar hadir of the ceremony as a record: stored with its SHA-256 and check code. Rendered here
    (staff wait for it, as before it was a record), through the same store as every document; a sheet
    whose content is unchanged is the same record, so printing it again issues nothing new."""
    content = attendance_content(ceremony)
    fingerprint = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    stored = AttendanceSheet.objects.filter(
        ceremony=ceremony, fingerprint=fingerprint, document__status=DocumentStatus.DONE
    ).first()
    if stored is not None:
        return stored.document  # a record already made is handed out as it is, seal or no seal now
    office_seal_require(ceremony.office)  # refused up front when it could not be signed
    with transaction.atomic():
        Ceremony.objects.select_for_update().get(pk=ceremony.pk)  # two downloads at once: one record
        sheet = AttendanceSheet.objects.filter(ceremony=ceremony, fingerprint=fingerprint).first()
        if sheet is None:
            job = GenerationJob.objects.create(
                kind=JobKind.DAFTAR_HADIR, office=ceremony.office, total=1, requested_by=user
            )
            document = Document.objects.create(job=job, kind=DocumentKind.DAFTAR_HADIR)
            sheet = AttendanceSheet.objects.create(
                ceremony=ceremony, document=document, content=content, fingerprint=fingerprint
            )
        else:  # a render that failed before is tried again
            Document.objects.filter(pk=sheet.document_id, status=DocumentStatus.FAILED).update(
                status=DocumentStatus.PENDING, error=""
            )
    document = document_render_and_store(sheet.document_id)
    job_refresh(document.job_id)
    return document


def attendance_sheet_pdf(ceremony: Ceremony, *, user=None) -> bytes:
    return Path(attendance_sheet_document(ceremony, user=user).file.path).read_bytes()


def attendance_render(document: Document) -> bytes:
    """The registered renderer of the "daftar_hadir" kind: the content kept with the record."""
    sheet = AttendanceSheet.objects.get(document=document)
    content = sheet.content
    ceremony = {**content["ceremony"], "date": dt.date.fromisoformat(content["ceremony"]["date"])}
    metadata = PdfMetadata(
        title=f"Daftar Hadir {ceremony['name']}",
        author=office_author(content["letterhead"]),
        subject=f"Daftar hadir {ceremony['name']}, {ceremony['place']}",
        created=sheet.created_at,
    )
    context = {**content, "ceremony": ceremony, "stamp": document_stamp(document)}
    return render_pdf("documents/daftar_hadir.html", context, metadata=metadata)


def attendance_relative_path(document: Document) -> str:
    sheet = AttendanceSheet.objects.get(document=document)
    return f"documents/daftar-hadir/{sheet.ceremony_id}/daftar-hadir-{document.pk}.pdf"


def attendance_validator(office) -> dict:
    """Who signs "Mengetahui" under the attendance sheet (it goes into the spending accountability file):
    the Sekretaris KPU configured on the decree template, whose full NIP is printed (an official's NIP is
    public on documents); blank lines for handwriting when none is configured."""
    template = DecreeTemplate.active(office)
    return {
        "title": (template.authenticator_title if template else "") or f"SEKRETARIS {office.name.upper()}",
        "name": template.authenticator_name if template else "",
        "nip": template.authenticator_nip if template else "",
    }


def pacts_bundle(pacts, *, office: Office) -> bytes | None:
    """All printed pacts in kecamatan / kelurahan / role order, one PDF to print (their seals left out:
    `merge_pdfs`); None when none are ready."""
    ready = [p for p in pacts if p.document_id and p.document.status == DocumentStatus.DONE]
    if not ready:
        return None
    ready.sort(key=lambda p: roster_key(p.appointment))
    letterhead = office_letterhead(office)
    return merge_pdfs(
        [p.document.file.path for p in ready],
        title=f"Bundel Cetak Pakta Integritas Sekretariat PPS {letterhead['short_name']}",
        author=office_author(letterhead),
        subject=f"Pakta integritas Sekretariat Panitia Pemungutan Suara, {len(ready)} orang, untuk dicetak",
    )
