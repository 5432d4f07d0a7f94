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
        checks.register(site_url_check)
        from .signing.checks import signing_check

        checks.register(signing_check)
        from . import tasks  # noqa: F401 - registered in every process, so the intake sends it by name


class AdminSiteConfig(AdminConfig):
    default_site = "pps_admin.admin_site.PpsAdminSite"


def task_mode_check(app_configs, **kwargs):
    """Say at start-up where documents are made, so nobody mistakes the embedded worker for production."""
    sqlite = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    if settings.REDIS_URL:
        if not sqlite:
            return []
        return [
            checks.Warning(
                "REDIS_URL diatur dengan basis data SQLite: worker Celery sungguhan perlu PostgreSQL. "
                "SQLite hanya menerima satu penulis sekaligus dan satu mesin.",
                hint="Atur DATABASE_URL ke PostgreSQL (postgres://...).",
                id="pps_admin.W002",
            )
        ]
    if settings.DEBUG:
        return [
            checks.Info(
                "REDIS_URL tidak diatur: dokumen dibuat oleh worker Celery bawaan yang dijalankan `make run` "
                f"(manage.py run_embedded) di samping server web, lewat antrean berkas di "
                f"{settings.EMBEDDED_BROKER_DIR}; tidak di dalam permintaan web. Tanpa worker itu "
                "pekerjaan menunggu di antrean. Untuk produksi atur REDIS_URL.",
                id="pps_admin.I001",
            )
        ]
    return [
        checks.Warning(
            "REDIS_URL is not set with DEBUG off: documents would wait in the embedded worker's file queue "
            f"({settings.EMBEDDED_BROKER_DIR}), which only `manage.py run_embedded` on this machine reads.",
            hint="Set REDIS_URL and run `celery -A pps_admin worker` and `celery -A pps_admin beat`.",
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
            id="pps_admin.W003",
        )
    ]


def site_url_check(app_configs, **kwargs):
    if settings.SITE_URL:
        return []
    return [
        checks.Warning(
            "SITE_URL tidak diatur: dokumen yang dibuat hanya memuat kode cek, tanpa alamat halaman cek "
            "(/cek/<kode>/) dan tanpa tautan di kode QR-nya.",
            hint="Atur SITE_URL ke alamat publik situs ini, mis. https://pps.kpu-balikpapan.go.id: alamat "
            "itu dicetak di setiap dokumen dan tidak dapat diubah sesudahnya.",
            id="pps_admin.W004",
        )
    ]
