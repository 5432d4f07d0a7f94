"""Admin forms of the rows an office owns: which office a new row belongs to.

A staff member never chooses: what they add is their own office's. A superuser chooses only when the
deployment has more than one kabupaten/kota office (`make run` and a single-office install have one, which
is taken). Once saved, a row stays with its office: the field is never offered on a change form.
"""

from django.core.exceptions import PermissionDenied

from .models import Office
from .models.scoping import user_office

OFFICE_FIELDSET = ("Kantor", {"fields": ["office"]})


def office_for_new_row(request) -> Office | None:
    """The office a row added by this request belongs to, or None when a superuser must pick it."""
    return user_office(request.user) or Office.sole()


def _asks_office(request, obj) -> bool:
    return obj is None and request.user.is_superuser and office_for_new_row(request) is None


class OfficeOwnedAdminMixin:
    """For a model with an `office` field; put it before ModelAdmin in the bases."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "office"]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return [OFFICE_FIELDSET, *fieldsets] if _asks_office(request, obj) else fieldsets

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        return exclude if _asks_office(request, obj) else [*exclude, "office"]

    def save_model(self, request, obj, form, change):
        office_set(request, obj)
        super().save_model(request, obj, form, change)


class OfficeOwnedInlineMixin:
    """The same for an inline's rows; the parent admin calls `office_set` in its save_formset."""

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        asks = request.user.is_superuser and office_for_new_row(request) is None
        return exclude if asks else [*exclude, "office"]


def office_set(request, obj) -> None:
    """Give a new row its office (the form's choice for a superuser of several offices)."""
    if obj.office_id is not None:
        return
    office = office_for_new_row(request)
    if office is None:
        raise PermissionDenied("Pilih kantor KPU untuk data ini.")
    obj.office = office
