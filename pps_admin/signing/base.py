"""The one signer interface: every signing back end (the local PKCS#12 seal, BSrE) is a `Signer`.

The document engine knows only this module: it hands over a rendered PDF and gets a signed one back, or a
`SigningError` whose message staff read on the job page (Indonesian, and never holding the passphrase or
the signer's NIK)."""

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field


class SigningError(Exception):
    """Signing refused or failed. `forget_credentials`: the passphrase was refused (wrong, or the signer is
    not registered), so it must not be tried again on the job's other documents (BSrE locks a certificate
    after repeated wrong passphrases); a retry asks for it again."""

    def __init__(self, message: str, *, forget_credentials: bool = False):
        super().__init__(message)
        self.forget_credentials = forget_credentials


@dataclass(frozen=True)
class Credentials:
    """What the signer types for one job (BSrE: the passphrase of the signer's certificate)."""

    passphrase: str = field(repr=False)


@dataclass(frozen=True)
class SignerDescription:
    kind: str  # "local" or "bsre"
    name: str  # who signs, as the document's note prints it
    certified: bool  # a certificate from a recognised authority (PP 71/2019 art. 60): BSrE only


@dataclass(frozen=True)
class SignatureCheck:
    """What a verification found about a PDF's last signature."""

    signed: bool
    intact: bool = False  # the signed bytes are unchanged and cover the whole file
    valid: bool = False  # the cryptographic signature holds for the signer's certificate
    trusted: bool = False  # that certificate chains to a root the verifier trusts
    signer: str = ""
    signed_at: dt.datetime | None = None
    summary: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid


class Signer(ABC):
    # Whether the person signing must type a passphrase for each job (BSrE), or the seal is the office's
    # own and needs nobody (local PKCS#12, whose passphrase is configuration).
    needs_passphrase = False

    @abstractmethod
    def describe(self) -> SignerDescription: ...

    @abstractmethod
    def sign(
        self, pdf: bytes, *, reason: str, location: str, credentials: Credentials | None = None
    ) -> bytes:
        """The PDF with a PAdES signature added as an incremental update; raises SigningError."""

    @abstractmethod
    def verify(self, pdf: bytes) -> SignatureCheck: ...
