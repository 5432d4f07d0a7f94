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
# Optional, at the end: the Lurah decree that is each appointment's basis (issue #12). A file may carry the
# twelve columns above or these fourteen; exports and the template always write all fourteen.
LURAH_DECREE_COLUMNS = ["nomor_sk_lurah", "tanggal_sk_lurah"]
FULL_HEADER = [*HEADER, *LURAH_DECREE_COLUMNS]
ACCEPTED_HEADERS = (HEADER, FULL_HEADER)
# A Lurah decree older than this is a typing error (the secretariats are formed per election).
LURAH_DECREE_EARLIEST = dt.date(2000, 1, 1)
LURAH_DECREE_NUMBER_MAX = 100  # Appointment.lurah_decree_number

# The template's example row. Staff who forget to delete it would import a fictional person, so the import
# refuses a row with this NIK and this name (both: a real person may hold the NIK).
EXAMPLE_ROW = [
    "64.71.01.1001",
    "sekretaris",
    "6471014506900001",
    "Siti Contoh Saja",
    "P",
    "Balikpapan",
    "1990-06-05",
    "NON_ASN",
    "",
    "081234567890",
    "siti.contoh@example.com",
    "Jl. Contoh No. 1, Manggar",
    "100.3.3.2/12/KEL-MGR/V/2024",
    "2024-05-20",
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


def is_example_row(nik: str, name: str) -> bool:
    example_nik, example_name = EXAMPLE_ROW[HEADER.index("nik")], EXAMPLE_ROW[HEADER.index("nama")]
    return nik.strip() == example_nik and " ".join(name.split()).casefold() == example_name.casefold()


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
