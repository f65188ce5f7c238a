"""The dashboard's period figures computed from the complaints, as sla.statistics
did before the daily figures existed: the reference the rollup must equal."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, cast

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from complaints.models import Channel, Complaint, Priority
from sla.statistics import DIMENSIONS, DashboardFilters, Series
from sla.targets import TARGETS, SlaState, sla_state_q, sla_time_zone


def _week_start(value: date) -> date:
    return value - timedelta(days=value.weekday())


def compliance_from_complaints(
    filters: DashboardFilters, now: datetime, categories: dict[int, str]
) -> tuple[list[date], dict[str, dict[str, list[Series]]], dict[str, Series], int, int, int]:
    """On-time share of each target per week of receipt, by priority, channel and category.

    One GROUP BY over the complaints received in the period (index on
    received_at); the rows (weeks x priorities x channels x categories, a few
    thousand at most) are rolled up here. A target counts once decided: met,
    or past its due date; on time when met by its due date.
    """
    aggregates: dict[str, Any] = {"n": Count("pk")}
    for target in TARGETS:
        is_decided = Q(**{f"{target.met}__isnull": False}) | Q(**{f"{target.due}__lte": now})
        aggregates[f"{target.name}_decided"] = Count(
            "pk", filter=is_decided & Q(**{f"{target.due}__isnull": False})
        )
        aggregates[f"{target.name}_on_time"] = Count(
            "pk", filter=sla_state_q(target=target, state=SlaState.MET, now=now)
        )
    aggregates["decided"] = Count("pk", filter=Q(decision_notified_at__isnull=False))
    aggregates["reopened"] = Count(
        "pk", filter=Q(decision_notified_at__isnull=False, reopen_count__gt=0)
    )
    rows = cast(
        list[dict[str, Any]],
        list(
            Complaint.objects.filter(filters.period_q())
            .filter(filters.complaint_q())
            .annotate(week=TruncWeek("received_at", tzinfo=sla_time_zone()))
            .values("week", "priority", "channel", "category_id")
            .annotate(**aggregates)
            .order_by()
        ),
    )
    first = _week_start(filters.date_from)
    weeks = []
    cursor = first
    while cursor <= filters.date_to:
        weeks.append(cursor)
        cursor += timedelta(weeks=1)
    week_index = {w: i for i, w in enumerate(weeks)}

    labels: dict[str, dict[str, str]] = {
        "priority": {p.value: str(p.label) for p in Priority},
        "channel": {c.value: str(c.label) for c in Channel},
        "category": {str(pk): name for pk, name in categories.items()},
    }
    # tallies[target][dimension][key] = ([decided per week], [on time per week])
    tallies: dict[str, dict[str, dict[str, tuple[list[int], list[int]]]]] = {
        t.name: {d: {} for d, _l in DIMENSIONS} for t in TARGETS
    }
    overall_tally = {t.name: ([0] * len(weeks), [0] * len(weeks)) for t in TARGETS}
    received = decided = reopened = 0
    for row in rows:
        week = row["week"]
        week_date = week.astimezone(sla_time_zone()).date() if isinstance(week, datetime) else week
        index = week_index.get(week_date)
        received += row["n"]
        decided += row["decided"]
        reopened += row["reopened"]
        if index is None:
            continue
        keys = {
            "priority": row["priority"] or "",
            "channel": row["channel"],
            "category": str(row["category_id"] or ""),
        }
        for target in TARGETS:
            d = row[f"{target.name}_decided"]
            o = row[f"{target.name}_on_time"]
            overall_tally[target.name][0][index] += d
            overall_tally[target.name][1][index] += o
            for dimension, key in keys.items():
                if not key:
                    continue  # not classified yet: no priority or category to show
                slot = tallies[target.name][dimension].setdefault(
                    key, ([0] * len(weeks), [0] * len(weeks))
                )
                slot[0][index] += d
                slot[1][index] += o

    def series(key: str, label: str, tally: tuple[list[int], list[int]]) -> Series:
        decided_w, on_time_w = tally
        return Series(
            key=key,
            label=label,
            values=[
                round(100.0 * o / d, 1) if d else None
                for d, o in zip(decided_w, on_time_w, strict=True)
            ],
            decided=sum(decided_w),
            on_time=sum(on_time_w),
        )

    compliance: dict[str, dict[str, list[Series]]] = {}
    for target in TARGETS:
        compliance[target.name] = {}
        for dimension, _label in DIMENSIONS:
            order = list(labels[dimension])
            found = tallies[target.name][dimension]
            compliance[target.name][dimension] = [
                series(key, labels[dimension].get(key, key), found[key])
                for key in sorted(found, key=lambda k: order.index(k) if k in order else 999)
            ]
    overall = {t.name: series(t.name, t.name, overall_tally[t.name]) for t in TARGETS}
    return weeks, compliance, overall, received, decided, reopened


def root_causes_from_complaints(
    filters: DashboardFilters, limit: int = 10
) -> list[tuple[str, int]]:
    rows = (
        Complaint.objects.filter(
            filters.period_q(), filters.complaint_q(), root_cause__isnull=False
        )
        .values("root_cause__name_tr")
        .annotate(n=Count("id"))
        .order_by("-n", "root_cause__name_tr")[:limit]
    )
    return [(row["root_cause__name_tr"], row["n"]) for row in rows]


def timings_from_complaints(
    filters: DashboardFilters, *, rounded: bool = True
) -> dict[str, float | None]:
    """Median and 90th percentile business hours, sorted here from the complaints' columns
    (to a tenth of an hour, as the dashboard shows them, unless ``rounded`` is False)."""
    values: dict[str, list[int]] = {"ack": [], "decision": []}
    rows = Complaint.objects.filter(filters.period_q(), filters.complaint_q()).values_list(
        "ack_business_seconds", "resolution_business_seconds"
    )
    for ack, decision in rows:
        if ack is not None:
            values["ack"].append(ack)
        if decision is not None:
            values["decision"].append(decision)
    result: dict[str, float | None] = {}
    for name, found in values.items():
        found.sort()
        for label, fraction in (("p50", 0.5), ("p90", 0.9)):
            result[f"{name}_{label}"] = _percentile(found, fraction, rounded=rounded)
    return result


def _percentile(values: list[int], fraction: float, *, rounded: bool) -> float | None:
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    hours = (values[low] + (values[high] - values[low]) * (position - low)) / 3600.0
    return round(hours, 1) if rounded else hours
