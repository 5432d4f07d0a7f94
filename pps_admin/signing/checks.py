"""`manage.py check` (and every start) says when the signing configuration cannot work, before a worker
fails a batch of documents on it."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


def signing_check(app_configs, **kwargs):
    if settings.SIGNER == "local":
        return _local_seal_problems()
    if settings.SIGNER == "bsre":
        return _bsre_problems()
    if settings.DEBUG:
        return []
    return [
        checks.Warning(
            "SIGNER=none: dokumen tidak ditandatangani secara elektronik (tanpa segel PAdES). "
            "Documents are not signed.",
            hint="Atur SIGNER=local dengan SEAL_PKCS12_PATH dan SEAL_PKCS12_PASSPHRASE, atau SIGNER=bsre.",
            id="pps_admin.W010",
        )
    ]


def _local_seal_problems():
    from .local import load_pkcs12

    path = settings.SEAL_PKCS12_PATH
    if not path:
        return [
            checks.Error(
                "SIGNER=local tetapi SEAL_PKCS12_PATH tidak diatur. SIGNER=local needs SEAL_PKCS12_PATH.",
                hint="Buat segel lokal dengan `manage.py create_local_seal`, atau pakai berkas PKCS#12 "
                "kantor.",
                id="pps_admin.E010",
            )
        ]
    try:
        signer = load_pkcs12(path, settings.SEAL_PKCS12_PASSPHRASE)
    except OSError as exc:
        return [
            checks.Error(
                f"Berkas segel SEAL_PKCS12_PATH={path} tidak dapat dibaca ({exc.strerror or exc}). "
                "The PKCS#12 file cannot be read.",
                id="pps_admin.E011",
            )
        ]
    except ValueError:
        return [
            checks.Error(
                f"Berkas segel {path} tidak dapat dibuka: passphrase (SEAL_PKCS12_PASSPHRASE) salah atau "
                "bukan berkas PKCS#12. Wrong passphrase or not a PKCS#12 file.",
                id="pps_admin.E012",
            )
        ]
    until = signer.signing_cert["tbs_certificate"]["validity"]["not_after"].native
    if until < dt.datetime.now(dt.UTC):
        return [
            checks.Error(
                f"Sertifikat segel sudah kedaluwarsa pada {until:%Y-%m-%d}. "
                "The seal certificate has expired.",
                id="pps_admin.E013",
            )
        ]
    return []


def _bsre_problems():
    missing = [name for name in ("BSRE_URL", "BSRE_NIK", "BSRE_SIGNER_NAME") if not getattr(settings, name)]
    if not missing:
        return _bsre_transport_problems(settings.BSRE_URL) + _passphrase_key_problems()
    return [
        checks.Error(
            f"SIGNER=bsre tetapi {', '.join(missing)} tidak diatur. SIGNER=bsre needs {', '.join(missing)}.",
            hint="BSRE_URL: alamat Esign Client Service kantor; BSRE_NIK: NIK penanda tangan yang terdaftar "
            "di BSrE; BSRE_SIGNER_NAME: nama/jabatan yang dicetak pada catatan tanda tangan.",
            id="pps_admin.E014",
        )
    ]


def _bsre_transport_problems(url: str):
    """The passphrase and the signer's NIK travel in every request: only over HTTPS, or to this machine."""
    parts = urlsplit(url)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme == "https" or (parts.scheme == "http" and loopback):
        return []
    return [
        checks.Error(
            "BSRE_URL harus memakai https:// (passphrase dan NIK penanda tangan dikirim di setiap "
            "permintaan). BSRE_URL must use https:// unless it points at this machine.",
            id="pps_admin.E015",
        )
    ]


def _passphrase_key_problems():
    """The key the Ketua's passphrase is kept under while its job runs (passphrase_box.py)."""
    keys = settings.PASSPHRASE_KEYS
    if not keys:
        return [
            checks.Warning(
                "PASSPHRASE_KEY tidak diatur: passphrase TTE selama pekerjaan berjalan dienkripsi dengan "
                "kunci turunan SECRET_KEY, sehingga mengganti SECRET_KEY menggagalkan pekerjaan yang sedang "
                "berjalan (kecuali kunci lama disimpan di SECRET_KEY_FALLBACKS). PASSPHRASE_KEY is unset: "
                "the passphrase box's key is derived from SECRET_KEY.",
                hint='Atur PASSPHRASE_KEY dengan teks acak tersendiri (mis. `python -c "import secrets; '
                'print(secrets.token_urlsafe(32))"`), sama di web dan worker.',
                id="pps_admin.W016",
            )
        ]
    if len(keys[0]) < 32 or keys[0] in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        return [
            checks.Warning(
                "PASSPHRASE_KEY harus berupa teks acak minimal 32 karakter yang bukan SECRET_KEY. "
                "PASSPHRASE_KEY should be a random text of 32+ characters of its own.",
                id="pps_admin.W017",
            )
        ]
    return []
