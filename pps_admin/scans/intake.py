"""An upload of scanned pages waiting in the SCANS staging area (pps_admin/staging.py) while a worker reads
them, then shown as a preview and taken once by the confirm step.

The request cuts the upload into pages (quick; a hostile upload is refused there), keeps them under a token of
the uploader's session and queues READ_TASK. The worker checks and reads the pages in order and writes its
progress after each one, so the staff page shows "halaman 34 dari 102" and a worker that stops midway leaves
the pages read so far to the next attempt. A task reads for at most READ_BUDGET_SECONDS and then queues the
rest as a new task: no task comes near the time limits or the broker's visibility timeout, however large
the upload.

Folder of an entry: manifest.json (purpose, pages), one file per page, status.json (state, progress, each
read page's codes and problem), always replaced whole, so a reader never sees half of it.
"""

import json
import logging
import os
import tempfile
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

from celery import current_app
from django.core.exceptions import ValidationError

from ..staging import SCANS
from .pages import ScanPage, page_read, upload_pages

READ_TASK = "pps_admin.read_scan_pages"
READ_BUDGET_SECONDS = 45
READING, READY, FAILED = "membaca", "siap", "gagal"
MANIFEST, STATUS = "manifest.json", "status.json"

EXPIRED = "Pratinjau pindaian sudah kedaluwarsa atau sudah disimpan. Unggah ulang pindaiannya."
ALREADY = "Pindaian ini sudah disimpan (formulir terkirim dua kali); tidak ada yang dilampirkan lagi."
NOT_READY = "Pindaian masih dibaca; tunggu sampai pratinjaunya tampil."
NO_BROKER = (
    "Pembaca pindaian di server sedang tidak dapat dihubungi; tidak ada yang disimpan. "
    "Coba unggah lagi beberapa menit lagi, atau hubungi pengelola aplikasi."
)

TOO_SLOW = (
    "Pembacaan pindaian berhenti karena terlalu lama; tidak ada yang disimpan. Pindai ulang dengan "
    "resolusi 200-300 dpi, atau unggah dalam beberapa bagian."
)

log = logging.getLogger(__name__)


@dataclass
class StagedScan:
    token: str
    purpose: str
    state: str
    done: int
    total: int
    error: str
    pages: list[ScanPage]  # with codes and problem once read; data read from `folder` on demand
    folder: Path

    @property
    def ready(self) -> bool:
        return self.state == READY

    def data(self, page: ScanPage) -> bytes:
        return (self.folder / f"{page.number}.{page.extension}").read_bytes()


def scans_stage(*, uploads, purpose: str, session: MutableMapping) -> str:
    """Cut `uploads` into pages, keep them for the worker under a new token of `session`, queue their
    reading; the token. A hostile or oversized upload raises a ValidationError and keeps nothing."""
    SCANS.sweep()
    pages = upload_pages(uploads)
    token = SCANS.new(session)
    folder = SCANS.path(token)
    folder.mkdir()
    entries = []
    for page in pages:
        (folder / f"{page.number}.{page.extension}").write_bytes(page.data)
        entries.append({"number": page.number, "label": page.label, "extension": page.extension})
    _write(folder / MANIFEST, {"purpose": purpose, "pages": entries})
    _write(folder / STATUS, {"state": READING, "done": 0, "error": "", "read": {}})
    try:
        # The registered task (pps_admin/tasks.py, imported by PpsAdminConfig.ready): run in-process when
        # CELERY_TASK_ALWAYS_EAGER is set, like the document jobs.
        current_app.tasks[READ_TASK].apply_async((token,), retry=False)
    except Exception as exc:  # kombu/redis connection errors vary by transport
        log.warning("Broker unreachable (%s): scan upload not queued", type(exc).__name__)
        SCANS.discard(token)
        SCANS.forget(token, session)
        raise ValidationError(NO_BROKER, code="broker") from None
    return token


def scans_read(token: str, *, budget_seconds: float | None = None) -> bool:
    """Check and read the entry's pages not read yet (the worker's task); True when nothing is left to do
    (all read, failed, or the entry is gone), False when the budget ran out first."""
    folder = SCANS.path(token)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        status = json.loads((folder / STATUS).read_text())
    except FileNotFoundError:
        return True  # confirmed, swept or never made: nothing to read
    if status["state"] != READING:
        return True
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="scan-intake-") as scratch:
        for entry in manifest["pages"]:
            if str(entry["number"]) in status["read"]:
                continue
            page = _page(entry, status)
            try:
                page.data = (folder / f"{page.number}.{page.extension}").read_bytes()
                page_read(page, Path(scratch))
            except FileNotFoundError:
                return True
            except ValidationError as exc:  # the readers are not installed: nothing can be read
                _fail(folder, status, " ".join(exc.messages))
                return True
            status["read"][str(page.number)] = {"codes": page.codes, "problem": page.problem}
            status["done"] += 1
            if not _update(folder, status):
                return True
            if budget_seconds is not None and time.monotonic() - started > budget_seconds:
                return status["done"] == len(manifest["pages"]) and _finish(folder, status)
    return _finish(folder, status)


def scans_fail(token: str, error: str) -> None:
    """End the reading of the entry with `error` for the staff page (its pages are removed)."""
    folder = SCANS.path(token)
    try:
        status = json.loads((folder / STATUS).read_text())
    except FileNotFoundError:
        return
    _fail(folder, status, error)


def scans_staged(*, token: str, purpose: str, session: MutableMapping) -> StagedScan:
    """The entry kept under `token` for this session and purpose, read or still being read."""
    if not SCANS.holds(token, session):
        raise ValidationError(EXPIRED, code="expired")
    staged = _load(SCANS.path(token), token)
    if staged is None:
        raise ValidationError(ALREADY if SCANS.taken(token) else EXPIRED, code="missing")
    if staged.purpose != purpose:
        raise ValidationError(EXPIRED, code="expired")
    return staged


def scans_claim(*, token: str, purpose: str, session: MutableMapping) -> StagedScan:
    """Take the read entry for the confirm step (once: a second submit gets ALREADY). The caller ends with
    `SCANS.used(token, session)` once written, or `SCANS.release(token)` when nothing could be."""
    staged = scans_staged(token=token, purpose=purpose, session=session)
    if not staged.ready:
        raise ValidationError(NOT_READY, code="not_ready")
    claimed = SCANS.claim(token)
    if claimed is None:
        raise ValidationError(ALREADY if SCANS.taken(token) else EXPIRED, code="missing")
    staged.folder = claimed
    return staged


def _load(folder: Path, token: str) -> StagedScan | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        status = json.loads((folder / STATUS).read_text())
    except FileNotFoundError:
        return None
    pages = [_page(entry, status) for entry in manifest["pages"]]
    return StagedScan(
        token,
        manifest["purpose"],
        status["state"],
        status["done"],
        len(pages),
        status["error"],
        pages,
        folder,
    )


def _page(entry: dict, status: dict) -> ScanPage:
    read = status["read"].get(str(entry["number"]), {})
    return ScanPage(
        entry["number"],
        entry["label"],
        b"",
        entry["extension"],
        read.get("codes", []),
        read.get("problem", ""),
    )


def _finish(folder: Path, status: dict) -> bool:
    status["state"] = READY
    _update(folder, status)
    return True


def _fail(folder: Path, status: dict, error: str) -> None:
    status.update(state=FAILED, error=error)
    if _update(folder, status):
        for path in folder.iterdir():  # the pages go at once; the status stays for the staff page
            if path.name not in (MANIFEST, STATUS):
                path.unlink(missing_ok=True)


def _update(folder: Path, status: dict) -> bool:
    """Write the status unless the entry is gone meanwhile (confirmed or swept); False when it is."""
    try:
        _write(folder / STATUS, status)
    except FileNotFoundError:
        return False
    return True


def _write(path: Path, content: dict) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(content))
    os.replace(partial, path)
