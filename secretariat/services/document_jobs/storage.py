"""Where documents are kept: write-once files under MEDIA_ROOT, their page count, and merged copies."""

import hashlib
import io
import os
from pathlib import Path

from django.conf import settings

# Made by the rendering core (its page count from the layout); re-exported here for the engine's callers.
from pps_admin.rendering import RenderedPdf

__all__ = ["DocumentStorageError", "RenderedPdf", "merge_pdfs", "pdf_page_count", "write_once"]


class DocumentStorageError(Exception):
    pass


def write_once(relative: str, data: bytes) -> Path:
    """Write `data` at MEDIA_ROOT/relative unless a file is already there.

    An identical file already present (a redelivered task) is accepted; a different one is an error:
    a record is never silently replaced. The write is atomic (temporary file + hard link).
    """
    root = Path(settings.MEDIA_ROOT).resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise DocumentStorageError("path outside MEDIA_ROOT")
    target.parent.mkdir(parents=True, exist_ok=True)
    # One temporary name per document: its only writer holds the document's row (`document_render_and_store`),
    # and "wb" truncates what a writer killed mid-write (SIGKILL, power loss) left there, so no half-written
    # file is ever linked or left behind. (Searching the folder for such leftovers instead cost a listing of
    # every petikan of the decree per document: quadratic at national scale.)
    temporary = target.with_name(f".tmp-{target.name}")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, target)
    except FileExistsError:
        if hashlib.sha256(target.read_bytes()).hexdigest() != hashlib.sha256(data).hexdigest():
            raise DocumentStorageError(
                f"berkas {relative} sudah ada dengan isi berbeda; tidak ditimpa"
            ) from None
    finally:
        temporary.unlink(missing_ok=True)
    return target


def pdf_page_count(data: bytes) -> int:
    if isinstance(data, RenderedPdf):
        return data.pages
    # pypdf is loaded on first use, on purpose: only workers and downloads need it, not every process.
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def merge_pdfs(paths: list[Path], *, title: str, author: str = "", subject: str = "") -> bytes:
    """The files' pages in one PDF to print, named by `title` (Author and Subject when given).

    A print copy, not a record: the files' electronic seals are left out. A signature covers the bytes of
    its own file; copied into another file, every one of them reads as invalid ("digest mismatch") in a
    PDF reader, over a printout that is fine. The records and their seals stay in the stored files, which
    each page's check code leads to."""
    from pypdf import PdfReader, PdfWriter  # loaded on first use, on purpose (see pdf_page_count)
    from pypdf.generic import ArrayObject, NameObject

    writer = PdfWriter()
    for path in paths:
        for page in PdfReader(str(path)).pages:
            # The widgets are taken off each page before it is copied, so that neither they nor the
            # signatures they hold (each with its PKCS#7 bytes) are written into the bundle.
            annotations = page.get("/Annots")
            if annotations is not None:
                kept = [a for a in annotations.get_object() if not _is_signature_widget(a.get_object())]
                if kept:
                    page[NameObject("/Annots")] = ArrayObject(kept)
                else:
                    del page["/Annots"]
            writer.add_page(page)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)  # a shared logo once
    writer.add_metadata(
        {
            "/Title": title,
            **({"/Author": author} if author else {}),
            **({"/Subject": subject} if subject else {}),
        }
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _is_signature_widget(annotation) -> bool:
    """A widget of a signature field: its field type is on it or inherited from a parent field."""
    if annotation.get("/Subtype") != "/Widget":
        return False
    node, depth = annotation, 0
    while node is not None and depth < 32:  # a field tree is shallow; a cycle must not hang the download
        if "/FT" in node:
            return node["/FT"] == "/Sig"
        parent = node.get("/Parent")
        node, depth = (parent.get_object() if parent is not None else None), depth + 1
    return False
