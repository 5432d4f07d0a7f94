"""Signing the documents: one interface (base.Signer), chosen by SIGNER in the environment.

- `local`: the office's own PKCS#12 seal (local.py), an uncertified electronic signature;
- `bsre`: BSrE's Esign Client Service (bsre.py), the Ketua's certified signature, passphrase per job;
- `none`: documents are not signed.
The project package imports no app: the document engine (secretariat) calls `get_signer()`."""

import functools

from django.conf import settings

from .base import Credentials, SignatureCheck, Signer, SignerDescription, SigningError

__all__ = [
    "Credentials",
    "SignatureCheck",
    "Signer",
    "SignerDescription",
    "SigningError",
    "get_signer",
    "seal_note",
]


def _config() -> tuple:
    if settings.SIGNER == "local":
        return (
            "local",
            settings.SEAL_PKCS12_PATH,
            settings.SEAL_PKCS12_PASSPHRASE,
            settings.SEAL_TSA_URL,
            settings.SEAL_TSA_TIMEOUT,
        )
    if settings.SIGNER == "bsre":
        return (
            "bsre",
            settings.BSRE_URL,
            settings.BSRE_USER,
            settings.BSRE_PASSWORD,
            settings.BSRE_NIK,
            settings.BSRE_SIGNER_NAME,
            settings.BSRE_TIMEOUT,
        )
    return ("none",)


@functools.lru_cache(maxsize=4)
def _signer(config: tuple) -> Signer | None:
    kind = config[0]
    if kind == "local":
        from .local import LocalSealSigner

        _, path, passphrase, tsa_url, timeout = config
        return LocalSealSigner(pkcs12_path=path, passphrase=passphrase, tsa_url=tsa_url, timeout=timeout)
    if kind == "bsre":
        from .bsre import BsreSigner

        _, url, user, password, nik, name, timeout = config
        return BsreSigner(url=url, user=user, password=password, nik=nik, signer_name=name, timeout=timeout)
    return None


def get_signer() -> Signer | None:
    """The configured signer, loaded once per process (the PKCS#12 is read and decrypted once); None when
    SIGNER=none. A seal that cannot be opened raises SigningError, so the documents fail saying why (the
    system check reports it at start already)."""
    try:
        return _signer(_config())
    except (OSError, ValueError) as exc:
        raise SigningError(
            f"Segel elektronik (SEAL_PKCS12_PATH) tidak dapat dibuka ({type(exc).__name__}); dokumen tidak "
            "disimpan. Periksa `manage.py check`."
        ) from exc


def seal_note() -> str:
    """The sentence a document's QR block prints about its signature; "" when documents are not signed."""
    signer = get_signer()
    if signer is None:
        return ""
    described = signer.describe()
    if described.certified:
        return (
            f"Ditandatangani secara elektronik oleh {described.name} dengan sertifikat elektronik "
            "BSrE (tersertifikasi)"
        )
    return (
        f"Ditandatangani secara elektronik oleh {described.name} dengan segel elektronik tidak "
        "tersertifikasi (PP 71/2019)"
    )
