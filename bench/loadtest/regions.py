"""The province and kabupaten/kota above synthetic kecamatan (`seed_synthetic`'s 00.KK.CC).

Every kecamatan belongs to a kabupaten/kota, synthetic ones too: province 00 ("Sintetis") and its regencies
00.01 .. 00.99, created when first needed and then left in place (empty after a removal, reused by the
next seed). Their codes can never be a real region's (kelurahan/codes.py).
"""

from collections.abc import Iterable

from kelurahan.codes import SYNTHETIC_PROVINCE
from kelurahan.models import Province, Regency


def synthetic_parents_create(regency_codes: Iterable[str]) -> None:
    Province.objects.get_or_create(code=SYNTHETIC_PROVINCE, defaults={"name": "Sintetis"})
    Regency.objects.bulk_create(
        [
            Regency(code=code, province_id=SYNTHETIC_PROVINCE, name=f"Sintetis {code}")
            for code in sorted(set(regency_codes))
        ],
        ignore_conflicts=True,
    )
