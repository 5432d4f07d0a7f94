"""What every staff page inside the admin shares: its permission check, its admin context, its downloads."""

import io
from pathlib import Path
from typing import BinaryIO

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse

# Named here rather than guessed from the file name: a guess gives CSV without its charset, which Excel
# then reads as ANSI and garbles the names.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def require_perms(request, *perms: str) -> None:
    """Refuse (403) a staff member lacking any of `perms`, given in full ("secretariat.view_decree")."""
    if not request.user.has_perms(perms):
        raise PermissionDenied


def admin_context(request, title: str, *, opts, **extra) -> dict:
    """The admin's own context (site header, sidebar, breadcrumbs through `opts`) plus the page's."""
    return {**admin.site.each_context(request), "title": title, "opts": opts, **extra}


def file_download(
    content: bytes | BinaryIO | Path, filename: str, *, as_attachment: bool = True
) -> FileResponse:
    """A file for the browser to save (or, with `as_attachment=False`, show) under `filename`.

    `content` is bytes made for this response, an open binary file (closed once sent) or a stored file's
    path. PDF, CSV and XLSX get their type by name; others (scans) the type their extension implies."""
    if isinstance(content, bytes):
        content = io.BytesIO(content)
    elif isinstance(content, Path):
        content = content.open("rb")
    return FileResponse(
        content,
        as_attachment=as_attachment,
        filename=filename,
        content_type=CONTENT_TYPES.get(Path(filename).suffix.lower()),
    )
