"""For data migrations written before offices existed, when they run again on today's schema.

The test suite's `committed_db` fixture (tests/conftest.py) loads the reference data by calling those
migrations' functions with the current models after a flush; their rows then belong to the office the
single-office data moved into (migration 0026). On their own schema (a real migrate) this adds nothing.
"""

HOME_OFFICE = "64.71"


def home_office_fields(apps, model) -> dict:
    if not any(field.name == "office" for field in model._meta.get_fields()):
        return {}
    return {"office": apps.get_model("secretariat", "Office").objects.get(code=HOME_OFFICE)}


def former_defaults(model, values: dict) -> dict:
    """`values` for the fields of `model` that have no default any more: the Balikpapan words those fields
    defaulted to before every office got its own (migration 0028). On their own schema the fields either
    do not exist yet or still have these defaults, so nothing changes there."""
    fields = {field.name: field for field in model._meta.concrete_fields}
    return {
        name: value for name, value in values.items() if name in fields and not fields[name].has_default()
    }


def balikpapan_template_defaults(model) -> dict:
    """The DecreeTemplate fields that defaulted to KPU Kota Balikpapan's words until migration 0028."""
    from secretariat import decree_defaults, decree_defaults_paw
    from secretariat.office_wording import BALIKPAPAN_2024

    return former_defaults(
        model,
        {
            "issuer": "KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN",
            "place": "Balikpapan",
            "signer_title": "KETUA KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN",
            "signer_name": "PRAKOSO YUDHO LELONO",
            "authenticator_title": "SEKRETARIS KOMISI PEMILIHAN UMUM KOTA BALIKPAPAN",
            "letterhead_name": "KOMISI PEMILIHAN UMUM\nKOTA BALIKPAPAN",
            "office_short_name": "KPU Kota Balikpapan",
            "petikan_dictum": decree_defaults.petikan_dictum(BALIKPAPAN_2024),
            "paw_title": decree_defaults_paw.title(),
            "paw_considerations": decree_defaults_paw.considerations(),
            "paw_dictums": decree_defaults_paw.dictums(),
            "paw_petikan_dictum": decree_defaults_paw.petikan_dictum(),
        },
    )


def record_template_version(apps, template, reason: str) -> None:
    """A history version of `template` (a DecreeTemplate of a migration's own models) for a data migration
    that changed it: a migration's historical model sends no signal, so simple_history records nothing by
    itself, and the version page would not show that the legal text changed, nor why."""
    from django.utils import timezone

    Historical = apps.get_model("secretariat", "HistoricalDecreeTemplate")
    record = Historical(history_date=timezone.now(), history_type="~", history_change_reason=reason)
    for history_field in Historical._meta.fields:
        name = history_field.attname
        if name.startswith("history_") or not hasattr(template, name):
            continue
        value = getattr(template, name)
        if hasattr(value, "field") and hasattr(value, "name"):  # the logo's FieldFile: its stored path
            value = value.name
        setattr(record, name, value)
    record.save()
