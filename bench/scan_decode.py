"""Time to read the pages of a ceremony's scan upload (issue #16.6): `upload_pages` (the cut, in the request)
then `pages_read` (checks and QR codes, in the worker) on one multi-page PDF and
on separate JPEGs made from a rendered pact (pdftoppm at --dpi, rotated 2.5 degrees, JPEG quality 60), plus
one blank page (the worst case: every decoding pass runs and finds nothing).

Usage (from the project root; any rendered pact PDF, e.g. from `manage.py generate_pacts --wait`):
    SECRET_KEY=x .venv/bin/python bench/scan_decode.py --pdf media/documents/pakta/1/pakta-....pdf --pages 20
"""

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pps_admin.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image  # noqa: E402

from pps_admin.scans.pages import MAX_INTAKE_FILES, pages_read, upload_pages  # noqa: E402


def scan_of(pdf: Path, dpi: int) -> Image.Image:
    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / "page"
        command = ["pdftoppm", "-r", str(dpi), "-singlefile", "-png", str(pdf), str(stem)]
        subprocess.run(command, check=True)  # noqa: S603, S607 - fixed program, our own arguments
        page = Image.open(stem.with_suffix(".png")).convert("RGB")
    tilted = page.rotate(2.5, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    out = io.BytesIO()
    tilted.save(out, "JPEG", quality=60)
    return Image.open(io.BytesIO(out.getvalue()))


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=60)
    return out.getvalue()


def timed(uploads) -> tuple[float, float, int]:
    """Seconds to cut (in the request), seconds to read (in the worker), pages whose code was read."""
    start = time.perf_counter()
    pages = upload_pages(uploads)
    cut = time.perf_counter() - start
    pages_read(pages)
    return cut, time.perf_counter() - start - cut, sum(1 for page in pages if page.codes)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdf", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--dpi", type=int, default=200)
    args = parser.parse_args()
    page = scan_of(args.pdf, args.dpi)
    blank = Image.new("RGB", page.size, "white")
    out = io.BytesIO()
    page.save(out, "PDF", save_all=True, append_images=[page] * (args.pages - 1), resolution=args.dpi)
    print(f"load average: {os.getloadavg()[0]:.1f}")
    n = args.pages
    cut, seconds, read = timed([SimpleUploadedFile("scan.pdf", out.getvalue())])
    print(f"PDF, {n} pages: cut {cut:.2f} s in all, read {seconds / n * 1000:.0f} ms/page, codes {read}/{n}")
    n = min(n, MAX_INTAKE_FILES)
    cut, seconds, read = timed([SimpleUploadedFile(f"{i}.jpg", jpeg(page)) for i in range(n)])
    print(f"JPEG, {n} files: cut {cut:.2f} s in all, read {seconds / n * 1000:.0f} ms/page, codes {read}/{n}")
    _, seconds, _ = timed([SimpleUploadedFile("blank.jpg", jpeg(blank))])
    print(f"blank page: {seconds * 1000:.0f} ms")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
