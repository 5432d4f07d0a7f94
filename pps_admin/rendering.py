"""The one place that turns a template + context into PDF bytes (decrees, petikan, pacts, sheets).

- No request object: workers call it with plain data.
- Django templates autoescape every value, so names with markup print literally.
- WeasyPrint fetches nothing but the project's own static files (fonts, CSS, images) and `data:` URIs
  (the uploaded letterhead logo is embedded as one after its type was checked). No file://, no network.
- One FontConfiguration per process (workers render many documents; reusing it is faster and keeps
  memory flat).

This module imports no project app (see shared/ARCHITECTURE.md).
"""

import atexit
import logging
import mimetypes
import threading
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# WeasyPrint logs every step at INFO and every unsupported CSS property at WARNING; keep errors only.
for _name in ("weasyprint", "weasyprint.progress", "fontTools", "fontTools.subset", "fontTools.ttLib"):
    logging.getLogger(_name).setLevel(logging.ERROR)

# A reserved .invalid host: even if this fetcher were bypassed, no such host can exist.
BASE_URL = "https://pps-admin.invalid/"
STATIC_PREFIX = BASE_URL + settings.STATIC_URL.lstrip("/")

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
    _local.font_config = None


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


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict, *, fetcher=None) -> bytes:
    """Render `template_name` with `context` to PDF bytes."""
    from weasyprint import HTML

    html = render_html(template_name, {**context, "static_base": STATIC_PREFIX})
    fetcher = fetcher or make_fetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(font_config=_font_config())


def make_fetcher():
    return _fetcher_class()()
