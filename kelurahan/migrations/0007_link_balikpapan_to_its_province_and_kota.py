from django.db import migrations
from django.db.models.functions import Substr

SYNTHETIC_PROVINCE = "00"  # kelurahan.models.SYNTHETIC_PROVINCE, frozen here as migrations are


def add_balikpapan_regions(apps, schema_editor):
    """Province 64 and Kota Balikpapan above the 6 kecamatan, and the decree's names as official names.

    Idempotent, and it creates any of the 6 + 34 that are missing, so that tests which flush the database
    load the whole of Balikpapan's reference data with it (tests/conftest.py REFERENCE_DATA). Kecamatan
    outside Balikpapan already stored (seed_synthetic's 00.xx.xx, or typed into the admin) get a parent
    named after its code until `load_regions` gives it its name. Only Balikpapan's get an official name: a
    region staff typed in has none until a load gives it one, so `load_regions` keeps the name they chose.
    """
    from kelurahan.region_data import KECAMATAN, KELURAHAN, PROVINCE, REGENCY

    Province = apps.get_model("kelurahan", "Province")
    Regency = apps.get_model("kelurahan", "Regency")
    Kecamatan = apps.get_model("kelurahan", "Kecamatan")
    Kelurahan = apps.get_model("kelurahan", "Kelurahan")

    province_code, province_name = PROVINCE
    regency_code, regency_name = REGENCY
    Province.objects.update_or_create(code=province_code, defaults={"name": province_name})
    Regency.objects.update_or_create(
        code=regency_code, defaults={"name": regency_name, "province_id": province_code}
    )
    other = (
        Kecamatan.objects.exclude(code__startswith=regency_code + ".")
        .annotate(regency_code=Substr("code", 1, 5))
        .values_list("regency_code", flat=True)
        .distinct()
    )
    for code in sorted(set(other)):
        synthetic = code.startswith(SYNTHETIC_PROVINCE + ".")
        Province.objects.get_or_create(
            code=code[:2], defaults={"name": "Sintetis" if synthetic else f"Provinsi {code[:2]}"}
        )
        Regency.objects.get_or_create(
            code=code, defaults={"province_id": code[:2], "name": f"Sintetis {code}" if synthetic else code}
        )
    Kecamatan.objects.filter(regency__isnull=True).update(regency_id=Substr("code", 1, 5))

    # Display names may have been edited by staff since 0002; the official name is the decree's.
    for code, name in KECAMATAN:
        kecamatan, created = Kecamatan.objects.get_or_create(
            code=code, defaults={"name": name, "official_name": name, "regency_id": regency_code}
        )
        if not created and kecamatan.official_name != name:
            Kecamatan.objects.filter(code=code).update(official_name=name)
    for code, name, postal_code in KELURAHAN:
        kelurahan, created = Kelurahan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "official_name": name,
                "postal_code": postal_code,
                "kecamatan_id": code[:8],
            },
        )
        if not created and kelurahan.official_name != name:
            Kelurahan.objects.filter(code=code).update(official_name=name)


class Migration(migrations.Migration):
    dependencies = [("kelurahan", "0006_regions_above_kecamatan")]

    operations = [migrations.RunPython(add_balikpapan_regions, migrations.RunPython.noop)]
