"""The Celery application. Workers: `celery -A pps_admin worker`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pps_admin.settings")

app = Celery("pps_admin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
