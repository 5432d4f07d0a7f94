"""`Appointment.in_issued_decree` becomes a plain model field, kept by the services that issue and revoke
decrees (secretariat/services/decree_coverage.py), instead of a column kept by the nine statement-level
triggers of migration 0012 (issue #15 item 2).

On PostgreSQL the triggers, their functions, the column and its index are dropped (0012's own reverse),
then the field is added, filled from the decree entries and indexed as Django declares it, on every
database alike (SQLite, `make run`, had neither the column nor the triggers). Reversible: going back runs
0012's forward again, which recreates the column from the entries and the triggers.
"""

import importlib

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q

triggers = importlib.import_module("secretariat.migrations.0012_appointment_in_issued_decree")


def fill(apps, schema_editor):
    Appointment = apps.get_model("secretariat", "Appointment")
    DecreeEntry = apps.get_model("secretariat", "DecreeEntry")
    listed = DecreeEntry.objects.filter(appointment=OuterRef("pk"), decree__status="issued")
    Appointment.objects.filter(Exists(listed)).update(in_issued_decree=True)


class Migration(migrations.Migration):
    dependencies = [("secretariat", "0019_paw_petikan_dictum")]

    operations = [
        migrations.RunPython(triggers.backward, triggers.forward, elidable=False),
        migrations.AddField(
            model_name="appointment",
            name="in_issued_decree",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="tercantum dalam SK yang berlaku"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(
                condition=Q(end_date__isnull=True, in_issued_decree=False),
                fields=["period"],
                name="appointment_awaiting_sk_idx",
            ),
        ),
    ]
