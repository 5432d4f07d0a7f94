from django.contrib import admin

from ..models import ElectionPeriod


@admin.register(ElectionPeriod)
class ElectionPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "vote_date", "term_start", "term_end", "is_current"]
