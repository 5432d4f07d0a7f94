from django.contrib import admin

from pps_admin.admin_scope import ScopedAdminMixin
from pps_admin.admin_widgets import WideTextInputsMixin

from ..models import ElectionPeriod, KeyDate
from ..office_admin import OfficeOwnedAdminMixin, OfficeOwnedInlineMixin, office_set


class KeyDateInline(ScopedAdminMixin, OfficeOwnedInlineMixin, admin.TabularInline):
    model = KeyDate
    extra = 1


@admin.register(ElectionPeriod)
class ElectionPeriodAdmin(ScopedAdminMixin, WideTextInputsMixin, admin.ModelAdmin):
    list_display = ["name", "vote_date", "term_start", "term_end", "is_current"]
    inlines = [KeyDateInline]

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.has_changed() and inline_form.instance.pk is None:
                office_set(request, inline_form.instance)
        super().save_formset(request, form, formset, change)


@admin.register(KeyDate)
class KeyDateAdmin(ScopedAdminMixin, OfficeOwnedAdminMixin, WideTextInputsMixin, admin.ModelAdmin):
    """An office's own key dates (the portal shows them to its members); the period is everybody's."""

    list_display = ["title", "start", "end", "period"]
    list_filter = ["period"]
    fields = ["period", "title", "start", "end"]
