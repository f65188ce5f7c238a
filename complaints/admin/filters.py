"""Filters of the complaint list that belong to complaints itself (sla adds its
own through complaints.extensions)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..staff import assignable_users
from ..workflow import OPEN_STAGES


class QueueFilter(admin.SimpleListFilter):
    """The agent's default view: open complaints that are theirs or nobody's."""

    title = _("queue")
    parameter_name = "queue"
    MINE = "mine"
    ALL = "all"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(self.MINE, _("Open: mine or unassigned")), (self.ALL, _("All complaints"))]

    def choices(self, changelist: Any) -> Any:
        # No "All" entry of the admin's own: "All complaints" is one of ours,
        # since the default is not "everything" for an agent.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def value(self) -> str:
        chosen = super().value()
        if chosen in (self.MINE, self.ALL):
            return chosen
        return self.MINE if self._is_agent_only else self.ALL

    def __init__(self, request: HttpRequest, params: Any, model: Any, model_admin: Any) -> None:
        user = request.user
        self._user = user
        self._is_agent_only = bool(
            user.is_authenticated
            and user.groups.filter(name="Agent").exists()
            and not user.groups.exclude(name="Agent").exists()
        )
        super().__init__(request, params, model, model_admin)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == self.MINE:
            return queryset.filter(
                Q(assignee=self._user) | Q(assignee__isnull=True), stage__in=OPEN_STAGES
            )
        return queryset


class AssigneeFilter(admin.RelatedFieldListFilter):
    """The representatives who can be assigned (complaints.staff), and
    "unassigned" (the admin's empty choice). Django's RelatedOnlyFieldListFilter
    would read ``SELECT DISTINCT assignee_id`` over every complaint on each view."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[Any]:
        users = assignable_users()
        return [(user.pk, user.get_full_name() or user.get_username()) for user in users]
