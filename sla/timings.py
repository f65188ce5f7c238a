"""The period's median and 90th percentile of the business hours to acknowledgement
and to decision (the dashboard's "timings").

The business seconds are computed once per complaint, in Python with the
calendar, when the target is met (sla.services), and stored. With no filter
or a single one (the default view, one priority, one channel, one category)
the percentiles are read from the histograms of the daily figures
(sla.histograms): a query whose rows follow the days and the buckets of the
period, not its complaints, to within ``histograms.PRECISION`` of the exact
value. Filters that combine read each complaint's figures and compute the
exact percentile (PostgreSQL's percentile_cont; other databases sort here).
Either way one query.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Aggregate, FloatField, Sum

from sla.histograms import PRECISION, percentile_of_buckets
from sla.models import ComplaintFigures, DailyHistogram
from sla.statistics import DashboardFilters
from sla.targets import ACK, RESOLUTION

__all__ = ["FRACTIONS", "timings", "timings_exact", "timings_precision"]

# The dashboard's names for the targets' timings.
_NAMES: dict[str, str] = {"ack": ACK.name, "decision": RESOLUTION.name}
FRACTIONS: dict[str, float] = {"p50": 0.5, "p90": 0.9}


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600.0, 1)


def timings_precision(filters: DashboardFilters) -> float | None:
    """How far from the exact value ``timings`` may be (relative, before rounding):
    the histograms' precision, or None when the figures are exact."""
    return None if filters.single_filter() is None else PRECISION


def timings(filters: DashboardFilters) -> dict[str, float | None]:
    """``{"ack_p50": hours, "ack_p90": ..., "decision_p50": ..., "decision_p90": ...}``."""
    chosen = filters.single_filter()
    if timings_precision(filters) is None or chosen is None:
        return timings_exact(filters)
    dimension, value = chosen
    sql, params = (
        DailyHistogram.objects.filter(filters.spans_q(), dimension=dimension, value=value)
        .values_list("target", "bucket")
        .annotate(n=Sum("complaints"))
        .filter(n__gt=0)
        .order_by("target", "bucket")
        .query.sql_with_params()
    )
    # The ORM's statement, read without its converters: a year's 1,800 rows
    # are plain integers and text, and converting each cell cost 4 ms.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    buckets: dict[str, list[tuple[int, int]]] = {target: [] for target in _NAMES.values()}
    for target, bucket, n in rows:
        buckets[target].append((bucket, int(n)))
    return {
        f"{name}_{label}": _hours(percentile_of_buckets(buckets[target], fraction))
        for name, target in _NAMES.items()
        for label, fraction in FRACTIONS.items()
    }


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


def timings_exact(filters: DashboardFilters) -> dict[str, float | None]:
    """The exact percentiles, from each complaint's figures (a row per complaint)."""
    # The complaints' figures hold each complaint's business seconds in a narrow
    # table whose index covers the period, the filters and both columns.
    queryset = ComplaintFigures.objects.filter(filters.figures_q())
    columns = {name: f"{target}_seconds" for name, target in _NAMES.items()}
    result: dict[str, float | None] = {}
    if connection.vendor == "postgresql":
        found = queryset.aggregate(
            **{name: _Percentiles(column) for name, column in columns.items()}
        )
        for name, values in found.items():
            p50, p90 = values or (None, None)
            result[f"{name}_p50"] = _hours(p50)
            result[f"{name}_p90"] = _hours(p90)
        return result
    samples: dict[str, list[int]] = {name: [] for name in columns}
    for ack, decision in queryset.values_list(*columns.values()).iterator():
        if ack is not None:
            samples["ack"].append(ack)
        if decision is not None:
            samples["decision"].append(decision)
    for name, values in samples.items():
        values.sort()
        for label, fraction in FRACTIONS.items():
            result[f"{name}_{label}"] = _hours(_percentile_cont(values, fraction))
    return result


def _percentile_cont(values: list[int], fraction: float) -> float | None:
    # Same interpolation as PostgreSQL's percentile_cont, so both agree.
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)
