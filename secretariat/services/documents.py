"""Generation jobs and document files: what each document shows, and how it is stored.

Flow: a job row and its document rows are created inside the request's transaction; after commit the job
is dispatched to Celery with ids only; each task renders one document, stores it once with its SHA-256,
and refreshes the job. A failed document keeps its error and can be retried; a finished one is never
rendered again. A job whose tasks were lost shows no progress; after STUCK_JOB_MINUTES it is sent again.
"""

import datetime as dt
import hashlib
import io
import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from pps_admin.rendering import PdfMetadata, render_document, render_pdf, write_pdf

from ..models import (
    Decree,
    DecreeEntry,
    Document,
    DocumentKind,
    DocumentStatus,
    GenerationJob,
    JobStatus,
)
from ..models.appointment import ROLE_LABELS, post_title
from .decree_text import indonesian_date
from .letterhead import letterhead_of_text, office_author
from .signing import document_seal, failure_text, job_finished

log = logging.getLogger(__name__)


class DocumentStorageError(Exception):
    pass


# --- jobs -------------------------------------------------------------------------------------------


def job_create_for_decree(*, decree: Decree, user=None) -> GenerationJob:
    entries = list(decree.entries.order_by("position").values_list("appointment_id", flat=True))
    # The Keputusan, its SALINAN (the authenticated copy sent to others) and one Petikan per member.
    decree_kinds = (DocumentKind.KEPUTUSAN, DocumentKind.SALINAN)
    job = GenerationJob.objects.create(
        kind="sk", decree=decree, total=len(decree_kinds) + len(entries), requested_by=user
    )
    Document.objects.bulk_create(Document(job=job, kind=kind, decree=decree) for kind in decree_kinds)
    Document.objects.bulk_create(
        Document(job=job, kind=DocumentKind.PETIKAN, decree=decree, appointment_id=appointment_id)
        for appointment_id in entries
    )
    job_dispatch_on_commit(job)
    return job


def job_dispatch_on_commit(job: GenerationJob) -> None:
    job_id = job.pk
    transaction.on_commit(lambda: job_send(job_id))


def job_send(job_id: int) -> bool:
    """Hand the job to the broker. If the broker is unreachable the job row stays queued (nothing is lost)
    and `jobs_dispatch_pending` sends it later: when a worker starts, and every minute from the beat."""
    from ..tasks import dispatch_job

    try:
        dispatch_job.apply_async((job_id,), retry=False)
    except Exception as exc:  # kombu/redis connection errors vary by transport
        log.warning(
            "Broker unreachable (%s): generation job %s stays queued until it can be sent",
            type(exc).__name__,
            job_id,
        )
        return False
    GenerationJob.objects.filter(pk=job_id, dispatched_at__isnull=True).update(dispatched_at=timezone.now())
    return True


def jobs_dispatch_pending(*, older_than_seconds: int = 30) -> int:
    """Send queued jobs that never reached the broker; returns how many were sent. (Jobs that reached it
    and were lost there: `jobs_resend_stalled`.)"""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    pending = GenerationJob.objects.filter(
        status=JobStatus.QUEUED, dispatched_at__isnull=True, created_at__lte=cutoff
    ).values_list("pk", flat=True)
    return sum(job_send(job_id) for job_id in list(pending))


# --- jobs whose tasks were lost ----------------------------------------------------------------------
# A task can be lost without its worker dying: a broker flush, a revoke, a task that gave up its database
# retries. Its job stays queued or running for ever. Such a job shows no progress: no document of it
# started or finished since it was sent. After STUCK_JOB_MINUTES of that it is sent again. This is safe
# however wrong the guess: a document being rendered keeps its row locked (`document_render_and_store`), so
# it is never put back and a second delivery waits for it; a done document is never rendered again.


def stuck_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.STUCK_JOB_MINUTES)


def jobs_stalled(*, cutoff: dt.datetime) -> QuerySet[GenerationJob]:
    """Jobs sent to the workers before `cutoff`, still queued or running, none of whose documents started
    or finished after it. (Never-sent jobs are `jobs_dispatch_pending`'s.)"""
    moved = Document.objects.filter(job=OuterRef("pk")).filter(
        Q(started_at__gte=cutoff) | Q(finished_at__gte=cutoff)
    )
    return GenerationJob.objects.filter(
        status__in=(JobStatus.QUEUED, JobStatus.RUNNING), dispatched_at__lt=cutoff
    ).exclude(Exists(moved))


def job_overview(job: GenerationJob | None) -> dict:
    """What a page showing a generation job needs: its progress and how many of its documents have stalled
    (waiting or being made, the job idle past STUCK_JOB_MINUTES; 0 while it moves). The documents are
    counted once, by `progress()`; the stall check runs only for a job that still has some waiting."""
    if job is None:
        return {"job": None, "progress": None, "stalled": 0, "stuck_minutes": settings.STUCK_JOB_MINUTES}
    progress = job.progress()
    moving = job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    stalled = 0
    if (
        progress["waiting"]
        and moving
        and jobs_stalled(cutoff=timezone.now() - stuck_after()).filter(pk=job.pk).exists()
    ):
        stalled = progress["waiting"]
    return {"job": job, "progress": progress, "stalled": stalled, "stuck_minutes": settings.STUCK_JOB_MINUTES}


class Requeued(NamedTuple):
    failed: int = 0  # failed documents put back
    stalled: int = 0  # stalled pending or running documents put back
    sent: bool = False  # whether the job was sent again


def _job_requeue(job_id: int, *, cutoff: dt.datetime, failed: bool) -> Requeued:
    with transaction.atomic():
        job = GenerationJob.objects.select_for_update().get(pk=job_id)
        stalled = jobs_stalled(cutoff=cutoff).filter(pk=job_id).exists()
        stalled_ids = []
        if stalled:
            # Rows locked right now are being rendered (or claimed): theirs, not ours.
            unfinished = job.documents.filter(
                status__in=(DocumentStatus.PENDING, DocumentStatus.RUNNING)
            ).select_for_update(skip_locked=True)
            stalled_ids = list(unfinished.values_list("pk", flat=True))
            # A document "running" this long lost its worker: pending again, so `dispatch_job` sends it.
            Document.objects.filter(pk__in=stalled_ids, status=DocumentStatus.RUNNING).update(
                status=DocumentStatus.PENDING
            )
        failed_count = 0
        if failed:
            failed_count = job.documents.filter(status=DocumentStatus.FAILED).update(
                status=DocumentStatus.PENDING, error=""
            )
        if not (stalled or failed_count):
            return Requeued()
        # Sent again like a new job: `job_send` stamps dispatched_at, or `jobs_dispatch_pending` sends it
        # once the broker is back. A job whose documents are all done is only refreshed by `dispatch_job`.
        GenerationJob.objects.filter(pk=job.pk).update(
            status=JobStatus.QUEUED, error="", finished_at=None, dispatched_at=None
        )
        job_dispatch_on_commit(job)
    return Requeued(failed=failed_count, stalled=len(stalled_ids), sent=True)


def jobs_resend_stalled(*, older_than: dt.timedelta | None = None) -> int:
    """Send again every job stalled for `older_than` (STUCK_JOB_MINUTES); returns how many were sent."""
    older_than = stuck_after() if older_than is None else older_than
    cutoff = timezone.now() - older_than
    sent = 0
    for job_id in list(jobs_stalled(cutoff=cutoff).values_list("pk", flat=True)):
        requeued = _job_requeue(job_id, cutoff=cutoff, failed=False)
        if requeued.sent:
            log.warning(
                "Generation job %s showed no progress for %d minutes: sent again (%d documents put back)",
                job_id,
                older_than.total_seconds() // 60,
                requeued.stalled,
            )
            sent += 1
    return sent


# --- documents whose worker died ---------------------------------------------------------------------
# A worker killed mid-render (SIGKILL, the OOM killer, a restarted container) leaves its documents
# "running" and their messages unacknowledged in Redis, which gives them back only after the visibility
# timeout (300 s). PostgreSQL knows sooner: a live renderer holds its document's row lock until the
# document is stored (`document_render_and_store`), and a dead one's lock went with its connection. So a
# running document whose row can be locked (SKIP LOCKED passes over the live ones) is abandoned: it is put
# back to pending and sent again while this sweep holds its row, so two sweeps at once (a worker starting,
# the beat) send it once, and a worker taking the new message waits until the sweep has committed. The
# dead worker's own message, delivered late, then finds the document done (or locked, and then done) and
# changes nothing.


def abandoned_cutoff() -> dt.datetime:
    """Documents started before this and still running may be abandoned. On PostgreSQL the lock decides;
    the grace (a second) only spares a renderer between marking its document running and locking it.
    SQLite (`make run`) has no row locks to ask: there a document is abandoned once it has been running
    longer than a task may live (CELERY_TASK_TIME_LIMIT), plus a minute."""
    if connection.features.has_select_for_update_skip_locked:
        return timezone.now() - dt.timedelta(seconds=settings.ABANDONED_GRACE_SECONDS)
    return timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def documents_requeue_abandoned() -> int:
    """Send again every running document whose renderer is gone; returns how many were sent."""
    from ..tasks import render_document

    with transaction.atomic():
        abandoned = list(
            Document.objects.filter(status=DocumentStatus.RUNNING, started_at__lt=abandoned_cutoff())
            .select_for_update(skip_locked=True)
            .values_list("pk", "job_id")
        )
        if not abandoned:
            return 0
        Document.objects.filter(pk__in=[pk for pk, _ in abandoned]).update(status=DocumentStatus.PENDING)
        # Sent inside the transaction: if the broker fails, the rows stay running and the next sweep tries
        # again; a message taken before the commit waits for these rows' locks.
        for pk, _ in abandoned:
            render_document.apply_async((pk,), retry=False)
    jobs = sorted({job_id for _, job_id in abandoned})
    log.warning(
        "%d documents abandoned by a worker that died were sent again (jobs %s)",
        len(abandoned),
        ", ".join(map(str, jobs)),
    )
    return len(abandoned)


def job_retry(*, job: GenerationJob) -> Requeued:
    """The admin's retry: failed documents, and stalled pending or running ones, back in the queue."""
    return _job_requeue(job.pk, cutoff=timezone.now() - stuck_after(), failed=True)


def job_refresh(job_id: int) -> GenerationJob:
    """Derive the job's status from its documents (idempotent; safe to call from any task)."""
    with transaction.atomic():
        job = GenerationJob.objects.select_for_update().get(pk=job_id)
        statuses = set(job.documents.values_list("status", flat=True).distinct())
        if statuses <= {DocumentStatus.DONE}:
            job.status, job.error = JobStatus.DONE, ""
        elif DocumentStatus.PENDING in statuses or DocumentStatus.RUNNING in statuses:
            job.status = JobStatus.RUNNING
        else:
            job.status = JobStatus.FAILED
            failed = job.documents.filter(status=DocumentStatus.FAILED).count()
            job.error = f"{failed} dokumen gagal dibuat; lihat kesalahannya dan coba lagi."
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            job.finished_at = job.finished_at or timezone.now()
            job_finished(job)  # its signing passphrase goes
        job.save(update_fields=["status", "error", "finished_at"])
    return job


# --- what the documents show ------------------------------------------------------------------------


SMALL_WORDS = {"Dan", "Dalam", "Serta", "Di", "Pada", "Tentang", "Atas", "Untuk", "Dari", "Ke", "Atau"}


def title_case(text: str) -> str:
    """ "PENETAPAN SEKRETARIAT ... DALAM PEMILIHAN" -> "Penetapan Sekretariat ... dalam Pemilihan"."""
    words = text.title().split()
    return " ".join(w.lower() if i and w in SMALL_WORDS else w for i, w in enumerate(words))


def _lurah_decree_note(appointment) -> str:
    """The member's basis, as the lampiran's Keterangan states it; '' until staff record it."""
    if not appointment.lurah_decree_number:
        return ""
    # The kelurahan is in its own column (lampiran) or the role (Petikan): "Keputusan Lurah" suffices.
    note = f"Keputusan Lurah Nomor {appointment.lurah_decree_number}"
    if appointment.lurah_decree_date:
        note += f" tanggal {indonesian_date(appointment.lurah_decree_date)}"
    return note


def role_with_kelurahan(role: str, kelurahan: str) -> str:
    """"Sekretaris PPS Kelurahan Manggar", "Bendahara Sekretariat PPS Kelurahan Manggar"."""
    return f"{post_title(role)} Kelurahan {kelurahan}"


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
        "role_full": role_with_kelurahan(appointment.role, appointment.kelurahan.name),
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


def _base_context(decree: Decree) -> dict:
    text = decree.text
    return {
        "decree": decree,
        "text": text,
        "letterhead": letterhead_of_text(text),
        "number": decree.number,
        "title": text["title"],
        "dictums": list(zip(_ordinals(len(text["dictums"])), text["dictums"], strict=True)),
        "considerations": list(
            zip(_letters(len(text["considerations"])), text["considerations"], strict=True)
        ),
        "page_css": _page_css(text),
    }


def _groups(rows: list[dict]) -> list[dict]:
    groups = []
    previous_kelurahan = None
    for row in rows:
        if not groups or groups[-1]["kecamatan"] != row["kecamatan"]:
            groups.append({"kecamatan": row["kecamatan"], "rows": []})
        row["first_of_kelurahan"] = row["kelurahan"] != previous_kelurahan
        previous_kelurahan = row["kelurahan"]
        groups[-1]["rows"].append(row)
    return groups


def keputusan_context(decree: Decree, *, salinan: bool = False) -> dict:
    """The Keputusan with its lampiran; `salinan`: the authenticated copy (SALINAN, "ttd.", and the
    "Salinan sesuai dengan aslinya" block) that is sent to others."""
    rows = [_entry_row(entry) for entry in _entries(decree)]
    context = {**_base_context(decree), "groups": _groups(rows), "count": len(rows)}
    if salinan:
        context.update(salinan=True, authentic_label="Salinan")
    return context


def petikan_context(decree: Decree, entry: DecreeEntry) -> dict:
    context = _base_context(decree)
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


def decree_pdf_metadata(decree: Decree, kind: str) -> PdfMetadata:
    """Title names the document, never the person (issue #14: a Petikan's title named its member)."""
    letterhead = letterhead_of_text(decree.text)
    office = letterhead["short_name"]
    number = decree.number.title() if decree.number.startswith("NOMOR") else f"Nomor {decree.number}"
    label = {
        DocumentKind.KEPUTUSAN: "Keputusan",
        DocumentKind.SALINAN: "Salinan Keputusan",
        DocumentKind.PETIKAN: "Petikan Keputusan",
    }[kind]
    return PdfMetadata(
        title=f"{label} {office} {number}",
        author=office_author(letterhead),
        subject=title_case(decree.text["title"]),
        created=decree.created_at,
    )


def _ordinals(count: int) -> list[str]:
    from .decrees import ORDINALS

    return [ORDINALS[i] if i < len(ORDINALS) else f"KE-{i + 1}" for i in range(count)]


def _letters(count: int) -> list[str]:
    return [chr(ord("a") + i) if i < 26 else f"a{i}" for i in range(count)]


def _page_css(text: dict) -> str:
    width, height = text["page_mm"]
    top, right, bottom, left = text["margins_mm"]
    margins = " ".join(f"{int(value)}mm" for value in (top, right, bottom, left))
    return f"size: {int(width)}mm {int(height)}mm; margin: {margins};"


# Other apps register how their kinds of document are rendered and where they are stored (integrity: the
# pacts), so this module needs no import of them.
_REGISTERED_KINDS: dict = {}


def register_document_kind(kind: str, *, render, path) -> None:
    """`render(document) -> bytes` and `path(document) -> str` (relative to MEDIA_ROOT) for `kind`."""
    _REGISTERED_KINDS[kind] = (render, path)


def render_document_pdf(document: Document) -> bytes:
    if document.kind in _REGISTERED_KINDS:
        return _REGISTERED_KINDS[document.kind][0](document)
    decree = document.decree
    if document.kind in (DocumentKind.KEPUTUSAN, DocumentKind.SALINAN):
        context = keputusan_context(decree, salinan=document.kind == DocumentKind.SALINAN)
        return render_pdf(
            "documents/keputusan.html", context, metadata=decree_pdf_metadata(decree, document.kind)
        )
    if document.kind == DocumentKind.PETIKAN:
        entry = _entries(decree).get(appointment_id=document.appointment_id)
        return petikan_pdf(petikan_context(decree, entry))
    raise ValueError(f"unknown document kind {document.kind!r}")


# A Petikan is handed over as one sheet, at the decree's 12 pt. When A4 paper, the letterhead logo or a
# long name would push the signatures onto a second page, the spacing tightens; only names and kelurahan of
# 100-150 characters on A4 with a logo need the last resort, 11 pt (tests/test_decrees.py, long names).
PETIKAN_LAYOUTS = [{}, {"compact": True}, {"compact": True, "last_resort": True}]


def petikan_document(context: dict):
    for layout in PETIKAN_LAYOUTS:
        document = render_document("documents/petikan.html", {**context, **layout})
        if len(document.pages) == 1:
            break
    return document


def petikan_pdf(context: dict) -> bytes:
    return write_pdf(petikan_document(context), decree_pdf_metadata(context["decree"], DocumentKind.PETIKAN))


# --- storage ----------------------------------------------------------------------------------------


def _decree_folder(decree: Decree) -> str:
    return f"documents/sk/{decree.year}/{decree.year}-{decree.sequence:04d}-{decree.pk}"


def document_relative_path(document: Document) -> str:
    if document.kind in _REGISTERED_KINDS:
        return _REGISTERED_KINDS[document.kind][1](document)
    folder = _decree_folder(document.decree)
    if document.kind == DocumentKind.KEPUTUSAN:
        return f"{folder}/keputusan.pdf"
    if document.kind == DocumentKind.SALINAN:
        return f"{folder}/salinan-keputusan.pdf"
    appointment = document.appointment
    code = appointment.kelurahan_id.replace(".", "")
    return f"{folder}/petikan-{code}-{appointment.role}-{appointment.pk}.pdf"


def write_once(relative: str, data: bytes) -> Path:
    """Write `data` at MEDIA_ROOT/relative unless a file is already there.

    An identical file already present (a redelivered task) is accepted; a different one is an error:
    a record is never silently replaced. The write is atomic (temporary file + hard link).
    """
    root = Path(settings.MEDIA_ROOT).resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise DocumentStorageError("path outside MEDIA_ROOT")
    target.parent.mkdir(parents=True, exist_ok=True)
    # One temporary name per document: its only writer holds the document's row (`document_render_and_store`),
    # and "wb" truncates what a writer killed mid-write (SIGKILL, power loss) left there, so no half-written
    # file is ever linked or left behind. (Searching the folder for such leftovers instead cost a listing of
    # every petikan of the decree per document: quadratic at national scale.)
    temporary = target.with_name(f".tmp-{target.name}")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, target)
    except FileExistsError:
        if hashlib.sha256(target.read_bytes()).hexdigest() != hashlib.sha256(data).hexdigest():
            raise DocumentStorageError(
                f"berkas {relative} sudah ada dengan isi berbeda; tidak ditimpa"
            ) from None
    finally:
        temporary.unlink(missing_ok=True)
    return target


def pdf_page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def document_render_and_store(document_id: int) -> Document:
    """Render and store one document; a done document is left as it is (idempotent).

    The document's row stays locked from the start of its rendering until it is stored: another delivery of
    it (a redelivered task, a job sent again) waits, then finds it done. So a document is never rendered
    twice at the same time, and `attempts` counts renders. A killed worker's lock dies with its connection
    (`documents_requeue_abandoned`). A failed document waits for a retry, which puts it back to pending: a
    message delivered late (after the broker's visibility timeout) leaves it as it is.
    """
    settled = (DocumentStatus.DONE, DocumentStatus.FAILED)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status in settled:
            return document
        document.status = DocumentStatus.RUNNING  # shown while it is made, and its start is progress
        document.started_at = timezone.now()
        document.save(update_fields=["status", "started_at"])
    failure = None
    with transaction.atomic():
        if Document.objects.select_for_update().get(pk=document_id).status in settled:
            return Document.objects.get(pk=document_id)  # another delivery made it meanwhile
        document = Document.objects.select_related(
            "decree", "appointment__kelurahan", "appointment__person"
        ).get(pk=document_id)
        try:
            with transaction.atomic():  # a database error while rendering must not undo the record of it
                data = render_document_pdf(document)
                relative = document_relative_path(document)
            data, signature = document_seal(document, data, relative=relative)  # hash of the signed file
            write_once(relative, data)
            pages = pdf_page_count(data)
        except (OperationalError, InterfaceError):
            raise  # the database, not the document: the task tries again
        except Exception as exc:
            failure = exc
            Document.objects.filter(pk=document_id).update(
                status=DocumentStatus.FAILED,
                attempts=F("attempts") + 1,
                error=failure_text(exc)[:2000],
                finished_at=timezone.now(),
            )
        else:
            Document.objects.filter(pk=document_id).update(
                status=DocumentStatus.DONE,
                attempts=F("attempts") + 1,
                file=relative,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                pages=pages,
                error="",
                finished_at=timezone.now(),
                **signature,
            )
    if failure is not None:
        raise failure
    document.refresh_from_db()
    return document


def decree_print_bundle(decree: Decree) -> bytes | None:
    """All Petikan of the decree in one PDF in lampiran order; None until every one is done.

    Laid out again from the decree's snapshot exactly as each stored Petikan was, and written as one PDF,
    so that each font is embedded once for all its pages: a merge of the 102 stored files carried 102
    subsets of each font (1.6 MB against 0.5 MB, bench/RESULTS.md "Bundel cetak"). Laying out 102 pages
    takes seconds, so the bundle is built once (by the worker, `decree_bundle_prepare`) and kept under
    documents/bundel-sk/, write-once, as issued (a revoked decree's download is stamped DICABUT on its way
    out, like its other documents: services/revocation_stamp.py)."""
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
    documents = [petikan_document(petikan_context(decree, entry)) for entry in entries]
    bundle = documents[0].copy([page for document in documents for page in document.pages])
    metadata = decree_pdf_metadata(decree, DocumentKind.PETIKAN)
    data = write_pdf(bundle, replace(metadata, title=f"Bundel Cetak {metadata.title}"))
    write_once(relative, data)
    return data


def decree_bundle_prepare(job: GenerationJob) -> None:
    """Build the print bundle in the worker that finished the decree's last document, so that staff's
    first download is served from the stored file instead of waiting for 102 pages to be laid out."""
    if job.status == JobStatus.DONE and job.decree_id is not None:
        decree_print_bundle(job.decree)


def merge_pdfs(paths: list[Path]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def job_wait(job: GenerationJob, *, timeout: float, poll: float = 1.0) -> GenerationJob:
    """Block until the job is done or failed (for `--wait`); raises TimeoutError after `timeout` s."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            return job
        if time.monotonic() > deadline:
            raise TimeoutError(f"belum selesai setelah {timeout:.0f} detik: {job.progress()}")
        time.sleep(poll)


def job_written_paths(job: GenerationJob) -> list[str]:
    return [d.file.path for d in job.documents.filter(status=DocumentStatus.DONE).order_by("id")]
