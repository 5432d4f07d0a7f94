"""Pact texts and ceremonies of the single-office data belong to KPU Kota Balikpapan (64.71); a ceremony whose
invited members lie in another office's kelurahan (a load-test copy) belongs to that office."""

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery


def forwards(apps, schema_editor):
    home = apps.get_model("secretariat", "Office").objects.get(code="64.71")
    Ceremony = apps.get_model("integrity", "Ceremony")
    Invited = Ceremony.expected.through
    Ceremony.objects.filter(office__isnull=True).update(
        office=Subquery(
            Invited.objects.filter(ceremony=OuterRef("pk"))
            .order_by("appointment__office")
            .values("appointment__office")[:1]
        )
    )
    Ceremony.objects.filter(office__isnull=True).update(office=home)
    apps.get_model("integrity", "PactText").objects.filter(office__isnull=True).update(office=home)
    historical = apps.get_model("integrity", "HistoricalCeremony")
    historical.objects.filter(office__isnull=True).update(
        office=Subquery(Ceremony.objects.filter(pk=OuterRef("id")).values("office")[:1])
    )
    historical.objects.filter(office__isnull=True).update(office=home)


def backwards(apps, schema_editor):
    """Refused when two offices' pact texts share a version number (unique over all before offices)."""
    PactText = apps.get_model("integrity", "PactText")
    if PactText.objects.values("version").annotate(n=Count("pk")).filter(n__gt=1).exists():
        raise RuntimeError("Two KPU offices have pact texts of the same version. Not reversible.")
    for name in ("Ceremony", "PactText", "HistoricalCeremony"):
        apps.get_model("integrity", name).objects.update(office=None)


class Migration(migrations.Migration):
    dependencies = [
        ("integrity", "0006_offices"),
        ("secretariat", "0026_office_balikpapan"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
