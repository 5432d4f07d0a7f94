"""The signing step of the document engine, and the passphrase a job's signer types once for all of it.

Every document is signed by its own office's seal (office_seals.py: `office_signer`), the office being
its job's.

`document_seal` runs in the worker on the rendered bytes, before the file is written and its hash
stored, so the stored SHA-256 and size are those of the signed file. A refusal raises SigningError: the
document fails with its Indonesian reason and nothing is written; a retry signs it again."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from pps_admin.signing import Credentials, Signer, SignerDescription, SigningError
from pps_admin.signing.pades import check_pdf
from pps_admin.signing.passphrase_box import passphrase_open, passphrase_seal

from ..models import Document, DocumentKind, DocumentStatus, GenerationJob, JobPassphrase, Office
from .office_seals import office_seal_missing, office_signer, office_signers_may_ask, signing_enabled

MISSING_PASSPHRASE = (
    "Passphrase TTE untuk pekerjaan ini tidak ada lagi (ditolak BSrE, kedaluwarsa, atau pekerjaan sudah "  # noqa: S105
    "selesai). Tekan “Coba lagi” dan masukkan passphrase."
)


# Under a signer who types a passphrase (BSrE: the Ketua's own certificate) the attendance sheet is not
# signed: it is a blank form that the members sign by hand, printed whenever staff need it (no Ketua stands
# by to type a passphrase), and its check code still makes it a stored record. The office's seal (local
# PKCS#12) signs it like every other document.
UNSIGNED_UNDER_PERSONAL_SIGNER = frozenset({DocumentKind.DAFTAR_HADIR})


def signing_needs_passphrase(office: Office | None) -> bool:
    """Whether issuing (and retrying) `office`'s documents asks the signer for a passphrase: its BSrE
    signer yes, a seal no (nor an office without any: it is refused before it asks). Without an office
    (a form shown before one is chosen): whether any office may need one."""
    if office is None:
        return office_signers_may_ask()
    try:
        signer = office_signer(office)
    except SigningError:
        return False  # a local seal that cannot be opened: it would ask for nothing either
    return bool(signer and signer.needs_passphrase)


_SIGNER_ATTR = "_pps_signer"


def document_signer(document: Document) -> Signer | None:
    """Who signs `document`: its office's signer, except under a personal signer for the kinds left
    unsigned there; None when it is stored unsigned (SIGNER=none, or that kind). SigningError when the seal
    cannot be opened, or signing is on and the office has no seal: the document fails, nothing is stored.

    Kept on the document object: its render (the printed seal note) and its seal (the signature) ask for
    it, and both must name the same seal even if the office's seal changes in between."""
    if _SIGNER_ATTR not in document.__dict__:
        document.__dict__[_SIGNER_ATTR] = _document_signer(document)
    return document.__dict__[_SIGNER_ATTR]


def _document_signer(document: Document) -> Signer | None:
    office = document.job.office
    signer = office_signer(office)
    if signer is None and signing_enabled():
        # Refused up front when queued (office_seal_require); a seal removed after that, or a job sent
        # again by the sweep, must not be stored unsigned as if signing were off.
        missing = office_seal_missing(office) or f"{office.short_name} tidak punya segel elektronik."
        raise SigningError(missing)
    if signer is not None and signer.needs_passphrase and document.kind in UNSIGNED_UNDER_PERSONAL_SIGNER:
        return None
    return signer


def document_signature(document: Document) -> Signer | SignerDescription | None:
    """The signature the document's QR block names: for a stored document the one it was stored with
    (its record), so a layout made again later (the print bundle) says what the file says; otherwise the
    signer about to sign it."""
    if document.status == DocumentStatus.DONE:
        if not document.signed_by:
            return None
        kind = "bsre" if document.signature_certified else "local"
        return SignerDescription(kind=kind, name=document.signed_by, certified=document.signature_certified)
    return document_signer(document)


def job_passphrase_store(*, job: GenerationJob, passphrase: str) -> None:
    """Keep `passphrase` (encrypted) for `job`'s documents. Call it inside the transaction that queues the
    job, so no worker can take a document before the passphrase is there."""
    if not passphrase:
        raise ValidationError("Masukkan passphrase TTE penanda tangan.")
    JobPassphrase.objects.update_or_create(job=job, defaults={"token": passphrase_seal(passphrase)})


def job_passphrase_forget(job_id: int) -> None:
    JobPassphrase.objects.filter(job_id=job_id).delete()


def _job_credentials(job_id: int) -> Credentials | None:
    token = JobPassphrase.objects.filter(job_id=job_id).values_list("token", flat=True).first()
    if token is None:
        return None
    passphrase = passphrase_open(token, max_age_seconds=settings.SIGNING_PASSPHRASE_MAX_HOURS * 3600)
    return Credentials(passphrase=passphrase) if passphrase else None


def _reason_and_location(document: Document) -> tuple[str, str]:
    reason = f"{document.get_kind_display()} diterbitkan secara elektronik"
    decree = document.decree
    location = decree.text.get("place", "") if decree is not None else ""
    return reason, location


def document_seal(document: Document, data: bytes, *, relative: str) -> tuple[bytes, dict]:
    """The signed bytes and the Document fields that record the signature ({} when SIGNER=none)."""
    signer = document_signer(document)
    if signer is None:
        return data, {}
    described = signer.describe()
    stored = _signed_earlier(data, relative)
    if stored is not None:
        signed, check = stored
        return signed, _fields(described, check.signed_at or timezone.now())
    credentials = None
    if signer.needs_passphrase:
        credentials = _job_credentials(document.job_id)
        if credentials is None:
            raise SigningError(MISSING_PASSPHRASE)
    reason, location = _reason_and_location(document)
    try:
        signed = signer.sign(data, reason=reason, location=location, credentials=credentials)
    except SigningError as exc:
        if exc.forget_credentials:
            # Deleted at once (signing runs outside any transaction): no document of the job sends the
            # refused passphrase to BSrE again, whatever reached a worker before the refusal.
            job_passphrase_forget(document.job_id)
        raise
    return signed, _fields(described, timezone.now())


def _fields(described, signed_at: dt.datetime) -> dict:
    return {
        "signed_by": described.name[:300],
        "signature_certified": described.certified,
        "signed_at": signed_at,
    }


def _signed_earlier(data: bytes, relative: str):
    """The file a delivery that died after writing it (before recording it) left at `relative`, when it is
    this very render, signed: its signed revision is byte for byte `data` (a PAdES signature is an
    incremental update appended to it) and that signature is intact. A signature is never the same twice
    (its time differs), so signing again would make a different file where a record may already be:
    the engine would refuse it (write_once) and the document could never be finished."""
    path = Path(settings.MEDIA_ROOT) / relative
    if not path.is_file():
        return None
    stored = path.read_bytes()
    if len(stored) <= len(data) or not stored.startswith(data):
        return None
    check = check_pdf(stored, trust_roots=[])
    return (stored, check) if check.ok else None


def failure_text(exc: Exception) -> str:
    """What the job page shows for a failed document: a signing refusal in its own Indonesian words."""
    if isinstance(exc, SigningError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
