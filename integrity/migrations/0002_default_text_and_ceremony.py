from django.db import migrations


def add_defaults(apps, schema_editor):
    from integrity import defaults as d

    PactText = apps.get_model("integrity", "PactText")
    Ceremony = apps.get_model("integrity", "Ceremony")
    if not PactText.objects.exists():
        PactText.objects.create(
            version=1, title=d.TITLE, preamble=d.PREAMBLE, pledges="\n".join(d.PLEDGES), closing=d.CLOSING
        )
    if not Ceremony.objects.exists():
        Ceremony.objects.create(name=d.CEREMONY_NAME, date=d.CEREMONY_DATE, place=d.CEREMONY_PLACE)


class Migration(migrations.Migration):
    dependencies = [("integrity", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
