"""Every member's Petikan of a decree, laid out in full against spliced on the kept shared text
(pps_admin/member_layout.py, issue #18 goal 1), in CPU time.

Usage (from the project root, with the virtualenv):
    SECRET_KEY=bench-only .venv/bin/python bench/render_members.py --rounds 3
    SECRET_KEY=bench-only .venv/bin/python bench/render_members.py --rounds 4 --bundle

The same throwaway SQLite database as bench/render_compare.py (102 fictional members, one issued SK).
Per round, for each of the 102 members in turn, alternating which goes first: the Petikan laid out in full
(`rendering.render_document`, as before member_layout) and as the app lays it out
(`decree_documents.petikan_document`: spliced when a kept layout fits), each then written as PDF/A-3a;
the two PDFs are checked to be the same bytes. The kept layouts are dropped at the start of each round, so
each round pays the first layouts of a job again. Each document is made inside
`rendering.collector_paused()`, as a worker makes it. This process's CPU time (`time.process_time`),
medians and minimums over all members and rounds after one warm-up round, in milliseconds.

`--bundle`: the decree's print bundle instead (all 102 Petikan laid out and written as one PDF,
`decree_documents._bundle_pdf`, its kept layouts dropped first) against the same bundle of full layouts,
alternating, CPU seconds of each round (no warm-up round; the PDFs checked identical). Not part of the
tests.
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.render_compare import prepare  # noqa: E402
from bench.render_petikan import setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bundle", action="store_true", help="time the print bundle instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        prepare()
        from pps_admin import member_layout, rendering
        from secretariat.models import Document, DocumentKind
        from secretariat.services import decree_documents as dd
        from secretariat.services.verification import document_stamp

        rendering.warm_up()
        documents = list(Document.objects.filter(kind=DocumentKind.PETIKAN).order_by("pk"))
        decree = documents[0].decree
        entries = {entry.appointment_id: entry for entry in dd._entries(decree)}
        base = dd._base_context(decree)
        contexts = [
            {**dd.petikan_context(decree, entries[d.appointment_id], base=base), "stamp": document_stamp(d)}
            for d in documents
        ]
        metadata = dd.decree_pdf_metadata(decree, "Petikan Keputusan")

        def full(context):
            for layout in dd.PETIKAN_LAYOUTS:
                document = rendering.render_document("documents/petikan.html", {**context, **layout})
                if len(document.pages) == 1:
                    return document
            return document

        if args.bundle:
            bundle_rounds(args.rounds, decree, full)
            return
        paths = {"full": full, "app": dd.petikan_document}
        cpu = {(path, part): [] for path in paths for part in ("layout", "write", "total")}
        made = Counter()
        for round_number in range(args.rounds + 1):
            member_layout.forget()
            for number, context in enumerate(contexts):
                order = list(paths) if (number + round_number) % 2 else list(reversed(paths))
                pdfs = {}
                for path in order:
                    with rendering.collector_paused():
                        start = time.process_time()
                        document = paths[path](context)
                        laid_out = time.process_time()
                        pdfs[path] = rendering.write_pdf(document, metadata)
                        written = time.process_time()
                    if round_number:
                        cpu[path, "layout"].append((laid_out - start) * 1000)
                        cpu[path, "write"].append((written - laid_out) * 1000)
                        cpu[path, "total"].append((written - start) * 1000)
                        if path == "app":
                            made[document.member_layout] += 1
                assert pdfs["full"] == pdfs["app"], f"member {number}: the PDFs differ"
    print(
        f"rounds={args.rounds} x {len(contexts)} members (after 1 warm-up round), CPU ms of this process "
        "per Petikan: median (min); PDFs identical both ways"
    )
    for path in paths:
        row = "  ".join(
            f"{part} {statistics.median(cpu[path, part]):.1f} ({min(cpu[path, part]):.1f})"
            for part in ("layout", "write", "total")
        )
        print(f"  {path:5} {row}")
    print(f"  app layouts: {dict(made)}")


def bundle_rounds(rounds: int, decree, full) -> None:
    from dataclasses import replace

    from pps_admin import member_layout, rendering
    from secretariat.services import decree_documents as dd

    entries = list(dd._entries(decree))

    def full_bundle():
        stamps, base = dd.petikan_stamps(decree), dd._base_context(decree)
        documents = [
            full({**dd.petikan_context(decree, entry, base=base), "stamp": stamps[entry.appointment_id]})
            for entry in entries
        ]
        bundle = documents[0].copy([page for document in documents for page in document.pages])
        metadata = dd.decree_pdf_metadata(decree, "Petikan Keputusan")
        return rendering.write_pdf(bundle, replace(metadata, title=f"Bundel Cetak {metadata.title}"))

    def app_bundle():
        member_layout.forget()
        return dd._bundle_pdf(decree, entries)

    cpu = {"full": [], "app": []}
    for round_number in range(rounds):
        pdfs = {}
        order = [("full", full_bundle), ("app", app_bundle)]
        for name, make in order if round_number % 2 else reversed(order):
            with rendering.collector_paused():
                start = time.process_time()
                pdfs[name] = make()
                cpu[name].append(time.process_time() - start)
        assert pdfs["full"] == pdfs["app"], "the bundles differ"
    print(f"print bundle of {len(entries)} Petikan, rounds={rounds}, CPU s of this process; PDFs identical")
    for name, values in cpu.items():
        print(f"  {name:5} median {statistics.median(values):.2f}  rounds {[round(v, 2) for v in values]}")


if __name__ == "__main__":
    main()
