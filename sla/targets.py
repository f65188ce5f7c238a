"""SLA targets: what they are, when they are due, when at risk, what state they are in.

No writes here: the arithmetic and the rules shared by the services that
store due dates and run the sweep (sla.services) and by the queries that
report on them (sla.selectors).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, Kind
from complaints.workflow import OPEN_STAGES
from sla import codes, conf
from sla.calendar import (
    DEFAULT_TIME_ZONE,
    add_business_days,
    business_seconds_between,
    closing_time,
    is_business_day,
    opening_time,
)


@dataclass(frozen=True)
class Target:
    """The columns of one SLA target on Complaint and its history codes."""

    name: str
    due: str
    met: str
    at_risk_after: str
    at_risk_at: str
    breached_at: str
    business_seconds: str
    at_risk_action: str
    breached_action: str
    # The column saying the target's clock stands still (waiting on the
    # customer); "" for a target that never pauses (the acknowledgement).
    paused_at: str = ""

    @property
    def state_columns(self) -> tuple[str, ...]:
        """The columns ``sla_state_of`` reads (load them with ``only()``)."""
        return tuple(c for c in (self.due, self.met, self.at_risk_after, self.paused_at) if c)

    def running(self) -> Q:
        """Its clock is not paused (every target that cannot pause)."""
        return Q(**{f"{self.paused_at}__isnull": True}) if self.paused_at else Q()

    def at_risk_pending(self, now: datetime) -> Q:
        # Mirrors the partial index sla_*_at_risk_pending (complaints.models):
        # only targets in flight whose at-risk event is not recorded yet. A
        # paused target is in the index but waits: its instants move on resume.
        return self.running() & Q(
            **{
                f"{self.met}__isnull": True,
                f"{self.at_risk_at}__isnull": True,
                f"{self.breached_at}__isnull": True,
                f"{self.at_risk_after}__isnull": False,
                f"{self.at_risk_after}__lte": now,
                # Past its due date it is a breach, which the breach rule records.
                f"{self.due}__gt": now,
            }
        )

    def breach_pending(self, now: datetime) -> Q:
        # Mirrors the partial index sla_*_breach_pending (complaints.models).
        return self.running() & Q(
            **{
                f"{self.met}__isnull": True,
                f"{self.breached_at}__isnull": True,
                f"{self.due}__isnull": False,
                f"{self.due}__lte": now,
            }
        )


ACK = Target(
    name="ack",
    due="ack_due_at",
    met="ack_met_at",
    at_risk_after="ack_at_risk_after",
    at_risk_at="ack_at_risk_at",
    breached_at="ack_breached_at",
    business_seconds="ack_business_seconds",
    at_risk_action=codes.ACK_AT_RISK,
    breached_action=codes.ACK_BREACHED,
)
RESOLUTION = Target(
    name="resolution",
    due="resolution_due_at",
    met="resolution_met_at",
    at_risk_after="resolution_at_risk_after",
    at_risk_at="resolution_at_risk_at",
    breached_at="resolution_breached_at",
    business_seconds="resolution_business_seconds",
    at_risk_action=codes.RESOLUTION_AT_RISK,
    breached_action=codes.RESOLUTION_BREACHED,
    paused_at="resolution_paused_at",
)
TARGETS: tuple[Target, ...] = (ACK, RESOLUTION)

# History code of a recomputed resolution due date (after a priority change).
DUE_CHANGED = codes.DUE_CHANGED


# --- Business time -----------------------------------------------------------------


def sla_time_zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "SLA_TIME_ZONE", DEFAULT_TIME_ZONE))


# A target is at most a few business days long; a walk this long means a
# misconfigured calendar, and failing beats looping.
_MAX_WALK_DAYS = 400


def business_instant_after(start: datetime, seconds: float) -> datetime:
    """The instant at which ``seconds`` of business hours have passed since ``start``.

    The inverse of sla.calendar.business_seconds_between: walks the business
    days from ``start`` and spends the seconds inside opening hours.
    """
    tz = sla_time_zone()
    local = start.astimezone(tz)
    remaining = max(0.0, float(seconds))
    day: date = local.date()
    opening = opening_time()
    for _day in range(_MAX_WALK_DAYS):
        if is_business_day(day):
            window_start = max(local, datetime.combine(day, opening, tzinfo=tz))
            window_end = datetime.combine(day, closing_time(day), tzinfo=tz)
            # Timestamps, not datetime arithmetic: same-tzinfo subtraction
            # ignores a UTC offset change in between.
            available = window_end.timestamp() - window_start.timestamp()
            if available > 0:
                if remaining <= available:
                    return datetime.fromtimestamp(window_start.timestamp() + remaining, tz)
                remaining -= available
        day += timedelta(days=1)
    raise RuntimeError(f"No business time within {_MAX_WALK_DAYS} days after {start.isoformat()}")


def iso(value: datetime) -> str:
    # History data and log lines in the calendar's zone: what staff read.
    return value.astimezone(sla_time_zone()).isoformat()


def at_risk_after(start: datetime, due: datetime) -> datetime:
    """PROCESS.md: at risk once 75% of the time from the start to the due date has passed.

    The time is counted in business hours: a target received on Friday evening
    and due on Monday at 18:00 has one working day to run, and should turn
    "at risk" on Monday afternoon, not on Sunday night as wall-clock time would
    have it.
    """
    if due <= start:
        return due
    total = business_seconds_between(start, due)
    fraction = conf.at_risk_fraction()
    if total <= 0:
        # No business hours in between (cannot happen with calendar due dates,
        # which end at a closing hour); fall back to wall-clock time.
        return start + (due - start) * fraction
    return min(business_instant_after(start, total * fraction), due)


def business_shift(instant: datetime, seconds: float) -> datetime:
    """``instant`` moved later by ``seconds`` of business time (unchanged for 0).

    How a pause moves a due date and an at-risk point: by the business time it
    lasted (PROCESS.md "Waiting on the customer").
    """
    if seconds <= 0:
        return instant
    return business_instant_after(instant, seconds)


def resolution_deadlines(
    *, start: datetime, days: int, paused_seconds: float = 0
) -> tuple[datetime, datetime]:
    """The resolution target's due date and at-risk point: ``days`` business days
    from ``start``, then later by the business time the clock stood paused."""
    due = add_business_days(start, days)
    risk = at_risk_after(start, due)
    return business_shift(due, paused_seconds), business_shift(risk, paused_seconds)


def business_seconds(start: datetime | None, end: datetime) -> int | None:
    if start is None:
        return None
    return round(business_seconds_between(start, end))


def resolution_days_for(*, kind: str, priority: str) -> int | None:
    """Business days of the resolution target, or None when there is none.

    Feedback has no resolution target unless SLA_FEEDBACK_RESOLUTION_DAYS gives one.
    """
    if not priority:
        return None
    table = conf.feedback_resolution_days() if kind == Kind.FEEDBACK else conf.resolution_days()
    if table is None:
        return None
    days = table.get(priority)
    return int(days) if days else None


# --- The state of one target -------------------------------------------------------


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")
    MET_LATE = "met_late", _("Met late")
    # Waiting on the customer: the clock stands still (never past the due date).
    PAUSED = "paused", _("Paused")
    NO_TARGET = "none", _("No target")


def sla_state_q(*, target: Target, state: str, now: datetime) -> Q:
    """The rows whose ``target`` is in ``state`` at ``now``, as a filter.

    The unmet states compare the stored due date and at-risk instant with
    ``now``; the partial indexes on unmet targets (complaints.models) serve them.
    """
    met, due, risk = target.met, target.due, target.at_risk_after
    unmet = Q(**{f"{met}__isnull": True, f"{due}__isnull": False})
    if state == SlaState.PAUSED:
        if not target.paused_at:
            return Q(pk__in=[])
        return unmet & ~target.running()
    # A paused target is in none of the states of a running clock: its due date
    # and at-risk point move on when it resumes.
    unmet &= target.running()
    if state == SlaState.MET:
        return Q(**{f"{met}__isnull": False, f"{met}__lte": F(due)})
    if state == SlaState.MET_LATE:
        return Q(**{f"{met}__isnull": False, f"{met}__gt": F(due)})
    if state == SlaState.BREACHED:
        return unmet & Q(**{f"{due}__lte": now})
    if state == SlaState.AT_RISK:
        return unmet & Q(**{f"{due}__gt": now, f"{risk}__lte": now})
    if state == SlaState.ON_TRACK:
        return unmet & Q(**{f"{due}__gt": now}) & (Q(**{f"{risk}__gt": now}) | Q(**{risk: None}))
    if state == SlaState.NO_TARGET:
        return Q(**{f"{due}__isnull": True})
    raise ValueError(f"unknown SLA state {state!r}")


def sla_state_case(*, target: Target, now: datetime) -> Case:
    """An annotation giving ``target``'s SlaState value per row."""
    order = (
        SlaState.NO_TARGET,
        SlaState.MET,
        SlaState.MET_LATE,
        SlaState.PAUSED,
        SlaState.BREACHED,
        SlaState.AT_RISK,
    )
    return Case(
        *(When(sla_state_q(target=target, state=s, now=now), then=Value(s.value)) for s in order),
        default=Value(SlaState.ON_TRACK.value),
        output_field=models.CharField(),
    )


def sla_state_of(*, complaint: Complaint, target: Target, now: datetime) -> SlaState:
    """The same rules for one loaded complaint (list rows, admin pages)."""
    due = getattr(complaint, target.due)
    met = getattr(complaint, target.met)
    risk = getattr(complaint, target.at_risk_after)
    if due is None:
        return SlaState.NO_TARGET
    if met is not None:
        return SlaState.MET if met <= due else SlaState.MET_LATE
    if target.paused_at and getattr(complaint, target.paused_at) is not None:
        return SlaState.PAUSED
    if due <= now:
        return SlaState.BREACHED
    if risk is not None and risk <= now:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def decided_q(*, target: Target, now: datetime) -> Q:
    """A target whose outcome is known: met (on time or late), or breached. A
    paused target is not decided: its due date moves on when it resumes."""
    return (
        Q(**{f"{target.met}__isnull": False})
        | sla_state_q(target=target, state=SlaState.BREACHED, now=now)
    ) & Q(**{f"{target.due}__isnull": False})


# --- The one definition of the list states staff filter on -------------------------


def breached_open_q(*, now: datetime, targets: tuple[Target, ...] = TARGETS) -> Q:
    """Open complaints past an unmet due date of ``targets`` ("overdue")."""
    condition = Q()
    for target in targets:
        condition |= sla_state_q(target=target, state=SlaState.BREACHED, now=now)
    return Q(stage__in=OPEN_STAGES) & condition


def at_risk_open_q(*, now: datetime) -> Q:
    condition = Q()
    for target in TARGETS:
        condition |= sla_state_q(target=target, state=SlaState.AT_RISK, now=now)
    return Q(stage__in=OPEN_STAGES) & condition


def complaint_is_overdue(complaint: Complaint, *, now: datetime) -> bool:
    return complaint.is_open and any(
        sla_state_of(complaint=complaint, target=target, now=now) == SlaState.BREACHED
        for target in TARGETS
    )


def complaint_next_target(complaint: Complaint) -> Target | None:
    """The target still to meet first: the acknowledgement, then the resolution."""
    for target in TARGETS:
        if getattr(complaint, target.met) is None and getattr(complaint, target.due) is not None:
            return target
    return None
