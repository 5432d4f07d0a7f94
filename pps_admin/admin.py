"""Admin registrations of third-party apps, adjusted for KPU (autodiscovered like any app's admin.py).

- Staff accounts and groups (django.contrib.auth) under the same free-text rule as every other form:
  their names and e-mail addresses refuse control and bidi characters (see pps_admin/text.py).
- django-axes' records (login attempts, lockouts) are for superusers only.
"""

import axes.admin  # noqa: F401 - registers its models first, so they can be replaced below
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import models

from .admin_site import SUPERUSER_ONLY_APPS, superuser_only
from .security import BoundedUsernameMixin
from .text import validate_multi_line, validate_single_line


class FreeTextRuleMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if (
            field is not None
            and not db_field.choices
            and isinstance(db_field, models.CharField | models.TextField)
        ):
            is_text = isinstance(db_field, models.TextField)
            field.validators.append(validate_multi_line if is_text else validate_single_line)
        return field


class StaffUserAdmin(FreeTextRuleMixin, UserAdmin):
    pass


class StaffGroupAdmin(FreeTextRuleMixin, GroupAdmin):
    pass


User = get_user_model()
for model, model_admin in ((User, StaffUserAdmin), (Group, StaffGroupAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)


class StaffLoginForm(BoundedUsernameMixin, AdminAuthenticationForm):
    login_error = (
        "Nama pengguna atau sandi salah, atau akun ini bukan akun staf KPU. "
        "Huruf besar dan kecil dibedakan."
    )


admin.site.login_form = StaffLoginForm

for model in (AccessAttempt, AccessFailureLog, AccessLog):
    assert model._meta.app_label in SUPERUSER_ONLY_APPS
    registered = type(admin.site.get_model_admin(model))
    admin.site.unregister(model)
    admin.site.register(model, superuser_only(registered))
