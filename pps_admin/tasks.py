"""Celery tasks of the shared parts: thin wrappers over pps_admin's own services (no app is imported)."""

from celery import shared_task

from .scans import intake
from .staging import staging_sweep


# Long uploads are read in slices (READ_BUDGET_SECONDS each), every slice its own task.
@shared_task(name=intake.READ_TASK, acks_late=True)
def read_scan_pages(token: str) -> bool:
    finished = intake.scans_read(token, budget_seconds=intake.READ_BUDGET_SECONDS)
    if not finished:
        read_scan_pages.delay(token)
    return finished


@shared_task(name="pps_admin.sweep_staging")
def sweep_staging() -> int:
    """Periodic (celery beat): remove staged uploads (imports, scans) abandoned past their lifetime, also
    when nobody uploads anything for days."""
    return staging_sweep()
