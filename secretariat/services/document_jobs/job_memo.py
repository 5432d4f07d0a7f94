"""What every document of one job reads alike, read once per job in each worker process.

A decree's 102 Petikan each read the decree's entries (a query joining five tables) and build the same
letterhead, clauses and page CSS: about a third of a Petikan's context (bench/RESULTS.md "#18 store").
A kind's render function asks `job_memo(document.job, key, make)` instead: `make()` runs on the first
document of the job this process renders, and the next ones get its value.

The memo belongs to one dispatch of one job: the job's id and its `dispatched_at`, which every sending of
the job (a new job, a retry, a stalled job sent again: dispatch.py, recovery.py) stamps anew. So what a
document reads is never older than the job's last sending: a template or a member's name changed before a
retry is seen by the retried documents, and a new job starts from the database. A process keeps the memo
of JOBS_KEPT jobs (two: an SK job and a pact job rendered at the same time), per thread.
"""

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

JOBS_KEPT = 2

_local = threading.local()


def _memos() -> dict:
    memos = getattr(_local, "memos", None)
    if memos is None:
        memos = _local.memos = {}
    return memos


def job_memo(job, key: str, make: Callable[[], T]) -> T:
    """`make()` once per (job, its last dispatch) in this process; a document without a job, or of a job
    not sent (yet, or again after a retry, which clears the stamp: a render called directly), every time."""
    if job is None or job.dispatched_at is None:
        return make()
    memos = _memos()
    stamp = (job.pk, job.dispatched_at)
    values = memos.get(stamp)
    if values is None:
        for older in [s for s in memos if s[0] == job.pk]:
            del memos[older]  # an earlier sending of the same job: stale
        while len(memos) >= JOBS_KEPT:
            del memos[next(iter(memos))]  # the oldest job this process rendered
        values = memos[stamp] = {}
    if key not in values:
        values[key] = make()
    return values[key]


def job_memo_clear() -> None:
    """Forget every job's memo in this thread."""
    _memos().clear()
