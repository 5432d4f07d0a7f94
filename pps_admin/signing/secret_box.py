"""Secrets kept for good in the database, encrypted (Fernet): an office's seal (its PKCS#12 and that file's
passphrase) and its BSrE signer's NIK (secretariat/models/office_seal.py).

The same keys as the passphrase box (PASSPHRASE_KEY, else SECRET_KEY and its fallbacks; the first encrypts,
each one decrypts), under a label of its own, so a token of one box never opens in the other. Unlike a job's
passphrase these tokens do not expire: rotating the key means keeping the old one configured (second) until
each office's seal was encrypted again under the new one (`manage.py rekey_office_seals`, `secret_rotate`).
Moving from the SECRET_KEY-derived key to PASSPHRASE_KEY is such a rotation: configure
PASSPHRASE_KEY=<new text>,<the SECRET_KEY text>, re-encrypt, then drop the second."""

from cryptography.fernet import InvalidToken, MultiFernet

from .passphrase_box import keyed_fernet

_LABEL = b"pps-admin/office-seal\x00"


def _fernet() -> MultiFernet:
    return keyed_fernet(_LABEL)


def secret_seal(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def secret_open(token: bytes) -> bytes | None:
    """The secret, or None when no configured key opens the token (the key was changed without keeping the
    old one)."""
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken:
        return None


def secret_rotate(token: bytes) -> bytes | None:
    """`token` encrypted again under the first configured key (None when no configured key opens it)."""
    try:
        return _fernet().rotate(bytes(token))
    except InvalidToken:
        return None
