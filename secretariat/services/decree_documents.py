"""The decree's own documents: the Keputusan with its lampiran, its SALINAN, one Petikan per member, and the
print bundle of all Petikan. What each shows and where it is stored; the document-job engine makes them
(they register with it in SecretariatConfig.ready, as the pacts do in theirs)."""

import fcntl
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.utils.html import format_html

# The module, not its names: tests replace `rendering.render_pdf` to hold a preview mid-render.
from pps_admin import rendering

from ..models import (
    Decree,
    DecreeEntry,
    Document,
    DocumentKind,
    DocumentStatus,
    GenerationJob,
    JobKind,
)
from ..models.appointment import ROLE_LABELS, post_title
from .decree_text import indonesian_date
from .document_jobs import RenderedPdf, job_create, write_once
from .document_jobs.job_memo import job_memo
from .letterhead import letterhead_of_text, office_author
from .page_layout import page_css
from .title_case import number_in_heading, number_in_sentence, title_case
from .verification import document_stamp, petikan_stamps

ORDINALS = [
    "KESATU",
    "KEDUA",
    "KETIGA",
    "KEEMPAT",
    "KELIMA",
    "KEENAM",
    "KETUJUH",
    "KEDELAPAN",
    "KESEMBILAN",
    "KESEPULUH",
    "KESEBELAS",
    "KEDUA BELAS",
    "KETIGA BELAS",
    "KEEMPAT BELAS",
    "KELIMA BELAS",
]

# A Petikan is handed over as one sheet, at the decree's 12 pt. When A4 paper, the letterhead logo or a
# long name would push the signatures onto a second page, the spacing tightens; only names and kelurahan of
# 100-150 characters on A4 with a logo need the last resort, 11 pt (tests/test_decrees.py, long names).
PETIKAN_LAYOUTS = [{}, {"compact": True}, {"compact": True, "last_resort": True}]


def job_create_for_decree(*, decree: Decree, user=None) -> GenerationJob:
    """The Keputusan, its SALINAN (the authenticated copy sent to others) and one Petikan per member."""
    entries = decree.entries.order_by("position").values_list("appointment_id", flat=True)
    documents = [
        Document(kind=DocumentKind.KEPUTUSAN, decree=decree),
        Document(kind=DocumentKind.SALINAN, decree=decree),
        *(
            Document(kind=DocumentKind.PETIKAN, decree=decree, appointment_id=appointment_id)
            for appointment_id in entries
        ),
    ]
    return job_create(kind=JobKind.SK, office=decree.office, documents=documents, decree=decree, user=user)


# --- what the documents show ------------------------------------------------------------------------


class DecreeNote(str):
    """ "Keputusan Lurah Nomor 100.3.3.2/07/KEL-RM tanggal 20 Mei 2024": plain text as a str; in a document
    (a template calls __html__ on a str that has one) the number and the date are spans of their own
    ("nowrap", "date nowrap"): the Petikan keeps the number whole (a rule of its `.nowrap`), the
    lampiran's narrow column only the date."""

    def __new__(cls, *, head: str, number: str, date: str = ""):
        note = super().__new__(cls, f"{head} {number}" + (f" tanggal {date}" if date else ""))
        note.head, note.number, note.date = head, number, date  # "Keputusan Lurah Nomor", ..., "20 Mei 2024"
        return note

    def __html__(self) -> str:
        if not self.date:
            return format_html('{} <span class="nowrap">{}</span>', self.head, self.number)
        return format_html(
            '{} <span class="nowrap">{}</span> tanggal <span class="date nowrap">{}</span>',
            self.head,
            self.number,
            self.date,
        )


def _lurah_decree_note(appointment) -> DecreeNote | None:
    """The member's basis, as the lampiran's Keterangan states it; None until staff record it."""
    if not appointment.lurah_decree_number:
        return None
    # The kelurahan is in its own column (lampiran) or the role (Petikan): "Keputusan Lurah" suffices;
    # in a desa the basis is the Kepala Desa's (a Keuchik's in a gampong of Aceh).
    date = appointment.lurah_decree_date
    return DecreeNote(
        head=f"Keputusan {appointment.kelurahan.head_title()} Nomor",
        number=appointment.lurah_decree_number,
        date=indonesian_date(date) if date else "",
    )


def role_with_kelurahan(role: str, kelurahan: str, kind: str = "Kelurahan") -> str:
    """ "Sekretaris PPS Kelurahan Manggar", "Bendahara Sekretariat PPS Desa Loa Ipuh"."""
    return f"{post_title(role)} {kind} {kelurahan}"


def _entry_row(entry: DecreeEntry) -> dict:
    appointment = entry.appointment
    person = appointment.person
    notes = [note for note in [_lurah_decree_note(appointment)] if note]
    if appointment.replaces_id:
        notes.append(f"Pengganti antarwaktu {appointment.replaces.person.name}")
    return {
        "no": entry.position,
        "name": person.name,
        # Printed in full: the NIP identifies a civil servant in an appointment decree (not personal data
        # of the kind the NIK is; it is never shown masked on KPU decrees).
        "nip": person.nip if person.is_asn else "",
        "role": ROLE_LABELS[appointment.role],
        "role_full": role_with_kelurahan(
            appointment.role, appointment.kelurahan.name, appointment.kelurahan.kind.label
        ),
        "village_kind": appointment.kelurahan.kind.label,
        "kelurahan": appointment.kelurahan.name,
        "kecamatan": appointment.kelurahan.kecamatan.name,
        "unsur": "ASN" if person.is_asn else "Non-ASN",
        "notes": notes,
        "note": "; ".join(notes),
    }


def _entries(decree: Decree):
    return decree.entries.select_related(
        "appointment__person", "appointment__kelurahan__kecamatan", "appointment__replaces__person"
    ).order_by("position")


def _ordinals(count: int) -> list[str]:
    return [ORDINALS[i] if i < len(ORDINALS) else f"KE-{i + 1}" for i in range(count)]


def _letters(count: int) -> list[str]:
    return [chr(ord("a") + i) if i < 26 else f"a{i}" for i in range(count)]


def _base_context(decree: Decree) -> dict:
    text = decree.text
    return {
        "decree": decree,
        "text": text,
        "letterhead": letterhead_of_text(text, decree.office),
        "number": decree.number,
        "number_heading": number_in_heading(decree.number),
        "title": text["title"],
        "dictums": list(zip(_ordinals(len(text["dictums"])), text["dictums"], strict=True)),
        "considerations": list(
            zip(_letters(len(text["considerations"])), text["considerations"], strict=True)
        ),
        "page_css": page_css(text["page_mm"], text["margins_mm"]),
    }


def _groups(rows: list[dict]) -> list[dict]:
    """The lampiran's rows by kecamatan, and in each by kelurahan (`villages`: lists of rows), in order: the
    template keeps a kelurahan's rows on one page, its kecamatan's heading with the first of them."""
    groups = []
    for row in rows:
        if not groups or groups[-1]["kecamatan"] != row["kecamatan"]:
            groups.append({"kecamatan": row["kecamatan"], "villages": []})
        villages = groups[-1]["villages"]
        if not villages or villages[-1][0]["kelurahan"] != row["kelurahan"]:
            villages.append([])
        villages[-1].append(row)
    return groups


def village_heading(rows: list[dict]) -> str:
    """The lampiran's column of places: "Kelurahan", "Desa", or "Desa/Kelurahan" when it lists both."""
    kinds = sorted({row["village_kind"] for row in rows}, key=["Desa", "Desa Adat", "Kelurahan"].index)
    return "/".join(kinds) or "Kelurahan"


def keputusan_context(decree: Decree, *, salinan: bool = False) -> dict:
    """The Keputusan with its lampiran; `salinan`: the authenticated copy (SALINAN, "ttd.", and the
    "Salinan sesuai dengan aslinya" block) that is sent to others. A decree not saved (a preview with
    nobody to list) has an empty lampiran."""
    rows = [_entry_row(entry) for entry in _entries(decree)] if decree.pk else []
    context = {
        **_base_context(decree),
        "groups": _groups(rows),
        "count": len(rows),
        "village_heading": village_heading(rows),
    }
    if salinan:
        context.update(salinan=True, authentic_label="Salinan")
    return context


def petikan_context(decree: Decree, entry: DecreeEntry, *, base: dict | None = None) -> dict:
    """`base`: the decree's `_base_context`, when the caller made it once for many Petikan."""
    context = {**(base if base is not None else _base_context(decree))}
    context["row"] = _entry_row(entry)
    context["authentic_label"] = "Petikan"
    dictums = context["dictums"]
    # KESATU of the Keputusan points at its lampiran, which the Petikan does not carry: the excerpt has
    # its own wording, appointing the person whose row follows (DecreeTemplate.petikan_dictum).
    first = decree.text.get("petikan_dictum") or (dictums[0][1] if dictums else "")
    context["first_dictum"] = (dictums[0][0], first) if dictums else None
    rest = dictums[1:]
    context["rest_dictums"] = (
        f"{rest[0][0]} s.d. {rest[-1][0]}" if len(rest) > 1 else (rest[0][0] if rest else "")
    )
    return context


def decree_pdf_metadata(decree: Decree, label: str) -> rendering.PdfMetadata:
    """`label` names the document ("Petikan Keputusan"), never the person (issue #14: a Petikan's title
    named its member)."""
    letterhead = letterhead_of_text(decree.text, decree.office)
    number = number_in_sentence(decree.number)
    return rendering.PdfMetadata(
        title=f"{label} {letterhead['short_name']} {number}",
        author=office_author(letterhead),
        subject=title_case(decree.text["title"]),
        created=decree.created_at,
    )


# --- rendering --------------------------------------------------------------------------------------


def keputusan_pdf(
    decree: Decree, *, salinan: bool = False, preview: bool = False, stamp: dict | None = None
) -> bytes:
    """`preview`: how it would look if issued now (marked as a draft); `stamp`: the stored document's check
    code and QR (services/verification.py), which a preview has not."""
    context = keputusan_context(decree, salinan=salinan)
    if preview:
        context["preview"] = True
    if stamp is not None:
        context["stamp"] = stamp
    label = "Salinan Keputusan" if salinan else "Keputusan"
    return rendering.render_pdf(
        "documents/keputusan.html", context, metadata=decree_pdf_metadata(decree, label)
    )


def petikan_document(context: dict):
    for layout in PETIKAN_LAYOUTS:
        document = rendering.render_member_document("documents/petikan.html", {**context, **layout})
        if len(document.pages) == 1:
            break
    return document


def petikan_pdf(context: dict) -> bytes:
    document = petikan_document(context)
    data = rendering.write_pdf(document, decree_pdf_metadata(context["decree"], "Petikan Keputusan"))
    return RenderedPdf(data, pages=len(document.pages))


def keputusan_render(document: Document) -> bytes:
    return keputusan_pdf(document.decree, stamp=document_stamp(document))


def salinan_render(document: Document) -> bytes:
    return keputusan_pdf(document.decree, salinan=True, stamp=document_stamp(document))


def petikan_render(document: Document) -> bytes:
    decree = document.decree
    # Read once per job in this worker process (document_jobs/job_memo.py): every Petikan of the job
    # reads the same entries and builds the same letterhead and clauses.
    entries = job_memo(
        document.job, f"decree-entries-{decree.pk}", lambda: {e.appointment_id: e for e in _entries(decree)}
    )
    entry = entries.get(document.appointment_id)
    if entry is None:  # not among the entries this process read: as before, read it (or fail if unlisted)
        entry = _entries(decree).get(appointment_id=document.appointment_id)
    base = job_memo(document.job, f"decree-base-{decree.pk}", lambda: _base_context(decree))
    return petikan_pdf({**petikan_context(decree, entry, base=base), "stamp": document_stamp(document)})


# --- where they are stored, and the names they are downloaded under --------------------------------


def _decree_folder(decree: Decree) -> str:
    return f"documents/sk/{decree.year}/{decree.year}-{decree.sequence:04d}-{decree.pk}"


def keputusan_path(document: Document) -> str:
    return f"{_decree_folder(document.decree)}/keputusan.pdf"


def salinan_path(document: Document) -> str:
    return f"{_decree_folder(document.decree)}/salinan-keputusan.pdf"


def petikan_path(document: Document) -> str:
    appointment = document.appointment
    code = appointment.kelurahan_id.replace(".", "")
    return f"{_decree_folder(document.decree)}/petikan-{code}-{appointment.role}-{appointment.pk}.pdf"


def keputusan_download_name(document: Document) -> str:
    return f"keputusan-{document.decree.year}-{document.decree.sequence}.pdf"


def salinan_download_name(document: Document) -> str:
    return f"salinan-keputusan-{document.decree.year}-{document.decree.sequence}.pdf"


# --- the print bundle --------------------------------------------------------------------------------


def decree_print_bundle(decree: Decree) -> bytes | None:
    """All Petikan of the decree in one PDF in lampiran order; None until every one is done.

    Laid out again from the decree's snapshot exactly as each stored Petikan was, and written as one PDF,
    so that each font is embedded once for all its pages: a merge of the stored files carries one subset
    of each font per Petikan (about three times the size, bench/RESULTS.md "bundel cetak"). Laying out
    every page takes a while, so the bundle is built once (by the worker, `decree_bundle_prepare`) and kept
    under documents/bundel-sk/, write-once, as issued (a revoked decree's download is stamped DICABUT on
    its way out, like its other documents: services/revocation_stamp.py)."""
    entries = list(_entries(decree))
    done = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN, status=DocumentStatus.DONE)
    if not entries or done.count() != len(entries):
        return None
    # Beside the records, not among them: the decree's folder holds exactly its documents.
    name = _decree_folder(decree).rsplit("/", 1)[1]
    relative = f"documents/bundel-sk/{decree.year}/{name}.pdf"
    stored = Path(settings.MEDIA_ROOT) / relative
    if stored.is_file():
        return stored.read_bytes()
    with _one_builder(stored):
        if stored.is_file():  # the other builder finished it while this one waited
            return stored.read_bytes()
        data = _bundle_pdf(decree, entries)
        write_once(relative, data)
    return data


@contextmanager
def _one_builder(stored: Path):
    """The worker that finished the decree (`decree_bundle_prepare`) and a download that came first may both
    start the bundle; write_once's temporary file is one per target, so two writers at once could mix their
    bytes. A lock file beside the bundle lets one build while the other waits for it. (A row lock would hold
    SQLite's one write lock for the whole layout under `make run`.)"""
    stored.parent.mkdir(parents=True, exist_ok=True)
    with open(stored.with_name(f".lock-{stored.name}"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _bundle_pdf(decree: Decree, entries) -> bytes:
    stamps = petikan_stamps(decree)
    base = _base_context(decree)
    documents = [
        petikan_document({**petikan_context(decree, entry, base=base), "stamp": stamps[entry.appointment_id]})
        for entry in entries
    ]
    bundle = documents[0].copy([page for document in documents for page in document.pages])
    metadata = decree_pdf_metadata(decree, "Petikan Keputusan")
    return rendering.write_pdf(bundle, replace(metadata, title=f"Bundel Cetak {metadata.title}"))


def decree_bundle_prepare(job: GenerationJob) -> None:
    """A done SK job's `on_done`: build the print bundle in the worker that finished the decree's last
    document, so that staff's first download is served from the stored file instead of waiting for every
    page to be laid out."""
    decree_print_bundle(job.decree)
