"""Admin registrations of third-party apps, adjusted for KPU (autodiscovered like any app's admin.py)."""

import axes.admin  # noqa: F401 - registers its models first, so they can be replaced below
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin

from .admin_site import SUPERUSER_ONLY_APPS, superuser_only

for model in (AccessAttempt, AccessFailureLog, AccessLog):
    assert model._meta.app_label in SUPERUSER_ONLY_APPS
    registered = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(model, superuser_only(registered))
