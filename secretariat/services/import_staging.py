"""The admin's two-step import: an upload is checked and kept, then written on "Simpan impor".

The file waits between the two steps in pps_admin.staging's IMPORTS area: under a random token only the
uploader's session holds, used once (two quick submits import once: the second is told so), removed after
STAGING_MAX_AGE_SECONDS."""

from collections.abc import MutableMapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from pps_admin.staging import IMPORTS

from ..models import Office
from .importing import ImportResult, members_import

STAGING_MAX_AGE_SECONDS = IMPORTS.max_age_seconds
SESSION_KEY = IMPORTS.session_key
SESSION_TOKENS_KEPT = IMPORTS.tokens_kept
OFFICES_KEY = "import_staging_offices"  # token -> the id of the office the preview was checked for
ADMIN_REASON = "impor lewat admin"
EXPIRED = "Pratinjau impor sudah kedaluwarsa. Unggah ulang berkasnya."
MISSING = "Berkas pratinjau tidak ditemukan. Unggah ulang berkasnya."
ALREADY = (
    "Impor ini sudah disimpan (tombol Simpan impor terkirim dua kali); tidak ada yang diimpor lagi. "
    "Periksa hasilnya di halaman kelengkapan."
)


@dataclass
class ImportPreview:
    result: ImportResult
    token: str | None  # None: the file has errors and was not kept


def import_staging_sweep() -> None:
    """Remove uploads abandoned for longer than STAGING_MAX_AGE_SECONDS."""
    IMPORTS.sweep()


def import_preview(*, data: bytes, session: MutableMapping, office: Office | None = None) -> ImportPreview:
    """Check `data` for `office` (members_import) without writing; a file without errors is kept for
    `import_confirm` under a token recorded in `session`, with the office it was checked for."""
    import_staging_sweep()
    result = members_import(data=data, dry_run=True, max_rows=settings.IMPORT_WEB_MAX_ROWS, office=office)
    if not result.ok:
        return ImportPreview(result, None)
    token = IMPORTS.new(session)
    IMPORTS.path(token).write_bytes(data)
    kept = session.get(SESSION_KEY, [])
    offices = {**session.get(OFFICES_KEY, {}), token: office.pk if office else None}
    session[OFFICES_KEY] = {t: offices[t] for t in kept if t in offices}
    return ImportPreview(result, token)


def import_confirm(*, token: str, session: MutableMapping, user) -> ImportResult:
    """Write the file previewed under `token` for the office it was checked for (all or nothing, as
    `members_import`). The file is used once,
    whatever the import's outcome (kept only when the import could not run at all, so it can be retried).
    Refuses a token that is malformed, not this session's, already used (a second submit), or whose file
    is gone."""
    import_staging_sweep()
    if not IMPORTS.holds(token, session):
        raise ValidationError(EXPIRED, code="expired")
    office_id = session.get(OFFICES_KEY, {}).get(token)
    staged = IMPORTS.claim(token)
    if staged is None:
        if IMPORTS.taken(token):
            raise ValidationError(ALREADY, code="already")
        raise ValidationError(MISSING, code="missing")
    try:
        result = members_import(
            data=staged.read_bytes(),
            dry_run=False,
            user=user,
            reason=ADMIN_REASON,
            max_rows=settings.IMPORT_WEB_MAX_ROWS,
            office=Office.objects.get(pk=office_id) if office_id else None,
        )
    except BaseException:
        IMPORTS.release(token)
        raise
    IMPORTS.used(token, session)
    session[OFFICES_KEY] = {t: o for t, o in session.get(OFFICES_KEY, {}).items() if t != token}
    return result
