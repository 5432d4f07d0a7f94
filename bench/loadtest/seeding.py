"""Synthetic regions and members at national scale (`seed_synthetic`, issue #7).

Indonesia counted about 83,700 villages and kelurahan in 2024; this module makes that many fictional ones,
each with a full secretariat (sekretaris, bendahara, staf teknis), so pages, imports and documents can be
measured at the size the product must survive. Nothing here is real, and its codes say so (`codes`):

- Regions live under provinces ``00`` to ``09`` (``0P.KK.CC`` kecamatan, ``0P.KK.CC.1001`` kelurahan), laid
  out as the nation is: 163 kelurahan per kabupaten/kota (83,763 / 514), in kecamatan of 12 (the last of
  each kabupaten/kota has 7), so national scale gives 514 kabupaten/kota and as many KPU offices (issue
  #17.6). Kabupaten/kota are dealt to the ten provinces in turn (the first to 00.01, the second to
  01.01 ...), about 51 each at national scale.
- People have NIKs of province ``99`` and names such as "Budi Sintetis Bcd" (the name validator refuses
  digits, so the serial is written in letters). The region part is unique per synthetic kecamatan (its
  number among all of them, not its code, which has a province digit more than a NIK can hold) and the
  serial is unique within it, so synthetic NIKs never repeat; the few stored people whose NIK already
  starts with 99 are loaded in one query and skipped. Sekretaris are ASN with a NIP (birth date +
  appointment + gender + serial); the serial is chosen so that no NIP repeats, checked against every NIP
  already stored (one query).

Speed: rows are built in chunks and written inside one transaction; on PostgreSQL with COPY (the product's
bulk_copy, which its national-scale import uses too), since bulk_create spent most of the time in Python
(bench/RESULTS.md, "Seeding and removal"); elsewhere (SQLite for `make run`) with bulk_create.

History: the synthetic people and appointments get their audit rows (bulk_create_with_history, reason
"seed_synthetic (data sintetis)"), as every change in the product does. They cost time (as many rows
again), but they make the data behave like the real thing in pages that show history, and an import of
the same people (``--csv``) writes history too, so both paths measure the same work. Removal (`removal`)
deletes the history rows with the rows.
"""

import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from kelurahan.models import Kecamatan, Kelurahan
from secretariat import identity
from secretariat.models import Appointment, ElectionPeriod, EmploymentStatus, Person, Role
from secretariat.services import roster_format as fmt
from secretariat.services.bulk_copy import analyze, copy_available, copy_insert, create_with_history
from secretariat.services.demo import FIRST_FEMALE, FIRST_MALE

from .codes import NIK_PROVINCE, REGION_PROVINCES, SYNTHETIC_REGION, SyntheticError
from .regions import synthetic_office_ids, synthetic_parents_create
from .removal import synthetic_remove

KELURAHAN_PER_KECAMATAN = 12  # the national average is about 11.5
KELURAHAN_PER_REGENCY = 163  # 83,763 / 514 kabupaten/kota = 162.96
KECAMATAN_PER_REGENCY = -(-KELURAHAN_PER_REGENCY // KELURAHAN_PER_KECAMATAN)  # 14 (national: 14.2)
# A synthetic NIK's region part (99 KK CC) numbers the kecamatan: at most 99 x 99 of them.
MAX_REGENCIES = 99 * 99 // KECAMATAN_PER_REGENCY  # 700, 70 in each of the ten provinces
MAX_KELURAHAN = MAX_REGENCIES * KELURAHAN_PER_REGENCY  # 114,100: more than Indonesia's 83,763
NATIONAL_KELURAHAN = 83_763
PEOPLE_PER_KECAMATAN = KELURAHAN_PER_KECAMATAN * len(Role)
NIK_SERIAL_LIMIT = 9999
CHUNK_KELURAHAN = 2000  # rows built in memory at a time (x3 people, x3 appointments, + history)
BATCH_SIZE = 2000
CHANGE_REASON = "seed_synthetic (data sintetis)"
BIRTH_FIRST = dt.date(1966, 1, 1)  # two-digit years 66-99 are unambiguous for parse_nik
BIRTH_LAST = dt.date(1999, 12, 31)
BIRTH_PLACE = "Kota Sintetis"
ADDRESS = "Data sintetis untuk uji skala, bukan orang nyata"


@dataclass(frozen=True)
class SyntheticMember:
    kelurahan_code: str
    role: str
    nik: str
    name: str
    gender: str
    birth_date: dt.date
    nip: str

    @property
    def employment_status(self) -> str:
        return EmploymentStatus.ASN if self.nip else EmploymentStatus.NON_ASN

    def as_import_row(self) -> list[str]:
        """The row in the `import_members` format (roster_format.HEADER)."""
        return [
            self.kelurahan_code,
            self.role,
            self.nik,
            self.name,
            self.gender,
            BIRTH_PLACE,
            self.birth_date.isoformat(),
            self.employment_status,
            self.nip,
            "",
            "",
            ADDRESS,
        ]


@dataclass(frozen=True)
class SeedResult:
    kecamatan: int
    kelurahan: int
    people: int
    appointments: int


@dataclass(frozen=True)
class Place:
    """Where the synthetic kelurahan number `index` lies."""

    kelurahan_code: str
    kecamatan_code: str
    kecamatan_number: int  # among all synthetic kecamatan, from 0: the NIK's region part
    position: int  # in its kecamatan, from 0


def place(index: int) -> Place:
    regency, within = divmod(index, KELURAHAN_PER_REGENCY)
    kecamatan, position = divmod(within, KELURAHAN_PER_KECAMATAN)
    turn, province = divmod(regency, len(REGION_PROVINCES))
    kecamatan_code = f"{REGION_PROVINCES[province]}.{turn + 1:02d}.{kecamatan + 1:02d}"
    return Place(
        kelurahan_code=f"{kecamatan_code}.{1001 + position}",  # 1xxx: kelurahan in Kemendagri's numbering
        kecamatan_code=kecamatan_code,
        kecamatan_number=regency * KECAMATAN_PER_REGENCY + kecamatan,
        position=position,
    )


def letters(number: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "Ba" ...: a serial that the person-name validator accepts."""
    text = ""
    while True:
        number, digit = divmod(number, 26)
        text = chr(ord("a") + digit) + text
        if not number:
            return text.capitalize()


def synthetic_regions(count: int) -> tuple[list[Kecamatan], list[Kelurahan]]:
    places = [place(i) for i in range(count)]
    kecamatan = {
        p.kecamatan_code: Kecamatan(
            code=p.kecamatan_code,
            regency_id=p.kecamatan_code[:5],
            name=f"Sintetis K{p.kecamatan_number + 1:04d}",
        )
        for p in places
    }
    kelurahan = [
        Kelurahan(code=p.kelurahan_code, kecamatan_id=p.kecamatan_code, name=f"Sintetis {i + 1:06d}")
        for i, p in enumerate(places)
    ]
    return list(kecamatan.values()), kelurahan


class _Numbers:
    """Hands out NIKs and NIPs that are valid and never repeat, also against what is already stored."""

    def __init__(self):
        self.taken_niks = set(
            Person.objects.filter(nik__startswith=NIK_PROVINCE).values_list("nik", flat=True)
        )
        self.taken_nips = set(Person.objects.exclude(nip="").values_list("nip", flat=True))

    def nik(self, *, kecamatan: int, position: int, birth_date: dt.date, gender: str) -> str:
        """`kecamatan`: its number among the synthetic ones; `position`: the person's in it."""
        kota, kec = divmod(kecamatan, 99)
        region = f"{NIK_PROVINCE}{kota + 1:02d}{kec + 1:02d}"
        # Serials position+1, +PEOPLE_PER_KECAMATAN ...: the first is free unless a stored NIK has it.
        for serial in range(position + 1, NIK_SERIAL_LIMIT + 1, PEOPLE_PER_KECAMATAN):
            nik = identity.make_nik(region=region, birth_date=birth_date, gender=gender, serial=serial)
            if nik not in self.taken_niks:
                self.taken_niks.add(nik)
                return nik
        raise SyntheticError(f"Tidak ada nomor urut NIK sintetis yang bebas di wilayah {region}.")

    def nip(self, *, index: int, birth_date: dt.date, gender: str) -> str:
        appointed = (birth_date.year + 25, index % 12 + 1)
        for step in range(999):
            serial = (index + step) % 999 + 1
            nip = identity.make_nip(birth_date=birth_date, appointed=appointed, gender=gender, serial=serial)
            if nip not in self.taken_nips:
                self.taken_nips.add(nip)
                return nip
        raise SyntheticError("Tidak ada nomor urut NIP sintetis yang bebas.")


def synthetic_members(count: int, *, seed: int = 7) -> Iterator[SyntheticMember]:
    """The three members of each of the first `count` synthetic kelurahan, in code and role order."""
    rng = random.Random(seed)
    numbers = _Numbers()
    first_day, days = BIRTH_FIRST.toordinal(), (BIRTH_LAST - BIRTH_FIRST).days
    for index in range(count):
        where = place(index)
        code = where.kelurahan_code
        tag = letters(index)
        for offset, role in enumerate(Role):
            gender = rng.choice((identity.MALE, identity.FEMALE))
            birth_date = dt.date.fromordinal(first_day + rng.randint(0, days))
            first = rng.choice(FIRST_MALE if gender == identity.MALE else FIRST_FEMALE)
            nik = numbers.nik(
                kecamatan=where.kecamatan_number,
                position=where.position * len(Role) + offset,
                birth_date=birth_date,
                gender=gender,
            )
            nip = (
                numbers.nip(index=index, birth_date=birth_date, gender=gender)
                if role == Role.SEKRETARIS
                else ""
            )
            yield SyntheticMember(code, role.value, nik, f"{first} Sintetis {tag}", gender, birth_date, nip)


def synthetic_seed(*, count: int, csv_path: Path | None = None, replace: bool = False) -> SeedResult:
    """Add `count` synthetic kelurahan (and their kecamatan); their members go into the database, or with
    `csv_path` into an import file instead (for measuring `import_members`)."""
    if not 1 <= count <= MAX_KELURAHAN:
        raise SyntheticError(f"Jumlah kelurahan sintetis harus 1-{MAX_KELURAHAN:,}.".replace(",", "."))
    period = ElectionPeriod.current()
    if period is None and csv_path is None:
        raise SyntheticError("Belum ada periode pemilihan yang berjalan.")
    with transaction.atomic():
        if replace:
            synthetic_remove()
        existing = Kelurahan.objects.filter(SYNTHETIC_REGION).count()
        if existing:
            raise SyntheticError(
                f"Sudah ada {existing} kelurahan sintetis. Hapus dulu dengan `seed_synthetic --remove`, "
                "atau pakai --replace."
            )
        kecamatan, kelurahan = synthetic_regions(count)
        synthetic_parents_create(k.regency_id for k in kecamatan)
        _insert_regions(Kecamatan, kecamatan)
        _insert_regions(Kelurahan, kelurahan)
        if csv_path is not None:
            analyze(Kecamatan, Kelurahan)
            people = _write_csv(csv_path, synthetic_members(count))
            return SeedResult(len(kecamatan), len(kelurahan), people, 0)
        people = _insert_members(synthetic_members(count), period)
        analyze(Kecamatan, Kelurahan, Person, Appointment)
        return SeedResult(len(kecamatan), len(kelurahan), people, people)


def _insert_members(members: Iterator[SyntheticMember], period: ElectionPeriod) -> int:
    total = 0
    chunk: list[SyntheticMember] = []
    for member in members:
        chunk.append(member)
        if len(chunk) == CHUNK_KELURAHAN * len(Role):
            total += _insert_chunk(chunk, period)
            chunk = []
    if chunk:
        total += _insert_chunk(chunk, period)
    return total


def _insert_chunk(chunk: list[SyntheticMember], period: ElectionPeriod) -> int:
    offices = synthetic_office_ids()
    people = [
        Person(
            office_id=offices[m.kelurahan_code[:5]],
            nik=m.nik,
            name=m.name,
            gender=m.gender,
            birth_place=BIRTH_PLACE,
            birth_date=m.birth_date,
            employment_status=m.employment_status,
            nip=m.nip,
            address=ADDRESS,
        )
        for m in chunk
    ]
    create_with_history(people, Person, reason=CHANGE_REASON)
    appointments = [
        Appointment(
            person_id=person.pk,
            kelurahan_id=m.kelurahan_code,
            office_id=offices[m.kelurahan_code[:5]],
            role=m.role,
            period=period,
            start_date=period.term_start,
        )
        for person, m in zip(people, chunk, strict=True)
    ]
    create_with_history(appointments, Appointment, reason=CHANGE_REASON)
    return len(people)


def _insert_regions(model, objects: list) -> None:
    if copy_available():
        copy_insert(
            model, ({f.attname: getattr(o, f.attname) for f in model._meta.concrete_fields} for o in objects)
        )
    else:
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)


def _write_csv(path: Path, members: Iterator[SyntheticMember]) -> int:
    """Stream the members into an import file (UTF-8 with BOM, CRLF, as export_members writes it)."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(fmt.HEADER)
        for member in members:
            writer.writerow(member.as_import_row())
            count += 1
    return count
