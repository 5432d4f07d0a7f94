"""Reading a document's QR code back as a phone would: the page rasterised (pdftoppm) and decoded (zbar)."""

import subprocess
import tempfile
from pathlib import Path

from django.core.cache import caches
from django.test import RequestFactory

from secretariat.check.throttle import client_key


def qr_codes(source, *, page: int = 1, dpi: int = 200) -> list[str]:
    """Every QR code zbarimg reads on one page of a PDF (path or bytes)."""
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    with tempfile.TemporaryDirectory() as folder:
        pdf_path = Path(folder) / "doc.pdf"
        pdf_path.write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                pdf_path,
                Path(folder) / "page",
            ],
            check=True,
        )
        result = subprocess.run(
            ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", Path(folder) / "page.png"],
            capture_output=True,
            text=True,
        )
    # zbarimg exits 4 when it finds no code; stderr carries D-Bus noise of the container.
    return [line for line in result.stdout.splitlines() if line]


def forget_rate_limit():
    """The test client's requests all come from 127.0.0.1: start each test with its count at zero (only
    that key: the cache is Redis, whose other keys belong to the Celery queues)."""
    caches["ratelimit"].delete(client_key(RequestFactory().get("/")))
