"""Signing the documents: one interface (base.Signer), chosen by SIGNER in the environment.

- `local`: the office's own PKCS#12 seal (local.py), an uncertified electronic signature;
- `bsre`: BSrE's Esign Client Service (bsre.py), the Ketua's certified signature, passphrase per job;
- `none`: documents are not signed.
`get_signer()` is the environment's seal (SEAL_PKCS12_PATH, or BSRE_NIK/BSRE_SIGNER_NAME); `local_signer` and
`bsre_signer` make an office's own seal from what the secretariat keeps for it (secretariat/services/
office_seals.py decides which office signs with which). The project package imports no app."""

import functools

from django.conf import settings

from .base import Credentials, SignatureCheck, Signer, SignerDescription, SigningError

__all__ = [
    "Credentials",
    "SignatureCheck",
    "Signer",
    "SignerDescription",
    "SigningError",
    "bsre_signer",
    "get_signer",
    "local_signer",
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


def local_signer(pkcs12_data: bytes, passphrase: str) -> Signer:
    """A local PKCS#12 seal from its bytes, timestamped as the environment's seal is (SEAL_TSA_URL);
    ValueError when the bytes do not open with `passphrase`."""
    from .local import LocalSealSigner

    return LocalSealSigner(
        pkcs12_data=pkcs12_data,
        passphrase=passphrase,
        tsa_url=settings.SEAL_TSA_URL,
        timeout=settings.SEAL_TSA_TIMEOUT,
    )


def bsre_signer(*, nik: str, signer_name: str, nik_source: str, nik_fix: str) -> Signer:
    """A BSrE signer (`nik`'s certificate, printed as `signer_name`) through the deployment's Esign Client
    Service (BSRE_URL, BSRE_USER, BSRE_PASSWORD): one installation serves every office. `nik_source` and
    `nik_fix` name where the NIK was set and how to correct it, for BSrE's refusal of an unknown NIK."""
    from .bsre import BsreSigner

    return BsreSigner(
        url=settings.BSRE_URL or "",
        user=settings.BSRE_USER,
        password=settings.BSRE_PASSWORD,
        nik=nik,
        signer_name=signer_name,
        timeout=settings.BSRE_TIMEOUT,
        nik_source=nik_source,
        nik_fix=nik_fix,
    )


def seal_note(signer: Signer | SignerDescription | None) -> str:
    """The sentence a document's QR block prints about its signature, naming the seal that signs it (a
    signer, or the description a stored document recorded); "" for an unsigned document."""
    if signer is None:
        return ""
    described = signer if isinstance(signer, SignerDescription) else signer.describe()
    if described.certified:
        return (
            f"Ditandatangani secara elektronik oleh {described.name} dengan sertifikat elektronik "
            "BSrE (tersertifikasi)"
        )
    return (
        f"Ditandatangani secara elektronik oleh {described.name} dengan segel elektronik tidak "
        "tersertifikasi (PP 71/2019)"
    )
