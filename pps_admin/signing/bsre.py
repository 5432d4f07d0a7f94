"""BSrE's Esign Client Service (Balai Sertifikasi Elektronik, BSSN): a certified electronic signature by a
person (the Ketua) with a BSrE certificate, who types the passphrase of that certificate once per job.

The request and response shapes follow BSrE's "Petunjuk Teknis Penggunaan API Esign Client Service"
(version 2.0, January 2024; revision 2.2.1), as public clients implement it (e.g. github.com/
kiiskominfokepri/esign-ts, src/v2/EsignClient.ts and src/response/BaseResponse.ts):

- every call: HTTP Basic authentication with the client account of the office's Esign Client Service
  installation (BSRE_USER, BSRE_PASSWORD);
- `POST /api/v2/sign/pdf`, JSON `{"nik", "passphrase", "signatureProperties": [{"tampilan": "INVISIBLE",
  "reason", "location"}], "file": [<PDF, base64>]}`; success: 200 `{"file": [<signed PDF, base64>],
  "time": ...}`; refusal: a non-200 status (or 200 with an `error` key) and `{"status_code": <int>,
  "error": <text>}`, where 2031 is a wrong passphrase and 2011 a NIK that has no certificate ("user tidak
  terdaftar");
- `POST /api/v2/verify/pdf`, JSON `{"file": <PDF, base64>}`; answer `{"conclusion": "VALID" | ...,
  "description", "signatureInformations": [{"signerName", "signatureDate", "certificateTrusted",
  "integrityValid", "modified", ...}]}`.

Neither the passphrase nor the NIK is ever logged or put into an error text."""

import base64
import datetime as dt

import requests

from .base import Credentials, SignatureCheck, Signer, SignerDescription, SigningError
from .pades import check_pdf

WRONG_PASSPHRASE = 2031
NOT_REGISTERED = 2011


class BsreSigner(Signer):
    needs_passphrase = True

    def __init__(
        self,
        *,
        url: str,
        user: str,
        password: str,
        nik: str,
        signer_name: str,
        timeout: int,
        nik_source: str = "BSRE_NIK",
        nik_fix: str = "pengaturan BSRE_NIK",
    ):
        # Where the NIK was configured, and how to correct it, for the refusal of an unknown NIK.
        self._nik_source, self._nik_fix = nik_source, nik_fix
        self._url = url.rstrip("/")
        self._auth = (user, password) if user else None
        self._nik = nik
        self._signer_name = signer_name
        self._timeout = timeout

    def describe(self) -> SignerDescription:
        return SignerDescription(kind="bsre", name=self._signer_name, certified=True)

    def _post(self, path: str, payload: dict, *, secrets: tuple[str, ...]) -> dict:
        try:
            response = requests.post(
                self._url + path,
                json=payload,
                auth=self._auth,
                timeout=self._timeout,
                headers={"Accept": "application/json"},
            )
        except requests.Timeout:
            raise SigningError(
                f"Layanan BSrE tidak menjawab dalam {self._timeout} detik. Tidak ada yang disimpan; "
                "coba lagi nanti."
            ) from None
        except requests.RequestException as exc:
            raise SigningError(
                f"Layanan BSrE (BSRE_URL) tidak dapat dihubungi ({type(exc).__name__}). Tidak ada yang "
                "disimpan; coba lagi nanti."
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {}
        if response.status_code == 200 and "error" not in body:
            return body
        raise self._refusal(response.status_code, body, secrets)

    def _refusal(self, status: int, body: dict, secrets: tuple[str, ...]) -> SigningError:
        code = body.get("status_code")
        if code == WRONG_PASSPHRASE:
            return SigningError(
                "BSrE menolak: passphrase TTE salah. Dokumen lain pekerjaan ini tidak dikirim ke BSrE lagi "
                "(agar sertifikat tidak terkunci); tekan “Coba lagi” dan masukkan passphrase yang benar.",
                forget_credentials=True,
            )
        if code == NOT_REGISTERED:
            return SigningError(
                f"BSrE menolak: NIK penanda tangan ({self._nik_source}) tidak terdaftar atau belum memiliki "
                f"sertifikat elektronik BSrE. Periksa {self._nik_fix}, lalu coba lagi.",
                forget_credentials=True,
            )
        if status == 401 and code is None:
            return SigningError(
                "BSrE menolak akun aplikasi (BSRE_USER/BSRE_PASSWORD). Periksa pengaturannya, lalu coba lagi."
            )
        if status >= 500:
            return SigningError(f"Layanan BSrE sedang bermasalah (HTTP {status}). Coba lagi nanti.")
        text = _scrub(str(body.get("error") or body.get("message") or ""), secrets)[:300]
        detail = f", kode {code}" if code is not None else ""
        return SigningError(f"BSrE menolak permintaan (HTTP {status}{detail}): {text or 'tanpa keterangan'}")

    def sign(
        self, pdf: bytes, *, reason: str, location: str, credentials: Credentials | None = None
    ) -> bytes:
        if credentials is None or not credentials.passphrase:
            raise SigningError("Passphrase TTE belum dimasukkan untuk pekerjaan ini; tekan “Coba lagi”.")
        properties = {"tampilan": "INVISIBLE"}
        if reason:
            properties["reason"] = reason
        if location:
            properties["location"] = location
        payload = {
            "nik": self._nik,
            "passphrase": credentials.passphrase,
            "signatureProperties": [properties],
            "file": [base64.b64encode(pdf).decode("ascii")],
        }
        body = self._post("/api/v2/sign/pdf", payload, secrets=(credentials.passphrase, self._nik))
        files = body.get("file")
        try:
            signed = base64.b64decode(files[0], validate=True)
        except (TypeError, IndexError, KeyError, ValueError):
            raise SigningError("Jawaban BSrE tidak memuat berkas PDF; tidak ada yang disimpan.") from None
        # Stored only if it is a PDF whose last signature is intact and valid (trust is BSrE's to vouch for).
        check = check_pdf(signed, trust_roots=[])
        if not (signed.startswith(b"%PDF-") and check.signed and check.intact and check.valid):
            raise SigningError(
                f"Jawaban BSrE bukan PDF bertanda tangan yang utuh ({check.summary}); "
                "tidak ada yang disimpan."
            )
        return signed

    def verify(self, pdf: bytes) -> SignatureCheck:
        body = self._post(
            "/api/v2/verify/pdf", {"file": base64.b64encode(pdf).decode("ascii")}, secrets=(self._nik,)
        )
        details = body.get("signatureInformations") or []
        if not details:
            return SignatureCheck(signed=False, summary=str(body.get("description") or ""))
        last = details[-1] if isinstance(details[-1], dict) else {}
        return SignatureCheck(
            signed=True,
            intact=bool(last.get("integrityValid")) and not last.get("modified"),
            valid=body.get("conclusion") == "VALID",
            trusted=bool(last.get("certificateTrusted")),
            signer=str(last.get("signerName") or ""),
            signed_at=_parse_time(last.get("signatureDate")),
            summary=str(body.get("conclusion") or ""),
        )


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _parse_time(value) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
