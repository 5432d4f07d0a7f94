"""The rendering boundary: WeasyPrint may load only the project's own static files and data: URIs, and
whatever users typed is printed as text, never interpreted."""

import base64
import datetime as dt
import socket
import threading
import time
from urllib.parse import quote

import pytest
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from pps_admin.rendering import BASE_URL, STATIC_PREFIX, make_fetcher
from secretariat.models import Document, DocumentKind, Person
from secretariat.services.decrees import decree_issue
from secretariat.services.document_jobs import render_document_pdf

from . import pdf
from .factories import make_appointment, office, person_fields

FONT = "fonts/texgyrebonum-regular.otf"
# A 1x1 transparent GIF: the smallest image a data: URI can carry.
GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://example.com/style.css",
        "http://127.0.0.1:9/x.png",
        STATIC_PREFIX + "../settings.py",
        STATIC_PREFIX + "fonts/../../pps_admin/settings.py",
        STATIC_PREFIX + "/etc/passwd",
        STATIC_PREFIX + "fonts/does-not-exist.otf",
        BASE_URL + "admin/",
    ],
)
def test_fetcher_refuses_and_records_everything_but_static_files_and_data(url):
    fetcher = make_fetcher()
    with pytest.raises(ValueError, match="not allowed"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_a_real_static_font_with_its_bytes():
    from django.contrib.staticfiles import finders

    fetcher = make_fetcher()
    response = fetcher.fetch(STATIC_PREFIX + FONT)
    body = response.read()
    response.close()
    with open(finders.find(FONT), "rb") as handle:
        assert body == handle.read()
    assert body[:4] == b"OTTO"  # an OpenType (CFF) font, not some error page
    assert fetcher.refused == []


def test_fetcher_allows_a_data_uri():
    fetcher = make_fetcher()
    response = fetcher.fetch("data:image/gif;base64," + base64.b64encode(GIF).decode())
    assert response.read() == GIF
    assert fetcher.refused == []


def test_fetcher_refuses_a_symlink_in_a_static_directory_that_points_outside_it(settings, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("SECRET_KEY=xyz")
    static = tmp_path / "static"
    static.mkdir()
    (static / "harmless.css").write_text("p { color: black }")
    (static / "leak.css").symlink_to(outside)
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static]

    fetcher = make_fetcher()
    assert fetcher.fetch(STATIC_PREFIX + "harmless.css").read() == b"p { color: black }"
    with pytest.raises(ValueError):
        fetcher.fetch(STATIC_PREFIX + "leak.css")
    assert fetcher.refused == [STATIC_PREFIX + "leak.css"]


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it gets (and drops each at once)."""

    def __init__(self, seconds=30):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.deadline = time.monotonic() + seconds
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping.is_set() and time.monotonic() < self.deadline:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def stop(self):
        # Let a connection that is already under way be counted before closing.
        time.sleep(0.3)
        self.stopping.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener():
    listener = Listener()
    yield listener
    if not listener.stopping.is_set():
        listener.stop()


def _html_loading_from(port):
    # Allowed data: URIs must not become a way round the fetcher (an SVG image, a stylesheet).
    svg = quote(
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="10" height="10"><image xlink:href="http://127.0.0.1:{port}/svg.png" '
        f'width="10" height="10"/></svg>'
    )
    css = quote(f'@import url("http://127.0.0.1:{port}/data.css");')
    return f"""<!DOCTYPE html><html><head>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/a.css">
      <style>@import url("http://127.0.0.1:{port}/b.css");
             @font-face {{ font-family: X; src: url("http://127.0.0.1:{port}/f.otf"); }}
             body {{ font-family: X, serif; }}</style>
      </head><body>
      <p>Halo</p>
      <img src="http://127.0.0.1:{port}/x.png">
      <img src="file:///etc/passwd">
      <img src="data:image/svg+xml,{svg}">
      <link rel="stylesheet" href="data:text/css,{css}">
    </body></html>"""


def test_rendering_makes_no_network_connection_and_reads_no_local_file(listener):
    fetcher = make_fetcher()
    data = HTML(string=_html_loading_from(listener.port), base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
    listener.stop()

    assert data.startswith(b"%PDF")
    assert listener.connections == 0
    assert f"http://127.0.0.1:{listener.port}/x.png" in fetcher.refused
    assert f"http://127.0.0.1:{listener.port}/a.css" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert f"http://127.0.0.1:{listener.port}/svg.png" in fetcher.refused
    assert f"http://127.0.0.1:{listener.port}/data.css" in fetcher.refused
    assert b"root:" not in data


def test_the_listener_does_see_a_renderer_with_an_unrestricted_fetcher(listener):
    """Control for the test above: the same page with WeasyPrint's own fetcher does connect."""
    HTML(
        string=_html_loading_from(listener.port), base_url=BASE_URL, url_fetcher=URLFetcher(timeout=2)
    ).write_pdf()
    listener.stop()
    assert listener.connections >= 1


MARKUP_NAME = "<b>Budi</b> {{ x }} {% now 'Y' %}"


@pytest.fixture
def petikan_of_markup_name(db):
    # Bypasses the name validator on purpose: what if such a name got into the database anyway?
    person = Person.objects.create(office=office(), **person_fields(name=MARKUP_NAME))
    make_appointment(person=person)
    decree = decree_issue(decree_date=dt.date(2024, 6, 1))
    return Document.objects.get(decree=decree, kind=DocumentKind.PETIKAN, appointment__person=person)


def test_markup_and_template_syntax_in_a_name_print_literally(petikan_of_markup_name):
    text = pdf.flat(render_document_pdf(petikan_of_markup_name))
    assert f"Nama : {MARKUP_NAME} Jabatan" in text
    assert "&lt;" not in text and "&#x27;" not in text  # escaped once, not twice


def _embedded_font_programs(reader) -> dict[str, bytes]:
    """BaseFont name -> the embedded font program (b"" when the font is not embedded)."""
    programs = {}
    for page in reader.pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            font = ref.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            stream = next(
                (descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor), None
            )
            programs[str(font["/BaseFont"])] = stream.get_object().get_data() if stream is not None else b""
    return programs


def test_documents_embed_the_tex_gyre_bonum_fonts_from_the_project(petikan_of_markup_name):
    programs = _embedded_font_programs(pdf.read(render_document_pdf(petikan_of_markup_name)))
    # The PDF names a font after its CSS family ("Bonum"); the embedded program says what it really is.
    assert programs, "no fonts at all"
    assert all(b"TeXGyreBonum" in program for program in programs.values()), list(programs)
    faces = b" ".join(programs.values())
    # The name is set in bold, the body in regular: both faces come from the project's static files.
    assert b"TeXGyreBonum-Regular" in faces and b"TeXGyreBonum-Bold" in faces


def test_a_worker_process_warms_the_renderer_up_when_it_starts():
    """pps_admin/celery.py: each worker process pays WeasyPrint's start-up before its first document."""
    import os

    from celery.signals import worker_process_init

    from pps_admin import celery as celery_module
    from pps_admin import rendering

    receivers = [ref() for _, ref in worker_process_init.receivers]
    assert celery_module._warm_up_rendering in receivers
    celery_module._warm_up_rendering()
    assert rendering._frozen_in_pid == os.getpid()
    assert rendering._user_agent_sheet is not None and rendering._DOCUMENT_HTML is not None


def test_the_collector_is_held_off_while_a_document_is_made_and_its_cyclic_garbage_collected_after():
    import gc
    import weakref

    from pps_admin import rendering

    class Box:
        pass

    assert gc.isenabled()
    with rendering.collector_paused():
        assert not gc.isenabled()
        with rendering.collector_paused():  # nested: the outer block alone pauses and collects
            assert not gc.isenabled()
        assert not gc.isenabled()
        box = Box()
        box.itself = box  # a cycle: reference counting alone never frees it
        gone = weakref.ref(box)
        del box
        assert gone() is not None
    assert gc.isenabled()
    assert gone() is None
