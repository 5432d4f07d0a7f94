"""The province and kabupaten/kota above synthetic kecamatan (`seed_synthetic`'s 00.KK.CC).

Every kecamatan belongs to a kabupaten/kota, synthetic ones too: province 00 ("Sintetis") and its regencies
00.01 .. 00.99, created when first needed and then left in place (empty after a removal, reused by the
next seed). Their codes can never be a real region's (kelurahan/codes.py).
"""

from collections.abc import Iterable

from kelurahan.codes import SYNTHETIC_PROVINCE
from kelurahan.models import Province, Regency
from secretariat.models import Office, OfficeKind


def synthetic_parents_create(regency_codes: Iterable[str]) -> None:
    regency_codes = sorted(set(regency_codes))
    Province.objects.get_or_create(code=SYNTHETIC_PROVINCE, defaults={"name": "Sintetis"})
    Regency.objects.bulk_create(
        [
            Regency(code=code, province_id=SYNTHETIC_PROVINCE, name=f"Sintetis {code}")
            for code in regency_codes
        ],
        ignore_conflicts=True,
    )
    # Each synthetic kabupaten/kota is a KPU office of its own, as a real one is.
    Office.objects.bulk_create(
        [
            Office(
                code=code,
                kind=OfficeKind.REGENCY,
                name=f"Komisi Pemilihan Umum Sintetis {code}",
                short_name=f"KPU Sintetis {code}",
                province_id=SYNTHETIC_PROVINCE,
                regency_id=code,
                city="Sintetis",
            )
            for code in regency_codes
        ],
        ignore_conflicts=True,
    )


def synthetic_office_ids() -> dict[str, int]:
    """Kabupaten/kota code -> office id, for the synthetic regencies."""
    return dict(Office.objects.filter(province_id=SYNTHETIC_PROVINCE).values_list("regency_id", "pk"))
