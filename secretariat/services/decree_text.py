"""Filling the placeholders of the decree's legal text, and what staff must still fill in before printing.

A value staff have not filled in is printed as a dotted blank, the way a form leaves room to write, never as
nothing: an SK with "Berita Acara ... Nomor  tanggal " would read as if complete. `text_gaps` lists every
such blank (and any unconfirmed reference left as "....") for the issue page, before anything is printed.
"""

import re

from django.utils import formats, translation

from ..models import Decree, DecreeTemplate, ElectionPeriod

BLANK = "…………………"
# Four dots or more (or an ellipsis character) is a blank left to fill: decree_defaults writes unconfirmed
# promulgation numbers that way. Three dots stay ordinary prose ("dst...").
_BLANK_PATTERN = re.compile(r"\.{4,}|…")
_PLACEHOLDER_PATTERN = re.compile(r"\{[a-z_]+\}")
# Which parts of the template hold legal text, with the name staff know them by (and the marker style).
TEXT_FIELDS = [
    ("title", "Tentang"),
    ("considerations", "Menimbang"),
    ("legal_basis", "Mengingat"),
    ("observations", "Memperhatikan"),
    ("dictums", "Diktum"),
]


def indonesian_date(value) -> str:
    with translation.override("id"):
        return formats.date_format(value, "j F Y")


KNOWN_PLACEHOLDERS = {
    "{mulai_tugas}",
    "{akhir_tugas}",
    "{hari_pemungutan}",
    "{periode}",
    "{ba_pleno_nomor}",
    "{ba_pleno_tanggal}",
}


def placeholders(template: DecreeTemplate, period: ElectionPeriod) -> dict[str, str]:
    minutes_date = template.plenary_minutes_date
    return {
        "{mulai_tugas}": indonesian_date(period.term_start),
        "{akhir_tugas}": indonesian_date(period.term_end),
        "{hari_pemungutan}": indonesian_date(period.vote_date),
        "{periode}": period.name,
        "{ba_pleno_nomor}": template.plenary_minutes_number.strip() or BLANK,
        "{ba_pleno_tanggal}": indonesian_date(minutes_date) if minutes_date else BLANK,
    }


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _points(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def text_gaps(template: DecreeTemplate) -> list[str]:
    """What would print as a blank (or as a raw placeholder) if the decree were issued now, in Indonesian."""
    gaps = []
    everything = "\n".join(getattr(template, field) or "" for field, _ in TEXT_FIELDS)
    if "{ba_pleno_nomor}" in everything and not template.plenary_minutes_number.strip():
        gaps.append("Nomor Berita Acara Rapat Pleno belum diisi (Templat SK); di SK tercetak titik-titik.")
    if "{ba_pleno_tanggal}" in everything and not template.plenary_minutes_date:
        gaps.append("Tanggal Berita Acara Rapat Pleno belum diisi (Templat SK); di SK tercetak titik-titik.")
    number = template.plenary_minutes_number.strip()
    if number and "{ba_pleno_nomor}" in everything:
        used = Decree.objects.filter(
            office_id=template.office_id, text__plenary_minutes__number=number
        ).values_list("number", flat=True)
        if used:
            gaps.append(
                f"Nomor Berita Acara Rapat Pleno {number} sudah dipakai {', '.join(used[:3])}; "
                "perbarui bila SK ini diputus dalam rapat pleno lain."
            )
    # Left empty, the authenticating official's name and NIP are lines to write on by hand (a choice the
    # template allows), on every Petikan, the SALINAN and the attendance sheet: said here, so that it is one.
    if not template.authenticator_name.strip():
        gaps.append(
            "Nama pengesah petikan (Templat SK) belum diisi; di Petikan, SALINAN dan daftar hadir tercetak "
            "titik-titik untuk ditulis tangan."
        )
    elif not template.authenticator_nip.strip():
        gaps.append("NIP pengesah petikan (Templat SK) belum diisi; di bawah namanya tidak tercetak NIP.")
    for field, label in TEXT_FIELDS:
        for index, point in enumerate(_points(getattr(template, field)), start=1):
            raw = point
            for key in ("{ba_pleno_nomor}", "{ba_pleno_tanggal}"):
                raw = raw.replace(key, "")  # reported above, once
            where = label if field == "title" else f"{label} butir {index}"
            if _BLANK_PATTERN.search(raw):
                gaps.append(f"{where} masih memuat titik-titik yang harus dilengkapi: “{_excerpt(raw)}”.")
            unknown = sorted(set(_PLACEHOLDER_PATTERN.findall(point)) - KNOWN_PLACEHOLDERS)
            if unknown:
                gaps.append(f"{where} memuat isian yang tidak dikenal: {', '.join(unknown)}.")
    return gaps


def _excerpt(point: str, width: int = 90) -> str:
    """The words around the first blank, so staff find it in a long Mengingat item."""
    match = _BLANK_PATTERN.search(point)
    start = max(0, match.start() - width // 2) if match else 0
    text = point[start : start + width]
    if start:
        text = text.split(" ", 1)[-1]  # begin at a whole word
    return ("…" if start else "") + text + ("…" if start + width < len(point) else "")
