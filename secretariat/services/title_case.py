"""Headings written in capitals, as running text and document properties write them."""

import re

# Words kept in lower case inside a heading, and abbreviations kept in capitals.
_LOWER_WORDS = {
    "dan", "dalam", "serta", "di", "ke", "dari", "tentang", "atas", "pada", "untuk", "yang", "atau",
    "dengan", "oleh", "bagi", "terhadap", "sebagai", "se",
}  # fmt: skip
_ABBREVIATIONS = {"PPS", "PPK", "KPU", "KPPS", "NPHD", "PAW", "DPRD", "DPR", "ASN", "RI", "PKPU", "APBD"}


def title_case(text: str) -> str:
    """A heading in capitals ("PENETAPAN SEKRETARIAT ... DALAM PEMILIHAN") as a citation writes it inside
    a sentence ("Penetapan Sekretariat ... dalam Pemilihan"); abbreviations and numbers with codes
    ("KPU", "123/PP.01-KPT/6471/2024") stay as written. Text already in mixed case is kept."""
    if not text.isupper():
        return text
    words = []
    for index, word in enumerate(text.split()):
        core = word.strip(",.;:()")
        if core in _ABBREVIATIONS or any(ch.isdigit() for ch in core):
            words.append(word)
        elif index and core.lower() in _LOWER_WORDS:
            words.append(word.lower())
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)


# The word a decree number may begin with, in the office's number format ("NOMOR {n} TAHUN {yyyy}").
_NOMOR = re.compile(r"^\s*nomor\s+", re.IGNORECASE)


def number_in_sentence(number: str) -> str:
    """A decree's number as a sentence cites it: "NOMOR 1 TAHUN 2024" (the heading's) -> "Nomor 1 Tahun
    2024"; a format that writes "Nomor" itself, in any case, is not doubled ("Nomor Nomor"); an older code
    ("12/PP.04.2-Kpt/6471/2024") is kept as written after "Nomor". The citations, the DICABUT stamp and
    the PDF titles all write it so."""
    return f"Nomor {title_case(_NOMOR.sub('', number))}"


def number_in_heading(number: str) -> str:
    """A decree's number as its heading and its lampiran's print it: as the format writes it when it begins
    with "Nomor" in any case, else after "NOMOR" ("NOMOR 12/PP.04.2-Kpt/6471/2024")."""
    return number if _NOMOR.match(number) else f"NOMOR {number}"
