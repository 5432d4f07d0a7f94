"""The legal text of a replacement (PAW) decree and of a corrected decree, as snapshotted on issue.

A replacement decree takes its title, Menimbang and dictums from the template's PAW fields: the lines that
name a replaced member are written once per replacement it lists, so its considerations cite whom each one
replaces, why, since when, and the new Lurah decree. A decree that lists again the members of a revoked
decree gets, per revoked decree, a Menimbang item (before the last one, which concludes from the others)
and a dictum (before the last one, the entry into force) saying that it revokes it.
"""

import re
from collections.abc import Sequence

from ..decree_defaults_paw import END_REASON_CLAUSES
from ..models import Appointment, Decree, DecreeEntry, DecreeKind, DecreeStatus, DecreeTemplate
from ..models.appointment import ROLE_LABELS
from .decree_text import BLANK, indonesian_date
from .title_case import number_in_sentence, title_case

PER_REPLACEMENT = (
    "{nama_diganti}",
    "{jabatan}",
    "{kelurahan}",
    "{kecamatan}",
    "{tanggal_berhenti}",
    "{alasan_berhenti}",
    "{keputusan_awal}",
    "{nama_pengganti}",
    "{nomor_sk_lurah}",
    "{tanggal_sk_lurah}",
    "{desa_kelurahan}",
    "{kepala_desa_kelurahan}",
)


def decree_citation(decree: Decree) -> str:
    """ "Keputusan Komisi Pemilihan Umum Kota Balikpapan Nomor 1 Tahun 2024 tentang Penetapan ..." """
    issuer = title_case(decree.text.get("issuer", ""))
    number = number_in_sentence(decree.number)
    return f"Keputusan {issuer} {number} tentang {title_case(decree.text.get('title', ''))}"


def _founding_decree(replaced: Appointment) -> Decree | None:
    """The decree that appointed the member now replaced: the one in force, else the latest listing them."""
    decrees = Decree.objects.filter(entries__appointment=replaced).order_by("-year", "-sequence")
    return decrees.filter(status=DecreeStatus.ISSUED).first() or decrees.first()


def replacement_values(appointment: Appointment) -> dict[str, str]:
    replaced = appointment.replaces
    founding = _founding_decree(replaced)
    return {
        "{nama_diganti}": replaced.person.name,
        "{jabatan}": ROLE_LABELS[appointment.role],
        "{kelurahan}": appointment.kelurahan.name,
        "{kecamatan}": appointment.kelurahan.kecamatan.name,
        "{desa_kelurahan}": f"{appointment.kelurahan.kind.label} {appointment.kelurahan.name}",
        "{kepala_desa_kelurahan}": appointment.kelurahan.head_title(),
        "{tanggal_berhenti}": indonesian_date(replaced.end_date),
        "{alasan_berhenti}": END_REASON_CLAUSES.get(replaced.end_reason, replaced.get_end_reason_display()),
        "{keputusan_awal}": decree_citation(founding) if founding else f"Keputusan {appointment.office.name}",
        "{nama_pengganti}": appointment.person.name,
        # Blank as a form leaves it (the Ganti form asks for both; older rows may lack them).
        "{nomor_sk_lurah}": appointment.lurah_decree_number or BLANK,
        "{tanggal_sk_lurah}": indonesian_date(appointment.lurah_decree_date)
        if appointment.lurah_decree_date
        else BLANK,
    }


def is_replacement_for_decree(appointment: Appointment, decreed_ids: set[int]) -> bool:
    """A replacement gets a PAW decree when the member it replaces was appointed by a decree; one whose
    predecessor never was (replaced before the first SK) is simply appointed by the next main decree."""
    return appointment.replaces_id is not None and appointment.replaces_id in decreed_ids


def decreed_ids(appointments: Sequence[Appointment]) -> set[int]:
    replaced = [a.replaces_id for a in appointments if a.replaces_id]
    return set(
        DecreeEntry.objects.filter(appointment_id__in=replaced).values_list("appointment_id", flat=True)
    )


def revoked_to_cite(appointment_ids: Sequence[int]) -> list[Decree]:
    """Revoked decrees listing some of these members that no corrected decree has revoked yet."""
    return list(
        Decree.objects.filter(
            status=DecreeStatus.REVOKED,
            entries__appointment_id__in=appointment_ids,
            corrected_by__isnull=True,
        )
        .distinct()
        .order_by("year", "sequence")
    )


def _as_clause(reason: str) -> str:
    """Staff's "Nama anggota salah tulis." inside a sentence: "nama anggota salah tulis" (an initial
    abbreviation such as "NIK" keeps its capitals)."""
    reason = " ".join(reason.split()).rstrip(" .;")
    if len(reason) > 1 and reason[0].isupper() and reason[1].islower():
        reason = reason[0].lower() + reason[1:]
    return reason


def _replace_all(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _expand(lines: list[str], replacements: Sequence[Appointment]) -> list[str]:
    """Write the lines that name a replaced member once per replacement: consecutive such lines as a block
    (why the member left, then who replaces them, replacement by replacement); identical results once."""
    result, block = [], []

    def flush():
        for appointment in replacements:
            values = replacement_values(appointment)
            for line in block:
                filled = _replace_all(line, values)
                if filled not in result:
                    result.append(filled)
        block.clear()

    for line in lines:
        if any(key in line for key in PER_REPLACEMENT):
            block.append(line)
            continue
        flush()
        result.append(line)
    flush()
    return result


_LETTER_REFERENCE = re.compile(
    r"(sebagaimana dimaksud (?:dalam|pada) )huruf [a-z](?:(?:, huruf [a-z])*,? dan huruf [a-z])?"
)


def _letters_reference(count: int) -> str:
    letters = [f"huruf {chr(ord('a') + i)}" for i in range(min(count, 26))]
    if len(letters) <= 2:
        return " dan ".join(letters)
    return ", ".join(letters[:-1]) + ", dan " + letters[-1]


def _refer_to_all_before(considerations: list[str]) -> list[str]:
    """The last Menimbang item concludes "berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan
    huruf b": once items were added, it must name every item before it."""
    if len(considerations) < 2:
        return considerations
    last = _LETTER_REFERENCE.sub(
        lambda match: match.group(1) + _letters_reference(len(considerations) - 1),
        considerations[-1],
        count=1,
    )
    return [*considerations[:-1], last]


def apply_kind_and_revocation(
    text: dict,
    *,
    template: DecreeTemplate,
    kind: str,
    replacements: Sequence[Appointment],
    revoked: Sequence[Decree],
    fill,
    lines,
) -> dict:
    """`text` is the main decree's snapshot; `fill` replaces the period's placeholders, `lines` splits a
    text field into its items."""
    considerations = list(text["considerations"])
    dictums = list(text["dictums"])
    base_count = len(considerations)
    if kind == DecreeKind.REPLACEMENT:
        start = indonesian_date(min(a.start_date for a in replacements))
        text["title"] = " ".join(lines(template.paw_title))
        text["petikan_dictum"] = " ".join(fill(line) for line in lines(template.paw_petikan_dictum))
        considerations = [fill(line) for line in _expand(lines(template.paw_considerations), replacements)]
        base_count = len(lines(template.paw_considerations))
        observations = _expand(lines(template.paw_observations), replacements)
        text["observations"] = [fill(line) for line in observations]
        dictums = [
            fill(line).replace("{mulai_tugas_pengganti}", start)
            for line in _expand(lines(template.paw_dictums), replacements)
        ]
    for decree in revoked:
        values = {
            "{keputusan_dicabut}": decree_citation(decree),
            "{tanggal_dicabut}": indonesian_date(decree.revoked_date),
            "{alasan_pencabutan}": _as_clause(decree.revoked_reason),
        }
        position = max(len(considerations) - 1, 0)
        considerations[position:position] = [
            _replace_all(fill(line), values) for line in lines(template.revocation_consideration)
        ]
        position = max(len(dictums) - 1, 0)
        dictums[position:position] = [
            _replace_all(fill(line), values) for line in lines(template.revocation_dictum)
        ]
    if len(considerations) != base_count:
        considerations = _refer_to_all_before(considerations)
    text.update(
        kind=kind,
        considerations=considerations,
        dictums=dictums,
        revokes=[decree.number for decree in revoked],
    )
    return text
