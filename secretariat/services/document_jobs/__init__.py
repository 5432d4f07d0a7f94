"""The document-job engine: generation jobs, their dispatch to Celery, rendering and write-once storage.

Flow: a job row and its document rows are created inside the request's transaction (`job_create`); after
commit the job is sent to Celery with ids only; each render task takes a batch of the job's documents (a
few, fewer towards the job's end), renders and stores each once with its SHA-256, then refreshes the job.
A failed document keeps its error and can be retried; a finished one is never rendered again. A job whose
tasks were lost shows no progress; after STUCK_JOB_MINUTES it is sent again. The engine names no kind of
document: each kind registers how it is rendered and where it is stored (`register_document_kind`), from
its app's `ready()`.

Callers import from this package; its modules, each named for what it holds, import one another one way:
kinds, status, first_signature <- dispatch <- recovery; claim <- recovery; kinds, status, storage, claim,
dispatch, first_signature <- render.
"""

from .dispatch import (
    DISPATCH_JOB_TASK,
    FINISH_JOB_TASK,
    RENDER_DOCUMENT_TASK,
    RENDER_DOCUMENTS_TASK,
    document_batches,
    document_send,
    documents_send,
    job_create,
    job_dispatch_on_commit,
    job_finish,
    job_finish_send,
    job_send,
    job_start,
    jobs_dispatch_pending,
)
from .kinds import (
    document_download_name,
    document_relative_path,
    job_has_on_done,
    job_on_done,
    register_document_kind,
    register_job_kind,
    registered_document_kinds,
    render_document_pdf,
)
from .recovery import (
    Requeued,
    abandoned_cutoff,
    documents_requeue_abandoned,
    documents_resend_pending_of_running_jobs,
    job_overview,
    job_retry,
    job_retry_signed,
    jobs_resend_stalled,
    jobs_stalled,
    stuck_after,
)
from .render import document_render_and_store, documents_render_and_store
from .status import job_failed_documents, job_refresh, job_wait, job_written_paths
from .storage import DocumentStorageError, RenderedPdf, merge_pdfs, pdf_page_count, write_once

__all__ = [
    "DISPATCH_JOB_TASK",
    "RENDER_DOCUMENT_TASK",
    "RENDER_DOCUMENTS_TASK",
    "DocumentStorageError",
    "FINISH_JOB_TASK",
    "RenderedPdf",
    "Requeued",
    "abandoned_cutoff",
    "document_download_name",
    "document_relative_path",
    "document_render_and_store",
    "document_batches",
    "document_send",
    "documents_send",
    "documents_render_and_store",
    "documents_requeue_abandoned",
    "documents_resend_pending_of_running_jobs",
    "job_create",
    "job_dispatch_on_commit",
    "job_failed_documents",
    "job_finish",
    "job_finish_send",
    "job_has_on_done",
    "job_on_done",
    "job_overview",
    "job_refresh",
    "job_retry",
    "job_retry_signed",
    "job_send",
    "job_start",
    "job_wait",
    "job_written_paths",
    "jobs_dispatch_pending",
    "jobs_resend_stalled",
    "jobs_stalled",
    "merge_pdfs",
    "pdf_page_count",
    "register_document_kind",
    "register_job_kind",
    "registered_document_kinds",
    "render_document_pdf",
    "stuck_after",
    "write_once",
]
