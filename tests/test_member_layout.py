"""The Petikan's shared text laid out once and each member's block placed in it (pps_admin/member_layout.py)
gives the very PDF a full layout gives: compared byte for byte for every demo member, a long name that
wraps, a changed decree text and columns sized by content. These tests also fail if the splice is no
longer made (WeasyPrint's box tree changed: member_layout then falls back to the full layout)."""

import datetime as dt
import logging
from dataclasses import replace

import pytest

from pps_admin import member_layout, rendering
from secretariat.models import Document, DocumentKind
from secretariat.services import decree_documents as dd
from secretariat.services.decrees import decree_issue
from secretariat.services.demo import demo_csv
from secretariat.services.importing import members_import
from secretariat.services.verification import document_stamp

TEMPLATE = "documents/petikan.html"
LONG_NAME = "Siti Contoh Manggar Binti Abdurrahman Wahid Kusumawardhani Prawirodirjo Sastroamidjojo"


@pytest.fixture
def contexts(db):
    """The 102 demo members' Petikan contexts, as the worker builds them."""
    member_layout.forget()
    assert members_import(data=demo_csv(), dry_run=False).ok
    decree = decree_issue(decree_date=dt.date(2024, 6, 1))
    entries = {entry.appointment_id: entry for entry in dd._entries(decree)}
    base = dd._base_context(decree)
    documents = Document.objects.filter(kind=DocumentKind.PETIKAN, decree=decree).order_by("pk")
    yield [
        {
            **dd.petikan_context(decree, entries[document.appointment_id], base=base),
            "stamp": document_stamp(document),
        }
        for document in documents
    ]
    member_layout.forget()


def full_pdf(context: dict) -> bytes:
    """The Petikan laid out in full every time (the path before member_layout)."""
    for layout in dd.PETIKAN_LAYOUTS:
        document = rendering.render_document(TEMPLATE, {**context, **layout})
        if len(document.pages) == 1:
            break
    return bytes(
        rendering.write_pdf(document, dd.decree_pdf_metadata(context["decree"], "Petikan Keputusan"))
    )


def app_document(context: dict):
    """The Petikan as the app makes it: its PDF and its laid-out document (which says how it was made)."""
    document = dd.petikan_document(context)
    metadata = dd.decree_pdf_metadata(context["decree"], "Petikan Keputusan")
    return bytes(rendering.write_pdf(document, metadata)), document


def app_pdf(context: dict) -> tuple[bytes, str]:
    """The Petikan as the app makes it, and how its one-page layout was made ("spliced" or "full")."""
    pdf, document = app_document(context)
    return pdf, document.member_layout


def with_name(context: dict, name: str) -> dict:
    return {**context, "row": {**context["row"], "name": name}}


def test_every_demo_members_petikan_is_the_same_pdf_spliced_as_in_full(contexts, caplog):
    caplog.set_level(logging.ERROR, logger=member_layout.__name__)
    assert len(contexts) == 102
    how, stubs = [], []
    for number, context in enumerate(contexts):
        pdf, document = app_document(context)
        made = document.member_layout
        assert pdf == full_pdf(context), f"member {number} ({made}) differs from its full layout"
        how.append(made)
        stubs.append(getattr(document, "member_stub", None))
    assert how[0] == "full"
    # The demo roster has a few heights of the member's block (a NIP row or not, a two-line kelurahan):
    # the first of each is laid out in full, every other one spliced.
    assert how.count("spliced") >= 95, how
    # After the first splice of a shared text, the stub is made of its kept tree and the member's blocks.
    assert stubs.count("grafted") >= how.count("spliced") - 1, stubs
    assert not caplog.records  # no splice failed and fell back


def test_a_long_name_that_wraps_is_laid_out_in_full_then_spliced_on_its_own_height(contexts):
    first, second, third = (
        contexts[0],
        with_name(contexts[1], LONG_NAME),
        with_name(contexts[1], LONG_NAME.replace("Siti", "Sita")),
    )
    assert app_pdf(first)[1] == "full"
    pdf, made = app_pdf(second)
    assert made == "full"  # its block is a line higher than any kept: not placed on the first member's
    assert pdf == full_pdf(second)
    pdf, made = app_pdf(third)
    assert made == "spliced"  # another long name of the same height as the second's: placed on it
    assert pdf == full_pdf(third)
    # The long name did wrap: the same member's block is higher with it.
    assert _member_height(third) > _member_height(contexts[1])


def test_a_changed_decree_text_never_reuses_a_kept_layout(contexts):
    first, second = contexts[0], contexts[1]
    assert app_pdf(first)[1] == "full"
    changed = {
        **second,
        "text": {**second["text"], "petikan_closing": second["text"]["petikan_closing"] + " Amin."},
    }
    pdf, made = app_pdf(changed)
    assert made == "full"
    assert pdf == full_pdf(changed)
    assert member_layout.shared_key(
        rendering.render_html(TEMPLATE, {**first, "static_base": rendering.STATIC_PREFIX})
    ) != (
        member_layout.shared_key(
            rendering.render_html(TEMPLATE, {**changed, "static_base": rendering.STATIC_PREFIX})
        )
    )


def test_columns_sized_by_their_content_are_laid_out_in_full(contexts):
    """With an automatic table layout a member's block could change the columns: never spliced."""

    def html(context):
        page = rendering.render_html(TEMPLATE, {**context, "static_base": rendering.STATIC_PREFIX})
        fixed = "table.clauses { width: 100%; table-layout: fixed;"
        assert fixed in page
        return page.replace(fixed, "table.clauses { width: 100%;")

    def laid_out(context):
        return member_layout.layout(
            html(context),
            full_layout=rendering.layout_html,
            stub_layout=lambda page, prune: rendering.layout_html(page, prune=prune),
        )

    assert laid_out(contexts[0]).member_layout == "full"
    assert laid_out(contexts[3]).member_layout == "full"


def test_a_check_block_elsewhere_than_the_body_is_laid_out_in_full(contexts):
    """The stub keeps a check block only as a child of <body>: one elsewhere would be lost from its footer."""

    def laid_out(context):
        page = rendering.render_html(TEMPLATE, {**context, "static_base": rendering.STATIC_PREFIX})
        start = page.index('<table class="check-stamp"')
        end = page.index("</table>", start) + len("</table>")
        page = f"{page[:start]}<div>{page[start:end]}</div>{page[end:]}"
        return member_layout.layout(
            page,
            full_layout=rendering.layout_html,
            stub_layout=lambda html, prune: rendering.layout_html(html, prune=prune),
        )

    assert laid_out(contexts[0]).member_layout == "full"
    assert laid_out(contexts[3]).member_layout == "full"


def test_kept_layouts_stay_bounded(contexts, monkeypatch):
    monkeypatch.setattr(member_layout, "LAYOUTS_KEPT", 2)
    monkeypatch.setattr(member_layout, "SHAPES_KEPT", 2)
    context = contexts[0]
    for number in range(4):  # four decree texts: the two last kept
        closing = f"{context['text']['petikan_closing']} {number}"
        assert app_pdf({**context, "text": {**context["text"], "petikan_closing": closing}})[1] == "full"
    kept = member_layout._kept()
    assert len(kept) == 2
    # Four heights of the member's block for one decree text: the two last kept.
    notes = [
        [],
        ["Catatan satu"],
        ["Catatan satu", "Catatan dua"],
        ["Catatan satu", "Catatan dua", "Catatan tiga"],
    ]
    made = [app_pdf({**context, "row": {**context["row"], "notes": these}})[1] for these in notes]
    assert made == ["full"] * 4
    assert len(kept) == 2
    assert [len(shared.bases) for shared in kept.values()] == [1, 2]  # the last decree text, then this one


def test_a_document_without_a_members_block_has_no_shared_key():
    assert member_layout.shared_key("<html><body><p>Keputusan</p></body></html>") is None
    two = '<table class="person"><tr><td>A</td></tr></table>' * 2
    assert member_layout.shared_key(f"<html><body>{two}</body></html>") is None


def _member_height(context: dict) -> float:
    document = rendering.render_document(TEMPLATE, context)
    return member_layout._member_box(document.pages[0]._page_box).margin_height()


def test_the_print_bundle_of_spliced_petikan_is_the_same_pdf_as_of_full_layouts(contexts):
    """The bundle writes all Petikan pages as one PDF, many of them sharing the kept document's boxes."""
    decree = contexts[0]["decree"]
    entries = list(dd._entries(decree))
    stamps = dd.petikan_stamps(decree)
    base = dd._base_context(decree)
    spliced = dd._bundle_pdf(decree, entries)
    full = []
    for entry in entries:
        context = {**dd.petikan_context(decree, entry, base=base), "stamp": stamps[entry.appointment_id]}
        for layout in dd.PETIKAN_LAYOUTS:
            document = rendering.render_document(TEMPLATE, {**context, **layout})
            if len(document.pages) == 1:
                break
        full.append(document)
    bundle = full[0].copy([page for document in full for page in document.pages])
    metadata = dd.decree_pdf_metadata(decree, "Petikan Keputusan")
    expected = rendering.write_pdf(bundle, replace(metadata, title=f"Bundel Cetak {metadata.title}"))
    assert spliced.pages == expected.pages == len(entries)
    assert bytes(spliced) == bytes(expected)
    # The bundle's Petikan went through the kept layouts, as the next one does.
    assert dd.petikan_document(contexts[1]).member_layout == "spliced"
