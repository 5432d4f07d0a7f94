"""The office's letterhead (kop) and identity on every document: the one place documents read them from.

The fields live on DecreeTemplate for now (logo, letterhead_name, letterhead_address, office_short_name);
an office model per KPU office can take them over by changing `letterhead_snapshot` alone. A decree keeps
the snapshot it was issued with (Decree.text["letterhead"]), so a later edit never changes it; the pacts
and the attendance sheet take the active template's.
"""

from ..models import DecreeTemplate
from .logo import logo_data_uri
from .title_case import title_case

DEFAULT_NAME_LINES = ["KOMISI PEMILIHAN UMUM", "KOTA BALIKPAPAN"]
DEFAULT_SHORT_NAME = "KPU Kota Balikpapan"


def letterhead_snapshot(template) -> dict:
    """The letterhead of `template` (a DecreeTemplate or None) as plain data, logo embedded."""
    if template is None:
        return {"logo": "", "lines": DEFAULT_NAME_LINES, "address": "", "short_name": DEFAULT_SHORT_NAME}
    lines = [line.strip() for line in template.letterhead_name.splitlines() if line.strip()]
    return {
        "logo": logo_data_uri(template.logo),
        "lines": lines or DEFAULT_NAME_LINES,
        "address": template.letterhead_address.strip(),
        "short_name": template.office_short_name.strip() or DEFAULT_SHORT_NAME,
    }


def letterhead_of_text(text: dict) -> dict:
    """The letterhead of an issued decree's snapshot; decrees issued before it was configurable printed
    the issuer alone, so they get the default lines with their own logo."""
    if "letterhead" in text:
        return text["letterhead"]
    return {
        "logo": text.get("logo", ""),
        "lines": DEFAULT_NAME_LINES,
        "address": "",
        "short_name": DEFAULT_SHORT_NAME,
    }


def current_letterhead() -> dict:
    return letterhead_snapshot(DecreeTemplate.active())


def office_author(letterhead: dict) -> str:
    """The PDF's Author: the office, written out ("Komisi Pemilihan Umum Kota Balikpapan"). Line by line: a
    line typed in mixed case is kept as typed."""
    return " ".join(title_case(line) for line in letterhead["lines"])
