"""A job signed with a passphrase (BSrE) tries it on one document first.

Every worker process that takes a document of the job sends the passphrase to BSrE; a wrong one would
reach BSrE once per process before the first refusal deletes it (and BSrE locks a certificate after
repeated wrong passphrases). So `job_start` sends the job's first document alone and marks the job
`awaiting_first_signature`; once that document is settled:

- stored (signed): the others are sent, all at once;
- refused by signing (a wrong passphrase, a signer not registered, BSrE silent or broken): the others are
  failed with the same reason, without a request each; the retry, with the passphrase typed again, starts
  over with one document;
- failed otherwise (its rendering, not its signature): the passphrase is still untried, so the next
  document goes alone.
"""

from django.db import transaction
from django.utils import timezone

from pps_admin.signing import SigningError

from ...models import Document, DocumentStatus, GenerationJob, Office
from ..signing import signing_needs_passphrase

HELD_BACK = (
    "Tidak dikirim untuk ditandatangani: dokumen pertama pekerjaan ini gagal ditandatangani, dan dokumen "
    "lainnya menunggu dokumen pertama itu. Alasannya: {reason}"
)


def job_documents_to_send(
    job: GenerationJob, pending_ids: list[int], *, fresh: bool
) -> tuple[list[int], bool]:
    """Of the job's pending documents (by id, in order), those `job_start` sends now, and whether they go
    one a task (a passphrase signer: each waits on BSrE, a batch would save nothing). `fresh`: the job was
    queued (new, or put back by a retry), not a second delivery of a job already running."""
    passphrase = len(pending_ids) > 1 and signing_needs_passphrase(Office.objects.get(jobs=job.pk))
    if fresh:
        GenerationJob.objects.filter(pk=job.pk).update(awaiting_first_signature=passphrase)
        return (_next_probe(job.pk, pending_ids) if passphrase else pending_ids), passphrase
    job.refresh_from_db(fields=["awaiting_first_signature"])
    if not job.awaiting_first_signature:
        return pending_ids, passphrase
    return _next_probe(job.pk, pending_ids), passphrase


def _next_probe(job_id: int, pending_ids: list[int]) -> list[int]:
    """The one document to try the passphrase on: none while one is being made."""
    if Document.objects.filter(job_id=job_id, status=DocumentStatus.RUNNING).exists():
        return []
    return pending_ids[:1]


def first_signature_settled(job_id: int, failure: Exception | None) -> list[int]:
    """After a document was stored (`failure` None) or failed: the ids of the job's documents now to be
    sent (the caller sends them, after this commits); [] when the job was not waiting on it."""
    if not GenerationJob.objects.filter(pk=job_id, awaiting_first_signature=True).exists():
        return []  # every job but a BSrE one's first document: no lock, no transaction
    with transaction.atomic():
        job = (
            GenerationJob.objects.select_for_update().filter(pk=job_id, awaiting_first_signature=True).first()
        )
        if job is None:
            return []
        pending = Document.objects.filter(job_id=job.pk, status=DocumentStatus.PENDING).order_by("pk")
        if failure is None:
            job.awaiting_first_signature = False
            job.save(update_fields=["awaiting_first_signature"])
            return list(pending.values_list("pk", flat=True))
        if isinstance(failure, SigningError):
            job.awaiting_first_signature = False
            job.save(update_fields=["awaiting_first_signature"])
            _fail_held_back(pending, str(failure))
            return []
        return _next_probe(job.pk, list(pending.values_list("pk", flat=True)))


def _fail_held_back(pending, reason: str) -> None:
    pending.update(
        status=DocumentStatus.FAILED,
        error=HELD_BACK.format(reason=reason)[:2000],
        finished_at=timezone.now(),
    )


def jobs_awaiting_probes(pending_ids_by_job: dict[int, list[int]]) -> list[int]:
    """For the worker-start sweep: of the pending documents of waiting jobs, the probe of each (at most one
    per job, none for a job whose probe is being made)."""
    ids = []
    for job_id, pending_ids in pending_ids_by_job.items():
        ids += _next_probe(job_id, sorted(pending_ids))
    return ids
