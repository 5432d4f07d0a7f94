from django.db import migrations


def load_regions(apps, schema_editor):
    from kelurahan.region_data import KECAMATAN, KELURAHAN

    Kecamatan = apps.get_model("kelurahan", "Kecamatan")
    Kelurahan = apps.get_model("kelurahan", "Kelurahan")
    for code, name in KECAMATAN:
        Kecamatan.objects.update_or_create(code=code, defaults={"name": name})
    for code, name, postal_code in KELURAHAN:
        Kelurahan.objects.update_or_create(
            code=code,
            defaults={"name": name, "postal_code": postal_code, "kecamatan_id": code[:8]},
        )


class Migration(migrations.Migration):
    dependencies = [("kelurahan", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
