"""What the pact, the attendance sheet and the pact bundle show; rendered by the shared core."""

from django.utils import timezone

from pps_admin.rendering import PdfMetadata, render_document, render_pdf, write_pdf
from secretariat.models import Appointment, DecreeTemplate, Document, DocumentStatus
from secretariat.models.appointment import ROLE_LABELS, ROLE_ORDER, post_title
from secretariat.services.document_jobs import merge_pdfs
from secretariat.services.letterhead import current_letterhead, office_author
from secretariat.services.page_layout import active_page_css
from secretariat.services.title_case import title_case

from ..models import Ceremony, Pact


def pact_context(pact: Pact) -> dict:
    appointment = pact.appointment
    person = appointment.person
    ceremony = pact.ceremony
    return {
        "page_css": active_page_css(),
        "letterhead": current_letterhead(),
        "text": pact.text,
        "pledges": pact.text.pledge_list,
        "person": person,
        "role": post_title(appointment.role),
        "kelurahan": appointment.kelurahan.name,
        "kecamatan": appointment.kelurahan.kecamatan.name,
        # An ASN signer's NIP goes under the name (and in the identity); a non-ASN member has none.
        "nip": person.nip if person.is_asn else "",
        "city": ceremony.city if ceremony else "Balikpapan",
        "date": ceremony.date if ceremony else None,
    }


def pact_pdf(document: Document) -> bytes:
    pact = Pact.objects.select_related(
        "text", "ceremony", "appointment__person", "appointment__kelurahan__kecamatan"
    ).get(document=document)
    context = pact_context(pact)
    rendered = render_document("documents/pakta.html", context)
    if len(rendered.pages) > 1:  # a very long name or kelurahan under the letterhead: lay it out tighter
        rendered = render_document("documents/pakta.html", {**context, "fit_one_sheet": True})
    return write_pdf(rendered, pact_pdf_metadata(context, document))


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
    expected = ceremony.expected.all()
    queryset = expected if expected.exists() else Appointment.objects.active()
    rows = list(queryset.select_related("person", "kelurahan__kecamatan"))
    return sorted(rows, key=lambda a: (a.kelurahan_id, ROLE_ORDER[a.role]))


def attendance_sheet_pdf(ceremony: Ceremony) -> bytes:
    """Daftar hadir: per kelurahan, No, Nama, Jabatan, Kelurahan, a zig-zag signature column, and the
    Sekretaris KPU's "Mengetahui" block."""
    groups = []
    for number, appointment in enumerate(ceremony_appointments(ceremony), start=1):
        if not groups or groups[-1]["kelurahan"] != appointment.kelurahan:
            groups.append({"kelurahan": appointment.kelurahan, "rows": []})
        groups[-1]["rows"].append(
            {
                "no": number,
                "name": appointment.person.name,
                "role": ROLE_LABELS[appointment.role],
                "kelurahan": appointment.kelurahan.name,
            }
        )
    letterhead = current_letterhead()
    metadata = PdfMetadata(
        title=f"Daftar Hadir {ceremony.name}",
        author=office_author(letterhead),
        subject=f"Daftar hadir {ceremony.name}, {ceremony.place}",
        created=timezone.localtime(),
    )
    context = {
        "page_css": active_page_css(),
        "letterhead": letterhead,
        "ceremony": ceremony,
        "groups": groups,
        "validator": attendance_validator(),
        "generated": timezone.localtime(),
    }
    return render_pdf("documents/daftar_hadir.html", context, metadata=metadata)


def attendance_validator() -> dict:
    """Who signs "Mengetahui" under the attendance sheet (it goes into the spending accountability file):
    the Sekretaris KPU configured on the decree template, whose full NIP is printed (an official's NIP is
    public on documents); blank lines for handwriting when none is configured."""
    template = DecreeTemplate.active()
    return {
        "title": (template.authenticator_title if template else "")
        or "SEKRETARIS KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN",
        "name": template.authenticator_name if template else "",
        "nip": template.authenticator_nip if template else "",
    }


def pacts_bundle(pacts) -> bytes | None:
    """All printed pacts in kecamatan / kelurahan / role order, one PDF; None when none are ready."""
    ready = [p for p in pacts if p.document_id and p.document.status == DocumentStatus.DONE]
    if not ready:
        return None
    ready.sort(key=lambda p: (p.appointment.kelurahan_id, ROLE_ORDER[p.appointment.role]))
    return merge_pdfs([p.document.file.path for p in ready])
