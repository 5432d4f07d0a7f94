"""A signer's passphrase kept only for its job's lifetime, encrypted (Fernet), so the database row the
worker reads holds no plain text and the Celery message holds only ids.

The key is PASSPHRASE_KEY's (settings.PASSPHRASE_KEYS: the first encrypts, each one decrypts, so a key is
rotated by putting the new one first); unset, it is derived from SECRET_KEY and SECRET_KEY_FALLBACKS (the
system check pps_admin.W016 says so under SIGNER=bsre). Each Fernet key is the SHA-256 of the configured
text under a label of its own: a leaked token of this box reveals nothing about that text."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

_LABEL = b"pps-admin/signing-passphrase\x00"


def passphrase_key_texts() -> list[str]:
    """The configured keys, newest first: PASSPHRASE_KEY's, or else SECRET_KEY and its fallbacks."""
    return list(settings.PASSPHRASE_KEYS) or [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def keyed_fernet(label: bytes) -> MultiFernet:
    """The configured keys as Fernet keys under `label` (each box its own label), newest first."""
    keys = [hashlib.sha256(label + text.encode()).digest() for text in passphrase_key_texts()]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(key)) for key in keys])


def _fernet() -> MultiFernet:
    return keyed_fernet(_LABEL)


def passphrase_seal(passphrase: str) -> bytes:
    return _fernet().encrypt(passphrase.encode())


def passphrase_open(token: bytes, *, max_age_seconds: int) -> str | None:
    """The passphrase, or None if the token is older than `max_age_seconds` or no configured key opens it
    (the key was changed without keeping the old one): the job then asks for it again."""
    try:
        return _fernet().decrypt(bytes(token), ttl=max_age_seconds).decode()
    except InvalidToken:
        return None
