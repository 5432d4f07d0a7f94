"""Each office's own electronic seal: setting it (from a PKCS#12 file, a local seal made here, or a BSrE
signer), removing it, and which signer signs an office's documents.

`office_signer(office)` is the one rule:
- SIGNER=none: nobody (documents are not signed), whatever is stored;
- the office's own seal (OfficeSeal), when it has one;
- else the environment's seal (SEAL_PKCS12_PATH, or BSRE_NIK/BSRE_SIGNER_NAME), for the one office it
  belongs to: SEAL_OFFICE (default: the deployment's only kabupaten/kota office, else 64.71, KPU Kota
  Balikpapan, the office the single-office deployments were);
- else none: such an office is refused up front (`office_seal_require`) before anything is queued, so
  its documents never fail one by one.

A worker keeps each office's signer (the PKCS#12 decrypted and loaded once) for the seal's row and version:
a changed seal (its version grows) or one removed and set again (a new row) is loaded anew by the next
document, without a restart. Neither the PKCS#12, its passphrase nor the NIK is ever logged or put into
an error text."""

import threading

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pps_admin.signing import Signer, SigningError, bsre_signer, get_signer, local_signer
from pps_admin.signing.local_ca import local_seal_bundle
from pps_admin.signing.secret_box import secret_open, secret_rotate, secret_seal
from pps_admin.text import validate_single_line

from .. import identity
from ..models import Office, OfficeKind, OfficeSeal, SealKind
from .decree_text import indonesian_date

SECRET_TOKENS = ("pkcs12_token", "passphrase_token", "nik_token")
DEFAULT_SEAL_OFFICE = "64.71"  # KPU Kota Balikpapan: where the single-office data (and its seal) went
MAX_PKCS12_BYTES = 100_000  # a seal with its chain is a few kilobytes; anything far larger is no seal

_signers: dict[int, tuple[tuple[int, int], Signer]] = {}  # office id -> ((seal id, version), signer)
_signers_lock = threading.Lock()


# --- which office signs with what ----------------------------------------------------------------------


def seal_office_code() -> str:
    """The office the environment's seal belongs to: SEAL_OFFICE, else the only kabupaten/kota office,
    else 64.71."""
    if settings.SEAL_OFFICE:
        return settings.SEAL_OFFICE
    sole = Office.sole()
    return sole.code if sole is not None else DEFAULT_SEAL_OFFICE


def signing_enabled() -> bool:
    return settings.SIGNER in ("local", "bsre")


def office_signer(office: Office) -> Signer | None:
    """The signer of `office`'s documents (the module's docstring says which); None when they are not
    signed. SigningError when the office's seal cannot be opened (its key changed, its file broken)."""
    if not signing_enabled():
        return None
    seal = OfficeSeal.objects.filter(office_id=office.pk).only("pk", "version").first()
    if seal is not None:
        return _cached_signer(office.pk, seal)
    if office.code == seal_office_code():
        return get_signer()
    return None


def office_signers_may_ask() -> bool:
    """Whether some office's signer asks a passphrase (the environment's BSrE signer, or an office's)."""
    if not signing_enabled():
        return False
    return settings.SIGNER == "bsre" or OfficeSeal.objects.filter(kind=SealKind.BSRE).exists()


def _cached_signer(office_id: int, seal: OfficeSeal) -> Signer:
    key = (seal.pk, seal.version)
    cached = _signers.get(office_id)
    if cached is not None and cached[0] == key:
        return cached[1]
    full = OfficeSeal.objects.select_related("office").filter(pk=seal.pk).first()
    if full is None:  # removed meanwhile: the caller asks again
        raise SigningError("Segel elektronik kantor baru saja dihapus; dokumen tidak disimpan. Coba lagi.")
    signer = _load(full)
    with _signers_lock:
        _signers[office_id] = ((full.pk, full.version), signer)
    return signer


def _load(seal: OfficeSeal) -> Signer:
    name = seal.office.short_name
    unreadable = SigningError(
        f"Segel elektronik {name} tidak dapat dibuka dengan kunci PASSPHRASE_KEY/SECRET_KEY yang sekarang "
        "(kuncinya diganti tanpa menyimpan kunci lama). Dokumen tidak disimpan; atur segelnya lagi dengan "
        f"`manage.py set_office_seal {seal.office.code}`."
    )
    if seal.kind == SealKind.BSRE:
        nik = secret_open(seal.nik_token)
        if nik is None:
            raise unreadable
        return bsre_signer(
            nik=nik.decode(),
            signer_name=seal.holder_name,
            nik_source=f"segel {name}",
            nik_fix=f"NIK-nya dengan `manage.py set_office_seal {seal.office.code} --bsre-name ...`",
        )
    data, passphrase = secret_open(seal.pkcs12_token), secret_open(seal.passphrase_token)
    if data is None or passphrase is None:
        raise unreadable
    try:
        return local_signer(data, passphrase.decode())
    except ValueError:
        raise SigningError(
            f"Segel elektronik {name} (PKCS#12) tidak dapat dibuka; dokumen tidak disimpan. Atur segelnya "
            f"lagi dengan `manage.py set_office_seal {seal.office.code}`."
        ) from None


def office_seal_missing(office: Office) -> str:
    """Why `office`'s documents cannot be signed ("" when they can, or signing is off): it has no seal, or
    its seal's certificate has expired."""
    if not signing_enabled() or office.kind != OfficeKind.REGENCY:
        return ""
    seal = OfficeSeal.objects.filter(office_id=office.pk).only("valid_until").first()
    if seal is not None and seal.valid_until is not None and seal.valid_until < timezone.now():
        expired_on = indonesian_date(timezone.localtime(seal.valid_until).date())
        return (
            f"Sertifikat segel elektronik {office.short_name} sudah kedaluwarsa pada {expired_on}, jadi "
            "tidak ada yang dibuat. Minta admin server memasang segel baru: "
            f"`python manage.py set_office_seal {office.code} --pkcs12 "
            f"BERKAS.p12`, atau `--remove` lalu `--create-local`."
        )
    if seal is not None:
        # One that cannot be opened (its key changed, BSrE not configured) is refused here too, rather
        # than failing every document of the job one by one. Loaded once per process (the cache above).
        try:
            office_signer(office)
        except SigningError as exc:
            message = str(exc).replace("Dokumen tidak disimpan", "Tidak ada yang dibuat")
            return message.replace("dokumen tidak disimpan", "tidak ada yang dibuat")
        return ""
    if office.code == seal_office_code():
        return ""
    return (
        f"{office.short_name} belum punya segel elektronik, jadi dokumennya tidak dapat ditandatangani "
        "dan tidak ada yang dibuat. Minta admin server menjalankan "
        f"`python manage.py set_office_seal {office.code} --create-local` (segel lokal tidak "
        f"tersertifikasi), `python manage.py set_office_seal {office.code} --pkcs12 BERKAS.p12` (segel "
        f"kantor), atau `python manage.py set_office_seal {office.code} --bsre-name NAMA` (BSrE)."
    )


def office_seal_require(office: Office) -> None:
    """Refuse (ValidationError, Indonesian) to queue documents of an office that has no seal."""
    message = office_seal_missing(office)
    if message:
        raise ValidationError(message, code="no_seal")


def _subject_names(certificate: x509.Certificate) -> str:
    """The certificate's organisation and common name only: a personal certificate's subject may also
    carry a serial number (a NIK) or an e-mail address, which is kept in plain text in the history."""
    kept = (x509.NameOID.ORGANIZATION_NAME, x509.NameOID.COMMON_NAME)
    return x509.Name([a for a in certificate.subject if a.oid in kept]).rfc4514_string()


def office_seal_status(office: Office) -> str:
    """What the Office page shows about the seal: kind, holder, validity; never a secret."""
    seal = OfficeSeal.objects.filter(office_id=office.pk).first()
    if seal is None:
        if office.code == seal_office_code():
            return "Segel dari pengaturan server (SEAL_OFFICE): " + _environment_description()
        return "Belum ada segel elektronik (dokumen tidak dapat ditandatangani)."
    if seal.kind == SealKind.BSRE:
        return f"BSrE (tersertifikasi): {seal.holder_name}; NIK penanda tangan tersimpan terenkripsi."
    until = indonesian_date(timezone.localtime(seal.valid_until).date()) if seal.valid_until else "?"
    expired = " (SUDAH KEDALUWARSA)" if seal.valid_until and seal.valid_until < timezone.now() else ""
    return f"Segel lokal (PKCS#12): {seal.holder_name}; sertifikat berlaku sampai {until}{expired}."


def _environment_description() -> str:
    if not signing_enabled():
        return "SIGNER=none, dokumen tidak ditandatangani."
    try:
        signer = get_signer()
    except SigningError:
        return "tidak dapat dibuka (periksa `manage.py check`)."
    return signer.describe().name if signer else "tidak ada."


# --- setting and removing a seal -----------------------------------------------------------------------


def _certificate(data: bytes, passphrase: str) -> x509.Certificate:
    """The seal certificate of PKCS#12 `data`, if it opens with `passphrase` and holds a key for it."""
    if not data:
        raise ValidationError("Berkas PKCS#12 kosong. Tidak ada yang disimpan.", code="empty")
    if len(data) > MAX_PKCS12_BYTES:
        raise ValidationError(
            f"Berkas terlalu besar untuk segel PKCS#12 ({len(data)} bita). Tidak ada yang disimpan.",
            code="too_large",
        )
    try:
        key, certificate, _ = pkcs12.load_key_and_certificates(data, passphrase.encode() or None)
    except (ValueError, TypeError):
        raise ValidationError(
            "Berkas segel tidak dapat dibuka: passphrase salah, atau bukan berkas PKCS#12 (.p12/.pfx). "
            "Tidak ada yang disimpan.",
            code="unreadable",
        ) from None
    if key is None or certificate is None:
        raise ValidationError(
            "Berkas PKCS#12 ini tidak memuat kunci privat beserta sertifikatnya. Tidak ada yang disimpan.",
            code="no_key",
        )
    if certificate.not_valid_after_utc < timezone.now():
        raise ValidationError(
            f"Sertifikat segel ini sudah kedaluwarsa pada {certificate.not_valid_after_utc:%d-%m-%Y}. "
            "Tidak ada yang disimpan.",
            code="expired",
        )
    try:
        local_signer(data, passphrase)  # what the worker will do with it: it must work there too
    except (ValueError, TypeError):
        raise ValidationError(
            "Berkas segel ini tidak dapat dipakai untuk menandatangani PDF. Tidak ada yang disimpan.",
            code="unusable",
        ) from None
    return certificate


def _holder(certificate: x509.Certificate) -> str:
    """As pps_admin.signing.local names a local seal: its organisation, else its common name."""
    for oid in (x509.NameOID.ORGANIZATION_NAME, x509.NameOID.COMMON_NAME):
        values = certificate.subject.get_attributes_for_oid(oid)
        if values:
            return str(values[0].value)[:300]
    return "segel kantor"


@transaction.atomic
def _seal_save(*, office: Office, user, reason: str, **fields) -> OfficeSeal:
    """Write `office`'s seal (created, or every field replaced) with its version one up."""
    seal = OfficeSeal.objects.select_for_update().filter(office=office).first()
    if seal is None:
        seal = OfficeSeal(office=office, version=0)
    blank = {"certificate_subject": "", "valid_until": None, "pkcs12_token": b"", "passphrase_token": b""}
    for name, value in {**blank, "nik_token": b"", **fields}.items():
        setattr(seal, name, value)
    seal.version += 1
    seal.updated_by = user
    seal._change_reason = reason
    if user is not None:
        seal._history_user = user
    seal.full_clean(exclude=["pkcs12_token", "passphrase_token", "nik_token"])
    seal.save()
    return seal


def office_seal_set_pkcs12(*, office: Office, data: bytes, passphrase: str, user=None) -> OfficeSeal:
    """`office` signs with the seal in PKCS#12 `data` from now on (it must open with `passphrase`)."""
    certificate = _certificate(data, passphrase or "")
    return _seal_save(
        office=office,
        user=user,
        reason="segel PKCS#12 dipasang",
        kind=SealKind.LOCAL,
        holder_name=_holder(certificate),
        certificate_subject=_subject_names(certificate)[:500],
        valid_until=certificate.not_valid_after_utc,
        pkcs12_token=secret_seal(data),
        passphrase_token=secret_seal((passphrase or "").encode()),
    )


def office_seal_create_local(*, office: Office, user=None) -> OfficeSeal:
    """A new local seal of `office` (not certified, its certificate's organisation the office's name),
    made here; refused when the office already has a seal (a seal key is never replaced unasked)."""
    if OfficeSeal.objects.filter(office=office).exists():
        raise ValidationError(
            f"{office.short_name} sudah punya segel elektronik; tidak diubah. Hapus dulu dengan "
            f"`set_office_seal {office.code} --remove` bila memang harus diganti.",
            code="exists",
        )
    data, passphrase, _ = local_seal_bundle(organization=office.name)
    return office_seal_set_pkcs12(office=office, data=data, passphrase=passphrase, user=user)


def office_seal_set_bsre(*, office: Office, signer_name: str, nik: str, user=None) -> OfficeSeal:
    """`office`'s documents are signed through BSrE by the certificate of `nik`, printed as
    `signer_name` (e.g. "Ketua KPU Kota Samarinda")."""
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise ValidationError("Nama penanda tangan BSrE wajib diisi. Tidak ada yang disimpan.", code="name")
    validate_single_line(signer_name)
    nik = (nik or "").strip()
    try:
        identity.parse_nik(nik)
    except ValidationError as exc:
        raise ValidationError(
            f"NIK penanda tangan BSrE tidak sah: {' '.join(exc.messages)} Tidak ada yang disimpan.",
            code="nik",
        ) from None
    if settings.BSRE_NIK and nik == settings.BSRE_NIK.strip() and office.code != seal_office_code():
        # The environment's signer is the Ketua of SEAL_OFFICE: their certificate must not sign another
        # office's documents under that office's name.
        raise ValidationError(
            f"NIK ini adalah NIK penanda tangan BSrE dari pengaturan server (BSRE_NIK, segel kantor "
            f"{seal_office_code()}), bukan penanda tangan {office.short_name}. Masukkan NIK Ketua "
            f"{office.short_name} sendiri. Tidak ada yang disimpan.",
            code="nik",
        )
    return _seal_save(
        office=office,
        user=user,
        reason="penanda tangan BSrE diatur",
        kind=SealKind.BSRE,
        holder_name=signer_name[:300],
        nik_token=secret_seal(nik.encode()),
    )


@transaction.atomic
def office_seals_rekey() -> tuple[list[str], list[str]]:
    """Encrypt every office's seal again under the first configured key (PASSPHRASE_KEY's first, after a
    rotation that keeps the old key second): (codes re-encrypted, codes no configured key opens). All or
    nothing: with one seal unopenable nothing is written, so no seal is left under a key about to go."""
    done, unopenable = [], []
    seals = list(OfficeSeal.objects.select_for_update().select_related("office").order_by("office__code"))
    rotated = {}
    for seal in seals:
        tokens = {name: getattr(seal, name) for name in SECRET_TOKENS if getattr(seal, name)}
        new = {name: secret_rotate(token) for name, token in tokens.items()}
        if any(value is None for value in new.values()):
            unopenable.append(seal.office.code)
        else:
            rotated[seal.pk] = new
            done.append(seal.office.code)
    if unopenable:
        return [], unopenable
    for seal in seals:
        # Same secrets, same version: a worker's loaded signer stays right. Not a change of the seal, so
        # no history row (the history never holds the tokens anyway).
        OfficeSeal.objects.filter(pk=seal.pk).update(**rotated[seal.pk])
    return done, []


@transaction.atomic
def office_seal_remove(*, office: Office, user=None) -> bool:
    """Remove `office`'s own seal (its history keeps the record); False when it had none."""
    seal = OfficeSeal.objects.select_for_update().filter(office=office).first()
    if seal is None:
        return False
    seal._change_reason = "segel dihapus"
    if user is not None:
        seal._history_user = user
    seal.delete()
    return True
