"""The admin's two-step import: an upload is checked and kept, then written on "Simpan impor".

The file waits between the two steps under a random token that only the uploader's session holds (the
file holds NIKs: it is kept privately and removed once used, or after STAGING_MAX_AGE_SECONDS)."""

import re
import secrets
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from ..models import Office
from .importing import ImportResult, members_import

STAGING_MAX_AGE_SECONDS = 2 * 60 * 60
SESSION_KEY = "import_staging_tokens"
OFFICES_KEY = "import_staging_offices"  # token -> the id of the office the preview was checked for
SESSION_TOKENS_KEPT = 5  # previews a staff member may have open in several tabs
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
ADMIN_REASON = "impor lewat admin"


@dataclass
class ImportPreview:
    result: ImportResult
    token: str | None  # None: the file has errors and was not kept


def _staging_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "private" / "import_staging"
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_staging_sweep() -> None:
    """Remove uploads abandoned for longer than STAGING_MAX_AGE_SECONDS."""
    cutoff = time.time() - STAGING_MAX_AGE_SECONDS
    for staged in _staging_dir().glob("*.bin"):
        try:
            if staged.stat().st_mtime < cutoff:
                staged.unlink()
        except FileNotFoundError:
            pass  # removed by a concurrent request


def import_preview(*, data: bytes, session: MutableMapping, office: Office | None = None) -> ImportPreview:
    """Check `data` for `office` (members_import) without writing; a file without errors is kept for
    `import_confirm` under a token recorded in `session`, with the office it was checked for."""
    import_staging_sweep()
    result = members_import(data=data, dry_run=True, max_rows=settings.IMPORT_WEB_MAX_ROWS, office=office)
    if not result.ok:
        return ImportPreview(result, None)
    token = secrets.token_hex(16)
    (_staging_dir() / f"{token}.bin").write_bytes(data)
    session[SESSION_KEY] = kept = [*session.get(SESSION_KEY, []), token][-SESSION_TOKENS_KEPT:]
    offices = {**session.get(OFFICES_KEY, {}), token: office.pk if office else None}
    session[OFFICES_KEY] = {t: offices[t] for t in kept if t in offices}
    return ImportPreview(result, token)


def import_confirm(*, token: str, session: MutableMapping, user) -> ImportResult:
    """Write the file previewed under `token` for the office it was checked for (all or nothing, as
    `members_import`). The file is used once,
    whatever the import's outcome (kept only when the import could not run at all, so it can be retried).
    Refuses a token that is malformed, not this session's, or whose file is gone."""
    import_staging_sweep()
    tokens = session.get(SESSION_KEY, [])
    if not TOKEN_RE.match(token) or token not in tokens:
        raise ValidationError("Pratinjau impor sudah kedaluwarsa. Unggah ulang berkasnya.", code="expired")
    staged = _staging_dir() / f"{token}.bin"
    if not staged.exists():
        raise ValidationError("Berkas pratinjau tidak ditemukan. Unggah ulang berkasnya.", code="missing")
    office_id = session.get(OFFICES_KEY, {}).get(token)
    result = members_import(
        data=staged.read_bytes(),
        dry_run=False,
        user=user,
        reason=ADMIN_REASON,
        max_rows=settings.IMPORT_WEB_MAX_ROWS,
        office=Office.objects.get(pk=office_id) if office_id else None,
    )
    staged.unlink(missing_ok=True)
    session[SESSION_KEY] = [t for t in session.get(SESSION_KEY, []) if t != token]
    session[OFFICES_KEY] = {t: o for t, o in session.get(OFFICES_KEY, {}).items() if t != token}
    return result
