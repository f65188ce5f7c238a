from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from sla.models import CalendarOverride, SlaDashboard


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


@admin.register(SlaDashboard)
class SlaDashboardAdmin(admin.ModelAdmin):
    """An entry in the admin's menu that opens /dashboard/ for those allowed to see it."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("sla.view_dashboard")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("sla:dashboard"))
