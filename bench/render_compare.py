"""The app's render against Chromium on the same HTML, side by side (issue #18 goal 1).

Usage (from the project root, with the virtualenv):
    .venv/bin/python bench/render_compare.py --rounds 15
    .venv/bin/python bench/render_compare.py --rounds 15 --out /tmp/compare   # also writes the PDFs

It builds a throwaway SQLite database in a temporary folder (the 34 kelurahan, the fictional 102-member
roster, one issued SK), then for a Petikan, the Keputusan (8 pages) and its SALINAN (9 pages) times, in one
process and interleaved (A, B, C, B, C, A, C, A, B ...: the machine is shared, so every round sees the same
load, and each round starts with the next renderer, so that no renderer always follows the same one):

- app: `render_document_pdf` (what a worker runs: the document's context, template, WeasyPrint, PDF/A-3a);
  for the Petikan, from the second render on, its shared text's layout kept and the member's block placed
  in it (pps_admin/member_layout.py), as for every Petikan of a job but the first of each block height;
- app-html (Petikan only): the rendering core as a worker runs it after the document's context, on the
  same HTML as Chromium's row: the HTML of 12 members' Petikan in turn, each spliced on the kept layout
  (`rendering.layout_member_html` + `write_pdf`). What goal 1 compares: `app` also reads the document's
  context from the database, with no job memo (the bench's documents were never sent to a worker), and
  makes its QR code; the Keputusan's and SALINAN's core on the same HTML is the `weasyprint` row;
- app-full (Petikan only): as app with the kept layouts dropped first, so laid out in full (the first
  Petikan of a process, and every one before member_layout);
- weasyprint: the same HTML through `pps_admin.rendering` alone (layout + PDF, no database or template);
- full-ua: as weasyprint, with WeasyPrint's own user-agent stylesheet instead of pps_admin/document_ua.css
  (before issue #18's lean sheet);
- inline-css: the same HTML through WeasyPrint with its <style> parsed each time (before issue #18);
- unfrozen: as weasyprint, with the objects alive at start-up given back to the garbage collector
  (`gc.unfreeze()` for the render: before issue #18);
- chromium: Debian's Chromium through Playwright, one page reused, `page.set_content(html)` + `page.pdf()`
  at the page size of the document's CSS (what Gotenberg does), the static fonts served by a route.

Medians and ranges (min-max) in milliseconds, and the page count of each output. Not part of the tests.
"""

import argparse
import datetime as dt
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import os  # noqa: E402

from bench.render_petikan import setup_django  # noqa: E402

# Playwright's sync API runs an event loop in this thread; the Django calls between its calls are sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# As in production: the check address under every QR code (SITE_URL + /cek/<code>/), a larger QR code than
# the check code alone that a document carries without SITE_URL. `SITE_URL= ...` measures without it.
os.environ.setdefault("SITE_URL", "https://pps.kpu-balikpapan.go.id")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def prepare() -> None:
    from django.core.management import call_command

    from secretariat.services.decrees import decree_issue
    from secretariat.services.demo import demo_csv
    from secretariat.services.importing import members_import

    call_command("migrate", verbosity=0)
    assert members_import(data=demo_csv(), dry_run=False).ok
    decree_issue(decree_date=dt.date(2024, 6, 1))


def documents_html() -> dict:
    """name -> (document, the HTML the app lays out for it)."""
    from pps_admin import rendering
    from secretariat.models import Document, DocumentKind
    from secretariat.services import decree_documents as dd
    from secretariat.services.verification import document_stamp

    petikan = Document.objects.filter(kind=DocumentKind.PETIKAN).order_by("pk").first()
    keputusan = Document.objects.get(kind=DocumentKind.KEPUTUSAN)
    entry = dd._entries(petikan.decree).get(appointment_id=petikan.appointment_id)
    petikan_context = {**dd.petikan_context(petikan.decree, entry), "stamp": document_stamp(petikan)}
    salinan = Document.objects.get(kind=DocumentKind.SALINAN)
    keputusan_context = {**dd.keputusan_context(keputusan.decree), "stamp": document_stamp(keputusan)}
    salinan_context = {**dd.keputusan_context(salinan.decree, salinan=True), "stamp": document_stamp(salinan)}

    def html(template, context):
        return rendering.render_html(template, {**context, "static_base": rendering.STATIC_PREFIX})

    return {
        "petikan": (petikan, "documents/petikan.html", html("documents/petikan.html", petikan_context)),
        "keputusan": (
            keputusan,
            "documents/keputusan.html",
            html("documents/keputusan.html", keputusan_context),
        ),
        "salinan": (salinan, "documents/keputusan.html", html("documents/keputusan.html", salinan_context)),
    }


def weasyprint_pdf(html: str) -> bytes:
    """The same HTML through the rendering core's own pieces (fetcher, fonts, PDF/A-3a), no database."""
    from pps_admin import rendering

    layout = getattr(rendering, "layout_html", None)
    if layout is None:  # an older checkout (bench/RESULTS.md compares commits): its own pieces
        from weasyprint import HTML

        return rendering.write_pdf(
            HTML(string=html, base_url=rendering.BASE_URL, url_fetcher=rendering.make_fetcher()).render(
                font_config=rendering._font_config(), pdf_variant=rendering.PDF_VARIANT
            )
        )
    return rendering.write_pdf(layout(html))


def full_ua_pdf(html: str) -> bytes:
    """As weasyprint, with WeasyPrint's own html5_ua.css (before the lean user-agent sheet)."""
    from pps_admin import rendering

    if not hasattr(rendering, "document_source"):  # an older checkout: it has no other sheet
        return weasyprint_pdf(html)
    source, stylesheets = rendering.document_source(html, lean_user_agent=False)
    return rendering.write_pdf(
        source.render(
            font_config=rendering._font_config(), pdf_variant=rendering.PDF_VARIANT, stylesheets=stylesheets
        )
    )


def inline_style_pdf(html: str) -> bytes:
    """As the rendering core did before issue #18: the <style> parsed with each document."""
    from weasyprint import HTML

    from pps_admin import rendering

    return rendering.write_pdf(
        HTML(string=html, base_url=rendering.BASE_URL, url_fetcher=rendering.make_fetcher()).render(
            font_config=rendering._font_config(), pdf_variant=rendering.PDF_VARIANT
        )
    )


def unfrozen_pdf(html: str) -> bytes:
    """With the start-up heap back in the garbage collector's sight (before issue #18)."""
    import gc

    gc.unfreeze()
    try:
        return weasyprint_pdf(html)
    finally:
        gc.freeze()


PETIKAN_ONLY = {"app-full", "app-html"}
# Members whose Petikan HTML app-html and Chromium's Petikan row take in turn.
MEMBERS_IN_TURN = 12


def member_htmls(count: int) -> list[str]:
    """The HTML of the first `count` Petikan of the SK, as the app makes it for each."""
    from pps_admin import rendering
    from secretariat.models import Document, DocumentKind
    from secretariat.services import decree_documents as dd
    from secretariat.services.verification import document_stamp

    petikan = Document.objects.filter(kind=DocumentKind.PETIKAN).order_by("pk")[:count]
    entries = {entry.appointment_id: entry for entry in dd._entries(petikan[0].decree)}
    return [
        rendering.render_html(
            "documents/petikan.html",
            {
                **dd.petikan_context(document.decree, entries[document.appointment_id]),
                "stamp": document_stamp(document),
                "static_base": rendering.STATIC_PREFIX,
            },
        )
        for document in petikan
    ]


def app_html_pdf(html: str) -> bytes:
    """The worker's rendering core for a Petikan's HTML: spliced on the kept layout."""
    from pps_admin import rendering

    layout = getattr(rendering, "layout_member_html", None)
    if layout is None:  # an older checkout: laid out in full
        return weasyprint_pdf(html)
    return rendering.write_pdf(layout(html))


def app_full_pdf(document) -> bytes:
    """The app's render with no layout kept from before (an older checkout has none to drop). The other
    rows' kept layouts are put back after it: dropping them (as this row did until session 11) made the
    next `app` or `app-html` render of each round a full layout too, not what a worker does."""
    from secretariat.services.document_jobs import render_document_pdf

    try:
        from pps_admin import member_layout
    except ImportError:
        return render_document_pdf(document)
    # The bench reaches into the module's per-thread store: the product has no hook to set it aside.
    kept = getattr(member_layout._local, "layouts", None)
    member_layout._local.layouts = None
    try:
        return render_document_pdf(document)
    finally:
        member_layout._local.layouts = kept


def chromium_page(playwright):
    from pps_admin.rendering import STATIC_PREFIX, static_path

    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
    )
    page = browser.new_page()

    def serve(route):
        url = route.request.url
        path = static_path(url[len(STATIC_PREFIX) :]) if url.startswith(STATIC_PREFIX) else None
        if path is None:
            route.abort()
        else:
            route.fulfill(body=path.read_bytes(), content_type="font/otf")

    page.route("https://pps-admin.invalid/**", serve)
    return browser, page


def chromium_pdf(page, html: str) -> bytes:
    page.set_content(html, wait_until="load")
    # The page size comes from the document's @page rule, as WeasyPrint takes it.
    return page.pdf(prefer_css_page_size=True, print_background=True)


def pages_of(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--out", type=Path, help="write each renderer's PDFs into this folder")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        prepare()
        from secretariat.services.document_jobs import render_document_pdf

        docs = documents_html()
        members = member_htmls(MEMBERS_IN_TURN)
        # app-html and Chromium take the same members' Petikan in the same order.
        turns = {"app-html": itertools.cycle(members), "chromium": itertools.cycle(members)}

        def html_of(renderer, name):
            return next(turns[renderer]) if name == "petikan" and renderer in turns else docs[name][2]

        with sync_playwright() as playwright:
            browser, page = chromium_page(playwright)
            renderers = {
                "app": lambda name: render_document_pdf(docs[name][0]),
                "app-html": lambda name: app_html_pdf(html_of("app-html", name)),
                "app-full": lambda name: app_full_pdf(docs[name][0]),
                "weasyprint": lambda name: weasyprint_pdf(docs[name][2]),
                "full-ua": lambda name: full_ua_pdf(docs[name][2]),
                "inline-css": lambda name: inline_style_pdf(docs[name][2]),
                "unfrozen": lambda name: unfrozen_pdf(docs[name][2]),
                "chromium": lambda name: chromium_pdf(page, html_of("chromium", name)),
            }
            outputs = {}
            for name in docs:  # warm-up: fonts loaded, caches filled, Chromium's first page
                for renderer, render in renderers.items():
                    if renderer in PETIKAN_ONLY and name != "petikan":
                        continue
                    outputs[name, renderer] = render(name)
            times = {key: [] for key in outputs}
            cpu = {key: [] for key in outputs}
            order = list(renderers)
            for round_number in range(args.rounds):
                # Each round starts with another renderer: none always runs right after Chromium (whose
                # processes are still busy then) or first after a document switch.
                shift = round_number % len(order)
                for name in docs:
                    for renderer in order[shift:] + order[:shift]:
                        if (name, renderer) not in outputs:
                            continue
                        render = renderers[renderer]
                        start, start_cpu = time.perf_counter(), time.process_time()
                        render(name)
                        times[name, renderer].append((time.perf_counter() - start) * 1000)
                        cpu[name, renderer].append((time.process_time() - start_cpu) * 1000)
            browser.close()
    print(
        f"rounds={args.rounds} (interleaved), milliseconds: wall median [min-max], this process's CPU "
        "median (Chromium's work is in its own processes), pages"
    )
    for (name, renderer), values in times.items():
        data = outputs[name, renderer]
        print(
            f"  {name:10} {renderer:11} {statistics.median(values):8.1f} "
            f"[{min(values):.1f}-{max(values):.1f}]  cpu {statistics.median(cpu[name, renderer]):7.1f} "
            f"(min {min(cpu[name, renderer]):.1f})  "
            f"pages={pages_of(data)}"
        )
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{name}-{renderer}.pdf").write_bytes(data)
    for name in docs:
        chromium = statistics.median(times[name, "chromium"])
        core = "app-html" if name == "petikan" else "weasyprint"
        same_html = statistics.median(times[name, core]) / chromium
        with_context = statistics.median(times[name, "app"]) / chromium
        print(f"  {name}: on the same HTML {core} / chromium = {same_html:.2f}", end="")
        print(f"    app / chromium = {with_context:.2f}")


if __name__ == "__main__":
    main()
