"""The history rows and SLA columns of one demo complaint, as the live code
would have left them (sla/demo_history.py draws the timeline).

Due dates and at-risk instants come from sla.calendar and sla.targets; the
markers and events are what sla.services writes: the sweep a little after each
instant, a late target's breach when it is met (``_record_late_breach``), a
re-opening's fresh resolution cycle (``complaint_resolution_restart``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from complaints.models import Channel, Complaint, ComplaintEvent, ComplaintMessage
from sla.calendar import add_business_days
from sla.targets import ACK, RESOLUTION, Target, at_risk_after, business_seconds, iso

# The sweep runs every minute: markers are recorded a little after the instant.
SWEEP_LAG = timedelta(seconds=40)


@dataclass
class Life:
    """One complaint being drawn: its row and its history, in order."""

    complaint: Complaint
    events: list[ComplaintEvent] = field(default_factory=list)
    messages: list[ComplaintMessage] = field(default_factory=list)


def event_add(
    life: Life,
    action: str,
    at: datetime,
    *,
    source: str = "",
    to: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    actor: Any = None,
) -> None:
    life.events.append(
        ComplaintEvent(
            action=action,
            from_stage=source,
            to_stage=to,
            actor=actor,
            note=note,
            data=data or {},
            created_at=at,
        )
    )


def message_add(life: Life, at: datetime, body: str) -> None:
    life.messages.append(
        ComplaintMessage(
            author_kind=ComplaintMessage.Author.CUSTOMER,
            channel=Channel.PHONE,
            body=body,
            created_at=at,
        )
    )


def cycle_open(c: Complaint, start: datetime, days: int) -> None:
    """A resolution cycle from ``start`` (receipt, or a re-opening)."""
    due = add_business_days(start, days)
    c.resolution_started_at = start
    c.resolution_due_at = due
    c.resolution_at_risk_after = at_risk_after(start, due)
    c.resolution_met_at = c.resolution_at_risk_at = c.resolution_breached_at = None
    c.resolution_business_seconds = None


def target_met(
    life: Life,
    target: Target,
    start: datetime,
    due: datetime | None,
    risk: datetime | None,
    met: datetime,
) -> None:
    """A target met at ``met``: its markers and events as the sweep and handlers left them."""
    c = life.complaint
    if due is None or risk is None:
        return
    setattr(c, target.met, met)
    setattr(c, target.business_seconds, business_seconds(start, met))
    _markers(life, target, due, risk, until=met)
    if met > due and getattr(c, target.breached_at) is None:
        _breach(life, target, due, min(met, due + SWEEP_LAG), {"met_at": iso(met)})


def targets_swept(life: Life, *, until: datetime) -> None:
    """The targets still open: what the sweep recorded up to ``until``."""
    c = life.complaint
    for target in (ACK, RESOLUTION):
        due, risk = getattr(c, target.due), getattr(c, target.at_risk_after)
        if due is not None and risk is not None and getattr(c, target.met) is None:
            _markers(life, target, due, risk, until=until)


def _markers(life: Life, target: Target, due: datetime, risk: datetime, *, until: datetime) -> None:
    c = life.complaint
    seen = risk + SWEEP_LAG
    if seen < min(until, due):
        setattr(c, target.at_risk_at, seen)
        data = {"due_at": iso(due), "priority": c.priority, "at_risk_after": iso(risk)}
        event_add(life, target.at_risk_action, seen, data=data)
    if until > due + SWEEP_LAG and getattr(c, target.met) is None:
        _breach(life, target, due, due + SWEEP_LAG, {"priority": c.priority})


def _breach(life: Life, target: Target, due: datetime, at: datetime, data: dict[str, Any]) -> None:
    c = life.complaint
    setattr(c, target.breached_at, at)
    c.breach_count += 1
    event_add(life, target.breached_action, at, data={"due_at": iso(due), **data})
