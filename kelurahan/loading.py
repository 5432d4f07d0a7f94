"""Loading the nation's regions from the shipped file (`manage.py load_regions`).

The rules, in the order the brief for issue #17 gives them:
- Codes never change and nothing is ever deleted: a code in the database but not in the file (typed into
  the admin, say) stays, and is only counted.
- Idempotent: a second load with the same file changes nothing, and says so.
- Names follow the file, except what staff chose: a kecamatan's or desa/kelurahan's display name that differs
  from its `official_name` (the file's name at the last load, or the decree's for Balikpapan's migration;
  none for a region staff typed in) was chosen in the admin, and is kept; its `official_name` still moves
  to the new file's spelling.
  Provinces and kabupaten/kota are read-only in the admin, so their names simply follow the file.
- A postal code is filled in where none is stored; one that is stored (staff may correct it) is kept.
- A kabupaten's seat (ibu kota) follows the seats file (kelurahan/data/seats.csv.xz) like a regency's name;
  a kabupaten the file does not know keeps what it has (create_office then asks staff to check the place).
- All or nothing: the file is read and checked whole, the province codes asked for are checked, and only
  then is anything written, in one transaction.

Rows are compared with what is stored in memory (one read per level) and written with bulk_create and
bulk_update, on PostgreSQL and on SQLite (`make run`) alike.
"""

import operator
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path

from django.db import DatabaseError, transaction
from django.db.models import Q

from . import codes
from .models import Kecamatan, Kelurahan, Province, Regency
from .regions_file import DEFAULT_PATH, LEVELS, Region, RegionsFileError, read_regions
from .seats_file import DEFAULT_PATH as DEFAULT_SEATS_PATH
from .seats_file import SeatsFileError, read_seats

BATCH_SIZE = 2000
LOCK_BATCH = 500  # codes per locking read (SQLite allows a limited number of query parameters)
PARENT_FIELD = {Regency: "province_id", Kecamatan: "regency_id", Kelurahan: "kecamatan_id"}
MODELS = {
    codes.PROVINCE: Province,
    codes.REGENCY: Regency,
    codes.KECAMATAN: Kecamatan,
    codes.VILLAGE: Kelurahan,
}


class RegionsLoadError(Exception):
    """Nothing was loaded; the message says why (Indonesian)."""


@dataclass
class LevelResult:
    created: int = 0
    renamed: int = 0  # name (or official name) now the file's
    postal_filled: int = 0
    unchanged: int = 0
    staff_names: int = 0  # display names edited by staff, kept (also counted above)
    not_in_file: int = 0  # stored under the loaded provinces, absent from the file: kept

    @property
    def changed(self) -> bool:
        return bool(self.created or self.renamed or self.postal_filled)


@dataclass
class SeatResult:
    set: int = 0  # seat written (new or changed)
    unchanged: int = 0
    unknown: int = 0  # kabupaten of the loaded provinces the seats file does not know


@dataclass
class LoadResult:
    provinces: list[str]
    notes: list[str]
    levels: dict[str, LevelResult] = field(default_factory=dict)
    seats: SeatResult = field(default_factory=SeatResult)

    @property
    def changed(self) -> bool:
        return any(level.changed for level in self.levels.values()) or bool(self.seats.set)


def regions_load(
    *,
    provinces: list[str] | None = None,
    path: Path = DEFAULT_PATH,
    seats_path: Path = DEFAULT_SEATS_PATH,
) -> LoadResult:
    """Load the regions of `provinces` (2-digit codes; None: all) from the file at `path`, and the seats of
    their kabupaten from the file at `seats_path`."""
    try:
        regions_file = read_regions(path)
        seats = read_seats(seats_path)
    except (RegionsFileError, SeatsFileError) as exc:
        raise RegionsLoadError(str(exc)) from None
    wanted = _wanted_provinces(provinces, regions_file.province_codes())
    selected = regions_file.of_provinces(wanted)
    result = LoadResult(provinces=wanted, notes=regions_file.notes)
    try:
        with transaction.atomic():
            for level in LEVELS:
                model = MODELS[level]
                result.levels[level] = _load_level(
                    model, selected[level], wanted, named=model in (Kecamatan, Kelurahan)
                )
            result.seats = _load_seats(seats, selected[codes.REGENCY])
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RegionsLoadError(
            f"Basis data menolak pemuatan wilayah: {first_line}. Tidak ada yang dimuat."
        ) from exc
    return result


def _load_seats(seats: dict[str, str], regencies: list[Region]) -> SeatResult:
    result = SeatResult()
    kabupaten = [r.code for r in regencies if codes.regency_kind(r.code) == codes.KABUPATEN]
    result.unknown = sum(1 for code in kabupaten if code not in seats)
    known = [code for code in kabupaten if code in seats]
    changed = []
    for start in range(0, len(known), LOCK_BATCH):
        batch = known[start : start + LOCK_BATCH]
        for regency in Regency.objects.select_for_update().filter(code__in=batch).order_by("code"):
            if regency.seat == seats[regency.code]:
                result.unchanged += 1
                continue
            regency.seat = seats[regency.code]
            changed.append(regency)
    Regency.objects.bulk_update(changed, ["seat"], batch_size=BATCH_SIZE)
    result.set = len(changed)
    return result


def _wanted_provinces(asked: list[str] | None, known: list[str]) -> list[str]:
    if not asked:
        return known
    cleaned = list(dict.fromkeys(code.strip() for code in asked))
    synthetic = [code for code in cleaned if code in codes.SYNTHETIC_PROVINCES]
    if synthetic:
        raise RegionsLoadError(
            f"Provinsi {', '.join(synthetic)} hanya untuk data sintetis (seed_synthetic, kode 00-09); "
            "tidak ada di berkas wilayah. Tidak ada yang dimuat."
        )
    unknown = [code for code in cleaned if code not in known]
    if unknown:
        raise RegionsLoadError(
            f"Kode provinsi tidak dikenal: {', '.join(repr(c) for c in unknown)}. Tulis kode Kemendagri "
            f"2 angka (mis. 64 untuk Kalimantan Timur); kode di berkas: {', '.join(known)}. "
            "Tidak ada yang dimuat."
        )
    return sorted(cleaned)


def _load_level(model, regions: list[Region], provinces: list[str], *, named: bool) -> LevelResult:
    result = LevelResult()
    stored = _stored(model, provinces)
    in_file = {region.code for region in regions}
    result.not_in_file = sum(1 for code in stored if code not in in_file)
    new, changed = [], {}
    for region in regions:
        row = stored.get(region.code)
        if row is None:
            new.append(_new_row(model, region, named=named))
        elif _changes(row, region, named=named):
            changed[region.code] = region
        else:
            result.unchanged += 1
            result.staff_names += named and row["name"] != row["official_name"]
    model.objects.bulk_create(new, batch_size=BATCH_SIZE)
    result.created = len(new)
    _update(model, changed, result, named=named)
    return result


def _stored(model, provinces: list[str]) -> dict[str, dict]:
    fields = ["code", "name"] + (["official_name"] if model in (Kecamatan, Kelurahan) else [])
    fields += ["postal_code"] if model is Kelurahan else []
    rows = model.objects.order_by()
    if model is Province:
        rows = rows.filter(code__in=provinces)
    else:
        rows = rows.filter(reduce(operator.or_, (Q(code__startswith=f"{p}.") for p in provinces)))
    return {row["code"]: row for row in rows.values(*fields)}


def _new_row(model, region: Region, *, named: bool):
    values = {"code": region.code, "name": region.name}
    if model in PARENT_FIELD:
        values[PARENT_FIELD[model]] = codes.parent_of(region.code)
    if named:
        values["official_name"] = region.name
    if model is Kelurahan:
        values["postal_code"] = region.postal_code
    return model(**values)


def _changes(row: dict, region: Region, *, named: bool) -> dict:
    """What to write on a stored row (empty: nothing): the file's name unless staff chose their own."""
    changes = {}
    if named:
        if row["official_name"] != region.name:
            changes["official_name"] = region.name
            if row["name"] == row["official_name"]:
                changes["name"] = region.name
    elif row["name"] != region.name:
        changes["name"] = region.name
    if "postal_code" in row and not row["postal_code"] and region.postal_code:
        changes["postal_code"] = region.postal_code
    return changes


def _update(model, changed: dict[str, Region], result: LevelResult, *, named: bool) -> None:
    """Write the changes, deciding again on rows locked against a staff edit made meanwhile."""
    codes_ = sorted(changed)
    objects, fields = [], set()
    for start in range(0, len(codes_), LOCK_BATCH):
        batch = codes_[start : start + LOCK_BATCH]
        for obj in model.objects.select_for_update().filter(code__in=batch).order_by("code"):
            row = {f: getattr(obj, f) for f in ("name", "official_name", "postal_code") if hasattr(obj, f)}
            changes = _changes(row, changed[obj.code], named=named)
            if not changes:
                result.unchanged += 1
                continue
            if named and "name" not in changes and row["name"] != row["official_name"]:
                result.staff_names += 1
            result.renamed += "official_name" in changes or "name" in changes
            result.postal_filled += "postal_code" in changes
            for name, value in changes.items():
                setattr(obj, name, value)
            fields.update(changes)
            objects.append(obj)
    if objects:
        model.objects.bulk_update(objects, sorted(fields), batch_size=BATCH_SIZE)
