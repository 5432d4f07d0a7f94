import datetime as dt

from django.db import migrations

# shared/DOMAIN.md; staff edit these in the admin (Tanggal penting).
KEY_DATES = [
    ("Pelantikan PPS", dt.date(2024, 5, 26), None),
    ("Penandatanganan pakta integritas dan penyerahan SK Sekretariat PPS", dt.date(2024, 6, 1), None),
    ("Pemutakhiran data pemilih (coklit)", dt.date(2024, 5, 31), dt.date(2024, 9, 23)),
    ("Hari pemungutan suara", dt.date(2024, 11, 27), None),
    ("Akhir masa kerja Sekretariat PPS", dt.date(2025, 1, 27), None),
]


def add_key_dates(apps, schema_editor):
    from secretariat.migration_support import home_office_fields

    ElectionPeriod = apps.get_model("secretariat", "ElectionPeriod")
    KeyDate = apps.get_model("secretariat", "KeyDate")
    period = ElectionPeriod.objects.filter(name="Pemilihan Serentak 2024 (Pilkada)").first()
    if period is None or KeyDate.objects.filter(period=period).exists():
        return
    for title, start, end in KEY_DATES:
        KeyDate.objects.create(
            period=period, title=title, start=start, end=end, **home_office_fields(apps, KeyDate)
        )


class Migration(migrations.Migration):
    dependencies = [("secretariat", "0005_portal")]

    operations = [migrations.RunPython(add_key_dates, migrations.RunPython.noop)]
