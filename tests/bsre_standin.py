"""A stand-in for BSrE's Esign Client Service: a real HTTP server in a thread, following the documented
request and response shapes (pps_admin/signing/bsre.py cites them), that really signs with a test CA
through pyHanko, so what it returns is a signed PDF any validator can check.

It knows its registered signers (NIK -> passphrase), answers a wrong passphrase with status_code 2031 and
an unknown NIK with 2011, and can be told to be slow (`delay`) or broken (`fail_with`). It records what it
was asked (`calls`), for the tests to see how many requests a batch made and with which passphrase."""

import base64
import io
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from pps_admin.signing.local_ca import issue_certificates
from pps_admin.signing.pades import check_pdf

SIGNER_NAME = "Ketua Uji BSrE"


@dataclass
class Call:
    path: str
    nik: str | None
    passphrase: str | None
    files: int


@dataclass
class BsreStandin:
    user: str = "esign-client"
    password: str = "sandi-klien-uji"
    signers: dict = field(default_factory=dict)  # NIK -> passphrase
    # The answer leaves no sooner than this many seconds after the request came in (a timeout test sets it
    # above BSRE_TIMEOUT). The signing is done within that wait, not after it: a slow test needs BSrE to
    # look busy for a while, and a loaded machine's seconds of pyHanko on top pushed it past the client's
    # timeout by chance.
    delay: float = 0.0
    # Set (a threading.Event), every answer also waits until the test sets it: a test looks at the rows
    # while BSrE "works" for exactly as long as its look takes, bounded by the worker's timeout.
    gate: object = None
    fail_with: int | None = None  # an HTTP status to answer every sign request with (5xx)
    calls: list = field(default_factory=list)

    def __post_init__(self):
        from asn1crypto import x509
        from pyhanko.sign.signers import SimpleSigner

        _, ca_cert, key, cert = issue_certificates(
            organization="Balai Sertifikasi Elektronik (uji)", seal_name=SIGNER_NAME, ca_name="CA Uji BSrE"
        )
        bundle = pkcs12.serialize_key_and_certificates(
            name=b"bsre", key=key, cert=cert, cas=[ca_cert], encryption_algorithm=serialization.NoEncryption()
        )
        self.ca = x509.Certificate.load(ca_cert.public_bytes(serialization.Encoding.DER))
        self._signer = SimpleSigner.load_pkcs12_data(bundle, other_certs=())
        self._lock = threading.Lock()
        self._in_flight = 0
        self._idle = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def reset(self, **changes):
        with self._lock:
            self.calls.clear()
        self.delay, self.fail_with, self.gate = 0.0, None, None
        for name, value in changes.items():
            setattr(self, name, value)

    def wait_idle(self, timeout: float = 30) -> bool:
        """Wait until no request is being answered (a slow answer the client gave up on still runs here)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)

    def _begin(self):
        with self._lock:
            self._in_flight += 1

    def _end(self):
        with self._idle:
            self._in_flight -= 1
            self._idle.notify_all()

    def record(self, call: Call):
        with self._lock:
            self.calls.append(call)

    def sign(self, pdf: bytes, properties: dict) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        metadata = signers.PdfSignatureMetadata(
            field_name="BSrE",
            reason=properties.get("reason"),
            location=properties.get("location"),
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        return signers.sign_pdf(writer, metadata, signer=self._signer).getvalue()


def _handler(standin: BsreStandin):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass  # the request line only, but keep the test output quiet

        def _answer(self, status: int, body: dict):
            data = json.dumps(body).encode()
            time.sleep(max(0.0, self._answer_at - time.monotonic()))
            if standin.gate is not None:
                standin.gate.wait(timeout=60)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            expected = base64.b64encode(f"{standin.user}:{standin.password}".encode()).decode()
            return self.headers.get("Authorization") == f"Basic {expected}"

        def do_POST(self):  # noqa: N802 - the base class's name
            standin._begin()
            try:
                return self._post()
            finally:
                standin._end()

        def _post(self):
            self._answer_at = time.monotonic() + standin.delay
            payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            files = payload.get("file") or []
            standin.record(
                Call(self.path, payload.get("nik"), payload.get("passphrase"), len(files) if files else 0)
            )
            if not self._authorised():
                return self._answer(401, {"error": "Unauthorized"})
            if self.path == "/api/v2/sign/pdf":
                return self._sign(payload, files)
            if self.path == "/api/v2/verify/pdf":
                return self._verify(payload)
            return self._answer(404, {"error": "Not Found"})

        def _sign(self, payload, files):
            if standin.fail_with:
                return self._answer(standin.fail_with, {"error": "Internal Server Error"})
            nik = payload.get("nik")
            if nik not in standin.signers:
                return self._answer(400, {"status_code": 2011, "error": "User tidak terdaftar"})
            if payload.get("passphrase") != standin.signers[nik]:
                return self._answer(400, {"status_code": 2031, "error": "Passphrase anda salah"})
            properties = payload.get("signatureProperties") or [{}]
            signed = [
                base64.b64encode(standin.sign(base64.b64decode(item), properties[0])).decode()
                for item in files
            ]
            return self._answer(200, {"file": signed, "time": int(time.time() * 1000)})

        def _verify(self, payload):
            check = check_pdf(base64.b64decode(payload.get("file") or ""), trust_roots=[standin.ca])
            if not check.signed:
                return self._answer(
                    200,
                    {
                        "conclusion": "NO_SIGNATURE",
                        "description": "Dokumen tidak bertanda tangan",
                        "signatureInformations": [],
                    },
                )  # noqa: E501
            return self._answer(
                200,
                {
                    "conclusion": "VALID" if check.ok and check.trusted else "INVALID",
                    "description": check.summary,
                    "signatureInformations": [
                        {
                            "signerName": check.signer,
                            "signatureDate": check.signed_at.isoformat() if check.signed_at else None,
                            "certificateTrusted": check.trusted,
                            "integrityValid": check.intact,
                            "modified": not check.intact,
                        }
                    ],
                },
            )

    return Handler
