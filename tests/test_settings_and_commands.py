import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from pps_admin.apps import task_mode_check
from pps_admin.env import env_bool


def test_env_bool_is_strict(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "true")
    assert env_bool("SOME_FLAG", False) is True
    monkeypatch.setenv("SOME_FLAG", "0")
    assert env_bool("SOME_FLAG", True) is False
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG", False)


def test_start_up_says_tasks_run_in_process_without_redis(settings):
    settings.REDIS_URL = None
    settings.DEBUG = True
    [message] = task_mode_check(None)
    assert message.id == "pps_admin.I001"
    settings.DEBUG = False
    [message] = task_mode_check(None)
    assert message.id == "pps_admin.W001"
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    assert task_mode_check(None) == []


def test_language_and_time_zone_are_indonesian(settings):
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Makassar"


@pytest.mark.django_db
def test_demo_admin_is_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("ensure_demo_admin")


@pytest.mark.django_db
def test_demo_admin_is_created_once_and_its_login_printed(settings, tmp_path, capsys):
    from django.contrib.auth import get_user_model

    settings.DEBUG = True
    settings.BASE_DIR = tmp_path
    call_command("ensure_demo_admin", url="http://127.0.0.1:9999/admin/")
    first = capsys.readouterr().out
    password = (tmp_path / ".demo-admin-password").read_text().strip()
    assert "http://127.0.0.1:9999/admin/" in first and password in first
    call_command("ensure_demo_admin")
    assert password in capsys.readouterr().out
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)

    # Changed in the admin ("Ganti sandi"): the old password is not printed as if it still logged in.
    user.set_password("sandi-baru-dari-admin")
    user.save()
    call_command("ensure_demo_admin")
    out = capsys.readouterr().out
    assert password not in out and "tidak diketahui: sudah diubah" in out


@pytest.mark.parametrize(("value", "accepted"), [("2", True), ("0", False), ("dua", False)])
def test_the_prefetch_multiplier_is_a_positive_integer(value, accepted):
    """0 would be Celery's "no limit" (one worker taking the whole queue); a typo is refused, not guessed."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "CELERY_PREFETCH_MULTIPLIER": value, "SECRET_KEY": "test-only"}
    code = "from django.conf import settings; print(settings.CELERY_WORKER_PREFETCH_MULTIPLIER)"
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "pps_admin.settings"}, capture_output=True, text=True,
    )  # fmt: skip
    if accepted:
        assert (run.returncode, run.stdout.strip()) == (0, value), run.stderr[-500:]
    else:
        assert run.returncode != 0 and "CELERY_PREFETCH_MULTIPLIER" in run.stderr
