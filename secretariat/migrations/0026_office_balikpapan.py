"""Existing single-office data moves into KPU Kota Balikpapan (64.71), under KPU Provinsi Kalimantan Timur (64).

A database that also holds rows of other kabupaten/kota (a load-test copy) gets an office for each one that
has appointments; every row is given the office its appointments lie in, and the rest (templates, sequences,
key dates) Balikpapan's. Staff accounts (not superusers) become Balikpapan's staff. Only rows without an
office are filled, so running it again changes nothing. Reversible while a single office holds the data.
"""

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery

HOME = "64.71"


def _office_name(regency_code, regency_name):
    kind = "Kota" if int(regency_code[3:5]) >= 71 else "Kabupaten"
    return f"Komisi Pemilihan Umum {kind} {regency_name}", f"KPU {kind} {regency_name}"


def add_offices(apps, schema_editor):
    """KPU Provinsi Kalimantan Timur and KPU Kota Balikpapan, plus an office for every other kabupaten/kota
    that has appointments (tests/conftest.py runs this again after a flush)."""
    Office = apps.get_model("secretariat", "Office")
    Regency = apps.get_model("kelurahan", "Regency")
    Province = apps.get_model("kelurahan", "Province")
    Appointment = apps.get_model("secretariat", "Appointment")
    home_regency = Regency.objects.get(code=HOME)
    province = Province.objects.get(code=home_regency.province_id)
    provincial, _ = Office.objects.get_or_create(
        code=province.code,
        defaults={
            "kind": "provinsi",
            "name": f"Komisi Pemilihan Umum Provinsi {province.name.title()}",
            "short_name": f"KPU Provinsi {province.name.title()}",
            "province": province,
            "city": "Samarinda",
        },
    )
    codes = {HOME} | {
        code[:5] for code in Appointment.objects.values_list("kelurahan_id", flat=True).distinct()
    }
    for regency in Regency.objects.filter(code__in=codes).select_related("province"):
        name, short_name = _office_name(regency.code, regency.name)
        parent = provincial if regency.province_id == province.code else None
        Office.objects.get_or_create(
            code=regency.code,
            defaults={
                "kind": "kabkota",
                "name": name,
                "short_name": short_name,
                "province_id": regency.province_id,
                "regency": regency,
                "parent": parent,
                "city": regency.name,
            },
        )


def forwards(apps, schema_editor):
    add_offices(apps, schema_editor)
    Office = apps.get_model("secretariat", "Office")
    Appointment = apps.get_model("secretariat", "Appointment")
    home = Office.objects.get(code=HOME)
    for office in Office.objects.filter(kind="kabkota"):
        Appointment.objects.filter(
            office__isnull=True, kelurahan__code__startswith=f"{office.code}."
        ).update(office=office)

    latest_office = (
        Appointment.objects.filter(person=OuterRef("pk")).order_by("-start_date", "-pk").values("office")[:1]
    )
    Person = apps.get_model("secretariat", "Person")
    Person.objects.filter(office__isnull=True).update(office=Subquery(latest_office))
    Person.objects.filter(office__isnull=True).update(office=home)

    Decree = apps.get_model("secretariat", "Decree")
    DecreeEntry = apps.get_model("secretariat", "DecreeEntry")
    first_listed = DecreeEntry.objects.filter(decree=OuterRef("pk")).order_by("position").values(
        "appointment__office"
    )[:1]
    Decree.objects.filter(office__isnull=True).update(office=Subquery(first_listed))
    Decree.objects.filter(office__isnull=True).update(office=home)

    GenerationJob = apps.get_model("secretariat", "GenerationJob")
    Document = apps.get_model("secretariat", "Document")
    GenerationJob.objects.filter(office__isnull=True, decree__isnull=False).update(
        office=Subquery(Decree.objects.filter(pk=OuterRef("decree_id")).values("office")[:1])
    )
    GenerationJob.objects.filter(office__isnull=True).update(
        office=Subquery(
            Document.objects.filter(job=OuterRef("pk"), appointment__isnull=False).values(
                "appointment__office"
            )[:1]
        )
    )
    GenerationJob.objects.filter(office__isnull=True).update(office=home)

    for name in ("DecreeTemplate", "DecreeNumberSequence", "KeyDate"):
        apps.get_model("secretariat", name).objects.filter(office__isnull=True).update(office=home)

    # The history keeps the office a row has now: it had no other before offices existed.
    for name in ("Person", "Appointment", "Decree", "DecreeTemplate"):
        model = apps.get_model("secretariat", name)
        historical = apps.get_model("secretariat", f"Historical{name}")
        historical.objects.filter(office__isnull=True).update(
            office=Subquery(model.objects.filter(pk=OuterRef("id")).values("office")[:1])
        )
        historical.objects.filter(office__isnull=True).update(office=home)

    User = apps.get_model("auth", "User")
    StaffMembership = apps.get_model("secretariat", "StaffMembership")
    StaffMembership.objects.bulk_create(
        StaffMembership(user=user, office=home)
        for user in User.objects.filter(is_staff=True, is_superuser=False, office_membership__isnull=True)
    )


def _repeats(queryset, *fields) -> bool:
    return queryset.values(*fields).annotate(n=Count("pk")).filter(n__gt=1).exists()


def backwards(apps, schema_editor):
    """Going back drops the office columns (0025), which re-adds the uniqueness over the whole database that
    numbers had before offices: refused when two offices' rows already repeat each other."""
    Decree = apps.get_model("secretariat", "Decree")
    Sequence = apps.get_model("secretariat", "DecreeNumberSequence")
    Template = apps.get_model("secretariat", "DecreeTemplate")
    if (
        _repeats(Decree.objects.all(), "year", "sequence")
        or _repeats(Decree.objects.all(), "number")
        or _repeats(Sequence.objects.all(), "year")
        or Template.objects.filter(is_active=True).count() > 1
    ):
        raise RuntimeError(
            "Two KPU offices hold decree numbers, number sequences or active templates that repeat each "
            "other, which the schema before offices cannot store. Not reversible."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("kelurahan", "0009_drop_synthetic_marker"),
        ("secretariat", "0025_offices"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
