"""NIK and NIP rules (see shared/DOMAIN.md, "Identity numbers").

Parsing raises ValidationError with an Indonesian message; agreement checks compare with the stored birth
date and gender. Nothing here logs a value: NIK and NIP are personal data.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MALE = "L"
FEMALE = "P"
BALIKPAPAN_NIK_PREFIX = "6471"

MIN_AGE_YEARS = 17
MAX_AGE_YEARS = 100


@dataclass(frozen=True)
class NikInfo:
    region: str  # province + city + kecamatan digits, e.g. "647101"
    birth_date: dt.date
    gender: str
    serial: str


@dataclass(frozen=True)
class NipInfo:
    birth_date: dt.date
    appointed: tuple[int, int]  # (year, month)
    gender: str
    serial: str


def mask_nik(nik: str | None) -> str:
    """6471010101900001 -> 6471********0001: enough for staff to tell records apart."""
    if not nik:
        return ""
    if len(nik) != 16:
        return "*" * len(nik)
    return f"{nik[:4]}{'*' * 8}{nik[-4:]}"


def mask_nip(nip: str | None) -> str:
    if not nip:
        return ""
    if len(nip) != 18:
        return "*" * len(nip)
    return f"{nip[:4]}{'*' * 10}{nip[-4:]}"


def _digits(value: str, length: int, label: str) -> str:
    value = (value or "").strip()
    if not re.fullmatch(r"[0-9]+", value):  # not \d: it also matches non-ASCII digits (e.g. "１")
        raise ValidationError(f"{label} hanya boleh berisi angka.", code="digits")
    if len(value) != length:
        raise ValidationError(f"{label} harus {length} digit (tertulis {len(value)} digit).", code="length")
    return value


def parse_nik(value: str, *, today: dt.date | None = None) -> NikInfo:
    nik = _digits(value, 16, "NIK")
    today = today or dt.date.today()
    if nik[0:2] == "00" or nik[2:4] == "00" or nik[4:6] == "00":
        raise ValidationError("Kode wilayah pada NIK (6 digit pertama) tidak sah.", code="region")
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = MALE
    if day > 40:
        day -= 40
        gender = FEMALE
    # Two-digit year: take the century that gives a plausible age today.
    year = 2000 + year2 if 2000 + year2 <= today.year - MIN_AGE_YEARS else 1900 + year2
    try:
        birth_date = dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            "Tanggal lahir pada NIK (digit 7-12) tidak sah; untuk perempuan tanggal ditambah 40.",
            code="birth_date",
        ) from None
    age = _age(birth_date, today)
    if not MIN_AGE_YEARS <= age <= MAX_AGE_YEARS:
        raise ValidationError(
            f"Tanggal lahir pada NIK memberi umur {age} tahun; umur harus {MIN_AGE_YEARS}-"
            f"{MAX_AGE_YEARS} tahun.",
            code="age",
        )
    if nik[12:16] == "0000":
        raise ValidationError("Nomor urut NIK (4 digit terakhir) tidak boleh 0000.", code="serial")
    return NikInfo(region=nik[0:6], birth_date=birth_date, gender=gender, serial=nik[12:16])


def nik_warnings(nik: str, *, prefix: str = BALIKPAPAN_NIK_PREFIX, place: str = "Balikpapan") -> list[str]:
    """Things worth a second look that are not errors: a NIK first issued outside the office's kabupaten/kota
    (`prefix`, its code without the dot: "6472"; `place`, its name: "Samarinda")."""
    if nik and not nik.startswith(prefix):
        return [
            f"NIK tidak diawali {prefix} (diterbitkan di luar {place}); "
            "periksa kembali bila orang ini bukan pendatang."
        ]
    return []


def check_nik_agrees(info: NikInfo, *, birth_date: dt.date | None, gender: str | None) -> list:
    """Return ValidationErrors keyed for the form fields that disagree with the NIK."""
    problems = []
    # parse_nik already chose the only century giving an age of 17-100, so compare the full date.
    if birth_date and birth_date != info.birth_date:
        problems.append(
            (
                "birth_date",
                ValidationError(
                    "Tanggal lahir tidak sesuai dengan NIK (NIK menunjukkan %(date)s).",
                    code="nik_birth_date",
                    params={"date": info.birth_date.strftime("%d-%m-%Y")},
                ),
            )
        )
    if gender and gender != info.gender:
        problems.append(
            (
                "gender",
                ValidationError(
                    "Jenis kelamin tidak sesuai dengan NIK (NIK menunjukkan %(g)s).",
                    code="nik_gender",
                    params={"g": "perempuan" if info.gender == FEMALE else "laki-laki"},
                ),
            )
        )
    return problems


def parse_nip(value: str, *, today: dt.date | None = None) -> NipInfo:
    nip = _digits(value, 18, "NIP")
    today = today or dt.date.today()
    try:
        birth_date = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(
            "Tanggal lahir pada NIP (digit 1-8, TTTTBBHH) tidak sah.", code="birth_date"
        ) from None
    age = _age(birth_date, today)
    if not MIN_AGE_YEARS <= age <= MAX_AGE_YEARS:
        raise ValidationError(
            f"Tanggal lahir pada NIP memberi umur {age} tahun; umur harus {MIN_AGE_YEARS}-"
            f"{MAX_AGE_YEARS} tahun.",
            code="age",
        )
    app_year, app_month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= app_month <= 12:
        raise ValidationError("Bulan pengangkatan pada NIP (digit 13-14) tidak sah.", code="tmt")
    if (app_year, app_month) > (today.year, today.month) or app_year < birth_date.year + 15:
        raise ValidationError("Tahun pengangkatan pada NIP (digit 9-12) tidak masuk akal.", code="tmt")
    gender_digit = nip[14]
    if gender_digit not in "12":
        raise ValidationError(
            "Digit jenis kelamin pada NIP (digit 15) harus 1 (laki-laki) atau 2 (perempuan).",
            code="gender",
        )
    if nip[15:18] == "000":
        raise ValidationError("Nomor urut NIP (3 digit terakhir) tidak boleh 000.", code="serial")
    return NipInfo(
        birth_date=birth_date,
        appointed=(app_year, app_month),
        gender=MALE if gender_digit == "1" else FEMALE,
        serial=nip[15:18],
    )


def check_nip_agrees(info: NipInfo, *, birth_date: dt.date | None, gender: str | None) -> list:
    problems = []
    if birth_date and birth_date != info.birth_date:
        problems.append(
            (
                "nip",
                ValidationError(
                    "NIP tidak sesuai dengan tanggal lahir (NIP menunjukkan %(date)s).",
                    code="nip_birth_date",
                    params={"date": info.birth_date.strftime("%d-%m-%Y")},
                ),
            )
        )
    if gender and gender != info.gender:
        problems.append(
            (
                "nip",
                ValidationError("NIP tidak sesuai dengan jenis kelamin (digit ke-15).", code="nip_gender"),
            )
        )
    return problems


def _age(birth_date: dt.date, today: dt.date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


# Names: letters (any script), spaces and the punctuation of academic titles ("Drs. A. Rahman, S.Sos.").
# Anything else (markup, template syntax, control characters, digits) is refused with a clear message.
NAME_RE = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ .,'’\-])*$")


def validate_person_name(value: str) -> None:
    if value != value.strip() or "  " in value:
        raise ValidationError("Nama tidak boleh diawali/diakhiri spasi atau berisi spasi ganda.")
    if not NAME_RE.match(value):
        raise ValidationError(
            "Nama hanya boleh berisi huruf, spasi, titik, koma, tanda petik dan tanda hubung "
            "(tanpa angka, tanda < > { } % atau karakter kendali).",
            code="name_chars",
        )


def make_nik(*, region: str, birth_date: dt.date, gender: str, serial: int) -> str:
    """Build a NIK that follows the rules above (for demo and synthetic data, never real people)."""
    day = birth_date.day + (40 if gender == FEMALE else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def make_nip(*, birth_date: dt.date, appointed: tuple[int, int], gender: str, serial: int) -> str:
    year, month = appointed
    return f"{birth_date:%Y%m%d}{year:04d}{month:02d}{1 if gender == MALE else 2}{serial:03d}"
