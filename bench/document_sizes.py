"""Document sizes and render times; the bundel cetak of 102 Petikan, merged vs one PDF (issue #13 item 13).

Usage (from the project root, with the virtualenv):
    .venv/bin/python bench/document_sizes.py

It builds a throwaway SQLite database (the 34 kelurahan, the fictional 102-member roster, one issued SK),
renders the Keputusan and every Petikan through the real rendering core (PDF/A-3a, tagged) and reports
their sizes and median render times; then the print bundle two ways: the 102 files merged with pypdf (what
the bundle was before: every file brings its own font subsets) and `decree_print_bundle` (laid out again,
written once: each font embedded once). Not part of the test suite.
"""

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_petikan import prepare  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        prepare(database)
        from pypdf import PdfReader, PdfWriter

        from secretariat.models import Decree, Document, DocumentKind
        from secretariat.services import decree_documents, document_jobs

        decree = Decree.objects.get()
        timings = {}
        files = {}
        for document in Document.objects.filter(decree=decree).select_related("decree", "appointment"):
            start = time.perf_counter()
            data = document_jobs.render_document_pdf(document)
            timings.setdefault(document.kind, []).append(time.perf_counter() - start)
            files.setdefault(document.kind, []).append(data)
        for kind, datas in files.items():
            pages = [len(PdfReader(io.BytesIO(data)).pages) for data in datas]
            size = statistics.median(len(d) for d in datas) / 1024
            render_ms = statistics.median(timings[kind]) * 1000
            print(
                f"{kind}: {len(datas)} files, median {size:.1f} KiB, "
                f"pages {min(pages)}-{max(pages)}, median render {render_ms:.0f} ms"
            )
        writer = PdfWriter()
        for data in files[DocumentKind.PETIKAN]:
            writer.append(io.BytesIO(data))
        buffer = io.BytesIO()
        writer.write(buffer)
        print(f"bundle, 102 files merged (pypdf): {len(buffer.getvalue()) / 1024:.0f} KiB")
        # The cost of PDF/A-3a (tags, output intent, XMP) on one Petikan: alternate with no variant.
        from pps_admin import rendering

        petikan = Document.objects.filter(decree=decree, kind=DocumentKind.PETIKAN).first()
        variant_times = {None: [], rendering.PDF_VARIANT: []}
        variant_sizes = {}
        for _ in range(15):
            for variant in variant_times:
                rendering.PDF_VARIANT = variant
                start = time.perf_counter()
                variant_sizes[variant] = len(document_jobs.render_document_pdf(petikan))
                variant_times[variant].append(time.perf_counter() - start)
        rendering.PDF_VARIANT = "pdf/a-3a"
        for variant, times in variant_times.items():
            print(
                f"petikan, variant {variant}: median {statistics.median(times) * 1000:.0f} ms, "
                f"{variant_sizes[variant] / 1024:.1f} KiB"
            )
        Document.objects.filter(decree=decree).update(status="done", sha256="x" * 64, file="x.pdf")
        start = time.perf_counter()
        bundle = decree_documents.decree_print_bundle(decree)
        elapsed = time.perf_counter() - start
        pages = len(PdfReader(io.BytesIO(bundle)).pages)
        size = len(bundle) / 1024
        print(f"bundle, one PDF (decree_print_bundle): {size:.0f} KiB, {pages} pages, {elapsed:.1f} s")
        start = time.perf_counter()
        assert decree_documents.decree_print_bundle(decree) == bundle
        print(f"bundle, second download (stored): {(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
