"""The roster file format fixed in shared/ARCHITECTURE.md (`import_members`), shared by import and export."""

import datetime as dt
import re

from kelurahan.models import normalize_kelurahan_code

from ..models import EmploymentStatus, Gender, Role

HEADER = [
    "kode_kelurahan",
    "jabatan",
    "nik",
    "nama",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "status_kepegawaian",
    "nip",
    "telepon",
    "email",
    "alamat",
]

# Column that holds each Person field (used to report model validation errors per column).
PERSON_FIELD_COLUMNS = {
    "nik": "nik",
    "name": "nama",
    "gender": "jenis_kelamin",
    "birth_place": "tempat_lahir",
    "birth_date": "tanggal_lahir",
    "employment_status": "status_kepegawaian",
    "nip": "nip",
    "phone": "telepon",
    "email": "email",
    "address": "alamat",
}

ROLE_VALUES = [role.value for role in Role]
GENDER_VALUES = [g.value for g in Gender]
STATUS_VALUES = [s.value for s in EmploymentStatus]

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


def parse_kelurahan_code(raw: str) -> str | None:
    return normalize_kelurahan_code(raw)


def parse_role(raw: str) -> str | None:
    value = re.sub(r"[\s\-]+", "_", raw.strip().lower())
    return value if value in ROLE_VALUES else None


def parse_gender(raw: str) -> str | None:
    value = raw.strip().upper()
    return value if value in GENDER_VALUES else None


def parse_status(raw: str) -> str | None:
    value = re.sub(r"[\s\-]+", "_", raw.strip().upper())
    return value if value in STATUS_VALUES else None


def parse_date(raw: str) -> dt.date | None:
    value = raw.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
