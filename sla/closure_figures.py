"""The dashboard's figures of PROCESS.md's time and closure rules (issue 10):
time waiting on the customer, answers to decisions (no answer counted apart
from acceptances), and the acknowledgement by channel.

Kept apart from sla.selectors / sla.statistics (the period's SLA statistics):
the dashboard asks ``closure_figures_get`` once and shows the result in its
own panel (templates/sla/_closure_figures.html). Two queries whatever the
number of rows: one GROUP BY channel over the period's daily figures
(sla.rollup: kept current by the events, so the cost follows the days of the
period, not the complaints received in it), one count of the live waiting
queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.db.models import Sum

from complaints.models import Channel, Complaint
from complaints.workflow import OPEN_STAGES
from sla.models import DailyFigures
from sla.rollup import CLOSURE_COUNTED
from sla.statistics import DashboardFilters


@dataclass
class ChannelRow:
    channel: str
    label: str
    received: int = 0
    waited: int = 0
    paused_seconds: int = 0
    resolution_timed: int = 0
    # PROCESS.md "An unanswered decision": answers counted apart, "no answer"
    # never with the acceptances (complaints and requests: feedback awaits none).
    accepted: int = 0
    no_answer: int = 0
    awaiting_answer: int = 0
    reminded: int = 0
    # The acknowledgement target (issue 10, item 5): met; not met; not met
    # because the notice that met it was reported undelivered; and, of the met,
    # those met again after such a report (by phone, in person, a notice sent again).
    ack_met: int = 0
    ack_not_met: int = 0
    ack_undelivered: int = 0
    ack_met_again: int = 0

    def add(self, other: ChannelRow) -> None:
        for name in _aggregates():
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ClosureFigures:
    """PROCESS.md: reports show paused time separately and leave it out of the
    resolution time (the dashboard's "time to decision" reads
    ``resolution_business_seconds``, from which the pause is already left out)."""

    now: datetime
    waiting_now: int
    total: ChannelRow
    channels: list[ChannelRow] = field(default_factory=list)

    @property
    def paused_hours(self) -> float:
        return round(self.total.paused_seconds / 3600.0, 1)

    @property
    def paused_hours_per_waited(self) -> float | None:
        waited = self.total.waited
        return round(self.total.paused_seconds / 3600.0 / waited, 1) if waited else None

    @property
    def waited_share(self) -> float | None:
        received = self.total.received
        return round(100.0 * self.total.waited / received, 1) if received else None


def _aggregates() -> dict[str, Any]:
    # The daily figures' sums (sla.rollup.closure_share defines each count).
    return {
        "received": Sum("received"),
        "ack_met": Sum("ack_met"),
        **{name: Sum(name) for name in CLOSURE_COUNTED},
    }


def closure_figures_get(*, filters: DashboardFilters, now: datetime) -> ClosureFigures:
    rows = cast(
        list[dict[str, Any]],
        list(
            DailyFigures.objects.filter(filters.rollup_q())
            .values("channel")
            .annotate(**_aggregates())
            .order_by()
        ),
    )
    labels = dict(Channel.choices)
    by_channel = {
        row["channel"]: ChannelRow(
            channel=row["channel"],
            label=str(labels.get(row["channel"], row["channel"])),
            **{name: row[name] or 0 for name in _aggregates()},
        )
        for row in rows
        if row["received"]
    }
    total = ChannelRow(channel="", label="")
    for row in by_channel.values():
        total.add(row)
    # The live queue: every open complaint waiting now that matches the other
    # filters, whatever its date of receipt (like the dashboard's work queues).
    waiting_now = (
        Complaint.objects.filter(filters.complaint_q())
        .filter(stage__in=OPEN_STAGES, waiting_on_customer_since__isnull=False)
        .count()
    )
    return ClosureFigures(
        now=now,
        waiting_now=waiting_now,
        total=total,
        channels=[by_channel[c] for c in Channel.values if c in by_channel],
    )
