"""Staff see every notice of a complaint and where its delivery stands; a
failed one can be sent again. Nothing here edits a notice."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from complaints.extensions import admin_inline_add
from complaints.permissions import user_can

from .models import Notification, Status
from .services import RETRY_PERMISSION, notification_retry

_STATUS_COLOURS = {
    Status.PENDING: "#5b6475",
    Status.SENDING: "#0b5fff",
    Status.SENT: "#137333",
    Status.FAILED: "#b00020",
}


class NotificationColumns:
    """Columns shared by the inline on the complaint and the notices' list."""

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Notification) -> str:
        return format_html(
            '<strong style="color:{}">{}</strong>',
            _STATUS_COLOURS.get(Status(obj.status), "inherit"),
            obj.get_status_display(),
        )

    @admin.display(description=_("delivery"))
    def delivery(self, obj: Notification) -> str:
        return obj.delivery_status or "—"

    @admin.display(description=_("last error"))
    def last_error_short(self, obj: Notification) -> str:
        text = obj.last_error or ""
        return text if len(text) <= 120 else text[:119] + "…"


def _retry_button(obj: Notification, request: HttpRequest | None) -> str:
    if obj.status != Status.FAILED or obj.pk is None:
        return "—"
    if request is not None and not user_can(request.user, RETRY_PERMISSION):
        return "—"
    url = reverse("admin:notifications_notification_retry", args=[obj.pk])
    # Inside the complaint's change form: the button posts that form (with its
    # CSRF token) to the retry URL; a link would make a GET change state.
    return format_html(
        '<button type="submit" class="button" formaction="{}" formmethod="post" '
        "formnovalidate>{}</button>",
        url,
        gettext("Retry"),
    )


class NotificationInline(NotificationColumns, admin.TabularInline):
    model = Notification
    fk_name = "complaint"
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("notices sent to the customer and to staff")
    _columns = (
        "created_at",
        "kind",
        "channel",
        "recipient",
        "status_badge",
        "attempts",
        "sent_at",
        "delivery",
        "last_error_short",
        "retry",
    )
    fields = _columns
    readonly_fields = _columns
    ordering = ["created_at", "id"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        self._request = request
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("retry"))
    def retry(self, obj: Notification) -> str:
        return _retry_button(obj, getattr(self, "_request", None))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# On the complaint's page, through complaints' declared extension point.
admin_inline_add(NotificationInline)


@admin.register(Notification)
class NotificationAdmin(NotificationColumns, admin.ModelAdmin):
    list_display = [
        "created_at",
        "complaint",
        "kind",
        "channel",
        "recipient",
        "status_badge",
        "attempts",
        "sent_at",
        "delivery",
        "last_error_short",
    ]
    list_filter = ["status", "kind", "channel", "delivery_status"]
    list_select_related = ["complaint"]
    search_fields = ["=complaint__tracking_number", "recipient", "=provider_message_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["retry_failed"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    change_form_template = "admin/notifications/notification/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, RETRY_PERMISSION)

    @admin.action(description=_("Retry the failed notices"), permissions=["retry"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        retried = sum(
            notification_retry(notification=n, actor=request.user)
            for n in queryset.filter(status=Status.FAILED).select_related("complaint")
        )
        skipped = queryset.count() - retried
        if retried:
            messages.success(request, gettext("Queued again: %(count)d.") % {"count": retried})
        if skipped:
            messages.warning(
                request,
                gettext("Left alone (not failed): %(count)d.") % {"count": skipped},
            )

    def get_urls(self) -> list:
        return [
            path(
                "<int:pk>/retry/",
                self.admin_site.admin_view(self.retry_view),
                name="notifications_notification_retry",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        extra["retry_button"] = _retry_button(obj, request) if obj is not None else ""
        return super().change_view(request, object_id, form_url, extra)

    def retry_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return require_POST(self._retry)(request, pk)

    def _retry(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_retry_permission(request):
            raise PermissionDenied
        notification = get_object_or_404(Notification.objects.select_related("complaint"), pk=pk)
        if notification_retry(notification=notification, actor=request.user):
            messages.success(request, gettext("The notice is queued to be sent again."))
        else:
            messages.warning(request, gettext("This notice has not failed: nothing to retry."))
        target = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("admin:notifications_notification_change", args=[pk])
        return HttpResponseRedirect(target)
