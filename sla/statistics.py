"""SLA statistics of a period: on-time shares per week and business-hour timings.

The dashboard's filters and the aggregates over the complaints received in
the chosen period (sla.selectors puts them on the page). Each is one GROUP BY
or one ordered-set aggregate, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    F,
    IntegerField,
    Q,
    Value,
)
from django.db.models.functions import Cast, TruncWeek
from django.utils.translation import gettext_lazy as _

from complaints.models import Channel, Priority
from sla import conf
from sla.models import ComplaintFigures, DailyFigures, Span
from sla.rollup import SHARES_COUNTED
from sla.rollup_sql import BLOCK_DAYS, block_of
from sla.targets import TARGETS, sla_time_zone

# --- Filters ---------------------------------------------------------------------------


def default_period(today: date) -> tuple[date, date]:
    """The last SLA_DASHBOARD_WEEKS whole weeks (Monday to Sunday), this one included."""
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=conf.dashboard_weeks() - 1)
    return start, monday + timedelta(days=6)


_SPAN_DAYS = {Span.DAY: 1, Span.WEEK: 7, Span.FOUR_WEEKS: BLOCK_DAYS}


def _span_range(span: Span, start: date, end: date) -> Q:
    """The rows of ``span`` that cover the days [start, end)."""
    return Q(span=span, day__gte=start, day__lte=end - timedelta(days=_SPAN_DAYS[span]))


@dataclass(frozen=True)
class DashboardFilters:
    """What the manager chose. The period selects complaints by their receipt."""

    date_from: date
    date_to: date
    priority: str = ""
    channel: str = ""
    category_id: int | None = None

    def complaint_q(self) -> Q:
        """The chosen priority, channel and category, on complaints."""
        return self._dimensions_q(category="category_id")

    def figures_q(self) -> Q:
        """The period and the same choices, on the complaints' figures (sla.rollup)."""
        period = Q(day__gte=self.date_from, day__lte=self.date_to)
        return period & self._dimensions_q(category="category")

    def rollup_q(self) -> Q:
        """The period and the same choices, on the daily, weekly and four-week
        rows (sla.rollup): for the period's totals."""
        return self.spans_q() & self._dimensions_q(category="category")

    def weekly_rollup_q(self) -> Q:
        """The same, from day and week rows only: for figures per week."""
        return self.weekly_spans_q() & self._dimensions_q(category="category")

    def single_filter(self) -> tuple[str, str] | None:
        """The one filter chosen, as the histograms name it (sla.histograms):
        ("all", "") when none, None when several combine."""
        chosen = [
            (name, value)
            for name, value in (
                ("priority", self.priority),
                ("channel", self.channel),
                ("category", str(self.category_id or "")),
            )
            if value
        ]
        if len(chosen) > 1:
            return None
        return chosen[0] if chosen else ("all", "")

    def spans_q(self) -> Q:
        """The period on the rollup's rows, from the fewest: its whole four-week
        blocks from block rows, the whole weeks around them from week rows, the
        days around those from day rows."""
        return self._spans_q(blocks=True)

    def weekly_spans_q(self) -> Q:
        """The period from week and day rows only (no block spans a week of
        the period partly)."""
        return self._spans_q(blocks=False)

    def _spans_q(self, *, blocks: bool) -> Q:
        # Half-open ranges of days [start, end), each read from the coarsest
        # rows that fit inside it; blocks and weeks both start on Mondays.
        end = self.date_to + timedelta(days=1)
        first_monday = self.date_from + timedelta(days=(7 - self.date_from.weekday()) % 7)
        weeks_end = end - timedelta(days=end.weekday())
        if first_monday >= weeks_end:  # no whole week inside
            return _span_range(Span.DAY, self.date_from, end)
        ranges = [(Span.DAY, self.date_from, first_monday), (Span.DAY, weeks_end, end)]
        first_block = block_of(first_monday + timedelta(days=BLOCK_DAYS - 1))
        blocks_end = block_of(weeks_end)
        if blocks and first_block < blocks_end:
            ranges += [
                (Span.WEEK, first_monday, first_block),
                (Span.FOUR_WEEKS, first_block, blocks_end),
                (Span.WEEK, blocks_end, weeks_end),
            ]
        else:
            ranges.append((Span.WEEK, first_monday, weeks_end))
        return reduce(or_, (_span_range(*r) for r in ranges if r[1] < r[2]))

    def _dimensions_q(self, *, category: str) -> Q:
        q = Q()
        if self.priority:
            q &= Q(priority=self.priority)
        if self.channel:
            q &= Q(channel=self.channel)
        if self.category_id:
            q &= Q(**{category: self.category_id})
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
    """Give the period's GROUP BY and percentile sorts enough memory on PostgreSQL,
    and no parallel workers.

    With the default work_mem (4 MB) PostgreSQL sorts twelve weeks of a
    million-row table on disk before grouping them; with a few tens of MB it
    hashes them in memory instead. The period's queries read the rollup's few
    thousand rows in milliseconds: starting parallel workers for them cost more
    than it saved (the weekly shares of one priority at 1M: 14-16 ms with two
    workers, 7-8 ms without). set_config(..., true) is SET LOCAL: it lasts
    until the end of this transaction only, so every other query keeps the
    server's settings.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), "
            "set_config('max_parallel_workers_per_gather', '0', true)",
            [conf.dashboard_work_mem()],
        )
        yield


def _week_start(value: date) -> date:
    return value - timedelta(days=value.weekday())


def compliance(
    filters: DashboardFilters,
    now: datetime,
    categories: dict[int, str],
    dimensions: Sequence[str] | None = None,
) -> tuple[list[date], dict[str, dict[str, list[Series]]], dict[str, Series], int, int, int]:
    """On-time share of each target per week of receipt, by priority, channel and category
    (or by ``dimensions`` only: the page shows one; the priorities are read
    whatever they are, as they give the overall share and the totals).

    Read from the daily figures (sla.rollup), not from the complaints: one
    query whatever the number of complaints, its rows bounded by days x
    priorities x channels x categories. A target counts once decided: met, or
    past its due date; on time when met by its due date. The second half of
    the query counts the targets still unmet whose due date has passed at
    ``now`` (the only figure that changes with the clock alone).
    """
    shown = [d for d, _label in DIMENSIONS if dimensions is None or d in dimensions]
    rows = _weekly_figures(filters, now, {"priority", *shown})
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
    names = [t.name for t in TARGETS]
    for week, dimension_number, key, n, *figures in rows:
        index = week_index.get(week)
        counted = dict(zip(SHARES_COUNTED, figures, strict=False))
        passed = figures[len(SHARES_COUNTED) :]
        dimension = _DIMENSION_OF[dimension_number]
        if dimension == "priority":  # every complaint has one ("" before classification)
            received += n
            decided += counted["decided"]
            reopened += counted["reopened"]
        if index is None:
            continue
        for position, name in enumerate(names):
            d = counted[f"{name}_met"] + passed[position]
            o = counted[f"{name}_on_time"]
            if dimension == "priority":
                overall_tally[name][0][index] += d
                overall_tally[name][1][index] += o
            if not key or key == "0":
                continue  # not classified yet: no priority or category to show
            slot = tallies[name][dimension].setdefault(key, ([0] * len(weeks), [0] * len(weeks)))
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
        for dimension in shown:
            order = list(labels[dimension])
            found = tallies[target.name][dimension]
            compliance[target.name][dimension] = [
                series(key, labels[dimension].get(key, key), found[key])
                for key in sorted(found, key=lambda k: order.index(k) if k in order else 999)
            ]
    overall = {t.name: series(t.name, t.name, overall_tally[t.name]) for t in TARGETS}
    return weeks, compliance, overall, received, decided, reopened


# The dimensions of the weekly figures, as numbered in _weekly_figures's rows.
_DIMENSION_OF = {1: "priority", 2: "channel", 3: "category"}


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _weekly_figures(
    filters: DashboardFilters, now: datetime, dimensions: Collection[str]
) -> list[tuple[Any, ...]]:
    """The period's figures per week, by each of ``dimensions`` in turn, in one query.

    Rows ``(week, dimension, key, n, *SHARES_COUNTED, *due passed per target)``,
    with dimension 1 (priority, "" before classification), 2 (channel) or 3
    (category id as text, "0" before classification). Inside: the daily
    rollup's rows of the period (a week's row is already a week's sum), plus
    the unmet targets past due at ``now`` per week x priority x channel x
    category (UNION ALL); outside, each of those rows counted once per
    dimension, so the page gets a thousand rows for a year, not the full
    cross product.
    """
    grouped = ("priority", "channel", "category")
    columns = (
        "s_n",
        *(f"s_{name}" for name in SHARES_COUNTED),
        *(f"s_{t.name}_due_passed" for t in TARGETS),
    )
    zero = Value(0, output_field=IntegerField())
    week = Cast(TruncWeek("day"), DateField())
    # Only the counts the shares need, and integers all through: PostgreSQL
    # sums integers into bigints, but bigints into numerics, which the outer
    # sums of a year's rows spent most of their time on.
    counted = (
        DailyFigures.objects.filter(filters.weekly_rollup_q())
        # A group whose complaints all moved to other groups (a new category,
        # say) keeps a row of zeros; the complaints' own GROUP BY had no such row.
        .filter(received__gt=0)
        .annotate(
            week=week,
            s_n=F("received"),
            **{f"s_{name}": F(name) for name in SHARES_COUNTED},
            **{f"s_{t.name}_due_passed": zero for t in TARGETS},
        )
        .values_list("week", *grouped, *columns)
        .order_by()
    )
    passed = {t.name: Q(**{f"{t.name}_open_due__lte": now}) for t in TARGETS}
    overdue = (
        ComplaintFigures.objects.filter(filters.figures_q())
        .filter(reduce(or_, passed.values()))
        .annotate(week=week)
        .values("week", *grouped)
        .annotate(
            s_n=zero,
            **{f"s_{name}": zero for name in SHARES_COUNTED},
            **{
                f"s_{t.name}_due_passed": Cast(Count("pk", filter=passed[t.name]), IntegerField())
                for t in TARGETS
            },
        )
        .values_list("week", *grouped, *columns)
        .order_by()
    )
    inner, params = counted.union(overdue, all=True).query.sql_with_params()
    # Each row once per dimension asked for (numbered as _DIMENSION_OF).
    fan_out = " UNION ALL ".join(
        f"SELECT {number} AS dimension"
        for number, name in _DIMENSION_OF.items()
        if name in dimensions
    )
    sums = ", ".join(f"SUM(g.{qn(name)})" for name in columns)
    # Plain SQL for what the ORM cannot say (grouping a UNION again); the
    # inner query is the ORM's, compiled for this database, with its parameters.
    sql = (
        f"SELECT g.week, d.dimension, CASE d.dimension WHEN 1 THEN g.priority "  # noqa: S608
        f"WHEN 2 THEN g.channel ELSE CAST(g.category AS VARCHAR(12)) END AS k, {sums} "
        f"FROM ({inner}) g CROSS JOIN ({fan_out}) d GROUP BY g.week, d.dimension, k"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(_as_date(row[0]), *row[1:]) for row in rows]


def _as_date(value: Any) -> date:
    # The week comes back as a date, or as text from SQLite.
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
