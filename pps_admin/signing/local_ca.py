"""A local certificate authority and a seal certificate made on this machine (`manage.py
create_local_seal`): for development and the tests, and for an office that has no BSrE seal yet.

Its subject says what it is: a certificate the office made for itself, which gives an uncertified
electronic signature (PP 71/2019 art. 60), never one to pass off as BSrE's."""

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

NOT_CERTIFIED_CA = "CA lokal TIDAK TERSERTIFIKASI"
NOT_CERTIFIED_SEAL = "Segel lokal TIDAK TERSERTIFIKASI"


@dataclass(frozen=True)
class LocalSeal:
    pkcs12_path: Path
    passphrase_path: Path
    ca_path: Path

    @property
    def passphrase(self) -> str:
        return self.passphrase_path.read_text().strip()


def seal_files(directory: Path) -> LocalSeal:
    return LocalSeal(
        pkcs12_path=directory / "segel.p12",
        passphrase_path=directory / "passphrase",
        ca_path=directory / "ca.pem",
    )


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,  # non-repudiation: what a document signature asserts
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def issue_certificates(
    *, organization: str, seal_name: str = NOT_CERTIFIED_SEAL, ca_name: str = NOT_CERTIFIED_CA, years: int = 5
):
    """(ca_key, ca_cert, seal_key, seal_cert), fresh keys (RSA 2048, which every PDF reader verifies)."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    until = now + dt.timedelta(days=365 * years)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_subject = _name(ca_name, organization)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_subject)
        .issuer_name(ca_subject)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    seal_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    seal_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(seal_name, organization))
        .issuer_name(ca_subject)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return ca_key, ca_cert, seal_key, seal_cert


def local_seal_bundle(*, organization: str) -> tuple[bytes, str, x509.Certificate]:
    """A fresh seal of `organization` (its certificate's O, e.g. "Komisi Pemilihan Umum Kota Samarinda"):
    the PKCS#12 bytes (key, certificate and its local CA), their random passphrase, and the CA certificate."""
    _, ca_cert, seal_key, seal_cert = issue_certificates(organization=organization)
    passphrase = secrets.token_urlsafe(24)
    bundle = pkcs12.serialize_key_and_certificates(
        name=NOT_CERTIFIED_SEAL.encode(),
        key=seal_key,
        cert=seal_cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )
    return bundle, passphrase, ca_cert


def create_local_seal(
    directory: Path, *, organization: str = "KPU Kota Balikpapan"
) -> tuple[LocalSeal, bool]:
    """Write a seal (PKCS#12 with its CA), its random passphrase and the CA certificate into `directory`,
    unless a seal is already there: a seal key is never replaced behind anyone's back. Returns the files
    and whether they were made now."""
    files = seal_files(directory)
    if files.pkcs12_path.exists():
        return files, False
    directory.mkdir(parents=True, exist_ok=True)
    bundle, passphrase, ca_cert = local_seal_bundle(organization=organization)
    _write_private(files.passphrase_path, passphrase.encode() + b"\n")
    _write_private(files.pkcs12_path, bundle)
    files.ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return files, True


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
