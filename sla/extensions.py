"""What the sla app adds to the complaint's staff list and API, through the
extension points complaints declares (complaints.extensions): the SLA filters,
the due column and the ``is_overdue`` field and filter. The conditions are
sla.targets' own: there is no second definition of "overdue" or "at risk"."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints import extensions
from complaints.models import Complaint
from complaints.models.complaint import DUE_SORT
from sla.targets import (
    ACK,
    RESOLUTION,
    SlaState,
    at_risk_open_q,
    breached_open_q,
    complaint_is_overdue,
    complaint_next_target,
    sla_state_of,
)


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("ack", _("Acknowledgement overdue")),
            ("resolution", _("Resolution overdue")),
            ("any", _("Any target overdue")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        targets = {"ack": (ACK,), "resolution": (RESOLUTION,), "any": (ACK, RESOLUTION)}.get(
            self.value() or ""
        )
        if targets is None:
            return queryset
        return queryset.filter(breached_open_q(now=timezone.now(), targets=targets))


class SlaFilter(admin.SimpleListFilter):
    title = _("SLA")
    parameter_name = "sla"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("at_risk", _("At risk")),
            ("breached", _("Breached (open)")),
            ("breach_recorded", _("A breach was recorded")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        value = self.value()
        if value == "at_risk":
            return queryset.filter(at_risk_open_q(now=now))
        if value == "breached":
            return queryset.filter(breached_open_q(now=now))
        if value == "breach_recorded":
            return queryset.filter(breach_count__gt=0)
        return queryset


_STATE_COLOURS = {SlaState.BREACHED: "#b00020", SlaState.AT_RISK: "#8a5300"}


# Sorted as the API sorts by due date, on its index (complaint_due_sort).
@admin.display(description=_("due"), ordering=DUE_SORT)
def due_column(complaint: Complaint) -> str:
    target = complaint_next_target(complaint)
    if target is None:
        return "—"
    due_at = getattr(complaint, target.due)
    text = date_format(timezone.localtime(due_at), "SHORT_DATETIME_FORMAT")
    state = sla_state_of(complaint=complaint, target=target, now=timezone.now())
    colour = _STATE_COLOURS.get(state) if complaint.is_open else None
    if colour is None:
        return text
    return format_html(
        '<strong class="sla-{}" style="color:{}">{}</strong>', state.value, colour, text
    )


_HEADER_STATES = {
    SlaState.ON_TRACK: "on_time",
    SlaState.AT_RISK: "at_risk",
    SlaState.BREACHED: "breached",
    SlaState.MET: "met",
    SlaState.MET_LATE: "breached",
}


def header_items(complaint: Complaint) -> list[extensions.HeaderItem]:
    """The due dates at the top of the complaint's page, coloured by their state."""
    now = timezone.now()
    items = []
    for target, label in ((ACK, _("acknowledgement due")), (RESOLUTION, _("resolution due"))):
        due_at = getattr(complaint, target.due)
        if due_at is None:
            continue
        if target is ACK and getattr(complaint, target.met) is not None:
            continue  # met: the page's dates section keeps it
        state = sla_state_of(complaint=complaint, target=target, now=now)
        text = date_format(timezone.localtime(due_at), "SHORT_DATETIME_FORMAT")
        items.append(
            extensions.HeaderItem(
                label=label, value=f"{text} · {state.label}", state=_HEADER_STATES.get(state, "")
            )
        )
    return items


class IsOverdueField(serializers.BooleanField):
    """Open and past an unmet acknowledgement or resolution due date."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> bool:
        return complaint_is_overdue(value, now=self.context.get("now") or timezone.now())


def _filter_overdue(queryset: QuerySet, value: Any, user: Any) -> QuerySet:
    if value is None:
        return queryset
    late = breached_open_q(now=timezone.now())
    return queryset.filter(late) if value else queryset.exclude(late)


def register() -> None:
    from sla import review

    # The management review (improvement app) reads the period's SLA figures here.
    extensions.period_figures_add("sla", review.period_figures)
    extensions.admin_list_filter_add(OverdueFilter)
    extensions.admin_list_filter_add(SlaFilter)
    extensions.admin_list_column_add(due_column, after="subject")
    extensions.admin_header_items_add(header_items)
    extensions.api_field_add("is_overdue", field=IsOverdueField)
    extensions.api_list_filter_add(
        "overdue",
        field=lambda: serializers.BooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text="true: open and past an unmet acknowledgement or resolution due date.",
        ),
        apply=_filter_overdue,
    )
