"""Two transactions at once in one test: each runs in its own thread, so in its own database connection
(Django keeps one per thread), and PostgreSQL itself says whether one of them waits for a lock.

Tests using these need `committed_db`: a thread does not see the test's uncommitted rows.
"""

import threading
import time

from django.db import connection, transaction


class InThread(threading.Thread):
    """Runs `work()` in a thread with its own connection; keeps its result, its error and its backend pid."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work = work
        self.result = self.error = self.pid = None
        self.connected = threading.Event()

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.connected.set()
            self.result = self.work()
        except Exception as exc:  # the test reads it after join()
            self.error = exc
        finally:
            self.connected.set()
            connection.close()

    def finish(self, timeout=20):
        self.join(timeout=timeout)
        assert not self.is_alive(), "thread still running"
        if self.error is not None:
            raise self.error
        return self.result


def start(work) -> InThread:
    thread = InThread(work)
    thread.start()
    assert thread.connected.wait(timeout=20)
    return thread


def waits_for_a_lock(thread: InThread, timeout=20) -> bool:
    """True once the thread's transaction waits for a lock, False if the thread ends first.

    Polled in pg_stat_activity, so the answer does not depend on how fast the machine is: a transaction
    that waits for another stays waiting until that one ends, which the test does only afterwards.
    """
    deadline = time.monotonic() + timeout
    while thread.is_alive():
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [thread.pid])
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            return True
        assert time.monotonic() < deadline, "the thread neither ended nor waited for a lock"
        time.sleep(0.02)
    return False


class Held:
    """A transaction that ran `work()` in its own thread and stays open (with its locks) until released."""

    def __init__(self, work):
        self.reached, self.released = threading.Event(), threading.Event()

        def run():
            try:
                with transaction.atomic():
                    result = work()
                    self.reached.set()
                    assert self.released.wait(timeout=20), "never released"
                return result
            finally:
                self.reached.set()

        self.thread = start(run)
        assert self.reached.wait(timeout=20)

    def release(self):
        """Commit, and return what `work()` returned (or raise what it, or the commit, raised)."""
        self.released.set()
        return self.thread.finish()
