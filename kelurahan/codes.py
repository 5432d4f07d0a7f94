"""What a Kemendagri region code says by itself: its level, its parent, and what kind of region it is.

Plain Python (no Django), so that the data build script (kelurahan/data/build_regions.py) checks the
dataset against the same rules the models use.

    64               province (provinsi)
    64.71            kabupaten/kota: 01-70 a kabupaten, 71-99 a kota
    64.71.01         kecamatan
    64.71.01.1001    desa/kelurahan: the last part starts with 1 for a kelurahan, 2 for a desa,
                     3 for a desa adat (Kabupaten Jayapura's 14 "Desa Adat ...", in the 2022 and 2025 decrees)
"""

import re

PROVINCE_CODE_RE = re.compile(r"^\d{2}$")
REGENCY_CODE_RE = re.compile(r"^\d{2}\.\d{2}$")
KECAMATAN_CODE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
KELURAHAN_CODE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
# A desa/kelurahan code whose kind is known (see VILLAGE_KINDS).
VILLAGE_CODE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.[123]\d{3}$")

PROVINCE, REGENCY, KECAMATAN, VILLAGE = "provinsi", "kabupaten/kota", "kecamatan", "desa/kelurahan"
LEVEL_BY_LENGTH = {2: PROVINCE, 5: REGENCY, 8: KECAMATAN, 13: VILLAGE}
LEVEL_PATTERNS = {
    PROVINCE: PROVINCE_CODE_RE,
    REGENCY: REGENCY_CODE_RE,
    KECAMATAN: KECAMATAN_CODE_RE,
    VILLAGE: VILLAGE_CODE_RE,
}

# Synthetic regions (`seed_synthetic`, load tests at national scale) live under provinces "00" to "09":
# Kemendagri province codes run from 11 to 96, so a code that starts with 0 is never a real region's. Ten
# provinces of up to 99 kabupaten/kota each hold the nation's 514 synthetic offices.
SYNTHETIC_PROVINCE = "00"  # the first of them
SYNTHETIC_CODE_PREFIX = "0"
SYNTHETIC_PROVINCES = tuple(f"{SYNTHETIC_CODE_PREFIX}{digit}" for digit in range(10))


def is_synthetic(code: str) -> bool:
    """Whether a region code (of any level) is a synthetic one."""
    return code.startswith(SYNTHETIC_CODE_PREFIX)


KABUPATEN, KOTA = "kabupaten", "kota"
FIRST_KOTA_NUMBER = 71

KELURAHAN, DESA, DESA_ADAT = "kelurahan", "desa", "desa_adat"
VILLAGE_KINDS = {"1": KELURAHAN, "2": DESA, "3": DESA_ADAT}

ACEH = "11"
# Who heads a desa/kelurahan and issues its basis decree (DOMAIN.md: the Lurah; in a desa the Kepala Desa).
VILLAGE_HEADS = {KELURAHAN: "Lurah", DESA: "Kepala Desa", DESA_ADAT: "Kepala Desa Adat"}
# In Aceh a desa is a gampong headed by a Keuchik: UU 11/2006 tentang Pemerintahan Aceh, Pasal 1 angka 20
# ("Gampong atau nama lain ... dipimpin oleh keuchik", quoted by Nuribadah, studylibid.com/doc/1150086, and
# by Perbawaslu 3/2016 Pasal 1 angka 6, pasal.id). The Keuchik, not a "Kepala Desa", issues the SK of the
# gampong's Sekretariat PPS that KIP then confirms (KIP Pidie Jaya, liputangampongnews.id, 2023).
ACEH_VILLAGE_HEADS = {**VILLAGE_HEADS, DESA: "Keuchik"}


def village_head(kind: str, province_code: str) -> str:
    """ "Lurah", "Kepala Desa", "Keuchik" (a gampong of Aceh): the title of a village's head."""
    return (ACEH_VILLAGE_HEADS if province_code == ACEH else VILLAGE_HEADS)[kind]


def level_of(code: str) -> str | None:
    level = LEVEL_BY_LENGTH.get(len(code))
    return level if level and LEVEL_PATTERNS[level].match(code) else None


def parent_of(code: str) -> str | None:
    """64.71.01.1001 -> 64.71.01 -> 64.71 -> 64 -> None."""
    head, dot, _ = code.rpartition(".")
    return head if dot else None


def regency_kind(code: str) -> str:
    """KABUPATEN or KOTA, from the regency number: Kemendagri numbers kota from 71 (64.71 Kota Balikpapan)."""
    return KOTA if int(code[3:5]) >= FIRST_KOTA_NUMBER else KABUPATEN


def village_kind(code: str) -> str:
    """KELURAHAN, DESA or DESA_ADAT, from the first digit of the code's last part."""
    return VILLAGE_KINDS[code[9]]


# Indonesia's three time zones by province (Keputusan Presiden 41/1987): WIB for Sumatra, Java, Kalimantan
# Barat and Kalimantan Tengah; WITA for Bali, Nusa Tenggara, the rest of Kalimantan and Sulawesi; WIT for
# Maluku and Papua. Later provinces (Kepulauan Riau, Banten, Kalimantan Utara, Sulawesi Barat, Maluku
# Utara, the Papua provinces) keep the zone of the province they were split from.
WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
# Sumatra (11-21), Java (31-36), Kalimantan Barat (61) and Kalimantan Tengah (62).
WIB_PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
    "17",
    "18",
    "19",
    "21",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "61",
    "62",
}
WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}


def time_zone_of(code: str) -> str | None:
    """The IANA time zone of a region (any level) by its province; None for an unknown (synthetic) one."""
    province = code[:2]
    if province in WIB_PROVINCES:
        return WIB
    if province in WITA_PROVINCES:
        return WITA
    if province.isdigit() and (province.startswith("8") or province.startswith("9")):
        return WIT
    return None
