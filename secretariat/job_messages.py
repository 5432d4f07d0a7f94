"""What staff pages tell staff about a generation job they started or retried (Django messages). Shared by
the decree and pact pages of both apps, so it lives in no app's admin views."""

from django.conf import settings
from django.contrib import messages

from .models import JobStatus
from .services.document_jobs import Requeued


def job_summary(job) -> str | None:
    """How the documents came out when they were made inside the request (tasks in-process, as in
    `make run`); None while a worker is still making them. `job` must be freshly loaded."""
    progress = job.progress()
    if progress["status"] not in (JobStatus.DONE, JobStatus.FAILED):
        return None
    summary = f"{progress['done']} dari {progress['total']} dokumen selesai dibuat."
    if progress["failed"]:
        summary += f" {progress['failed']} gagal: lihat daftar dokumen dan pakai “Coba lagi”."
    return summary


def report_retry(request, requeued: list[Requeued]) -> None:
    """Tell staff what a retry put back in the queue."""
    failed = sum(r.failed for r in requeued)
    stalled = sum(r.stalled for r in requeued)
    parts = [f"{failed} dokumen yang gagal"] if failed else []
    if stalled:
        parts.append(
            f"{stalled} dokumen yang macet (tidak bergerak lebih dari {settings.STUCK_JOB_MINUTES} menit)"
        )
    if parts:
        messages.success(request, " dan ".join(parts) + " dijadwalkan ulang.")
    elif any(r.sent for r in requeued):
        messages.success(request, "Pekerjaan yang macet dikirim ulang; tidak ada dokumen yang perlu dibuat.")
    else:
        messages.info(request, "Tidak ada dokumen yang gagal atau macet; tidak ada yang dijadwalkan ulang.")


def warn_if_not_dispatched(request, job) -> None:
    """`job` must be freshly loaded."""
    if job.dispatched_at is None and job.status == JobStatus.QUEUED:
        messages.warning(
            request,
            "Antrean pembuatan dokumen sedang tidak dapat dihubungi. Pekerjaan sudah tersimpan dan akan "
            "dikirim otomatis begitu antrean tersedia kembali; tidak perlu mengulang.",
        )
