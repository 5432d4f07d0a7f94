"""Check codes: the random, unguessable id printed on every document and in its QR code (`/cek/<code>/`).

12 characters of Crockford's base32 (digits and letters without I, L, O, U: nothing to misread when a
person types it off paper) = 60 bits from `secrets`. Stored without dashes; shown in groups of four
(`K7QM-3XPA-9DTR`). A code says nothing about the document: it is not derived from its number, kind or
person, so knowing some codes tells nothing about others.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
GROUP = 4
# What people type for a character the alphabet leaves out (Crockford's decoding rules).
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_CANONICAL = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def new_check_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def grouped(code: str) -> str:
    """ "K7QM3XPA9DTR" -> "K7QM-3XPA-9DTR"."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def parse_check_code(text: str) -> str | None:
    """The stored form of a code as a person may type or a URL may carry it (any case, with or without
    dashes or spaces, O for 0, I or L for 1); None when it cannot be one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = re.sub(r"[\s-]", "", text).upper().translate(_READ_AS)
    return code if _CANONICAL.fullmatch(code) else None
