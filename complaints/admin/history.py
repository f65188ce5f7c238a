"""The audit log, read-only, with readable action names."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..history import action_label
from ..models import ComplaintEvent


class ActionFilter(admin.SimpleListFilter):
    """The actions recorded so far, by their readable names."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = ComplaintEvent.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, action_label(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(admin.ModelAdmin):
    """The audit log, read-only."""

    list_display = ["created_at", "complaint", "action_name", "from_stage", "to_stage", "actor"]
    list_select_related = ["complaint", "actor"]
    list_filter = [ActionFilter, "to_stage"]
    search_fields = ["=complaint__tracking_number", "action"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, obj: ComplaintEvent) -> str:
        return format_html('<span title="{}">{}</span>', obj.action, obj.action_label)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
