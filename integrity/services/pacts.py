"""Pact rules: generating the PDFs, the print bundle, status transitions, scans of the signed paper. Every
change is audited."""

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from pps_admin.scans.checks import scan_checked
from secretariat.models import (
    Appointment,
    Document,
    DocumentKind,
    DocumentStatus,
    ElectionPeriod,
    GenerationJob,
    JobKind,
    Office,
)
from secretariat.services.document_jobs import job_create
from secretariat.services.offices import office_by_code
from secretariat.services.signing import job_passphrase_store, signing_needs_passphrase

from ..models import Ceremony, Pact, PactStatus, PactText
from .documents import pacts_bundle

NOTHING_TO_PRINT = "Belum ada PDF pakta yang selesai dibuat."


def no_ceremony_message(office: Office) -> str:
    """Why pacts are not made for an office without a signing ceremony: its place and date are printed
    above every member's signature ("Samarinda, ......" otherwise)."""
    return (
        f"{office.short_name} belum punya kegiatan penandatanganan pakta integritas: tempat dan tanggalnya "
        "dicetak di atas tanda tangan setiap pakta. Tambahkan dulu di Pakta integritas → Kegiatan "
        "penandatanganan; tidak ada pakta yang dibuat."
    )
PASSPHRASE_REQUIRED = (
    "Masukkan passphrase TTE penanda tangan (BSrE) untuk menandatangani pakta integritas; tidak ada "  # noqa: S105
    "pakta yang dibuat."
)


@transaction.atomic
def pacts_generate(
    *,
    user=None,
    period: ElectionPeriod | None = None,
    office: Office | None = None,
    passphrase: str | None = None,
) -> GenerationJob | None:
    """Queue the pact PDF of every active appointment of `office` that has none yet; None when all have
    one. Without an office: the deployment's only one (refused, naming the offices, when there are
    several). Under a signer that asks a passphrase (BSrE) it is required (without it nothing is made),
    and kept (encrypted) for the job's life, in this transaction: no worker sees the job before its
    passphrase. Refused, before anything is made, for an office with no signing ceremony."""
    office = office or office_by_code(None)
    period = period or ElectionPeriod.current()
    text = PactText.current(office)
    if period is None or text is None:
        raise ValidationError("Belum ada periode berjalan atau teks pakta integritas.")
    # One generation at a time per office; NO KEY UPDATE lets its appointments be written meanwhile.
    Office.objects.select_for_update(no_key=True).get(pk=office.pk)
    ceremony = Ceremony.objects.filter(office=office).order_by("-date").first()
    if ceremony is None:
        raise ValidationError(no_ceremony_message(office))
    appointments = list(
        Appointment.objects.active()
        .filter(period=period, office=office)
        .select_related("pact")
        .order_by("kelurahan_id")
    )
    todo = []
    for appointment in appointments:
        pact = getattr(appointment, "pact", None)
        if pact is None:
            pact = Pact.objects.create(appointment=appointment, text=text, ceremony=ceremony)
        if pact.document_id is None:
            todo.append(pact)
    if not todo:
        return None
    asks_passphrase = signing_needs_passphrase(office)
    if asks_passphrase and not passphrase:
        raise ValidationError(PASSPHRASE_REQUIRED)  # the pacts made above are rolled back with it
    documents = [Document(kind=DocumentKind.PAKTA, appointment_id=pact.appointment_id) for pact in todo]
    job = job_create(kind=JobKind.PAKTA, office=office, documents=documents, user=user)
    if asks_passphrase:
        job_passphrase_store(job=job, passphrase=passphrase)
    for pact, document in zip(todo, documents, strict=True):
        pact.document = document
        pact.save(update_fields=["document"])
    return job


def _record(pact: Pact, user, reason: str) -> None:
    pact.recorded_by = user
    pact.recorded_at = timezone.now()
    pact._change_reason = reason
    if user is not None:
        pact._history_user = user
    pact.save()


@transaction.atomic
def pacts_mark_printed(*, pacts, user=None) -> int:
    count = 0
    for pact in Pact.objects.select_for_update().filter(pk__in=[p.pk for p in pacts]):
        if pact.status == PactStatus.NOT_PRINTED:
            pact.status = PactStatus.PRINTED
            _record(pact, user, PactStatus.PRINTED.label.lower())
            count += 1
    return count


@transaction.atomic
def pacts_mark_signed(*, pacts, signed_date: dt.date, signed_place: str, user=None) -> int:
    """Record that these pacts were signed (e.g. everyone at the ceremony). Already signed ones are kept."""
    if not signed_place.strip():
        raise ValidationError("Tempat penandatanganan wajib diisi.")
    if signed_date > timezone.localdate():
        raise ValidationError("Tanggal penandatanganan tidak boleh di masa depan.")
    count = 0
    for pact in Pact.objects.select_for_update().filter(pk__in=[p.pk for p in pacts]):
        if pact.status == PactStatus.SIGNED:
            continue
        pact.status = PactStatus.SIGNED
        pact.signed_date = signed_date
        pact.signed_place = signed_place.strip()
        _record(pact, user, PactStatus.SIGNED.label.lower())
        count += 1
    return count


@transaction.atomic
def pact_attach_scan(*, pact: Pact, upload, user=None) -> Pact:
    """Store a scan of the signed paper privately under a new name (an earlier scan stays on disk).

    Images are stored as the checked, re-encoded copy and the hash is that of the stored bytes."""
    data, extension = scan_checked(upload)
    pact = Pact.objects.select_for_update().get(pk=pact.pk)
    name = f"{pact.appointment_id}-{uuid.uuid4().hex}.{extension}"
    pact.scan.save(name, ContentFile(data), save=False)
    pact.scan_sha256 = hashlib.sha256(data).hexdigest()
    _record(pact, user, "pindaian diunggah")
    return pact


def signing_defaults(ceremony: Ceremony | None) -> dict:
    """The date and place offered when recording signatures: the ceremony's, where most members sign."""
    return {"signed_date": ceremony.date, "signed_place": ceremony.place} if ceremony else {}


@transaction.atomic
def pact_signature_record(
    *, pact: Pact, signed_date: dt.date | None = None, signed_place: str = "", scan=None, user=None
) -> Pact:
    """Record one pact's signing (date and place), the scan of its signed paper, or both at once: both or
    neither are stored."""
    if signed_date is None and not scan:
        raise ValidationError("Isi tanggal dan tempat penandatanganan, atau unggah pindaian pakta.")
    if signed_date is not None:
        pacts_mark_signed(pacts=[pact], signed_date=signed_date, signed_place=signed_place, user=user)
    if scan:
        pact = pact_attach_scan(pact=pact, upload=scan, user=user)
    return pact


@dataclass(frozen=True)
class BundleCounts:
    ready: int  # pacts whose PDF is made: these go into the bundle
    waiting: int  # pacts whose PDF is still being made (or failed): left out
    to_mark: int  # of the ready ones, those not printed yet: printing the bundle marks them


def _bundle_candidates(office: Office):
    return Pact.objects.filter(appointment__end_date__isnull=True, appointment__office=office)


def pact_bundle_counts(*, office: Office) -> BundleCounts:
    """What the print bundle would hold now (nothing changes); refused while no PDF is made."""
    done = Q(document__status=DocumentStatus.DONE)
    counts = _bundle_candidates(office).aggregate(
        total=Count("pk"),
        ready=Count("pk", filter=done),
        to_mark=Count("pk", filter=done & Q(status=PactStatus.NOT_PRINTED)),
    )
    if not counts["ready"]:
        raise ValidationError(NOTHING_TO_PRINT)
    return BundleCounts(counts["ready"], counts["total"] - counts["ready"], counts["to_mark"])


def pact_bundle_print(*, office: Office, mark_printed: bool, user=None) -> bytes:
    """One PDF of every active member of `office` whose pact PDF is made, in roster order; with
    `mark_printed`, those pacts (only those: not the ones still being made) become "dicetak". Refused
    while no PDF is made."""
    ready = _bundle_candidates(office).filter(document__status=DocumentStatus.DONE)
    pacts = list(ready.select_related("appointment", "document"))
    data = pacts_bundle(pacts, office=office)
    if data is None:
        raise ValidationError(NOTHING_TO_PRINT)
    if mark_printed:
        pacts_mark_printed(pacts=pacts, user=user)
    return data
