"""Celery tasks of the shared parts: thin wrappers over pps_admin's own services (no app is imported)."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from .scans import intake
from .staging import staging_sweep


# Long uploads are read in slices (READ_BUDGET_SECONDS each), every slice its own task. A slice ends after
# the page that used up its budget; one page costs at most four tool runs of TOOL_TIMEOUT_SECONDS (30 s):
# the limits leave room for that and stay below the broker's visibility timeout (300 s), after which Redis
# would hand the task to a second worker.
@shared_task(name=intake.READ_TASK, acks_late=True, soft_time_limit=240, time_limit=270)
def read_scan_pages(token: str) -> bool:
    try:
        finished = intake.scans_read(token, budget_seconds=intake.READ_BUDGET_SECONDS)
    except SoftTimeLimitExceeded:  # a page that no tool timeout caught: said, not left "reading" forever
        intake.scans_fail(token, intake.TOO_SLOW)
        return True
    if not finished:
        read_scan_pages.delay(token)
    return finished


@shared_task(name="pps_admin.sweep_staging")
def sweep_staging() -> int:
    """Periodic (celery beat): remove staged uploads (imports, scans) abandoned past their lifetime, also
    when nobody uploads anything for days."""
    return staging_sweep()
