"""SLA statistics of a period: on-time shares per week and business-hour timings.

The dashboard's filters and the aggregates over the complaints received in
the chosen period (sla.selectors puts them on the page). Each is one GROUP BY
or one ordered-set aggregate, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Aggregate, Count, FloatField, Q
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext_lazy as _

from complaints.models import Channel, Complaint, Priority
from sla import conf
from sla.targets import (
    ACK,
    RESOLUTION,
    TARGETS,
    SlaState,
    decided_q,
    sla_state_q,
    sla_time_zone,
)

# --- Filters ---------------------------------------------------------------------------


def default_period(today: date) -> tuple[date, date]:
    """The last SLA_DASHBOARD_WEEKS whole weeks (Monday to Sunday), this one included."""
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=conf.dashboard_weeks() - 1)
    return start, monday + timedelta(days=6)


@dataclass(frozen=True)
class DashboardFilters:
    """What the manager chose. The period selects complaints by their receipt."""

    date_from: date
    date_to: date
    priority: str = ""
    channel: str = ""
    category_id: int | None = None

    def complaint_q(self) -> Q:
        q = Q()
        if self.priority:
            q &= Q(priority=self.priority)
        if self.channel:
            q &= Q(channel=self.channel)
        if self.category_id:
            q &= Q(category_id=self.category_id)
        return q

    def period_bounds(self) -> tuple[datetime, datetime]:
        tz = sla_time_zone()
        start = datetime.combine(self.date_from, time.min, tzinfo=tz)
        end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz)
        return start, end

    def period_q(self) -> Q:
        start, end = self.period_bounds()
        return Q(received_at__gte=start, received_at__lt=end)


DIMENSIONS: tuple[tuple[str, Any], ...] = (
    ("priority", _("Priority")),
    ("channel", _("Channel")),
    ("category", _("Category")),
)


@dataclass
class Series:
    key: str
    label: str
    values: list[float | None]
    decided: int
    on_time: int

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.on_time / self.decided, 1) if self.decided else None


@contextmanager
def reporting_memory() -> Iterator[None]:
    """Give the period's GROUP BY and percentile sorts enough memory on PostgreSQL.

    With the default work_mem (4 MB) PostgreSQL sorts twelve weeks of a
    million-row table on disk before grouping them; with a few tens of MB it
    hashes them in memory instead. SET LOCAL lasts until the end of this
    transaction only, so every other query keeps the server's setting.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = %s", [conf.dashboard_work_mem()])
        yield


def _week_start(value: date) -> date:
    return value - timedelta(days=value.weekday())


def compliance(
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
        aggregates[f"{target.name}_decided"] = Count("pk", filter=decided_q(target=target, now=now))
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


class _Percentiles(Aggregate):
    """PostgreSQL's percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY x).

    The array form sorts the column once for both fractions.
    """

    function = "PERCENTILE_CONT"
    name = "Percentiles"
    template = "%(function)s(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: str, **extra: Any) -> None:
        from django.contrib.postgres.fields import ArrayField

        super().__init__(expression, output_field=ArrayField(FloatField()), **extra)


def timings(filters: DashboardFilters) -> dict[str, float | None]:
    """Median and 90th percentile of the business hours to acknowledgement and to
    decision, for complaints received in the period.

    The business seconds are computed once per complaint, in Python with the
    calendar, when the target is met (sla.services), and stored; here they are
    aggregated. On PostgreSQL that is percentile_cont, one query whatever the
    number of rows; other databases (SQLite in development) read the column
    and sort it here, still one query.
    """
    queryset = Complaint.objects.filter(filters.period_q()).filter(filters.complaint_q())
    columns = {"ack": ACK.business_seconds, "decision": RESOLUTION.business_seconds}
    result: dict[str, float | None] = {}
    if connection.vendor == "postgresql":
        found = queryset.aggregate(
            **{name: _Percentiles(column) for name, column in columns.items()}
        )
        for name, values in found.items():
            p50, p90 = values or (None, None)
            result[f"{name}_p50"] = None if p50 is None else round(p50 / 3600.0, 1)
            result[f"{name}_p90"] = None if p90 is None else round(p90 / 3600.0, 1)
        return result
    samples: dict[str, list[int]] = {name: [] for name in columns}
    for ack, decision in queryset.values_list(*columns.values()).iterator():
        if ack is not None:
            samples["ack"].append(ack)
        if decision is not None:
            samples["decision"].append(decision)
    for name, values in samples.items():
        values.sort()
        result[f"{name}_p50"] = _percentile_cont(values, 0.5)
        result[f"{name}_p90"] = _percentile_cont(values, 0.9)
    return result


def _percentile_cont(values: list[int], fraction: float) -> float | None:
    # Same interpolation as PostgreSQL's percentile_cont, so both agree.
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    value = values[low] + (values[high] - values[low]) * (position - low)
    return round(value / 3600.0, 1)
