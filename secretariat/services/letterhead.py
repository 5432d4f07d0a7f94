"""The office's letterhead (kop) and identity on every document: the one place documents read them from.

Each office's letterhead is on its own decree template (logo, letterhead_name, letterhead_address,
office_short_name); an office without a template yet prints the name and address of its Office record. A
decree keeps the snapshot it was issued with (Decree.text["letterhead"]), so a later edit never changes it;
the pacts and the attendance sheet take their office's active template's. There is no default office: a
document always names the office of its own record.
"""

from ..models import DecreeTemplate, Office
from .logo import logo_data_uri
from .office_texts import letterhead_address, letterhead_lines
from .title_case import title_case

# For a page of the whole deployment (the check page's index when it serves several offices).
NEUTRAL = {"logo": "", "lines": ["KOMISI PEMILIHAN UMUM"], "address": "", "short_name": "KPU"}


def letterhead_snapshot(template: DecreeTemplate) -> dict:
    """The letterhead of `template` as plain data, logo embedded."""
    lines = [line.strip() for line in template.letterhead_name.splitlines() if line.strip()]
    return {
        "logo": logo_data_uri(template.logo),
        "lines": lines or letterhead_lines(template.office),
        "address": template.letterhead_address.strip(),
        "short_name": template.office_short_name.strip() or template.office.short_name,
    }


def _of_office_record(office: Office, logo: str = "") -> dict:
    return {
        "logo": logo,
        "lines": letterhead_lines(office),
        "address": letterhead_address(office),
        "short_name": office.short_name,
    }


def office_letterhead(office: Office) -> dict:
    """`office`'s letterhead for a document made now."""
    template = DecreeTemplate.active(office)
    return letterhead_snapshot(template) if template is not None else _of_office_record(office)


def letterhead_of_text(text: dict, office: Office) -> dict:
    """The letterhead of an issued decree's snapshot; decrees issued before it was configurable printed
    the issuer alone, so they get their office's name with their own logo."""
    if "letterhead" in text:
        return text["letterhead"]
    return _of_office_record(office, logo=text.get("logo", ""))


def deployment_letterhead() -> dict:
    """For a page that belongs to no single record: the office's when the deployment has one, else KPU's
    name alone (never one office's name over another office's documents)."""
    office = Office.sole()
    return office_letterhead(office) if office is not None else NEUTRAL


def office_author(letterhead: dict) -> str:
    """The PDF's Author: the office, written out ("Komisi Pemilihan Umum Kota Balikpapan"). Line by line: a
    line typed in mixed case is kept as typed."""
    return " ".join(title_case(line) for line in letterhead["lines"])
