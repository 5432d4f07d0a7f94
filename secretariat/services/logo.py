"""The letterhead logo: checked by content (PNG or JPEG only), embedded into documents as a data URI."""

import base64

from django.core.exceptions import ValidationError

MAX_LOGO_BYTES = 512 * 1024
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def logo_mime(data: bytes) -> str | None:
    for signature, mime in SIGNATURES.items():
        if data.startswith(signature):
            return mime
    return None


def validate_logo(field_file) -> None:
    field_file.seek(0)
    data = field_file.read(MAX_LOGO_BYTES + 1)
    field_file.seek(0)
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError({"logo": "Logo terlalu besar (maksimal 512 KB)."})
    if logo_mime(data) is None:
        raise ValidationError({"logo": "Logo harus berkas PNG atau JPEG (diperiksa dari isinya)."})


def logo_data_uri(field_file) -> str:
    """The stored logo as a data: URI, or '' when there is none or it is not a PNG/JPEG."""
    if not field_file:
        return ""
    try:
        with field_file.open("rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except OSError:
        return ""
    mime = logo_mime(data)
    if mime is None or len(data) > MAX_LOGO_BYTES:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
