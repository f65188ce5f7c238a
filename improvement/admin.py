"""The improvement loop in the admin: survey results, signals and links
(read-only); the corrective-action register is in capa_admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .capa_admin import CorrectiveActionAdmin
from .models import (
    ComplaintLink,
    RecurrenceSignal,
    SurveyInvitation,
    SurveyOptOut,
    SurveyResponse,
)

__all__ = ["CorrectiveActionAdmin"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "medium", "language", "created_at", "expires_at", "responded_at"]
    list_filter = ["medium", "language", ("responded_at", admin.EmptyFieldListFilter)]
    list_select_related = ["complaint"]
    search_fields = ["=complaint__tracking_number"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = [
        "complaint_number",
        "ease",
        "informed",
        "timeliness",
        "fairness",
        "overall",
        "created_at",
    ]
    list_filter = ["overall", "language"]
    list_select_related = ["invitation__complaint"]
    search_fields = ["=invitation__complaint__tracking_number", "comment"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description=_("complaint"), ordering="invitation__complaint__tracking_number")
    def complaint_number(self, obj: SurveyResponse) -> str:
        return obj.invitation.complaint.tracking_number


@admin.register(SurveyOptOut)
class SurveyOptOutAdmin(ReadOnlyAdmin):
    list_display = ["customer", "created_at"]
    list_select_related = ["customer"]
    search_fields = ["customer__name", "customer__email", "customer__phone"]


# --- Recurrence -------------------------------------------------------------------------


@admin.register(RecurrenceSignal)
class RecurrenceSignalAdmin(ReadOnlyAdmin):
    list_display = ["week", "dimension", "key_name", "count", "limit", "mean", "open_action"]
    list_filter = ["dimension", "week"]
    list_select_related = ["category", "root_cause"]
    date_hierarchy = "week"

    @admin.display(description=_("category or root cause"))
    def key_name(self, obj: RecurrenceSignal) -> str:
        return str(obj.key)

    @admin.display(description=_("corrective action"))
    def open_action(self, obj: RecurrenceSignal) -> str:
        url = reverse("admin:improvement_correctiveaction_add") + f"?signal={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Open a corrective action"))


@admin.register(ComplaintLink)
class ComplaintLinkAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "related", "kind", "created_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["complaint", "related", "created_by"]
    search_fields = ["=complaint__tracking_number", "=related__tracking_number"]
    show_full_result_count = False
