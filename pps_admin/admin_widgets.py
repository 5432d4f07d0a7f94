"""Form widgets shared by the admin classes."""

from django.contrib.admin.widgets import AdminTextInputWidget
from django.db import models

# Names of events, places, titles and people run to 60+ characters ("Penandatanganan Pakta Integritas
# Sekretariat PPS ..."); the admin's 20em input showed a third of them.
WIDE_FROM_LENGTH = 100


class WideTextInputsMixin:
    """Text inputs of long fields (max_length >= 100) take the form's full width (.vWideTextField)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if (
            formfield is not None
            and isinstance(db_field, models.CharField)
            and not db_field.choices
            and (db_field.max_length or 0) >= WIDE_FROM_LENGTH
            and isinstance(formfield.widget, AdminTextInputWidget)
        ):
            formfield.widget.attrs["class"] = "vTextField vWideTextField"
        return formfield
