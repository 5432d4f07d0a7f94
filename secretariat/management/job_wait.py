"""`--wait` of the commands that start generation jobs (generate_sk, generate_pacts): one loop for both."""

from django.core.management.base import BaseCommand, CommandError

from ..models import JobStatus
from ..services.document_jobs import job_failed_documents, job_wait, job_written_paths


def wait_and_report(command: BaseCommand, jobs, *, timeout: float) -> None:
    """Wait for each job; print every written file's path to stdout, one per line, and each failed
    document to stderr. Raises CommandError (exit status 1) when a job failed or did not finish in time."""
    errors = []
    for job in jobs:
        try:
            job = job_wait(job, timeout=timeout)
        except TimeoutError as exc:
            raise CommandError(str(exc)) from exc
        for path in job_written_paths(job):
            command.stdout.write(path)
        if job.status == JobStatus.FAILED:
            for document in job_failed_documents(job):
                command.stderr.write(f"Gagal: {document} - {document.error}")
            errors.append(job.error)
    if errors:
        raise CommandError(" ".join(errors))
