"""The provinces and kabupaten/kota above synthetic kecamatan (`seed_synthetic`'s 0P.KK.CC), and their
KPU offices.

Every kecamatan belongs to a kabupaten/kota, synthetic ones too: provinces 00 .. 09 ("Sintetis 00" ...)
and their regencies 0P.01 .. 0P.99, each with its KPU office as a real one has (a KPU Kabupaten/Kota under
the province's KPU Provinsi), created when first needed and then left in place (empty after a removal,
reused by the next seed). Their codes can never be a real region's (kelurahan/codes.py).
"""

from collections.abc import Iterable

from kelurahan.models import Province, Regency
from secretariat.models import Office, OfficeKind

from .codes import REGION_PREFIX


def synthetic_parents_create(regency_codes: Iterable[str]) -> None:
    regency_codes = sorted(set(regency_codes))
    province_codes = sorted({code[:2] for code in regency_codes})
    Province.objects.bulk_create(
        [Province(code=code, name=f"Sintetis {code}") for code in province_codes], ignore_conflicts=True
    )
    Regency.objects.bulk_create(
        [Regency(code=code, province_id=code[:2], name=f"Sintetis {code}") for code in regency_codes],
        ignore_conflicts=True,
    )
    Office.objects.bulk_create(
        [
            Office(
                code=code,
                kind=OfficeKind.PROVINCE,
                name=f"Komisi Pemilihan Umum Provinsi Sintetis {code}",
                short_name=f"KPU Provinsi Sintetis {code}",
                province_id=code,
                city="Sintetis",
            )
            for code in province_codes
        ],
        ignore_conflicts=True,
    )
    parents = dict(
        Office.objects.filter(kind=OfficeKind.PROVINCE, code__in=province_codes).values_list("code", "pk")
    )
    Office.objects.bulk_create(
        [
            Office(
                code=code,
                kind=OfficeKind.REGENCY,
                name=f"Komisi Pemilihan Umum Sintetis {code}",
                short_name=f"KPU Sintetis {code}",
                province_id=code[:2],
                regency_id=code,
                parent_id=parents[code[:2]],
                city="Sintetis",
            )
            for code in regency_codes
        ],
        ignore_conflicts=True,
    )


def synthetic_office_ids() -> dict[str, int]:
    """Kabupaten/kota code -> office id, for the synthetic regencies."""
    offices = Office.objects.filter(kind=OfficeKind.REGENCY, code__startswith=REGION_PREFIX)
    return dict(offices.values_list("regency_id", "pk"))
