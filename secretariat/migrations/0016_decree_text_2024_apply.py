"""Bring the active decree template's text up to date (the functions and frozen texts live in 0015)."""

import importlib

from django.db import migrations

text_2024 = importlib.import_module("secretariat.migrations.0015_decree_text_2024_sources")


class Migration(migrations.Migration):
    dependencies = [
        ("secretariat", "0015_decree_text_2024_sources"),
    ]

    operations = [
        migrations.RunPython(text_2024.forward, text_2024.backward),
    ]
