"""Where the app's render of a document goes beyond the rendering core (issue #18 item 3), in CPU time.

Usage (from the project root, with the virtualenv):
    SECRET_KEY=bench-only .venv/bin/python bench/render_parts.py --rounds 10

The same throwaway SQLite database as bench/render_compare.py (102 fictional members, one issued SK),
no Chromium in the process. Per round, alternating, for the Keputusan, its SALINAN and a Petikan: the
app's `render_document_pdf`; the same with the garbage collector held off as a worker holds it
(`rendering.collector_paused`, the collection after it included); then its parts one by one: the
document's context (database, letterhead, QR code), the template, WeasyPrint's layout, the PDF writing;
and the rendering core alone on the same HTML (`layout_html` + `write_pdf`). The app's Petikan is
spliced on its kept layout from the second round on (pps_admin/member_layout.py); its `layout` and `core`
parts are the full layout (bench/render_members.py compares the two). This process's CPU time
(`time.process_time`), medians and minimums after two warm-up rounds, in milliseconds. Not part of the
tests.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.render_compare import documents_html, prepare  # noqa: E402
from bench.render_petikan import setup_django  # noqa: E402

PARTS = ("app", "app-paused", "context", "template", "layout", "write", "core")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        prepare()
        from pps_admin import rendering
        from secretariat.services import decree_documents as dd
        from secretariat.services.document_jobs import render_document_pdf
        from secretariat.services.verification import document_stamp

        docs = documents_html()

        def paused_render(document):
            # As the worker renders (document_jobs/render.py): the collector held off, then one collection.
            with rendering.collector_paused():
                return render_document_pdf(document)

        def context_of(name, document):
            if name == "petikan":
                entry = dd._entries(document.decree).get(appointment_id=document.appointment_id)
                return {**dd.petikan_context(document.decree, entry), "stamp": document_stamp(document)}
            context = dd.keputusan_context(document.decree, salinan=name == "salinan")
            return {**context, "stamp": document_stamp(document)}

        cpu = {(name, part): [] for name in docs for part in PARTS}
        for round_number in range(args.rounds + 2):
            for name, (document, template, html) in docs.items():

                def timed(part, function, name=name, round_number=round_number):
                    start = time.process_time()
                    result = function()
                    if round_number >= 2:
                        cpu[name, part].append((time.process_time() - start) * 1000)
                    return result

                timed("app", lambda document=document: render_document_pdf(document))
                timed("app-paused", lambda document=document: paused_render(document))
                context = timed("context", lambda name=name, document=document: context_of(name, document))
                page = timed(
                    "template",
                    lambda template=template, context=context: rendering.render_html(
                        template, {**context, "static_base": rendering.STATIC_PREFIX}
                    ),
                )
                laid_out = timed("layout", lambda page=page: rendering.layout_html(page))
                timed("write", lambda laid_out=laid_out: rendering.write_pdf(laid_out))
                timed("core", lambda html=html: rendering.write_pdf(rendering.layout_html(html)))
    print(f"rounds={args.rounds} (after 2 warm-up rounds), CPU ms of this process: median (min)")
    for name in docs:
        row = "  ".join(
            f"{part} {statistics.median(cpu[name, part]):.1f} ({min(cpu[name, part]):.1f})" for part in PARTS
        )
        print(f"  {name:10} {row}")


if __name__ == "__main__":
    main()
