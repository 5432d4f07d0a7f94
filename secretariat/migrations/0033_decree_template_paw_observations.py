"""A replacement (PAW) decree gets its own Memperhatikan. It printed the main decree's, which names the
Lurah decrees of every appointment ("... se-Kota Balikpapan tentang Penetapan Sekretaris dan Staf ...") and
the plenary that decided the whole secretariat; a replacement rests on one new Lurah decree (its Menimbang
c. cites it) and on the plenary that decided the replacement.

Each existing template's new field is made from its own Memperhatikan, so that an office's edits carry
over: the items citing Keputusan KPU 476/2022 kept as they are, the plenary minutes' item (the one holding
{ba_pleno_nomor}) about the replacement ("tentang Penggantian Antarwaktu Sekretariat ..."), the village
decrees' item left out. A template with none of these gets the field empty (no Memperhatikan).
"""

from django.db import migrations, models

import pps_admin.text


def _paw_observations(observations: str) -> str:
    kept = []
    for line in (observations or "").splitlines():
        item = line.strip()
        if "Nomor 476 Tahun 2022" in item:
            kept.append(item)
        elif "{ba_pleno_nomor}" in item:
            kept.append(
                item.replace(
                    "tentang Penetapan Sekretariat Panitia Pemungutan Suara",
                    "tentang Penggantian Antarwaktu Sekretariat Panitia Pemungutan Suara",
                )
            )
    return "\n".join(kept)


def forward(apps, schema_editor):
    DecreeTemplate = apps.get_model("secretariat", "DecreeTemplate")
    for template in DecreeTemplate.objects.all():
        template.paw_observations = _paw_observations(template.observations)
        template.save(update_fields=["paw_observations"])


class Migration(migrations.Migration):
    dependencies = [
        ("secretariat", "0032_decree_text_funding_and_petikan_wording"),
    ]

    operations = [
        migrations.AddField(
            model_name="decreetemplate",
            name="paw_observations",
            field=models.TextField(
                blank=True,
                help_text="Kosong: tanpa Memperhatikan. {ba_pleno_nomor} dan {ba_pleno_tanggal} diisi dari Berita Acara Rapat Pleno di atas: perbarui untuk rapat pleno yang memutus penggantian ini. Butir yang memuat isian pengganti ({nama_pengganti}, {nomor_sk_lurah}, ...) ditulis sekali untuk setiap pengganti.",
                validators=[pps_admin.text.validate_multi_line],
                verbose_name="memperhatikan SK penggantian antarwaktu (satu butir per baris)",
            ),
        ),
        migrations.AddField(
            model_name="historicaldecreetemplate",
            name="paw_observations",
            field=models.TextField(
                blank=True,
                help_text="Kosong: tanpa Memperhatikan. {ba_pleno_nomor} dan {ba_pleno_tanggal} diisi dari Berita Acara Rapat Pleno di atas: perbarui untuk rapat pleno yang memutus penggantian ini. Butir yang memuat isian pengganti ({nama_pengganti}, {nomor_sk_lurah}, ...) ditulis sekali untuk setiap pengganti.",
                validators=[pps_admin.text.validate_multi_line],
                verbose_name="memperhatikan SK penggantian antarwaktu (satu butir per baris)",
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
