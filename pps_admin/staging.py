"""Private files kept between the two steps of a staff form: an upload checked and previewed, then written
on "confirm" (the members import, the scans of signed pacts and Petikan receipts).

An entry waits under a random token that only the uploader's session holds (the files hold NIKs, names and
signatures: kept privately under MEDIA_ROOT/private, removed once used or after `max_age_seconds`). The
confirm step takes the entry with one rename, which the file system makes atomic: of two submits of the same
form (a double click, two tabs) exactly one gets it, the other is told so and writes nothing. A used entry
leaves an empty marker for a while, so a late second submit hears "already saved", not "expired".
"""

import os
import re
import secrets
import shutil
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
CLAIMED, USED = ".claimed", ".used"


@dataclass(frozen=True)
class StagingArea:
    folder: str  # under MEDIA_ROOT/private
    session_key: str
    suffix: str = ""  # ".bin": one file per token; "": one folder per token
    max_age_seconds: int = 2 * 60 * 60
    tokens_kept: int = 5  # previews a staff member may have open in several tabs

    def root(self) -> Path:
        path = Path(settings.MEDIA_ROOT) / "private" / self.folder
        path.mkdir(parents=True, exist_ok=True)
        return path

    def path(self, token: str) -> Path:
        return self.root() / f"{token}{self.suffix}"

    def new(self, session: MutableMapping) -> str:
        """A fresh token, recorded in `session` (which keeps only its latest `tokens_kept`)."""
        token = secrets.token_hex(16)
        session[self.session_key] = [*session.get(self.session_key, []), token][-self.tokens_kept :]
        return token

    def holds(self, token: str, session: MutableMapping) -> bool:
        """True when `token` is well formed and this session's (never a path of somebody else's entry)."""
        return bool(TOKEN_RE.match(token or "")) and token in session.get(self.session_key, [])

    def claim(self, token: str) -> Path | None:
        """Take the entry for the confirm step: its new path, or None when it is gone (used, being used by
        another request, or swept). Call `used` after writing, or `release` when nothing could be written."""
        claimed = self.root() / f"{token}{CLAIMED}"
        try:
            os.rename(self.path(token), claimed)
        except FileNotFoundError:
            return None
        return claimed

    def taken(self, token: str) -> bool:
        """True when the entry was claimed by a confirm step (finished or still running)."""
        return any((self.root() / f"{token}{mark}").exists() for mark in (CLAIMED, USED))

    def release(self, token: str) -> None:
        os.rename(self.root() / f"{token}{CLAIMED}", self.path(token))

    def used(self, token: str, session: MutableMapping) -> None:
        _remove(self.root() / f"{token}{CLAIMED}")
        (self.root() / f"{token}{USED}").touch()
        self.forget(token, session)

    def discard(self, token: str) -> None:
        _remove(self.path(token))

    def forget(self, token: str, session: MutableMapping) -> None:
        session[self.session_key] = [t for t in session.get(self.session_key, []) if t != token]

    def sweep(self) -> int:
        """Remove entries (and markers) older than `max_age_seconds`; the number removed."""
        cutoff = time.time() - self.max_age_seconds
        removed = 0
        for entry in self.root().iterdir():
            try:
                if entry.stat().st_mtime < cutoff:
                    _remove(entry)
                    removed += 1
            except FileNotFoundError:
                pass  # removed by a concurrent request
        return removed


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


# Every area, so one periodic task sweeps them all (pps_admin/tasks.py).
IMPORTS = StagingArea("import_staging", "import_staging_tokens", suffix=".bin")
SCANS = StagingArea("scan_intake_staging", "scan_intake_tokens")
AREAS = (IMPORTS, SCANS)


def staging_sweep() -> int:
    return sum(area.sweep() for area in AREAS)
