"""Paper and margins of the printed documents, as the decree template sets them: one rule for all."""

from ..models import DecreeTemplate
from ..models.decree import PAPER_SIZES_MM

# In the order CSS takes them.
MARGIN_FIELDS = ("margin_top_mm", "margin_right_mm", "margin_bottom_mm", "margin_left_mm")


def paper_snapshot(template: DecreeTemplate | None) -> dict:
    """The template's paper as an issued decree keeps it (in Decree.text): paper, size and margins in mm.
    No template: the model's defaults (F4)."""
    template = template or DecreeTemplate()  # unsaved: its fields' defaults
    width, height = PAPER_SIZES_MM[template.paper]
    return {
        "paper": template.paper,
        "page_mm": [width, height],
        "margins_mm": [getattr(template, field) for field in MARGIN_FIELDS],
    }


def page_css(page_mm, margins_mm) -> str:
    """The `@page` rule's body: size, then margins (top, right, bottom, left)."""
    width, height = page_mm
    margins = " ".join(f"{int(value)}mm" for value in margins_mm)
    return f"size: {int(width)}mm {int(height)}mm; margin: {margins};"


def active_page_css(template: DecreeTemplate | None = None) -> str:
    """For documents made now (pacts, attendance sheets); an issued decree prints on its own snapshot.
    `template`: the active one, when the caller has it already (a pact reads it once for its letterhead
    and its paper)."""
    paper = paper_snapshot(template or DecreeTemplate.active())
    return page_css(paper["page_mm"], paper["margins_mm"])
