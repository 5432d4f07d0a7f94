"""The lean user-agent stylesheet (pps_admin/document_ua.css, issue #18) changes nothing but speed: every
computed style property of every element of every document kind is the same under it as under
WeasyPrint's own html5_ua.css, and the private WeasyPrint hook that installs it is still there and still
used (an upgrade that renames it fails here, not quietly in the cascade).

The documents are the fidelity guard's (tests/test_render_fidelity.py), rendered through the app's real
paths; their templates and contexts are read back with Django's test signal `template_rendered`.
"""

import weasyprint
from django.test.signals import template_rendered
from weasyprint.css import get_all_computed_styles
from weasyprint.css.counters import CounterStyle
from weasyprint.css.properties import INITIAL_VALUES

from pps_admin import rendering

from .test_render_fidelity import render_every_kind

DOCUMENT_TEMPLATES = {
    "documents/keputusan.html",
    "documents/petikan.html",
    "documents/pakta.html",
    "documents/daftar_hadir.html",
    "documents/serah_terima_akun.html",
    "documents/dicabut_overlay.html",
}
# Pseudo-elements that make boxes (weasyprint/formatting_structure/build.py): ::before and ::after when
# they have content, ::marker of a list item, ::first-letter and ::first-line always looked up.
PSEUDO = ("before", "after", "first-letter", "first-line")


def _document_htmls(db) -> dict[str, str]:
    """The HTML of every document kind as the app renders it, keyed by template (one of each; the
    Petikan's ASN and non-ASN variants and the SALINAN under their own keys)."""
    recorded: list[tuple[str, dict]] = []

    def record(sender, template, context, **kwargs):
        if template.name in DOCUMENT_TEMPLATES:
            recorded.append((template.name, context.flatten()))

    template_rendered.connect(record)
    try:
        render_every_kind()
        overlay = {"page_css": "size: 609.4pt 935.4pt; margin: 0;", "revoked_date": "1 Juli 2024"}
        rendering.render_pdf("documents/dicabut_overlay.html", {**overlay, "number": "Keputusan 1"})
    finally:
        template_rendered.disconnect(record)
    seen: dict[str, str] = {}
    for name, context in recorded:
        html = rendering.render_html(name, context)
        key = name
        while key in seen and seen[key] != html:
            key += "+"
        seen.setdefault(key, html)
    assert {key.rstrip("+") for key in seen} >= DOCUMENT_TEMPLATES, sorted(seen)
    return seen


def _value(value):
    return repr(value)


def computed_styles(html: str, *, lean: bool) -> dict:
    """{(element index, tag, pseudo): {property: value}} for every element of `html` and each of its
    pseudo-elements that makes a box, under the lean or WeasyPrint's own user-agent sheet."""
    source, stylesheets = rendering.document_source(html, lean_user_agent=lean)
    style_for = get_all_computed_styles(
        source, stylesheets, font_config=rendering._font_config(), counter_style=CounterStyle()
    )
    styles = {}
    for index, wrapper in enumerate(source.wrapper_element.iter_subtree()):
        element = wrapper.etree_element
        style = style_for(element)
        styles[index, element.tag, None] = {name: _value(style[name]) for name in INITIAL_VALUES}
        pseudos = PSEUDO + (("marker",) if "list-item" in style["display"] else ())
        for pseudo in pseudos:
            pseudo_style = style_for(element, pseudo)
            if pseudo in ("before", "after") and (
                pseudo_style is None or pseudo_style["content"] in ("normal", "inhibit", "none")
            ):
                continue  # no box either way (build.before_after_to_box)
            if pseudo_style is not None:
                pseudo_style = {name: _value(pseudo_style[name]) for name in INITIAL_VALUES}
            styles[index, element.tag, pseudo] = pseudo_style
        # Footnotes and notes would need the rules left out of document_ua.css: none in a document.
        assert style["float"] != "footnote" and style["position"][0] != "note()", element.tag
    return styles


def test_every_computed_style_is_the_same_under_the_lean_user_agent_sheet(db):
    compared = 0
    for key, html in _document_htmls(db).items():
        full = computed_styles(html, lean=False)
        lean = computed_styles(html, lean=True)
        assert full.keys() == lean.keys(), (key, sorted(set(full) ^ set(lean))[:10])
        differences = [
            (where, name, full[where][name], lean[where][name])
            for where in full
            if full[where] != lean[where]
            for name in (full[where] or lean[where] or {})
            if (full[where] or {}).get(name) != (lean[where] or {}).get(name)
        ]
        assert not differences, (key, differences[:10])
        compared += len(full)
    assert compared > 1000  # every document's elements, not an empty comparison


def test_the_private_hook_is_there_and_installs_the_lean_sheet():
    """`HTML._ua_stylesheets` is WeasyPrint 70's private hook, called by `get_all_computed_styles`. If an
    upgrade renames or stops calling it, the documents silently go back to the full sheet: this fails."""
    assert callable(getattr(weasyprint.HTML, "_ua_stylesheets", None)), (
        "WeasyPrint no longer has HTML._ua_stylesheets: pps_admin/rendering.py DocumentHTML needs another way"
    )
    html = "<html><body><table><tr><td>a</td></tr></table><p>b<br>c</p></body></html>"
    for lean in (False, True):
        source, stylesheets = rendering.document_source(html, lean_user_agent=lean)
        style_for = get_all_computed_styles(
            source, stylesheets, font_config=rendering._font_config(), counter_style=CounterStyle()
        )
        td = next(source.etree_element.iter("td"))
        # WeasyPrint's sheet gives every element a ::marker style (its `::marker` rule); the lean one does
        # not: a td with no marker style proves the lean sheet is the one in the cascade.
        assert (style_for(td, "marker") is None) is lean, lean
        # A rule only the lean sheet has the same as WeasyPrint's: <br> still breaks the line.
        br = next(source.etree_element.iter("br"))
        assert style_for(br, "before")["content"] != "normal"


def test_the_lean_sheet_keeps_weasyprints_licence_notice():
    text = rendering.USER_AGENT_CSS.read_text("utf-8")
    assert "BSD 3-Clause License" in text and "Simon Sapin and contributors" in text
    assert "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS" in text
