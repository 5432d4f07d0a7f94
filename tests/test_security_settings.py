"""Production settings and headers (issue #6, item 7)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from secretariat.services.decrees import decree_issue
from secretariat.services.demo import demo_csv
from secretariat.services.document_jobs import document_render_and_store
from secretariat.services.importing import members_import

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_reports_no_issues_with_production_settings():
    # The suite's own relaxations (plain HTTP, the sync Playwright API) are not production settings.
    skip = {"DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "DEBUG"}
    env = {
        **{k: v for k, v in os.environ.items() if k not in skip},
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "False",
        "ALLOWED_HOSTS": "pps.kpu-balikpapan.example",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "EMAIL_HOST": "smtp.kpu-balikpapan.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"DEBUG": "False"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/masuk/", "/admin/login/"])
def test_every_page_carries_a_content_security_policy(client, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_full_run_logs_no_nik(caplog, staff_client, settings):
    """Import, issue, render and browse the admin with DEBUG on and the root logger at DEBUG: no NIK in
    any record. SQL parameters would carry NIKs; our logging keeps the SQL logger at WARNING."""
    import logging

    settings.DEBUG = True
    caplog.set_level("DEBUG")
    assert logging.getLogger("django.db.backends").getEffectiveLevel() >= logging.WARNING
    assert members_import(data=demo_csv(), dry_run=False).ok
    decree = decree_issue(decree_date=__import__("datetime").date(2024, 6, 1))
    for document in decree.documents.all()[:3]:
        document_render_and_store(document.pk)
    staff_client.get(reverse("admin:secretariat_person_changelist") + "?q=6471")
    staff_client.get(reverse("admin:secretariat_completeness"))
    staff_client.post(reverse("admin:secretariat_import"), {"file": ""})
    from secretariat.models import Person

    niks = list(Person.objects.values_list("nik", flat=True))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [nik for nik in niks if nik in logged]
