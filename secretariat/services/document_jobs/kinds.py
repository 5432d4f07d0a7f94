"""The kind registry: what the engine asks of each kind of document, and of each kind of job.

Every kind registers here from its app's `ready()` (secretariat: the decree's documents; integrity: the
pacts), so the engine names no kind and imports no document code.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from ...models import Document, GenerationJob, JobStatus


@dataclass(frozen=True)
class DocumentKindHandlers:
    render: Callable[[Document], bytes]  # the PDF's bytes
    path: Callable[[Document], str]  # where it is stored, relative to MEDIA_ROOT
    download_name: Callable[[Document], str] | None  # None: the stored file's own name


_DOCUMENT_KINDS: dict[str, DocumentKindHandlers] = {}
_JOB_DONE: dict[str, Callable[[GenerationJob], None]] = {}


def register_document_kind(kind: str, *, render, path, download_name=None) -> None:
    _DOCUMENT_KINDS[kind] = DocumentKindHandlers(render=render, path=path, download_name=download_name)


def register_job_kind(kind: str, *, on_done: Callable[[GenerationJob], None]) -> None:
    """`on_done(job)` runs in a worker once the job's last document is made, in a task of its own queued
    then (e.g. the decree's print bundle, built once there instead of on staff's first download)."""
    _JOB_DONE[kind] = on_done


def registered_document_kinds() -> set[str]:
    return set(_DOCUMENT_KINDS)


def _handlers(document: Document) -> DocumentKindHandlers:
    try:
        return _DOCUMENT_KINDS[document.kind]
    except KeyError:
        raise ValueError(f"unknown document kind {document.kind!r}") from None


def render_document_pdf(document: Document) -> bytes:
    return _handlers(document).render(document)


def document_relative_path(document: Document) -> str:
    return _handlers(document).path(document)


def document_download_name(document: Document) -> str:
    """The file name a download of the stored document is offered under."""
    name = _handlers(document).download_name
    return name(document) if name else PurePosixPath(document.file.name).name


def job_has_on_done(job: GenerationJob) -> bool:
    return job.kind in _JOB_DONE and job.status == JobStatus.DONE


def job_on_done(job: GenerationJob) -> None:
    """Run the job kind's `on_done` once the job is done (a failed or unfinished job: nothing)."""
    on_done = _JOB_DONE.get(job.kind)
    if on_done is not None and job.status == JobStatus.DONE:
        on_done(job)
