from django.db import migrations


def add_template(apps, schema_editor):
    from secretariat import decree_defaults as d

    DecreeTemplate = apps.get_model("secretariat", "DecreeTemplate")
    if DecreeTemplate.objects.exists():
        return
    from secretariat.migration_support import balikpapan_template_defaults, home_office_fields

    DecreeTemplate.objects.create(
        **home_office_fields(apps, DecreeTemplate),
        **balikpapan_template_defaults(DecreeTemplate),
        name="SK Sekretariat PPS Pilkada 2024",
        is_active=True,
        title=d.TITLE,
        considerations="\n".join(d.CONSIDERATIONS),
        legal_basis="\n".join(d.LEGAL_BASIS),
        observations="\n".join(d.OBSERVATIONS),
        dictums="\n".join(d.DICTUMS),
    )


class Migration(migrations.Migration):
    dependencies = [("secretariat", "0003_decreenumbersequence_decree_decreeentry_and_more")]

    operations = [migrations.RunPython(add_template, migrations.RunPython.noop)]
