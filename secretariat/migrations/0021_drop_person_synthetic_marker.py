"""Synthetic people are told apart by their reserved NIK province (99) alone: the marker column goes.

Backwards, the column comes back and is set from the NIK (on the people and their history).
"""

from django.db import migrations


def mark_by_nik(apps, schema_editor):
    for name in ("Person", "HistoricalPerson"):
        apps.get_model("secretariat", name).objects.filter(nik__startswith="99").update(synthetic=True)


class Migration(migrations.Migration):
    dependencies = [("secretariat", "0020_appointment_in_issued_decree_field")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, mark_by_nik),
        migrations.RemoveField(model_name="historicalperson", name="synthetic"),
        migrations.RemoveField(model_name="person", name="synthetic"),
    ]
