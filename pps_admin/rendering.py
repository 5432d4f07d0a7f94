"""The one place that turns a template + context into PDF bytes (decrees, petikan, pacts, sheets).

- No request object: workers call it with plain data.
- Django templates autoescape every value, so names with markup print literally.
- WeasyPrint fetches nothing but the project's own static files (fonts, CSS, images) and `data:` URIs
  (the uploaded letterhead logo is embedded as one after its type was checked). No file://, no network.
- One FontConfiguration per process (workers render many documents; reusing it is faster and keeps
  memory flat), and each distinct stylesheet parsed once per process: the document's <style> is taken
  out of its HTML and handed to WeasyPrint as a parsed `CSS` object kept for the next document with the
  same CSS text, and the objects alive at the first render frozen out of the garbage collector's sight
  (`_freeze_long_lived`). Both measured in bench/RESULTS.md "#18 rendering".
- A lean user-agent stylesheet (document_ua.css, a reduced copy of WeasyPrint's) instead of WeasyPrint's
  html5_ua.css, whose rules that match every element made about half of a Keputusan's cascade. WeasyPrint
  has no public option for this; `DocumentHTML` overrides its private `HTML._ua_stylesheets`, and
  tests/test_document_ua.py proves every computed style the same and fails if the hook goes away.
- A Petikan (one per member of a decree, the same but for the member's block) is laid out once per
  decree and process, the next members' blocks placed in that layout (`render_member_document`,
  pps_admin/member_layout.py; the very same PDF, proven per member by tests/test_member_layout.py).
- Every PDF is archival and tagged (PDF/A-3a: an sRGB output intent, XMP metadata, a structure tree for
  screen readers and text extraction) and carries Title, Author, Subject and a creation date. The date is
  the caller's (when the document was issued), never "now": a redelivered task renders the same bytes, which
  the write-once storage accepts (see secretariat.services.document_jobs.storage.write_once).

This module imports no project app (see shared/ARCHITECTURE.md).
"""

import atexit
import contextlib
import datetime as dt
import gc
import logging
import mimetypes
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

# WeasyPrint logs every step at INFO and every unsupported CSS property at WARNING; keep errors only.
for _name in ("weasyprint", "weasyprint.progress", "fontTools", "fontTools.subset", "fontTools.ttLib"):
    logging.getLogger(_name).setLevel(logging.ERROR)

# A reserved .invalid host: even if this fetcher were bypassed, no such host can exist.
BASE_URL = "https://pps-admin.invalid/"
STATIC_PREFIX = BASE_URL + settings.STATIC_URL.lstrip("/")

# PDF/A-3a = PDF/A-3 (ISO 19005-3, archival) at conformance level A, which WeasyPrint produces tagged
# (`pdf_tags`): the documents are records kept for years and read by screen readers. Measured cost in
# bench/RESULTS.md ("PDF/A-3a and metadata").
PDF_VARIANT = "pdf/a-3a"

_local = threading.local()
log = logging.getLogger(__name__)


def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


@atexit.register
def _drop_font_config():
    """WeasyPrint's FontConfiguration deletes its temporary font folder in `__del__`; left to interpreter
    shutdown, that runs after `shutil` is gone and prints "'NoneType' object is not callable"."""
    _local.stylesheets = None
    _local.font_config = None


_frozen_in_pid: int | None = None


def _freeze_long_lived():
    """Once per process, before its first layout: collect, then move every object alive (Django, the
    apps, WeasyPrint's user-agent stylesheets, the fonts) into the collector's permanent generation
    (`gc.freeze`). A layout allocates hundreds of thousands of objects, which set off full collections
    that walked that whole start-up heap each time: about a fifth of a Keputusan's render. Garbage is
    still collected as before; only what was alive at this moment is never examined again (its cycles,
    if any, are kept for good: a one-time cost, measured in bench/RESULTS.md with the worker's memory)."""
    global _frozen_in_pid
    if _frozen_in_pid != os.getpid():
        _frozen_in_pid = os.getpid()
        gc.collect()
        gc.freeze()


@contextlib.contextmanager
def collector_paused():
    """The garbage collector held off while a document is made, then one young-generation collection.

    A Keputusan's layout and writing allocate millions of objects: about 110 young and 10 middle
    collections and a full one per document, each walking what the render holds by then. Held off, the
    document's objects all stay young, and the one collection after it finds its cyclic garbage there
    (nothing of it was promoted): measured in bench/RESULTS.md "#18 store" (CPU and the worker's memory,
    which stays flat). Nested, only the outer block pauses and collects."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


# The documents' one <style> element (templates/documents/base.html). Its text comes from our templates
# alone: user text is escaped, so "<style>" never comes from a name or an address.
_STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.S)
# Distinct CSS texts kept per process: one per document kind and layout variant (compact, one sheet) and
# paper; more means something varies per document, and the cache starts again rather than grow.
STYLESHEETS_KEPT = 64


def _stylesheet(css: str):
    """The parsed stylesheet for `css`, made once per process (its @font-face rules load the fonts into
    this process's FontConfiguration, which keeps them)."""
    from weasyprint import CSS

    cache = getattr(_local, "stylesheets", None)
    if cache is None:
        cache = _local.stylesheets = {}
    sheet = cache.get(css)
    if sheet is None:
        if len(cache) >= STYLESHEETS_KEPT:
            cache.clear()
        sheet = cache[css] = CSS(
            string=css, base_url=BASE_URL, url_fetcher=make_fetcher(), font_config=_font_config()
        )
    return sheet


# The lean user-agent stylesheet (see the module's docstring and the notice in the file).
USER_AGENT_CSS = Path(__file__).with_name("document_ua.css")
_user_agent_sheet = None


def user_agent_stylesheet():
    """document_ua.css parsed once per process (it has no URL and no font, so nothing per document)."""
    global _user_agent_sheet
    if _user_agent_sheet is None:
        from weasyprint import CSS

        _user_agent_sheet = CSS(string=USER_AGENT_CSS.read_text("utf-8"))
    return _user_agent_sheet


def _document_html_class():
    from weasyprint import HTML

    class DocumentHTML(HTML):
        """WeasyPrint's HTML with document_ua.css as its user-agent stylesheet. `_ua_stylesheets` is
        private (WeasyPrint 70: weasyprint/__init__.py, called by css.get_all_computed_styles); if an
        upgrade renames it, this override is never called and the documents keep WeasyPrint's own sheet:
        the same output, slower, and tests/test_document_ua.py fails."""

        def _ua_stylesheets(self, forms=False):
            if forms:  # documents have no form fields; WeasyPrint's own sheets if one ever asks for them
                return super()._ua_stylesheets(forms)
            return [user_agent_stylesheet()]

    return DocumentHTML


_DOCUMENT_HTML = None


def _document_html():
    """DocumentHTML, made once per process (WeasyPrint is imported on first use)."""
    global _DOCUMENT_HTML
    if _DOCUMENT_HTML is None:
        _DOCUMENT_HTML = _document_html_class()
    return _DOCUMENT_HTML


def document_source(html: str, *, fetcher=None, lean_user_agent: bool = True):
    """A document's HTML ready to lay out: the WeasyPrint HTML (its <style> taken out) and that style's
    parsed stylesheets. `lean_user_agent=False`: with WeasyPrint's own user-agent sheet (for comparison)."""
    from weasyprint import HTML

    html_class = _document_html() if lean_user_agent else HTML
    styles = _STYLE_ELEMENT.findall(html)
    source = html_class(
        string=_STYLE_ELEMENT.sub("", html), base_url=BASE_URL, url_fetcher=fetcher or make_fetcher()
    )
    return source, [_stylesheet(css) for css in styles]


def warm_up() -> None:
    """What a process's first document would pay, paid before it: WeasyPrint imported (it parses its own
    stylesheets then), the FontConfiguration made, document_ua.css parsed and the start-up heap frozen
    (`_freeze_long_lived`). A worker process calls it once when it starts (pps_admin/celery.py), so the
    first document of a job no longer waits for it (bench/RESULTS.md "#18 store")."""
    _font_config()
    user_agent_stylesheet()
    _document_html()
    _freeze_long_lived()


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectOnlyFetcher(URLFetcher):
        """Serves static files of this project and data: URIs; refuses (and records) everything else."""

        def __init__(self):
            super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(STATIC_PREFIX):
                path = static_path(url[len(STATIC_PREFIX) :])
                if path is not None:
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            self.refused.append(url)
            # Not a secret, not personal: a URL that a template or a user tried to load.
            log.warning("Rendering refused to fetch %s", url[:200])
            raise ValueError("URL not allowed in documents")

    return ProjectOnlyFetcher


def static_path(relative: str) -> Path | None:
    """The file for a static path, only if it is a real file inside a static directory."""
    relative = relative.split("?", 1)[0].split("#", 1)[0]
    if not relative or ".." in Path(relative).parts or relative.startswith("/"):
        return None
    found = finders.find(relative)
    if not found:
        return None
    path = Path(found).resolve()
    roots = [Path(root).resolve() for root in _static_roots()]
    if not any(path.is_relative_to(root) for root in roots) or not path.is_file():
        return None
    return path


def _static_roots():
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                yield location


@dataclass(frozen=True)
class PdfMetadata:
    """What a PDF says about itself (File > Properties; archives and search index it). The title names the
    document ("Petikan Keputusan ... Nomor 1 Tahun 2024"), never the person it concerns: personal data has
    no place in metadata that every viewer and indexer shows."""

    title: str
    author: str
    subject: str = ""
    created: dt.datetime | dt.date | None = None


def _w3c_date(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        # In the office's time zone (WITA), as the date on the paper is.
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


def render_document(template_name: str, context: dict, *, fetcher=None):
    """The laid-out WeasyPrint document (pages), before it is written as a PDF."""
    html = render_html(template_name, {**context, "static_base": STATIC_PREFIX})
    return layout_html(html, fetcher=fetcher)


def render_member_document(template_name: str, context: dict):
    """As `render_document`, for a document of which every member of a decree gets one, the same but for
    the member's block (the Petikan): laid out once per decree and process, each next member's block
    placed in it (pps_admin/member_layout.py), or in full when that would not give the same pages."""
    return layout_member_html(render_html(template_name, {**context, "static_base": STATIC_PREFIX}))


def layout_member_html(html: str):
    """Lay out the HTML of a document of which every member gets one (see `render_member_document`)."""
    from . import member_layout

    return member_layout.layout(
        html, full_layout=layout_html, stub_layout=lambda html, prune: layout_html(html, prune=prune)
    )


def layout_html(html: str, *, fetcher=None, prune=None):
    """Lay out a document's HTML (its static URLs under STATIC_PREFIX) with the project's fonts. Its
    <style> is applied as the same rules parsed once (`_stylesheet`): the only author stylesheet either
    way, so the cascade is the same. `prune(root_element)`, if given, edits the parsed HTML first, or
    returns the root of another tree to lay out instead (with the same <style>)."""
    _freeze_long_lived()
    source, stylesheets = document_source(html, fetcher=fetcher)
    if prune is not None:
        root = prune(source.etree_element)
        if root is not None:
            _replace_tree(source, root)
    return source.render(font_config=_font_config(), pdf_variant=PDF_VARIANT, stylesheets=stylesheets)


def _replace_tree(source, root) -> None:
    """`source` (a WeasyPrint HTML) made to lay out the parsed tree `root`, as WeasyPrint 70's HTML.__init__
    sets it up from what it parsed (its `wrapper_element` and `etree_element`). If that changes, the tree
    laid out is the one parsed instead, which has no member's block: member_layout lays the document out in
    full, and tests/test_member_layout.py fails (it counts the documents spliced)."""
    import cssselect2

    source.wrapper_element = cssselect2.ElementWrapper.from_html_root(root)
    source.etree_element = source.wrapper_element.etree_element


class RenderedPdf(bytes):
    """A PDF's bytes that know their page count, given by the layout that made the pages, so that storing
    the document needs no parse of the file (pypdf: about 7 ms a Petikan, more for the 8-page Keputusan;
    bench/RESULTS.md "#18 pipeline"). Bytes like any other: a signer's output is plain bytes again, and
    counted by parsing (secretariat.services.document_jobs.storage.pdf_page_count)."""

    pages: int

    def __new__(cls, data: bytes, *, pages: int):
        pdf = super().__new__(cls, data)
        pdf.pages = pages
        return pdf


def write_pdf(document, metadata: PdfMetadata | None = None) -> RenderedPdf:
    """Write a laid-out document as PDF/A-3a with `metadata` (else what its HTML head says); the bytes
    carry the document's page count."""
    if metadata is not None:
        document.metadata.title = metadata.title
        document.metadata.authors = [metadata.author]
        document.metadata.description = metadata.subject or None
        if metadata.created is not None:
            document.metadata.created = _w3c_date(metadata.created)
    document.metadata.lang = document.metadata.lang or "id"
    return RenderedPdf(document.write_pdf(pdf_variant=PDF_VARIANT), pages=len(document.pages))


def render_pdf(
    template_name: str, context: dict, *, metadata: PdfMetadata | None = None, fetcher=None
) -> RenderedPdf:
    """Render `template_name` with `context` to PDF bytes."""
    return write_pdf(render_document(template_name, context, fetcher=fetcher), metadata)


def make_fetcher():
    return _fetcher_class()()
