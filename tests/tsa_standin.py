"""A stand-in RFC 3161 timestamp authority: a real HTTP server in a thread answering
`application/timestamp-query` with tokens from pyHanko's test timestamper, under a TSA certificate of its
own test CA (extended key usage timeStamping, as RFC 3161 requires)."""

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pps_admin.signing.local_ca import issue_certificates


class TsaStandin:
    def __init__(self):
        from asn1crypto import keys
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        ca_key, ca_cert, tsa_key, _ = issue_certificates(organization="TSA Uji", ca_name="CA Uji TSA")
        now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
        tsa_cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA Uji")]))
            .issuer_name(ca_cert.subject)
            .public_key(tsa_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(ca_key, hashes.SHA256())
        )

        def asn1(certificate):
            return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

        self.ca = asn1(ca_cert)
        key_der = tsa_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self._stamper = DummyTimeStamper(
            tsa_cert=asn1(tsa_cert), tsa_key=keys.PrivateKeyInfo.load(key_der), certs_to_embed=[self.ca]
        )
        self.requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/tsa"

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002 - the base class's name
                pass

            def do_POST(self):  # noqa: N802 - the base class's name
                from asn1crypto import tsp

                request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
                standin.requests += 1
                body = standin._stamper.request_tsa_response(request).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
