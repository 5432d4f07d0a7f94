"""Three wording corrections in every office's decree template, where staff have not changed the words:

- the replacement (PAW) decree's KEEMPAT charged its costs "pada Naskah Perjanjian Hibah Daerah (NPHD)",
  an agreement, where the main decree (since migration 0015) charges them to the budget, the regional
  budget's grant as agreed in the NPHD; both now say the latter (decree_defaults.funding_dictum);
- a Petikan's KESATU appointed one person "sebagai Sekretariat Panitia Pemungutan Suara", the institution;
  it now reads "sebagai anggota Sekretariat ..." (the replacement's: "sebagai Pengganti Antarwaktu anggota
  Sekretariat ...");
- the replacement decree's Menimbang b. said the replaced member "berhenti terhitung sejak tanggal" their
  last day on duty, which reads as if they no longer served on it: it now says "berhenti karena ... dengan
  hari terakhir bertugas tanggal ...".

A line is changed only when it still holds the old default's words (the rest, such as the office's
election, is kept); an edited line is left as staff wrote it. Issued decrees keep the text they were issued
with. Each changed template gets a history record, as migration 0015 did. Reversed, it puts the old words
back wherever the new ones stand, a line staff wrote the same way themselves included (the history shows
each version)."""

from django.db import migrations

# field: [(the old default's words in a line, the new words)]
CHANGES = {
    "paw_considerations": [
        (
            "berhenti terhitung sejak tanggal {tanggal_berhenti} karena {alasan_berhenti}, sehingga",
            "berhenti karena {alasan_berhenti} dengan hari terakhir bertugas tanggal {tanggal_berhenti}, "
            "sehingga",
        )
    ],
    "paw_dictums": [
        (
            "Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada Naskah Perjanjian "
            "Hibah Daerah (NPHD) ",
            "Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada anggaran hibah "
            "Anggaran Pendapatan dan Belanja Daerah sebagaimana tertuang dalam Naskah Perjanjian Hibah "
            "Daerah (NPHD) ",
        )
    ],
    "petikan_dictum": [
        (
            "Menetapkan Saudara yang namanya tersebut di bawah ini sebagai Sekretariat Panitia ",
            "Menetapkan Saudara yang namanya tersebut di bawah ini sebagai anggota Sekretariat Panitia ",
        )
    ],
    "paw_petikan_dictum": [
        (
            "Menetapkan Saudara yang namanya tersebut di bawah ini sebagai Pengganti Antarwaktu Sekretariat ",
            "Menetapkan Saudara yang namanya tersebut di bawah ini sebagai Pengganti Antarwaktu anggota "
            "Sekretariat ",
        )
    ],
}


def _rewritten(text: str, pairs) -> str:
    lines = (text or "").split("\n")
    for index, line in enumerate(lines):
        for old, new in pairs:
            if old in line:
                lines[index] = line = line.replace(old, new)
    return "\n".join(lines)


def _apply(apps, *, forward: bool):
    from secretariat.migration_support import record_template_version

    DecreeTemplate = apps.get_model("secretariat", "DecreeTemplate")
    for template in DecreeTemplate.objects.all():
        changed = []
        for field, pairs in CHANGES.items():
            pairs = pairs if forward else [(new, old) for old, new in pairs]
            before = getattr(template, field)
            after = _rewritten(before, pairs)
            if after != before:
                setattr(template, field, after)
                changed.append(field)
        if not changed:
            continue
        template.save(update_fields=changed)
        record_template_version(
            apps,
            template,
            "teks bawaan dikoreksi (SK PAW: biaya, tanggal berhenti; KESATU petikan)"
            if forward
            else "koreksi teks bawaan dikembalikan",
        )


def forward(apps, schema_editor):
    _apply(apps, forward=True)


def backward(apps, schema_editor):
    _apply(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("secretariat", "0031_office_seal"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
