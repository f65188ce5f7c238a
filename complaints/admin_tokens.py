"""The API tokens in the admin, for superusers only: who holds one, when it
expires, and an action to revoke (delete) the selected ones.

Replaces the admin rest_framework.authtoken registers; registered from
ComplaintsConfig.ready(), after the admin's autodiscovery.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from .authentication import token_expires_at, token_is_expired


class ExpiringTokenAdmin(TokenAdmin):
    list_display = ("key", "user", "created", "expires_at", "expired")
    actions = ["revoke_tokens"]

    @admin.display(description=_("expires at"))
    def expires_at(self, token: TokenProxy) -> datetime | None:
        return token_expires_at(token)

    @admin.display(description=_("expired"), boolean=True)
    def expired(self, token: TokenProxy) -> bool:
        return token_is_expired(token)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[TokenProxy]) -> None:
        self.log_deletions(request, queryset.select_related("user"))
        count, _deleted = queryset.delete()
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def log_deletions(self, request: HttpRequest, queryset: Any) -> list[LogEntry]:
        """Deletions in the admin's history, named by the token's user: a token's
        own str() is its key, which has no place in a log."""
        content_type = ContentType.objects.get_for_model(TokenProxy, for_concrete_model=False)
        return LogEntry.objects.bulk_create(
            LogEntry(
                user_id=cast(int, request.user.pk),
                content_type=content_type,
                object_id=str(token.user_id),
                object_repr=str(_("API token of %(user)s") % {"user": token.user})[:200],
                action_flag=DELETION,
                change_message=str(_("Revoked.")),
            )
            for token in queryset
        )

    # Tokens are keys to the API: superusers only, whatever permissions a group holds.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


def register(site: admin.AdminSite = admin.site) -> None:
    if site.is_registered(TokenProxy):
        site.unregister(TokenProxy)
    site.register(TokenProxy, ExpiringTokenAdmin)
