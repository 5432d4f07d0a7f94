"""Synthetic regions are told apart by their reserved code (province 00) alone: the marker column goes.

Backwards, the column comes back and is set from the code before its check constraint returns, so the
migration also reverses on a database that holds synthetic rows.
"""

from django.db import migrations

PREFIX = "00."


def mark_by_code(apps, schema_editor):
    for name in ("Kecamatan", "Kelurahan"):
        apps.get_model("kelurahan", name).objects.filter(code__startswith=PREFIX).update(synthetic=True)


class Migration(migrations.Migration):
    dependencies = [("kelurahan", "0008_every_kecamatan_in_a_kabupaten_kota")]

    operations = [
        migrations.RemoveConstraint(model_name="kecamatan", name="kecamatan_synthetic_code"),
        migrations.RemoveConstraint(model_name="kelurahan", name="kelurahan_synthetic_code"),
        migrations.RunPython(migrations.RunPython.noop, mark_by_code),
        migrations.RemoveField(model_name="kecamatan", name="synthetic"),
        migrations.RemoveField(model_name="kelurahan", name="synthetic"),
    ]
