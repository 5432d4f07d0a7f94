"""The CSS cascade alone (WeasyPrint's `get_all_computed_styles`) under WeasyPrint's own user-agent
stylesheet and under pps_admin/document_ua.css, alternating, in CPU time (issue #18, the lean sheet).

Usage (from the project root, with the virtualenv):
    SECRET_KEY=bench-only .venv/bin/python bench/render_cascade.py --rounds 12

The same throwaway SQLite database and HTML as bench/render_compare.py (a Petikan, the Keputusan, its
SALINAN). Medians and minimums after two warm-up rounds, milliseconds. Not part of the tests.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        prepare()
        from weasyprint.css import get_all_computed_styles
        from weasyprint.css.counters import CounterStyle

        from pps_admin import rendering

        rendering.warm_up()
        docs = documents_html()
        print(f"rounds={args.rounds} (after 2 warm-up rounds), cascade CPU ms: median (min)")
        for name, (_document, _template, html) in docs.items():
            cpu = {"WeasyPrint's html5_ua.css": [], "document_ua.css": []}
            for round_number in range(args.rounds + 2):
                for label, lean in (("WeasyPrint's html5_ua.css", False), ("document_ua.css", True)):
                    source, stylesheets = rendering.document_source(html, lean_user_agent=lean)
                    start = time.process_time()
                    fonts = rendering._font_config()
                    styles = CounterStyle()
                    get_all_computed_styles(source, stylesheets, font_config=fonts, counter_style=styles)
                    if round_number >= 2:
                        cpu[label].append((time.process_time() - start) * 1000)
            row = "  ".join(f"{label} {statistics.median(v):.1f} ({min(v):.1f})" for label, v in cpu.items())
            print(f"  {name:10} {row}")


if __name__ == "__main__":
    main()
