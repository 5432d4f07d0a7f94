"""An office's own default texts: its words (name, region, election) and the decree template values built
from them. A new office's template (create_office, the admin's "add" form) starts from these, so it never
prints another office's name; staff edit it from there."""

from kelurahan import codes
from kelurahan.models import Kelurahan

from .. import decree_defaults as defaults
from .. import decree_defaults_paw as paw_defaults
from ..models import ElectionPeriod, Office
from ..office_names import letterhead_lines as name_lines
from ..office_wording import OfficeWording


def _year() -> int:
    period = ElectionPeriod.current()
    return period.vote_date.year if period else 2024


def office_wording(office: Office) -> OfficeWording:
    """The words of a kabupaten/kota office's documents, from its record and its loaded region."""
    regency = office.regency
    if regency is None:
        raise ValueError("a provincial office issues no Sekretariat PPS decree")
    village_codes = Kelurahan.objects.filter(kecamatan__regency=regency).values_list("code", flat=True)
    kinds = tuple(sorted({codes.village_kind(code) for code in village_codes})) or (codes.KELURAHAN,)
    return OfficeWording(
        office_name=office.name,
        region_name=regency.name,
        regency_kind=codes.regency_kind(regency.code),
        province_name=office.province.name,
        village_kinds=kinds,
        year=_year(),
        province_code=office.province_id,
    )


def letterhead_lines(office: Office) -> list[str]:
    """ "KOMISI PEMILIHAN UMUM" / "KOTA SAMARINDA" ("KOMISI INDEPENDEN PEMILIHAN" / "KOTA BANDA ACEH"): the
    institution, then the rest of the office's name (secretariat/office_names.py)."""
    return name_lines(office.name)


def letterhead_address(office: Office) -> str:
    """One line under the name: address, telephone, e-mail, website, whichever the office has."""
    parts = [" ".join(office.address.split())]
    parts += [f"Telp. {office.phone}" if office.phone else "", office.email, office.website]
    return " · ".join(part for part in parts if part)


def decree_template_values(office: Office) -> dict:
    """Every DecreeTemplate field that names the office, for `office`; the signer's name stays empty
    (the office fills it in, and no decree is issued until it does)."""
    w = office_wording(office)
    upper_name = office.name.upper()
    return {
        "name": f"SK Sekretariat PPS Pilkada {w.year}",
        "issuer": upper_name,
        "title": defaults.title(w),
        "considerations": "\n".join(defaults.considerations(w)),
        "legal_basis": "\n".join(defaults.legal_basis(w)),
        "observations": "\n".join(defaults.observations(w)),
        "dictums": "\n".join(defaults.dictums(w)),
        "petikan_dictum": defaults.petikan_dictum(w),
        "paw_title": paw_defaults.paw_title(w),
        "paw_considerations": "\n".join(paw_defaults.paw_considerations(w)),
        "paw_observations": "\n".join(paw_defaults.paw_observations(w)),
        "paw_petikan_dictum": paw_defaults.paw_petikan_dictum(w),
        "paw_dictums": "\n".join(paw_defaults.paw_dictums(w)),
        "place": office.city,
        "signer_title": f"KETUA {upper_name}",
        "signer_name": "",
        "authenticator_title": f"SEKRETARIS {upper_name}",
        "letterhead_name": "\n".join(letterhead_lines(office)),
        "letterhead_address": letterhead_address(office),
        "office_short_name": office.short_name,
    }
