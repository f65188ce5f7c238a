"""What an open target's due date is now: the one home of every recomputation.

A stored due date was computed with the calendar, the priority and the
settings of its day. When one of them changes (a priority change, a calendar
override, new business hours or targets), the open targets are recomputed
with these functions: the priority change (sla.services) and the
recomputation after a calendar or settings change (sla.recompute) both call
them, so the rules below hold for each.

No writes here: a ``TargetMove`` says which columns would change and how;
the callers write them, with their own history rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from complaints.models import Complaint
from complaints.workflow import OPEN_STAGES
from sla.calendar import acknowledgement_due
from sla.targets import (
    ACK,
    RESOLUTION,
    Target,
    at_risk_after,
    iso,
    resolution_days_for,
    resolution_deadlines,
)

__all__ = [
    "RECOMPUTE_FIELDS",
    "DueDatesMove",
    "TargetMove",
    "ack_recomputed",
    "due_dates_recomputed",
    "resolution_recomputed",
]

# The columns the recomputation reads (load them with ``only()``).
RECOMPUTE_FIELDS: tuple[str, ...] = (
    "tracking_number",
    "stage",
    "kind",
    "priority",
    "received_at",
    "ack_due_at",
    "ack_at_risk_after",
    "ack_met_at",
    "ack_at_risk_at",
    "ack_breached_at",
    "resolution_started_at",
    "resolution_due_at",
    "resolution_at_risk_after",
    "resolution_met_at",
    "resolution_at_risk_at",
    "resolution_breached_at",
    "resolution_paused_seconds",
)

# Float arithmetic on business time can differ in the last microsecond between
# two ways of reaching the same instant (a resume's shift after an earlier
# shift, or one shift by the sum): below this, an instant has not moved, and a
# recomputation on an unchanged calendar finds nothing to do.
_SAME_INSTANT = timedelta(seconds=1)


def _moved(old: datetime | None, new: datetime) -> bool:
    return old is None or abs(new - old) >= _SAME_INSTANT


@dataclass(frozen=True)
class TargetMove:
    """One open target's new due date and at-risk point, and the columns to write."""

    target: Target
    old_due: datetime
    due: datetime
    old_at_risk: datetime | None
    at_risk: datetime
    values: dict[str, Any]
    business_days: int | None = None

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "from": iso(self.old_due),
            "to": iso(self.due),
            "at_risk_from": iso(self.old_at_risk) if self.old_at_risk else None,
            "at_risk_to": iso(self.at_risk),
        }
        if self.business_days is not None:
            data["business_days"] = self.business_days
        return data


def _target_move(
    row: Complaint,
    target: Target,
    *,
    due: datetime,
    risk: datetime,
    now: datetime,
    business_days: int | None = None,
    also: dict[str, Any] | None = None,
) -> TargetMove | None:
    old_due, old_risk = getattr(row, target.due), getattr(row, target.at_risk_after)
    if not (_moved(old_due, due) or _moved(old_risk, risk)):
        return None
    values: dict[str, Any] = {target.due: due, target.at_risk_after: risk, **(also or {})}
    # PROCESS.md: a breach already recorded stays recorded, with what led to it
    # (its at-risk marker too). Without one, an at-risk marker that the new
    # point makes untrue is cleared, so the target can warn again. A marker
    # that the new dates make true is the sweep's to record (its claim, its
    # history row, its escalation), never recorded here.
    if (
        getattr(row, target.breached_at) is None
        and getattr(row, target.at_risk_at) is not None
        and risk > now
    ):
        values[target.at_risk_at] = None
    return TargetMove(target, old_due, due, old_risk, risk, values, business_days)


def ack_recomputed(row: Complaint, *, now: datetime) -> TargetMove | None:
    """The acknowledgement's due date with today's calendar, if it moved (unmet only)."""
    if row.ack_due_at is None or row.ack_met_at is not None:
        return None
    due = acknowledgement_due(row.received_at)
    return _target_move(row, ACK, due=due, risk=at_risk_after(row.received_at, due), now=now)


def resolution_recomputed(row: Complaint, *, now: datetime) -> TargetMove | None:
    """The resolution target's due date with today's priority, targets and calendar.

    Counted from the cycle's start (receipt, or the last re-opening), later by
    the business time already paused (``resolution_paused_seconds``, as each
    resume counted it); a pause still running is added when it ends. A target
    met keeps its due date (its outcome is history), and so does one that the
    settings no longer give a target (feedback).
    """
    if row.resolution_due_at is None or row.resolution_met_at is not None:
        return None
    days = resolution_days_for(kind=row.kind, priority=row.priority)
    if days is None:
        return None
    start = row.resolution_started_at or row.received_at
    due, risk = resolution_deadlines(
        start=start, days=days, paused_seconds=row.resolution_paused_seconds
    )
    return _target_move(
        row,
        RESOLUTION,
        due=due,
        risk=risk,
        now=now,
        business_days=days,
        also={"resolution_started_at": start},
    )


@dataclass(frozen=True)
class DueDatesMove:
    """What a recomputation changes on one open complaint."""

    complaint_id: int
    tracking_number: str
    moves: tuple[TargetMove, ...] = field(default_factory=tuple)

    @property
    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for move in self.moves:
            values.update(move.values)
        return values

    def as_data(self) -> dict[str, Any]:
        return {move.target.name: move.as_data() for move in self.moves}


def due_dates_recomputed(row: Complaint, *, now: datetime) -> DueDatesMove | None:
    """Both targets of an open complaint recomputed; None when nothing moved.

    A closed complaint is untouched, and so is every met target.
    """
    if row.stage not in OPEN_STAGES:
        return None
    moves = tuple(
        move
        for move in (ack_recomputed(row, now=now), resolution_recomputed(row, now=now))
        if move is not None
    )
    if not moves:
        return None
    return DueDatesMove(complaint_id=row.pk, tracking_number=row.tracking_number, moves=moves)
