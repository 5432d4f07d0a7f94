"""`manage.py check` about the offices' own seals (secretariat/services/office_seals.py), beside the
environment's seal checks (pps_admin/signing/checks.py): under SIGNER=local or bsre, the offices that have
no seal (their documents are refused until they get one), seals the configured key no longer opens,
expired local seals, and BSrE signers without the Esign Client Service to sign through. Warnings, not
errors: each concerns the offices it names, which are refused up front, and must not stop the deployment's
other offices (an error would stop `migrate` and the server's start). They ask the database, so, as
Django's own database checks, they run only when a database is named: `manage.py check --database default`
and every `migrate`; and they say nothing before the tables exist (a fresh `migrate`)."""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError
from django.utils import timezone

LISTED = 10  # offices named in a message; the rest are counted


def office_seal_check(app_configs, databases=None, **kwargs):
    if settings.SIGNER not in ("local", "bsre") or "default" not in (databases or ()):
        return []
    try:
        found = _missing() + _unopenable() + _expired() + _bsre_without_service() + _key_derived()
        return found + _seal_office_unset()
    except DatabaseError:
        return []  # no tables yet (before `migrate`), or no database reachable: other checks say so


def _codes(codes: list[str]) -> str:
    more = f" dan {len(codes) - LISTED} lainnya" if len(codes) > LISTED else ""
    return ", ".join(codes[:LISTED]) + more


def _missing():
    from .models import Office, OfficeKind
    from .services.office_seals import seal_office_code

    codes = list(
        Office.objects.filter(kind=OfficeKind.REGENCY, seal__isnull=True)
        .exclude(code=seal_office_code())
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not codes:
        return []
    return [
        checks.Warning(
            f"{len(codes)} kantor KPU belum punya segel elektronik ({_codes(codes)}): SK, petikan dan pakta "
            "mereka ditolak sampai segelnya diatur. Offices without a seal cannot issue signed documents.",
            hint=f"python manage.py set_office_seal {codes[0]} --create-local (atau --pkcs12 BERKAS, atau "
            f"--bsre-name NAMA). Segel dari SEAL_PKCS12_PATH/BSRE_NIK hanya milik SEAL_OFFICE="
            f"{seal_office_code()}.",
            id="secretariat.W030",
        )
    ]


def _unopenable():
    from pps_admin.signing.secret_box import secret_open

    from .models import OfficeSeal, SealKind

    codes = []
    for seal in OfficeSeal.objects.select_related("office").order_by("office__code"):
        tokens = (
            [seal.nik_token] if seal.kind == SealKind.BSRE else [seal.pkcs12_token, seal.passphrase_token]
        )
        if any(secret_open(token) is None for token in tokens):
            codes.append(seal.office.code)
    if not codes:
        return []
    return [
        checks.Warning(
            f"Segel elektronik {len(codes)} kantor tidak dapat dibuka dengan PASSPHRASE_KEY/SECRET_KEY yang "
            f"sekarang ({_codes(codes)}). Office seals cannot be decrypted with the configured key.",
            hint="Kembalikan kunci lama sebagai kunci kedua PASSPHRASE_KEY (kunci baru di depan) lalu "
            "jalankan `manage.py rekey_office_seals`, atau atur ulang segelnya dengan `manage.py "
            "set_office_seal KODE`.",
            id="secretariat.W031",
        )
    ]


def _expired():
    from .models import OfficeSeal

    codes = list(
        OfficeSeal.objects.filter(valid_until__lt=timezone.now())
        .order_by("office__code")
        .values_list("office__code", flat=True)
    )
    if not codes:
        return []
    return [
        checks.Warning(
            f"Sertifikat segel {len(codes)} kantor sudah kedaluwarsa ({_codes(codes)}). "
            "Office seal certificates have expired.",
            hint="Pasang segel baru dengan `manage.py set_office_seal KODE --pkcs12 BERKAS`.",
            id="secretariat.W032",
        )
    ]


def _bsre_without_service():
    from .models import OfficeSeal, SealKind

    if settings.BSRE_URL or not OfficeSeal.objects.filter(kind=SealKind.BSRE).exists():
        return []
    return [
        checks.Warning(
            "Ada kantor yang menandatangani dengan BSrE, tetapi BSRE_URL tidak diatur. Office BSrE signers "
            "need BSRE_URL (the Esign Client Service).",
            id="secretariat.W033",
        )
    ]


def _key_derived():
    from .models import OfficeSeal

    if settings.PASSPHRASE_KEYS or not OfficeSeal.objects.exists():
        return []
    return [
        checks.Warning(
            "PASSPHRASE_KEY tidak diatur: segel elektronik kantor tersimpan terenkripsi dengan kunci turunan "
            "SECRET_KEY, sehingga mengganti SECRET_KEY (tanpa menyimpannya di SECRET_KEY_FALLBACKS) membuat "
            "segel itu tidak dapat dibuka. Office seals are encrypted under a key derived from SECRET_KEY.",
            hint="Atur PASSPHRASE_KEY=<teks acak baru>,<teks SECRET_KEY sekarang>, jalankan `manage.py "
            "rekey_office_seals`, lalu hapus kunci kedua. Tanpa kunci kedua segel yang ada tidak terbuka.",
            id="secretariat.W034",
        )
    ]


def _seal_office_unset():
    """With two offices or more and SEAL_OFFICE unset, the environment's seal belongs to 64.71 by default:
    a deployment that began with another office would hand its seal to Balikpapan once 64.71 is created."""
    from .models import Office, OfficeKind

    if settings.SEAL_OFFICE or Office.objects.filter(kind=OfficeKind.REGENCY).count() < 2:
        return []
    return [
        checks.Warning(
            "SEAL_OFFICE tidak diatur padahal ada lebih dari satu kantor KPU Kabupaten/Kota: segel dari "
            "pengaturan server (SEAL_PKCS12_PATH/BSRE_NIK) dianggap milik 64.71. SEAL_OFFICE is unset with "
            "several offices.",
            hint="Atur SEAL_OFFICE dengan kode kantor pemilik segel itu, mis. SEAL_OFFICE=64.71.",
            id="secretariat.W035",
        )
    ]
