"""The SLA figures of a period for the management review (improvement app),
offered through complaints.extensions.period_figures_add: the very aggregates
the dashboard computes (sla.statistics), so "on time" has one definition."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sla.statistics import DashboardFilters, compliance, reporting_memory
from sla.targets import sla_time_zone
from sla.timings import timings


def period_figures(*, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    """Complaints received in [start, end): targets decided and met on time
    (overall and per priority for the resolution), re-openings, timings."""
    tz = sla_time_zone()
    filters = DashboardFilters(
        date_from=start.astimezone(tz).date(),
        date_to=(end.astimezone(tz) - timedelta(microseconds=1)).date(),
    )
    with reporting_memory():
        _weeks, by_target, overall, received, decided, reopened = compliance(filters, now, {})
        timing = timings(filters)
    return {
        "received": received,
        "decided": decided,
        "reopened": reopened,
        "ack": {"decided": overall["ack"].decided, "on_time": overall["ack"].on_time},
        "resolution": {
            "decided": overall["resolution"].decided,
            "on_time": overall["resolution"].on_time,
        },
        "resolution_by_priority": {
            s.key: {"decided": s.decided, "on_time": s.on_time}
            for s in by_target["resolution"]["priority"]
        },
        "hours": timing,
    }
