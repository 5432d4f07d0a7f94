"""Naming the row of an import whose write collided with a concurrent change of the roster."""

import re

from django.db import IntegrityError

from .import_rows import Problem

RACE = "(data berubah saat impor ini berjalan). Tidak ada yang disimpan; periksa lalu ulangi impor."
KEY_DETAIL = re.compile(r"Key \((?P<columns>[^)]*)\)=\((?P<values>.*)\) already exists")


def conflict_problem(exc: IntegrityError, rows: list) -> Problem:
    """Name the row whose write collided with a concurrent change, from the unique key PostgreSQL
    reports ("Key (nik)=(...) already exists"). The key holds a NIK at times: it is only matched,
    never shown or logged. `rows`: the import's planned rows (importing.PlannedRow)."""
    diag = getattr(exc.__cause__, "diag", None)
    match = KEY_DETAIL.search(getattr(diag, "message_detail", None) or "")
    if match:
        key = dict(zip(match["columns"].split(", "), match["values"].split(", "), strict=False))
        for row in rows:
            conflict = _row_conflict(row, key)
            if conflict:
                column, what = conflict
                return Problem(row.row, column, f"{what} {RACE}")
    return Problem(None, None, "Data berubah saat impor ini berjalan. " + RACE.split(". ", 1)[1])


def _row_conflict(row, key: dict[str, str]) -> tuple[str, str] | None:
    if key.keys() == {"nik"} and row.person.nik == key["nik"]:
        return "nik", f"NIK {row.person.masked_nik} baru saja didaftarkan"
    if key.keys() == {"nip"} and row.person.nip == key["nip"]:
        return "nip", f"NIP {row.person.masked_nip} baru saja didaftarkan untuk orang lain"
    if key.keys() == {"person_id"} and str(row.person.pk) == key["person_id"]:
        return "nik", f"{row.person.name} baru saja diangkat pada jabatan lain"
    if {"kelurahan_id", "role"} <= key.keys() and (row.kelurahan.code, row.role) == (
        key["kelurahan_id"],
        key["role"],
    ):
        return "jabatan", f"{row.role_label} Kelurahan {row.kelurahan.name} baru saja diisi orang lain"
    return None
