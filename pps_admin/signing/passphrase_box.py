"""A signer's passphrase kept only for its job's lifetime, encrypted (Fernet, keyed from SECRET_KEY), so the
database row the worker reads holds no plain text and the Celery message holds only ids."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    # A key of its own, derived from SECRET_KEY: a leaked token of this box reveals nothing else.
    digest = hashlib.sha256(b"pps-admin/signing-passphrase\x00" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def passphrase_seal(passphrase: str) -> bytes:
    return _fernet().encrypt(passphrase.encode())


def passphrase_open(token: bytes, *, max_age_seconds: int) -> str | None:
    """The passphrase, or None if the token is older than `max_age_seconds` or not ours (SECRET_KEY
    changed since): the job then asks for it again."""
    try:
        return _fernet().decrypt(bytes(token), ttl=max_age_seconds).decode()
    except InvalidToken:
        return None
