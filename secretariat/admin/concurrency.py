"""Two staff editing the same record: the second save is refused instead of silently overwriting.

The change form carries the record's `updated_at` as it was when the page was opened; saving compares it
with the database under a row lock.
"""

from django import forms
from django.db import transaction

STALE_MESSAGE = (
    "Data ini baru saja diubah oleh pengguna lain setelah halaman ini dibuka. Perubahan Anda tidak "
    "disimpan. Muat ulang halaman untuk melihat data terbaru, lalu ulangi perubahan Anda."
)


class StaleEditError(Exception):
    pass


class OptimisticLockForm(forms.ModelForm):
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_version"] = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not self._is_current(cleaned.get("loaded_version") or ""):
            raise forms.ValidationError(STALE_MESSAGE, code="stale")
        return cleaned

    def _is_current(self, loaded: str) -> bool:
        current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True)
        return loaded == current.first().isoformat()


class OptimisticLockAdminMixin:
    """Re-check the version under a row lock at save time (closes the gap after form validation)."""

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        with transaction.atomic():
            type(obj).objects.select_for_update().filter(pk=obj.pk).first()
            if not form._is_current(form.cleaned_data.get("loaded_version") or ""):
                raise StaleEditError(STALE_MESSAGE)
            super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        from django.contrib import messages
        from django.shortcuts import redirect

        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEditError as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
