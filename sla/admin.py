from django.contrib import admin

from sla.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    # Saving or deleting here (including the bulk "delete selected" action,
    # which sends post_delete per row) bumps the calendar's cache version, so
    # due dates computed afterwards use the change without a restart.
    list_display = ("date", "kind", "reason", "created_at")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("reason",)
    ordering = ("-date",)
    readonly_fields = ("created_at",)
