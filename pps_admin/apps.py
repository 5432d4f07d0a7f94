from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin.apps import AdminConfig
from django.core import checks


class PpsAdminConfig(AppConfig):
    name = "pps_admin"
    verbose_name = "PPS Admin"

    def ready(self):
        checks.register(task_mode_check)
        checks.register(email_check)


class AdminSiteConfig(AdminConfig):
    default_site = "pps_admin.admin_site.PpsAdminSite"


def task_mode_check(app_configs, **kwargs):
    """Say at start-up where document tasks run, so nobody mistakes in-process for workers."""
    if settings.REDIS_URL:
        return []
    if settings.DEBUG:
        return [
            checks.Info(
                "REDIS_URL tidak diatur: tugas (pembuatan dokumen) berjalan di dalam proses web ini, "
                "tanpa worker Celery. Cocok untuk mencoba; untuk produksi atur REDIS_URL.",
                id="pps_admin.I001",
            )
        ]
    return [
        checks.Warning(
            "REDIS_URL is not set with DEBUG off: tasks would run inside web requests.",
            hint="Set REDIS_URL and run `celery -A pps_admin worker`.",
            id="pps_admin.W001",
        )
    ]


def email_check(app_configs, **kwargs):
    from .mail import email_can_be_sent

    if email_can_be_sent():
        return []
    return [
        checks.Warning(
            "EMAIL_HOST tidak diatur: e-mail atur ulang sandi portal tidak dikirim "
            "(dan tidak dicetak ke log).",
            hint="Atur EMAIL_HOST (dan EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) agar anggota dapat mengatur "
            "ulang sandi lewat e-mail; tanpa itu staf memberi sandi sekali pakai yang baru.",
            id="pps_admin.W002",
        )
    ]
