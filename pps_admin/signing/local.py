"""The office's own seal: a PKCS#12 file (SEAL_PKCS12_PATH), applied with pyHanko as a PAdES baseline
signature in an invisible field (what a reader sees is printed in the document's QR block), with an RFC 3161
timestamp when SEAL_TSA_URL is set. Uncertified unless its certificate comes from BSrE, which signs through
its own service (bsre.py) instead."""

import io
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_der_private_key
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers import SimpleSigner

from .base import Credentials, SignatureCheck, Signer, SignerDescription, SigningError
from .blocking import call_blocking
from .pades import check_pdf

FIELD_NAME = "SegelElektronik"


def load_pkcs12(path: str | Path, passphrase: str | None) -> "KeptKeySigner":
    """pyHanko's signer from the file; ValueError (wrong passphrase, not a PKCS#12) or OSError."""
    return load_pkcs12_data(Path(path).read_bytes(), passphrase)


def load_pkcs12_data(data: bytes, passphrase: str | None) -> "KeptKeySigner":
    """pyHanko's signer from PKCS#12 bytes (an office's seal kept in the database); ValueError when the
    passphrase is wrong or the bytes are no PKCS#12 with a key and its certificate."""
    loaded = SimpleSigner.load_pkcs12_data(
        data, other_certs=(), passphrase=(passphrase or "").encode() or None
    )
    return KeptKeySigner(
        signing_key=loaded.signing_key, signing_cert=loaded.signing_cert, cert_registry=loaded.cert_registry
    )


class KeptKeySigner(SimpleSigner):
    """pyHanko's SimpleSigner loads the private key anew for every raw signature, twice a document (a trial
    signature sizes the field), and an RSA key's load checks it thoroughly: most of the seal's cost
    (bench/RESULTS.md "Electronic seal"). This one loads it once per process and signs RSA PKCS#1 v1.5
    (pyHanko's default mechanism for an RSA key) with it; any other mechanism goes to SimpleSigner."""

    _kept_key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        if self._kept_key is None:
            self._kept_key = load_der_private_key(self.signing_key.dump(), password=None)
        assert isinstance(self._kept_key, RSAPrivateKey)
        return self._kept_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


class LocalSealSigner(Signer):
    def __init__(
        self,
        *,
        pkcs12_path: str | None = None,
        pkcs12_data: bytes | None = None,
        passphrase: str | None,
        tsa_url: str | None = None,
        timeout: int = 10,
    ):
        if pkcs12_data is None:
            self._signer = load_pkcs12(pkcs12_path, passphrase)
        else:
            self._signer = load_pkcs12_data(pkcs12_data, passphrase)
        self._timestamper = self._make_timestamper(tsa_url, timeout)
        certificate = self._signer.signing_cert
        subject = certificate.subject.native
        self._name = subject.get("organization_name") or subject.get("common_name") or "segel kantor"
        # The roots our own verification trusts: the self-signed certificates the PKCS#12 carries (the
        # local CA), so a copy made by anyone else's key is not reported as ours.
        self._roots = [
            cert for cert in self._signer.cert_registry if cert.self_signed in ("maybe", "yes")
        ] or [certificate]

    def describe(self) -> SignerDescription:
        return SignerDescription(kind="local", name=self._name, certified=False)

    @staticmethod
    def _make_timestamper(url: str | None, timeout: int):
        """One per process: pyHanko asks the TSA once for a sample token to size the signature, and keeps
        that answer in the timestamper, so later documents cost one request each."""
        if not url:
            return None
        from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

        return RequestsHTTPTimeStamper(url, timeout=timeout)

    def sign(
        self, pdf: bytes, *, reason: str, location: str, credentials: Credentials | None = None
    ) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError

        metadata = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            reason=reason or None,
            location=location or None,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            output = call_blocking(
                signers.sign_pdf,
                writer,
                metadata,
                signer=self._signer,
                timestamper=self._timestamper,
                new_field_spec=fields.SigFieldSpec(FIELD_NAME),  # no box: invisible
            )
        except TimestampRequestError as exc:
            raise SigningError(
                f"Server cap waktu (SEAL_TSA_URL) tidak memberi cap waktu: {type(exc).__name__}. "
                "Dokumen tidak disimpan; coba lagi nanti."
            ) from exc
        except OSError as exc:  # the TSA unreachable (requests' errors are OSErrors)
            raise SigningError(
                f"Server cap waktu (SEAL_TSA_URL) tidak dapat dihubungi ({type(exc).__name__}). "
                "Dokumen tidak disimpan; coba lagi nanti."
            ) from exc
        return output.getvalue()

    def verify(self, pdf: bytes) -> SignatureCheck:
        return check_pdf(pdf, trust_roots=self._roots)
