"""Session 12's footer and table CSS against the CSS before it, in one process (issue #18 goal 1).

Usage (from the project root, with the virtualenv):
    SECRET_KEY=bench-only .venv/bin/python bench/table_css.py --rounds 15
    SITE_URL=https://<a check address longer than the footer> ... bench/table_css.py --rounds 3

The change (templates/documents/base.html, petikan.html, keputusan.html, pakta.html) spares WeasyPrint
what it measured on every page: the footer's margin box and the page number's get a set width (`width:
100%`; without one WeasyPrint sizes them from their content's narrowest and widest layouts, and what they
hold prints at the same place either way: the check block from the box's left edge, shrunk to fit, the
page number centred), and the tables without borders are in the separate border model with no spacing
instead of the collapsed one. It must not change a single byte of any document. (The pact's identity
table and the attendance sheet's footer are not in this bench: they were compared as page images and
word positions, bench/RESULTS.md "#18 margin boxes".)

This bench takes the HTML the templates make now (a Petikan of 12 members in turn, spliced on the kept
layout as a worker does, the Keputusan and its SALINAN) and the same HTML with the previous CSS put back
(the text substitutions in `BEFORE`), renders the two alternately in one process (so that the machine's
speed, which varies a lot, is the same for both), and prints the CPU medians of each and asserts that both
give the same PDF bytes. The medians are `time.process_time()` of layout + PDF writing.
"""

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import os  # noqa: E402

from bench.render_compare import MEMBERS_IN_TURN, documents_html, member_htmls, prepare  # noqa: E402
from bench.render_petikan import setup_django  # noqa: E402

os.environ.setdefault("SITE_URL", "https://pps.kpu-balikpapan.go.id")

# (the CSS now, the CSS before session 12): a text missing from a document is skipped (the Petikan has
# no page number), one missing from every document is an error (the templates changed again).
BEFORE = [
    (
        "@bottom-left { content: element(checkstamp); vertical-align: middle; width: 100%; } }",
        "@bottom-left { content: element(checkstamp); vertical-align: middle; } }",
    ),
    ("padding-bottom: 4mm; width: 100%; } }", "padding-bottom: 4mm; } }"),
    (
        ".check-stamp { position: running(checkstamp); border-spacing: 0; font-size: 7.5pt;",
        ".check-stamp { position: running(checkstamp); border-collapse: collapse; font-size: 7.5pt;",
    ),
    (
        "table.clauses { width: 100%; table-layout: fixed; border-spacing: 0;",
        "table.clauses { width: 100%; table-layout: fixed; border-collapse: collapse;",
    ),
    ("table.person { border-spacing: 0; margin", "table.person { border-collapse: collapse; margin"),
    (
        "table-layout: fixed; border-spacing: 0; break-inside: avoid; }",
        "table-layout: fixed; border-collapse: collapse; break-inside: avoid; }",
    ),
]


def css_before(html: str, used: set) -> str:
    for index, (now, before) in enumerate(BEFORE):
        if now in html:
            used.add(index)
            html = html.replace(now, before)
    return html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        prepare()
        from pps_admin import rendering

        used: set = set()
        docs = {name: html for name, (_, _, html) in documents_html().items()}
        members = member_htmls(MEMBERS_IN_TURN)
        variants = {
            "petikan": {"now": members, "before": [css_before(html, used) for html in members]},
            **{
                name: {"now": [html], "before": [css_before(html, used)]}
                for name, html in docs.items()
                if name != "petikan"
            },
        }
        missing = set(range(len(BEFORE))) - used
        assert not missing, f"not in any document (the templates changed): {[BEFORE[i][0] for i in missing]}"

        def render(name, html):
            layout = rendering.layout_member_html if name == "petikan" else rendering.layout_html
            return rendering.write_pdf(layout(html))

        cpu = {(name, side): [] for name in variants for side in ("now", "before")}
        for name, sides in variants.items():
            # Warm-up, and the check: the same bytes either way, for every member.
            for now, before in zip(sides["now"], sides["before"], strict=True):
                assert now != before
                assert render(name, now) == render(name, before), f"{name}: the PDFs differ"
            turns = {side: itertools.cycle(htmls) for side, htmls in sides.items()}
            count = args.rounds * (len(sides["now"]) if name == "petikan" else 1)
            for index in range(count):
                for side in ("now", "before") if index % 2 else ("before", "now"):
                    start = time.process_time()
                    render(name, next(turns[side]))
                    cpu[name, side].append((time.process_time() - start) * 1000)
    print(f"rounds={args.rounds}; CPU ms of layout + PDF, medians (min); the PDFs equal byte for byte")
    for name in variants:
        before, now = (statistics.median(cpu[name, side]) for side in ("before", "now"))
        print(
            f"  {name:10} before {before:7.1f} (min {min(cpu[name, 'before']):.1f})   "
            f"now {now:7.1f} (min {min(cpu[name, 'now']):.1f})   {100 * (now - before) / before:+.1f} %"
        )


if __name__ == "__main__":
    main()
