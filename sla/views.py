"""The managers' SLA dashboard and its CSV export of breaches.

Both need ``sla.view_dashboard`` (the Manager group has it; superusers have
every permission). Anonymous visitors are sent to the admin login, others get
403. The views only read: the queries are in sla.selectors.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from common.widgets import DateInput, Select
from complaints.models import Channel, Kind, Priority, Stage
from sla import calendar, conf
from sla.closure_figures import closure_figures_get
from sla.selectors import (
    BREACH_COLUMNS,
    Dashboard,
    breaches_for_export,
    categories_by_id,
    dashboard_get,
)
from sla.statistics import DIMENSIONS, DashboardFilters, default_period
from sla.targets import SlaState, sla_time_zone

PERMISSION = "sla.view_dashboard"


# A period's arithmetic (a day after its end, weeks before it) must stay inside
# the calendar: dates near year 1 or 9999 are refused like a mistyped one.
_DATE_RANGE = [MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(2999, 12, 31))]


class DashboardFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=DateInput(attrs={"type": "date"}),
        validators=_DATE_RANGE,
    )
    date_to = forms.DateField(
        label=_("Received until"),
        required=False,
        widget=DateInput(attrs={"type": "date"}),
        validators=_DATE_RANGE,
    )
    # Widgets written without templates (common.widgets): the same HTML.
    priority = forms.ChoiceField(label=_("Priority"), required=False, widget=Select)
    channel = forms.ChoiceField(label=_("Channel"), required=False, widget=Select)
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None, widget=Select
    )
    by = forms.ChoiceField(
        label=_("Compliance by"), required=False, choices=DIMENSIONS, widget=Select
    )

    def __init__(self, *args: Any, categories: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, Any]] = [("", _("All"))]
        cast(forms.ChoiceField, self.fields["priority"]).choices = everything + list(
            Priority.choices
        )
        cast(forms.ChoiceField, self.fields["channel"]).choices = everything + list(Channel.choices)
        cast(forms.ChoiceField, self.fields["category"]).choices = everything + [
            (str(pk), name) for pk, name in categories.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The start of the period is after its end."))
            if (end - start).days + 1 > conf.dashboard_max_days():
                raise forms.ValidationError(
                    _("Choose a period of at most %(days)s days.")
                    % {"days": conf.dashboard_max_days()}
                )
        return data

    def filters(self, today: date) -> DashboardFilters:
        """The filters chosen, with the default period (the last 12 weeks) where not given."""
        default_from, default_to = default_period(today)
        data = self._valid_data()
        longest = timedelta(days=conf.dashboard_max_days() - 1)
        date_to = data.get("date_to") or max(default_to, data.get("date_from") or default_to)
        date_from = data.get("date_from")
        if date_from is None:
            # Only an end given: the same number of weeks as the default, up to it.
            date_from = (
                default_from if not data.get("date_to") else date_to - (default_to - default_from)
            )
        date_from = max(date_from, date_to - longest)
        return DashboardFilters(
            date_from=date_from,
            date_to=date_to,
            priority=data.get("priority") or "",
            channel=data.get("channel") or "",
            category_id=data.get("category"),
        )

    def dimension(self) -> str:
        return self._valid_data().get("by") or "priority"

    def _valid_data(self) -> dict[str, Any]:
        # Keep every filter that is valid on its own: a mistyped date must not
        # also drop the chosen priority. A bad period falls back to the default.
        if not self.is_bound:
            return {}
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        if self.non_field_errors():
            data.pop("date_from", None)
            data.pop("date_to", None)
        return data


def _require_permission(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _today() -> date:
    return timezone.localdate(timezone.now(), timezone=sla_time_zone())


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_permission(request)
    categories = categories_by_id()
    form = DashboardFilterForm(request.GET or None, categories=categories)
    filters = form.filters(_today())
    dimension = form.dimension()
    # The page shows the weekly shares by one dimension: only it is read.
    data = dashboard_get(filters=filters, categories=categories, dimensions=(dimension,))
    context = {
        **admin.site.each_context(request),
        "is_nav_sidebar_enabled": False,
        "title": _("SLA dashboard"),
        "form": form,
        "filters": filters,
        "dimension": dimension,
        "dimension_label": dict(DIMENSIONS)[dimension],
        "board": data,
        "closure": closure_figures_get(filters=filters, now=data.now),
        "chart_data": _chart_data(data, dimension),
        "ack_series": data.compliance["ack"][dimension],
        "resolution_series": data.compliance["resolution"][dimension],
        "csv_query": request.GET.urlencode(),
        "states": SlaState,
        "hours": {
            "opening": calendar.opening_time(),
            "closing": calendar.full_day_closing_time(),
            "half_day_closing": calendar.half_day_closing_time(),
        },
    }
    return render(request, "sla/dashboard.html", context)


def _chart_data(board: Dashboard, dimension: str) -> dict[str, Any]:
    """What dashboard.js draws, as JSON (numbers and translated labels only)."""
    week_labels = [w.strftime("%d.%m") for w in board.weeks]
    return {
        "weeks": week_labels,
        "overall": {
            "ack": board.overall["ack"].values,
            "resolution": board.overall["resolution"].values,
        },
        "byDimension": {
            target: [
                {"label": s.label, "values": s.values} for s in board.compliance[target][dimension]
            ]
            for target in ("ack", "resolution")
        },
        "open": {
            "stages": [row["label"] for row in board.open_rows],
            "priorities": [label for _v, label in board.priorities] + [gettext("Not classified")],
            "cells": [row["cells"] for row in board.open_rows],
        },
        "ageing": {
            "labels": [label for label, _n in board.ageing],
            "values": [n for _label, n in board.ageing],
        },
        "labels": {
            "overall": gettext("All"),
            "ack": gettext("Acknowledgement on time (%)"),
            "resolution": gettext("Resolution on time (%)"),
            "open": gettext("Open complaints"),
        },
    }


# --- CSV export --------------------------------------------------------------------------

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    # Subjects come from customers: a cell starting with "=" would run as a
    # formula in a spreadsheet (CSV injection), so neutralise it.
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(
    request: HttpRequest, rows: Iterable[tuple[Any, ...]], categories: dict[int, str]
) -> Iterator[str]:
    writer = csv.writer(_Echo())
    tz = sla_time_zone()

    def when(value: datetime | None) -> str:
        return "" if value is None else value.astimezone(tz).strftime("%Y-%m-%d %H:%M")

    # Labels translated once for the whole file, not once per cell.
    labels: dict[str, dict[Any, str]] = {
        "kind": {k: str(v) for k, v in Kind.choices},
        "channel": {k: str(v) for k, v in Channel.choices},
        "priority": {k: str(v) for k, v in Priority.choices},
        "stage": {k: str(v) for k, v in Stage.choices},
        "state": {k: str(v) for k, v in SlaState.choices},
    }
    # One reverse() for the whole file, not one per row.
    change_url = request.build_absolute_uri(
        reverse("admin:complaints_complaint_change", args=[0])
    ).replace("/0/", "/{}/")
    # A BOM so that spreadsheet programs read the Turkish letters as UTF-8.
    yield "\ufeff"
    yield writer.writerow(
        [
            gettext("Tracking number"),
            gettext("Received at"),
            gettext("Kind"),
            gettext("Channel"),
            gettext("Priority"),
            gettext("Category"),
            gettext("Stage"),
            gettext("Representative"),
            gettext("Acknowledgement due"),
            gettext("Acknowledged at"),
            gettext("Acknowledgement state"),
            gettext("Acknowledgement breach recorded at"),
            gettext("Resolution due"),
            gettext("Decision notified at"),
            gettext("Resolution state"),
            gettext("Resolution breach recorded at"),
            gettext("Breaches"),
            gettext("Times re-opened"),
            gettext("Subject"),
            gettext("Link"),
        ]
    )
    for row in rows:
        c = dict(zip(BREACH_COLUMNS, row, strict=True))
        yield writer.writerow(
            [
                c["tracking_number"],
                when(c["received_at"]),
                labels["kind"].get(c["kind"], c["kind"]),
                labels["channel"].get(c["channel"], c["channel"]),
                labels["priority"].get(c["priority"], ""),
                categories.get(c["category_id"] or 0, ""),
                labels["stage"].get(c["stage"], c["stage"]),
                _text(c["assignee__username"]),
                when(c["ack_due_at"]),
                when(c["ack_met_at"]),
                labels["state"].get(c["ack_state"], c["ack_state"]),
                when(c["ack_breached_at"]),
                when(c["resolution_due_at"]),
                when(c["resolution_met_at"]),
                labels["state"].get(c["resolution_state"], c["resolution_state"]),
                when(c["resolution_breached_at"]),
                c["breach_count"],
                c["reopen_count"],
                _text(c["subject"]),
                change_url.format(c["pk"]),
            ]
        )


@require_GET
@login_required
def breaches_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The breach log of the period as CSV: every complaint received in it that
    breached a target, closed ones included, with the dashboard's filters."""
    _require_permission(request)
    categories = categories_by_id()
    form = DashboardFilterForm(request.GET or None, categories=categories)
    filters = form.filters(_today())
    rows = breaches_for_export(filters=filters, now=timezone.now())
    response = StreamingHttpResponse(_csv_rows(request, rows, categories), content_type="text/csv")
    name = f"sla-breaches-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
