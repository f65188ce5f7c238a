"""Read-side SLA queries: the state of a target, and the managers' dashboard.

Everything here is an aggregate or a bounded list computed by the database;
nothing loads the open complaints into Python. The number of queries of
``dashboard_get`` is fixed whatever the number of rows (tests check it at two
sizes), and each query is served by an index (see docs/sla.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from complaints.models import Category, Complaint, Priority
from complaints.workflow import OPEN_STAGES
from sla.models import DailyRootCause
from sla.queues import ListRow, queue_conditions, queue_rows
from sla.statistics import (
    DashboardFilters,
    Series,
    reporting_memory,
)
from sla.statistics import compliance as period_compliance
from sla.targets import (
    ACK,
    RESOLUTION,
    sla_state_case,
)
from sla.timings import timings as period_timings
from sla.timings import timings_precision

# --- Dashboard ---------------------------------------------------------------------------

AGEING_BUCKETS: tuple[tuple[Any, int, int | None], ...] = (
    # label, from (days, inclusive), to (days, exclusive); calendar days since receipt
    (_("under 1 day"), 0, 1),
    (_("1–3 days"), 1, 3),
    (_("3–5 days"), 3, 5),
    (_("5–10 days"), 5, 10),
    (_("10–30 days"), 10, 30),
    (_("30 days or more"), 30, None),
)


@dataclass
class Dashboard:
    now: datetime
    filters: DashboardFilters
    priorities: list[tuple[str, str]]
    open_rows: list[dict[str, Any]]
    open_totals: dict[str, int]
    open_total: int
    ageing: list[tuple[str, int]]
    counts: dict[str, int]
    due_today: list[ListRow]
    at_risk: list[ListRow]
    breached: list[ListRow]
    weeks: list[date]
    compliance: dict[str, dict[str, list[Series]]]
    overall: dict[str, Series]
    timings: dict[str, float | None]
    received: int
    decided: int
    reopened: int
    categories: dict[int, str] = field(default_factory=dict)
    root_causes: list[tuple[str, int]] = field(default_factory=list)
    # The timings' relative precision (sla.timings), None when exact.
    timings_precision: float | None = None

    @property
    def timings_precision_percent(self) -> float | None:
        precision = self.timings_precision
        return None if precision is None else round(100.0 * precision, 1)

    @property
    def reopen_rate(self) -> float | None:
        return round(100.0 * self.reopened / self.decided, 1) if self.decided else None


def categories_by_id() -> dict[int, str]:
    """Category names in the current language, by id, in their display order."""
    return {c.pk: c.name for c in Category.objects.order_by("position", "code")}


def dashboard_get(
    *,
    filters: DashboardFilters,
    now: datetime | None = None,
    categories: dict[int, str] | None = None,
    dimensions: Sequence[str] | None = None,
) -> Dashboard:
    """Everything the dashboard shows, in a fixed number of queries; the weekly
    shares by ``dimensions`` only when given (by each of DIMENSIONS when not)."""
    now = now or timezone.now()
    if categories is None:
        categories = categories_by_id()
    open_rows, open_totals, ageing, counts = _open_summary(filters, now)
    with reporting_memory():
        weeks, compliance, overall, received, decided, reopened = period_compliance(
            filters, now, categories, dimensions
        )
        timings = period_timings(filters)
        root_causes = _root_causes(filters)
    return Dashboard(
        now=now,
        filters=filters,
        priorities=[(p.value, str(p.label)) for p in Priority],
        open_rows=open_rows,
        open_totals=open_totals,
        open_total=sum(open_totals.values()),
        ageing=ageing,
        counts=counts,
        due_today=queue_rows(filters=filters, now=now, kind="due_today", categories=categories),
        at_risk=queue_rows(filters=filters, now=now, kind="at_risk", categories=categories),
        breached=queue_rows(filters=filters, now=now, kind="breached", categories=categories),
        weeks=weeks,
        compliance=compliance,
        overall=overall,
        timings=timings,
        received=received,
        decided=decided,
        reopened=reopened,
        categories=categories,
        root_causes=root_causes,
        timings_precision=timings_precision(filters),
    )


def _root_causes(filters: DashboardFilters, limit: int = 10) -> list[tuple[str, int]]:
    """The most frequent root causes found in the period (PROCESS.md: managers
    follow root causes so that problems do not recur)."""
    english = (get_language() or "tr").startswith("en")
    # From the daily figures (sla.rollup): rows per day and dimensions, not per complaint.
    rows = (
        DailyRootCause.objects.filter(filters.rollup_q())
        .values("root_cause__name_tr", "root_cause__name_en")
        .annotate(n=Sum("complaints"))
        .filter(n__gt=0)
        .order_by("-n", "root_cause__name_tr")[:limit]
    )
    return [
        (row["root_cause__name_en"] if english else row["root_cause__name_tr"], row["n"])
        for row in rows
    ]


def _open() -> QuerySet[Complaint]:
    # The same IN list as the partial indexes' predicate, so PostgreSQL can use them.
    return Complaint.objects.filter(stage__in=OPEN_STAGES)


def _open_summary(
    filters: DashboardFilters, now: datetime
) -> tuple[list[dict[str, Any]], dict[str, int], list[tuple[str, int]], dict[str, int]]:
    """Open complaints by stage and priority, their ages and the queue sizes: one query."""
    aggregates: dict[str, Any] = {"n": Count("pk")}
    for index, (_label, lower, upper) in enumerate(AGEING_BUCKETS):
        q = Q(received_at__lte=now - timedelta(days=lower))
        if upper is not None:
            q &= Q(received_at__gt=now - timedelta(days=upper))
        aggregates[f"age{index}"] = Count("pk", filter=q)
    for kind in ("due_today", "at_risk", "breached"):
        conditions = queue_conditions(kind, now)
        aggregates[kind] = Count("pk", filter=conditions[ACK] | conditions[RESOLUTION])
    rows = cast(
        list[dict[str, Any]],
        list(
            _open()
            .filter(filters.complaint_q())
            .values("stage", "priority")
            .annotate(**aggregates)
            .order_by()
        ),
    )
    by_stage: dict[str, dict[str, int]] = defaultdict(dict)
    totals: dict[str, int] = defaultdict(int)
    ages = [0] * len(AGEING_BUCKETS)
    counts = {"due_today": 0, "at_risk": 0, "breached": 0}
    for row in rows:
        by_stage[row["stage"]][row["priority"] or ""] = row["n"]
        totals[row["priority"] or ""] += row["n"]
        for index in range(len(AGEING_BUCKETS)):
            ages[index] += row[f"age{index}"]
        for kind in counts:
            counts[kind] += row[kind]
    keys = [p.value for p in Priority] + [""]
    open_rows = [
        {
            "stage": stage.value,
            "label": str(stage.label),
            "cells": [by_stage[stage.value].get(k, 0) for k in keys],
            "total": sum(by_stage[stage.value].values()),
        }
        for stage in OPEN_STAGES
    ]
    ageing = [(str(label), ages[i]) for i, (label, _lo, _hi) in enumerate(AGEING_BUCKETS)]
    return open_rows, {k: totals.get(k, 0) for k in keys}, ageing, counts


# --- The breach log ----------------------------------------------------------------------


BREACH_COLUMNS: tuple[str, ...] = (
    "pk",
    "tracking_number",
    "received_at",
    "kind",
    "channel",
    "priority",
    "category_id",
    "stage",
    "assignee__username",
    "ack_due_at",
    "ack_met_at",
    "ack_state",
    "ack_breached_at",
    "resolution_due_at",
    "resolution_met_at",
    "resolution_state",
    "resolution_breached_at",
    "breach_count",
    "reopen_count",
    "subject",
)


def breaches_for_export(*, filters: DashboardFilters, now: datetime) -> Iterator[tuple[Any, ...]]:
    """Complaints received in the period that breached a target, closed ones included.

    A breach is what the sweep (or a late met time) recorded: breach_count
    never goes down, so closure and re-opening do not hide it. Newest first,
    streamed from one query as tuples of BREACH_COLUMNS (no model instances:
    the export can be tens of thousands of rows).
    """
    return (
        Complaint.objects.filter(breach_count__gt=0)
        .filter(filters.period_q())
        .filter(filters.complaint_q())
        .annotate(
            ack_state=sla_state_case(target=ACK, now=now),
            resolution_state=sla_state_case(target=RESOLUTION, now=now),
        )
        .order_by("-received_at", "-pk")
        .values_list(*BREACH_COLUMNS)
        .iterator(chunk_size=2000)
    )
