"""Free text typed by people: which characters may be stored. Shared by every app's models and forms.

Control characters have no business in a name, an address or a legal text: NUL makes PostgreSQL refuse
the whole statement, ESC sequences colour a terminal that prints a log or an export, and the bidirectional
formatting characters (U+202E "right-to-left override") make text read differently from what is stored
("fdp.exe" shown as "exe.pdf"). Multi-line fields keep tab and line breaks.
"""

import re

from django.core.exceptions import ValidationError

# C0 and C1 control characters with DEL, the Unicode line/paragraph separators, and the bidi formatting
# characters (marks, embeddings, overrides, isolates).
_FORBIDDEN_ANYWHERE = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 (but tab, line feed, carriage return), DEL, C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides, isolates
    "\u2028\u2029"  # line and paragraph separators
)
SINGLE_LINE_FORBIDDEN = re.compile(f"[\t\n\r{_FORBIDDEN_ANYWHERE}]")
MULTI_LINE_FORBIDDEN = re.compile(f"[{_FORBIDDEN_ANYWHERE}]")

MESSAGE = (
    "Isian berisi karakter kendali yang tidak diizinkan (mis. karakter null, escape, ganti baris, atau "
    "pembalik arah teks). Ketik ulang isian ini tanpa menempelnya dari dokumen lain."
)


def validate_single_line(value: str) -> None:
    if isinstance(value, str) and SINGLE_LINE_FORBIDDEN.search(value):
        raise ValidationError(MESSAGE, code="control_characters")


def validate_multi_line(value: str) -> None:
    if isinstance(value, str) and MULTI_LINE_FORBIDDEN.search(value):
        raise ValidationError(MESSAGE, code="control_characters")
