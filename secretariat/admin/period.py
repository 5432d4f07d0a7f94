from django.contrib import admin

from pps_admin.admin_widgets import WideTextInputsMixin

from ..models import ElectionPeriod, KeyDate


class KeyDateInline(admin.TabularInline):
    model = KeyDate
    extra = 1


@admin.register(ElectionPeriod)
class ElectionPeriodAdmin(WideTextInputsMixin, admin.ModelAdmin):
    list_display = ["name", "vote_date", "term_start", "term_end", "is_current"]
    inlines = [KeyDateInline]
