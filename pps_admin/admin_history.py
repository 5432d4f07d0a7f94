"""The "Riwayat" (history) pages of django-simple-history, readable by KPU staff.

Out of the box they show English headings ("CHANGES") and raw stored values: role codes, True/False,
ISO dates, "None". Here every changed value is shown as staff see it elsewhere in the admin (choice
labels, Ya/Tidak, names of related records, DD-MM-YYYY), and fields holding personal data are masked
by the admin's `history_masked_fields` (NIK, NIP: the full value is never needed to read a history).
"""

import datetime as dt
from collections.abc import Callable

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.utils import formats, timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "(kosong)"


def readable_value(field: models.Field, value) -> str:
    """`value` of `field` as the admin shows it; foreign keys arrive as objects (or DeletedObject)."""
    if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
        return EMPTY  # an empty foreign key arrives as a "deleted" object without a key
    if isinstance(value, DeletedObject):
        return f"{value.model._meta.verbose_name} #{value.pk} (sudah dihapus)"
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


class ReadableHistoryContextHelper(HistoricalRecordContextHelper):
    def __init__(self, model, historical_record, *, masked_fields: dict[str, Callable[[str], str]]):
        super().__init__(model, historical_record)
        self.masked_fields = masked_fields

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if change.field in self.masked_fields:
            return self.masked_fields[change.field](value) if value else EMPTY
        if isinstance(field, models.ManyToManyField):
            related = super().prepare_delta_change_value(change, value)
            return ", ".join(readable_value(field, item) for item in related) or EMPTY
        return readable_value(field, value)


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    """History pages to read. simple-history's version page is also a form that writes the old values back
    ("Revert", hidden but still accepted by POST even with SIMPLE_HISTORY_REVERT_DISABLED): a side door past
    the services' rules (a revoked SK set back to issued, a post ended without its reason). Records change
    through their own forms and actions only; a version page is shown, never saved."""

    object_history_list_template = "admin/history_list.html"
    # field name -> function giving the masked value, e.g. {"nik": mask_nik}
    history_masked_fields: dict[str, Callable[[str], str]] = {}

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryContextHelper(
            self.model, historical_record, masked_fields=self.history_masked_fields
        )

    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _require_visible(self, request, object_id) -> None:
        """simple-history finds an object missing from the admin's queryset in its historical records and
        shows it; a row outside the user's scope (another office's) must be a 404 there too, as on its
        change page. A deleted record's history is therefore no longer reachable from the admin."""
        try:
            visible = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, TypeError, ValidationError):
            visible = False
        if not visible:
            raise Http404

    def history_view_title(self, request, obj):
        return f"Riwayat perubahan: {obj}"
