from datetime import date
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from sla.models import CalendarOverride, SlaDashboard
from sla.recompute import calendar_override_changed


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

    # The open complaints whose targets run over the date are recomputed after
    # the commit, in a Celery task (sla.recompute): a moved date recomputes
    # both the day it left and the day it reached.
    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: ModelForm, change: bool
    ) -> None:
        before = (
            CalendarOverride.objects.filter(pk=obj.pk).values_list("date", flat=True).first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)
        self._recompute(request, {obj.date, before or obj.date})

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        day = obj.date
        super().delete_model(request, obj)
        self._recompute(request, {day})

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        days = set(queryset.values_list("date", flat=True))
        super().delete_queryset(request, queryset)
        self._recompute(request, days)

    def _recompute(self, request: HttpRequest, days: set[date]) -> None:
        if not days:
            return
        calendar_override_changed(dates=days)
        self.message_user(
            request,
            _("The due dates of the open complaints running over %(dates)s are being recomputed.")
            % {"dates": ", ".join(formats.date_format(d) for d in sorted(days))},
        )


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
