"""The admin site: KPU's own work first, login-throttling records last and for superusers only."""

from django.conf import settings
from django.contrib import admin

# Apps in the order staff use them; anything not named here follows, django-axes always last.
APP_ORDER = ("secretariat", "integrity", "kelurahan", "auth")
LAST_APPS = ("axes",)
# Failed-login records hold addresses and usernames of everyone who tried to log in.
SUPERUSER_ONLY_APPS = ("axes",)
APP_NAMES = {"axes": "Percobaan login (django-axes)"}


class PpsAdminSite(admin.AdminSite):
    def each_context(self, request):
        # Tasks run inside the web request when no Redis is configured (`make run`): pages say it may take
        # a while (templates/admin/_busy_note.html).
        return {**super().each_context(request), "in_process": settings.CELERY_TASK_ALWAYS_EAGER}

    def autocomplete_view(self, request):
        from .admin_scale import CountlessAutocompleteJsonView

        return CountlessAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_app_list(self, request, app_label=None):
        # Superuser-only apps are already left out for others: their admins deny has_module_permission.
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
        return sorted(apps, key=_app_rank)


def _app_rank(app) -> int:
    label = app["app_label"]
    if label in LAST_APPS:
        return len(APP_ORDER) + 1 + LAST_APPS.index(label)
    return APP_ORDER.index(label) if label in APP_ORDER else len(APP_ORDER)


class SuperuserOnlyMixin:
    """Only superusers see or use this model's admin; for them the admin's own rules still apply."""

    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


def superuser_only(model_admin_class):
    return type(f"SuperuserOnly{model_admin_class.__name__}", (SuperuserOnlyMixin, model_admin_class), {})
