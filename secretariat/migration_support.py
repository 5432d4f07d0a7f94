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
