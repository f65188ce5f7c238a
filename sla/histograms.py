"""The dashboard's histograms of business seconds: the period's medians and 90th
percentiles without reading a row per complaint.

Percentiles do not add up across days, but counts per bucket do. Each
complaint whose target is met adds 1 to the bucket of its business seconds
(``ComplaintFigures.<target>_seconds``), in the rows of its day, of its
week and of its four weeks, once per single dashboard filter: "all", its priority, its channel, its
category (sla.models.DailyHistogram). A period with at most one filter reads
its buckets from those rows and interpolates inside the bucket holding each
rank (sla.timings); filters that combine fall back to the exact percentile.

Buckets are those of a floating-point number with ``SIGNIFICANT_BITS``
significant bits: exact below 2**SIGNIFICANT_BITS seconds, then 128 buckets
per doubling. A bucket is never wider than ``PRECISION`` (0.78%) of its
lowest value, so an estimate is off by less than that: 0.8 minutes at 1.7
hours, 19 minutes at 40 hours, before the rounding to a tenth of an hour.

The rule has two renderings, ``bucket_of`` (Python, for an event's change)
and ``bucket_expression`` (SQL, for the rebuild); tests hold them equal at
every bucket's edges.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Case, DateField, F, IntegerField, Value, When
from django.db.models.functions import Cast, Mod, TruncWeek

from sla.models import ComplaintFigures, DailyHistogram, Span
from sla.rollup_sql import blocks_fill, insert_select, spans_of, upsert_adding
from sla.targets import TARGETS

__all__ = [
    "DIMENSIONS",
    "KEY",
    "PRECISION",
    "SIGNIFICANT_BITS",
    "bucket_expression",
    "bucket_of",
    "bucket_width",
    "histograms_apply",
    "histograms_rebuild",
    "percentile_of_buckets",
]

SIGNIFICANT_BITS = 8
PRECISION = 2.0 ** (1 - SIGNIFICANT_BITS)
# The single filters, in the rows' ``dimension`` column; "all" first: the default view.
DIMENSIONS: tuple[str, ...] = ("all", "priority", "channel", "category")
KEY: tuple[str, ...] = ("dimension", "value", "span", "day", "target", "bucket")
# PositiveIntegerField: business seconds stay below 2**31.
_LARGEST_BITS = 31


def bucket_of(seconds: int) -> int:
    """The lowest value of the bucket holding ``seconds``."""
    shift = max(0, seconds.bit_length() - SIGNIFICANT_BITS)
    return seconds - seconds % (1 << shift)


def bucket_width(low: int) -> int:
    """How many whole seconds the bucket starting at ``low`` holds."""
    return 1 << max(0, low.bit_length() - SIGNIFICANT_BITS)


def bucket_expression(column: str) -> Case:
    """``bucket_of`` in SQL: integer arithmetic, so both give the same bucket."""
    cases = [When(**{f"{column}__lt": 1 << SIGNIFICANT_BITS}, then=F(column))]
    for shift in range(1, _LARGEST_BITS - SIGNIFICANT_BITS + 2):
        cases.append(
            When(
                **{f"{column}__lt": 1 << (SIGNIFICANT_BITS + shift)},
                then=F(column) - Mod(F(column), Value(1 << shift)),
            )
        )
    return Case(*cases, output_field=IntegerField())


def _values(share: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    # The dimension values of a complaint's share (sla.rollup), as the rows hold them.
    return (
        ("all", ""),
        ("priority", share["priority"]),
        ("channel", share["channel"]),
        ("category", str(share["category"])),
    )


def histograms_apply(*, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> None:
    """Move one complaint's counts from its old buckets to its new ones.

    Nothing is written when no business seconds changed (a receipt, most
    stage changes): only a met target, a re-opening or a change of priority,
    channel or category of a complaint with a met target writes, in one
    statement.
    """
    changes: dict[tuple[Any, ...], list[int]] = {}
    for share, sign in ((old, -1), (new, 1)):
        if share is None:
            continue
        for target in TARGETS:
            seconds = share[f"{target.name}_seconds"]
            if seconds is None:
                continue
            bucket = bucket_of(seconds)
            for span, start in spans_of(share["day"]):
                for dimension, value in _values(share):
                    key = (dimension, value, span, start, target.name, bucket)
                    changes.setdefault(key, [0])[0] += sign
    # Sorted, like the daily figures, so that concurrent events lock in one order.
    upsert_adding(DailyHistogram, KEY, ("complaints",), sorted(changes.items()))


def histograms_rebuild() -> None:
    """Fill the (emptied) histograms from the complaints' figures, set-based.

    Called by sla.rollup.figures_rebuild inside its transaction, after the
    complaints' figures are rebuilt: one INSERT ... SELECT per target and span,
    each reading the figures once and counting each row once per dimension.
    """
    qn = connection.ops.quote_name
    # Our own constant names, and the figures' columns, in the SQL.
    pick = " ".join(f"WHEN '{d}' THEN g.{qn(d)}" for d in ("priority", "channel"))
    dimensions = " UNION ALL ".join(f"SELECT '{d}' AS dimension" for d in DIMENSIONS)
    for target in TARGETS:
        column = f"{target.name}_seconds"
        for span in (Span.DAY, Span.WEEK):
            day: Any = F("day") if span == Span.DAY else Cast(TruncWeek("day"), DateField())
            inner, params = (
                ComplaintFigures.objects.order_by()
                .filter(**{f"{column}__isnull": False})
                .annotate(h_day=day, h_bucket=bucket_expression(column))
                .values_list("h_day", "priority", "channel", "category", "h_bucket")
                .query.sql_with_params()
            )
            sql = (
                "SELECT d.dimension, CASE d.dimension WHEN 'all' THEN '' "  # noqa: S608
                f"{pick} ELSE CAST(g.category AS VARCHAR(12)) END, %s, g.h_day, %s, "
                f"g.h_bucket, COUNT(*) FROM ({inner}) g CROSS JOIN ({dimensions}) d "
                # In the key's order: a period's rows for one filter are then
                # neighbours on disk too, not scattered over the table.
                "GROUP BY 1, 2, 4, 6 ORDER BY 1, 2, 3, 4, 5, 6"
            )
            insert_select(
                DailyHistogram,
                [*KEY, "complaints"],
                (sql, (span.value, target.name, *params)),
            )
    # The four-week rows, from the week rows.
    blocks_fill(DailyHistogram, KEY, ("complaints",))


def percentile_of_buckets(buckets: Sequence[tuple[int, int]], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over the values counted in ``buckets``
    ((lowest value, count), in increasing order), each bucket's values taken as
    evenly spread over its width: off by less than one bucket's width."""
    total = sum(n for _low, n in buckets)
    if not total:
        return None
    position = fraction * (total - 1)
    low_rank = int(position)
    high_rank = min(low_rank + 1, total - 1)
    low_value = _value_at(buckets, low_rank)
    high_value = _value_at(buckets, high_rank)
    return low_value + (high_value - low_value) * (position - low_rank)


def _value_at(buckets: Sequence[tuple[int, int]], rank: int) -> float:
    before = 0
    for low, n in buckets:
        if rank < before + n:
            # The bucket's n values spread over its whole seconds low .. low + width - 1.
            return low + (bucket_width(low) - 1) * (rank - before + 0.5) / n
        before += n
    raise ValueError(rank)
