"""One member's document laid out on another's: the Petikan's shared text laid out once, each member's block
placed in it (issue #18 goal 1).

Every Petikan of a decree is the same HTML but for the member's block (`<table class="person">`, from
templates/documents/_petikan_member.html) and the check block in the footer (`<table class="check-stamp">`,
_check_stamp.html). The first member's document is laid out in full and kept; for the next one whose HTML
is the same outside those two blocks, only a stub is laid out: its HTML with everything else removed but
the path from <body> to the member's block (the cell that holds it, without the text before the block) and
the check block. The member's boxes, moved to where the first member's were, and the stub's footer take
the place of the first member's in a copy of its page (the boxes off that path are shared with the kept
document, which is only read when written). After the first stub of a shared text, the next ones are not
parsed from the whole HTML: a copy of that stub's parsed tree gets the member's two blocks, parsed alone.

Kept to what gives the very document a full layout would give:
- the key is the whole HTML outside the two blocks (decree text, template, letterhead, stylesheet, layout
  variant): any other difference is another key, never a stale layout;
- a one-page document only, the stub on one page too;
- the member's block exactly as high and as wide as the first member's, in a cell as wide, at the same
  left edge, in tables whose columns have set widths (`table-layout: fixed`): then nothing before or
  after it moves. The text before the block in its cell is shared text (in the key), so the block sits as
  far below the cell's top in every member's document: the stub leaves that text out (laying it out was
  about a tenth of the stub's time) and its block is moved to where the kept document's is. Anything
  else (a name that wraps onto a line more than any kept document's, another footer) and the document is
  laid out in full, and kept too (up to SHAPES_KEPT heights per shared text).
tests/test_member_layout.py compares every demo member's Petikan PDF both ways byte for byte, a long name
that wraps included.

WeasyPrint has no public API for this: it uses its box tree (boxes' `element`, `children`, `copy`,
`translate`, `margin_height`, `MarginBox`, `TableBox`, `Page(page_box)`, a document's `pages` and a
page's `_page_box`, WeasyPrint 70) and, through pps_admin.rendering, an HTML's parsed tree. Only this module
touches it; tests/test_member_layout.py fails if a spliced layout is no longer made, and any error in
here falls back to the full layout (logged, no personal data).

This module imports no project app (see shared/ARCHITECTURE.md).
"""

import copy
import hashlib
import logging
import re
import threading
from collections import OrderedDict

log = logging.getLogger(__name__)

# Our own markup (templates/documents/): user text is escaped, so neither comes from a name. Neither
# block holds a nested table.
MEMBER_BLOCK = re.compile(r'<table class="person">.*?</table>', re.S)
CHECK_BLOCK = re.compile(r'<table class="check-stamp".*?</table>', re.S)
# The document's <style> (as pps_admin.rendering takes it out of the HTML).
STYLE_ELEMENT = re.compile(r"<style>.*?</style>", re.S)
MEMBER_CLASS = "person"
CHECK_CLASS = "check-stamp"
# Shared texts kept per thread: one per decree and layout variant in a job; a few more let two jobs
# alternate without laying out again. Per shared text, the first documents of each height of the member's
# block (a NIP row or not, a name or a note on two lines): each is one page's boxes.
LAYOUTS_KEPT = 4
SHAPES_KEPT = 6
# Positions and sizes are floats computed the same way for the same text: equal within rounding.
EPSILON = 1e-6

_local = threading.local()


def shared_key(html: str) -> str | None:
    """The key of what a document shares with the other members' documents: its HTML with the member's
    block and the check block cut out (None: not a document with one member's block)."""
    if len(MEMBER_BLOCK.findall(html)) != 1 or len(CHECK_BLOCK.findall(html)) > 1:
        return None
    shared = CHECK_BLOCK.sub("\0check\0", MEMBER_BLOCK.sub("\0member\0", html))
    return hashlib.sha256(shared.encode("utf-8")).hexdigest()


class _Shared:
    """What is kept of one shared text: laid-out documents (one per height of the member's block) and the
    stub's parsed tree, into which the next member's blocks are put."""

    def __init__(self):
        self.bases = []
        self.skeleton = None


def _kept() -> OrderedDict:
    kept = getattr(_local, "layouts", None)
    if kept is None:
        kept = _local.layouts = OrderedDict()
    return kept


def forget() -> None:
    """Drop the layouts kept by this thread."""
    _kept().clear()


def layout(html: str, *, full_layout, stub_layout):
    """The laid-out document for `html`: spliced onto a kept one when it can be (its attribute
    `member_layout` says "spliced", `member_stub` "grafted" when the stub was not parsed from `html` but
    made of the kept one and this document's two blocks), else `full_layout(html)` ("full").
    `stub_layout(html, prune)` lays out `html` with `prune(root_element)` applied to its parsed tree
    first, or the tree `prune` returns."""
    key = shared_key(html)
    kept = _kept()
    shared = kept.get(key) if key is not None else None
    if shared is not None:
        kept.move_to_end(key)
        try:
            document = _splice(shared, html, stub_layout)
        except Exception:  # WeasyPrint's internals changed, or anything unforeseen: lay out in full
            log.exception("Member layout splice failed; laying out in full")
            document = None
        if document is not None:
            document.member_layout = "spliced"
            return document
    document = full_layout(html)
    document.member_layout = "full"
    if key is not None and len(document.pages) == 1 and _member_box(document.pages[0]._page_box):
        shared = kept.get(key)
        if shared is None:
            shared = kept[key] = _Shared()
        shared.bases.append(document)
        del shared.bases[:-SHAPES_KEPT]
        kept.move_to_end(key)
        while len(kept) > LAYOUTS_KEPT:
            kept.popitem(last=False)
    return document


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


def prune_to_member(root) -> None:
    """Remove from the parsed HTML all but the path from <body> to the member's block and the check block.
    The element that holds the block (the table cell) is kept but for what comes before the block in it
    (shared text, as high in every member's document), and a table row on the path is kept whole (its
    cells make the columns)."""
    parents = {child: parent for parent in root.iter() for child in parent}
    members = [e for e in root.iter("table") if MEMBER_CLASS in _classes(e)]
    checks = [e for e in root.iter("table") if CHECK_CLASS in _classes(e)]
    body = root.find("body")
    # A block elsewhere than this module expects would be cut out of the stub, or its footer lost: such
    # a document is laid out in full (`layout` catches this).
    if len(members) != 1 or any(parents[check] is not body for check in checks):
        raise ValueError("member or check block not where member_layout expects it")
    member = members[0]
    path = []
    node = parents[member]  # the cell (or block) that holds the block: kept, but for what precedes it
    while node is not body:
        path.append(node)
        node = parents[node]
    keep = set(path)
    for element in [body, *reversed(path[1:])]:
        if element.tag == "tr":
            continue
        for child in list(element):
            if child in keep:
                continue
            if element is body and child.tag == "table" and CHECK_CLASS in _classes(child):
                continue
            element.remove(child)
            # Text after a removed element belongs to it in ElementTree: removed with it (white space
            # between our elements; the stub's own boxes off the block's path are never used).
    if path:  # the block's cell: what comes before the block in it
        cell = path[0]
        cell.text = None
        for child in list(cell):
            if child is member:
                break
            cell.remove(child)


def _member_box(box):
    """The outermost box of the member's block (its table wrapper), depth first."""
    element = getattr(box, "element", None)
    if element is not None and getattr(element, "tag", None) == "table" and MEMBER_CLASS in _classes(element):
        return box
    for child in getattr(box, "children", ()):
        found = _member_box(child)
        if found is not None:
            return found
    return None


def _path_to(box, target):
    """The boxes from `box` down to `target` (both included), or None."""
    if box is target:
        return [box]
    for child in getattr(box, "children", ()):
        path = _path_to(child, target)
        if path is not None:
            return [box, *path]
    return None


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= EPSILON


def _splice(shared: _Shared, html: str, stub_layout):
    """`html` laid out on the first of the kept documents that its stub fits, or None."""
    tree = _grafted(shared.skeleton, html) if shared.skeleton is not None else None
    if tree is None:

        def prune(root):
            prune_to_member(root)
            shared.skeleton = copy.deepcopy(root)

        stub = stub_layout(html, prune)
    else:  # the same stub but for the two blocks: parsed from them alone
        stub = stub_layout("".join(STYLE_ELEMENT.findall(html)), lambda root: tree)
    if len(stub.pages) != 1:
        return None
    for base in shared.bases:
        document = _splice_onto(base, stub)
        if document is not None:
            document.member_stub = "parsed" if tree is None else "grafted"
            return document
    return None


def _grafted(skeleton, html: str):
    """A copy of the stub's parsed tree with this document's member block and check block in place of
    those it was made with, or None if they do not match."""
    import tinyhtml5

    tree = copy.deepcopy(skeleton)
    for pattern, css_class in ((MEMBER_BLOCK, MEMBER_CLASS), (CHECK_BLOCK, CHECK_CLASS)):
        fragments = pattern.findall(html)
        slots = [(parent, child) for parent in tree.iter() for child in parent if _is_table(child, css_class)]
        if len(fragments) != len(slots) or len(slots) > 1:
            return None
        for fragment, (parent, old) in zip(fragments, slots, strict=True):
            body = tinyhtml5.parse(fragment, namespace_html_elements=False).find("body")
            if len(body) != 1 or not _is_table(body[0], css_class):
                return None
            new = body[0]
            new.tail = old.tail
            parent[list(parent).index(old)] = new
    return tree


def _is_table(element, css_class: str) -> bool:
    return element.tag == "table" and css_class in _classes(element)


def _splice_onto(base, stub):
    from weasyprint.document import Page
    from weasyprint.formatting_structure.boxes import MarginBox, TableBox

    base_page, stub_page = base.pages[0]._page_box, stub.pages[0]._page_box
    old, new = _member_box(base_page), _member_box(stub_page)
    if old is None or new is None:
        return None
    old_path, new_path = _path_to(base_page, old), _path_to(stub_page, new)
    old_cell, new_cell = old_path[-2], new_path[-2]
    # A table around the block lays out its columns by their set widths alone (`table-layout: fixed`):
    # an automatic layout would size them by every cell's content, the member's block included.
    if any(isinstance(box, TableBox) and box.style["table_layout"] != "fixed" for box in old_path[:-1]):
        return None
    if not (
        _same(old.margin_height(), new.margin_height())
        and _same(old.margin_width(), new.margin_width())
        and _same(old.position_x, new.position_x)
        and _same(old_cell.width, new_cell.width)
        and _same(old_cell.content_box_x(), new_cell.content_box_x())
        and _same(base_page.margin_height(), stub_page.margin_height())
        and _same(base_page.margin_width(), stub_page.margin_width())
    ):
        return None
    old_margins = [box for box in base_page.children if isinstance(box, MarginBox)]
    new_margins = [box for box in stub_page.children if isinstance(box, MarginBox)]
    if [box.at_keyword for box in old_margins] != [box.at_keyword for box in new_margins]:
        return None
    # The stub's boxes are its own: moved once, to where the base's block is (a stub is spliced once).
    new.translate(0, old.position_y - new.position_y)
    # A copy of each box on the path from the page to the member's block, the rest shared with `base`
    # (a laid-out document is only read when written).
    replacement = new
    for parent, child in zip(reversed(old_path[:-1]), reversed(old_path[1:]), strict=True):
        duplicate = parent.copy()
        children = [replacement if box is child else box for box in parent.children]
        if parent is base_page:
            children = [box for box in children if not isinstance(box, MarginBox)] + new_margins
        duplicate.children = children
        replacement = duplicate
    stub.pages = [Page(replacement)]
    return stub
