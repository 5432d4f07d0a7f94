"""`Appointment.in_issued_decree` becomes a plain model field, kept by the services that issue and revoke
decrees (secretariat/services/decree_coverage.py), instead of a column kept by the nine statement-level
triggers of migration 0012 (issue #15 item 2).

On PostgreSQL the triggers, their functions, the column and its index go first (0012's own reverse). Then,
on every database alike (SQLite, `make run`, had neither column nor triggers): the field is added as true
for every row (PostgreSQL stores that default without rewriting the table), the partial index is built
(empty: it holds the rows without the flag), and only the appointments no decree in force lists are set
false. Filling it the other way (false everywhere, then an UPDATE of the ~251k listed rows at national
scale) would leave a quarter of a million dead index entries, or, with the index built after the UPDATE,
an index PostgreSQL may not use until every older transaction on the server ends (pg_index.indcheckxmin:
the UPDATE's HOT chains). The field's default is then set to false, what a new appointment is.
Reversible: going back runs 0012's forward again, which recreates the column from the entries and the
triggers.
"""

import importlib

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q

triggers = importlib.import_module("secretariat.migrations.0012_appointment_in_issued_decree")


def unset_unlisted(apps, schema_editor):
    Appointment = apps.get_model("secretariat", "Appointment")
    DecreeEntry = apps.get_model("secretariat", "DecreeEntry")
    listed = DecreeEntry.objects.filter(appointment=OuterRef("pk"), decree__status="issued")
    Appointment.objects.exclude(Exists(listed)).update(in_issued_decree=False)


class Migration(migrations.Migration):
    dependencies = [("secretariat", "0019_paw_petikan_dictum")]

    operations = [
        migrations.RunPython(triggers.backward, triggers.forward, elidable=False),
        migrations.AddField(
            model_name="appointment",
            name="in_issued_decree",
            field=models.BooleanField(
                default=True, editable=False, verbose_name="tercantum dalam SK yang berlaku"
            ),
        ),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(
                condition=Q(end_date__isnull=True, in_issued_decree=False),
                fields=["period"],
                name="appointment_awaiting_sk_idx",
            ),
        ),
        migrations.RunPython(unset_unlisted, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="appointment",
            name="in_issued_decree",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="tercantum dalam SK yang berlaku"
            ),
        ),
    ]
