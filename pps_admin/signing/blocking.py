"""pyHanko's blocking API (sign_pdf, validate_pdf_signature) runs its coroutines with `asyncio.run`, which
refuses to start in a thread where an event loop is already running: an ASGI server's event-loop thread, or
a process that drives Chromium through Playwright's sync API (its loop stays running in the thread between
calls). There the call goes to a short-lived thread of its own; everywhere else (gunicorn's threads, the
Celery worker) it runs where it is called."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def call_blocking(function, /, *args, **kwargs):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(function, *args, **kwargs).result()
