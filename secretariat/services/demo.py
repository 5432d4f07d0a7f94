"""A clearly fictional roster (102 rows) in the import format, for `make demo` and for tests."""

import datetime as dt
import random

from kelurahan.models import Kelurahan
from kelurahan.region_data import REGENCY

from .. import identity
from ..models import Role
from . import roster_format as fmt
from .spreadsheet import write_csv

FIRST_MALE = ["Budi", "Agus", "Rahmat", "Hendra", "Yusuf", "Andi", "Dedi", "Fajar", "Rizky", "Irfan"]
FIRST_FEMALE = ["Siti", "Dewi", "Nurul", "Rina", "Fitri", "Ayu", "Wulan", "Indah", "Lestari", "Yuni"]
DEMO_REGENCY = REGENCY[0]  # Kota Balikpapan (64.71): the demo is its roster, imported for its office
LAST = ["Contoh", "Fiktif", "Percobaan", "Latihan", "Demo", "Simulasi", "Uji", "Sampel"]


def demo_rows(*, seed: int = 2024) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    serial = 0
    for kelurahan in Kelurahan.objects.filter(code__startswith=f"{DEMO_REGENCY}.").order_by("code"):
        names = set()  # of this kelurahan: one name for two posts read as one person holding both
        for role in Role:
            serial += 1
            gender = rng.choice([identity.MALE, identity.FEMALE])
            birth = dt.date(rng.randint(1970, 1999), rng.randint(1, 12), rng.randint(1, 28))
            first = rng.choice(FIRST_MALE if gender == identity.MALE else FIRST_FEMALE)
            asn = role == Role.SEKRETARIS or rng.random() < 0.3
            nik = identity.make_nik(
                region=kelurahan.code.replace(".", "")[:6],
                birth_date=birth,
                gender=gender,
                serial=serial,
            )
            nip = (
                identity.make_nip(
                    birth_date=birth,
                    appointed=(birth.year + 25, rng.randint(1, 12)),
                    gender=gender,
                    serial=serial % 999 + 1,
                )
                if asn
                else ""
            )
            # Drawn where it always was; a clash takes the next surname of the list instead of drawing again,
            # so every other row (NIK, birth date, gender) stays what it was: a database seeded before
            # this rule still matches `make demo`'s roster but for the renamed rows.
            last = rng.choice(LAST)
            place = kelurahan.name.split()[0]
            offset = 0
            while f"{first} {LAST[(LAST.index(last) + offset) % len(LAST)]} {place}" in names:
                offset += 1
            name = f"{first} {LAST[(LAST.index(last) + offset) % len(LAST)]} {place}"
            names.add(name)
            rows.append(
                [
                    kelurahan.code,
                    role.value,
                    nik,
                    name,
                    gender,
                    "Balikpapan",
                    birth.isoformat(),
                    "ASN" if asn else "NON_ASN",
                    nip,
                    f"0812{serial:08d}",
                    "",
                    f"Kantor Kelurahan {kelurahan.name} (data fiktif)",
                ]
            )
    return rows


def demo_csv(*, seed: int = 2024) -> bytes:
    return write_csv(fmt.HEADER, demo_rows(seed=seed))
