import datetime as dt

from django.db import migrations


def add_period(apps, schema_editor):
    ElectionPeriod = apps.get_model("secretariat", "ElectionPeriod")
    # Term follows the PPS (shared/DOMAIN.md, marked [check]): staff can edit it in the admin.
    ElectionPeriod.objects.get_or_create(
        name="Pemilihan Serentak 2024 (Pilkada)",
        defaults={
            "vote_date": dt.date(2024, 11, 27),
            "term_start": dt.date(2024, 5, 26),
            "term_end": dt.date(2025, 1, 27),
            "is_current": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("secretariat", "0001_initial")]

    operations = [migrations.RunPython(add_period, migrations.RunPython.noop)]
