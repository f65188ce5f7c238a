"""SLA workflows: due dates, met times, and the sweep that records at-risk and
breached targets (PROCESS.md, "When the SLA is met").

Two targets per complaint:

* ``ack``: the "same day" acknowledgement, due at receipt, met when the
  complaint is acknowledged.
* ``resolution``: the solution proposal, due 1/3/5 business days after receipt
  by priority once the complaint is classified, met when the decision is
  notified; a re-opening starts a new cycle counted from the re-opening.

Due dates are written by the receivers in sla.handlers, inside the transaction
of the history row that caused them. Every function here takes keyword
arguments only and is called by handlers, tasks and commands alike.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import Actor, event_record
from sla.calendar import acknowledgement_due
from sla.calendar_cache import overrides_pinned
from sla.codes import ACK_MET_AGAIN, ACK_UNDELIVERED
from sla.due_dates import RECOMPUTE_FIELDS, resolution_recomputed
from sla.targets import (
    ACK,
    DUE_CHANGED,
    RESOLUTION,
    Target,
    at_risk_after,
    business_seconds,
    iso,
    resolution_days_for,
    resolution_deadlines,
)

logger = logging.getLogger(__name__)

__all__ = [
    "SweepResult",
    "complaint_ack_due_fields",
    "complaint_ack_due_set",
    "complaint_ack_met",
    "complaint_ack_met_again",
    "complaint_ack_unmet",
    "complaint_resolution_due_recompute",
    "complaint_resolution_due_set",
    "complaint_resolution_met",
    "complaint_resolution_restart",
    "sla_sweep",
    "target_breach_record",
]


# --- Writing due dates ---------------------------------------------------------------


def _write(complaint: Complaint, *, only_if: Q | None = None, **values: Any) -> bool:
    """UPDATE the complaint's row and mirror the values on the instance.

    A queryset update (no save()): the receivers run inside the caller's
    transaction, after it saved its own fields, and must not overwrite them
    from a possibly stale instance. The instance is updated too so the caller
    (and the other receivers) see the new values.
    """
    queryset = Complaint.objects.filter(pk=complaint.pk)
    if only_if is not None:
        queryset = queryset.filter(only_if)
    if queryset.update(**values) != 1:
        return False
    for name, value in values.items():
        if not hasattr(value, "resolve_expression"):
            setattr(complaint, name, value)
    return True


def _fresh(complaint: Complaint, *names: str) -> dict[str, Any]:
    # The signal's instance may predate other receivers' writes; read the row.
    return Complaint.objects.filter(pk=complaint.pk).values(*names).get()


def complaint_ack_due_fields(*, received_at: datetime) -> dict[str, datetime]:
    """At receipt: the acknowledgement is due "within the same day" (PROCESS.md stage 2).

    The values a new complaint is inserted with (sla.handlers.receipt_fields).
    """
    # One read of the staff's calendar overrides for the whole computation,
    # instead of a cache round trip per calendar call.
    with overrides_pinned():
        due = acknowledgement_due(received_at)
        return {"ack_due_at": due, "ack_at_risk_after": at_risk_after(received_at, due)}


def complaint_ack_due_set(*, complaint: Complaint) -> None:
    """The acknowledgement due date of a complaint recorded without it (sla_backfill)."""
    due = complaint_ack_due_fields(received_at=complaint.received_at)
    _write(complaint, ack_due_at=due["ack_due_at"], ack_at_risk_after=due["ack_at_risk_after"])


def complaint_ack_met(*, complaint: Complaint, met_at: datetime) -> None:
    """The acknowledgement reached the customer: the target is met, perhaps late."""
    row = _fresh(complaint, "received_at", "ack_due_at")
    met = _write(
        complaint,
        only_if=Q(ack_met_at__isnull=True),
        ack_met_at=met_at,
        ack_business_seconds=business_seconds(row["received_at"], met_at),
    )
    if met:
        _record_late_breach(complaint=complaint, target=ACK, due=row["ack_due_at"], met_at=met_at)


def complaint_ack_unmet(*, complaint: Complaint, at: datetime, data: dict[str, Any]) -> bool:
    """The notice counted as the acknowledgement did not reach the customer.

    PROCESS.md: the target is met when the acknowledgement *has been sent to the
    customer*; a bounce says it has not. The met time is cleared (the sweep then
    warns and records a breach as for any unmet target) and
    ``ack_undelivered_at`` says why. Conditional on the met time read, so a
    report applied twice, or racing an acknowledgement by phone, un-meets once.
    ``data`` (the notice's id, channel, delivery status) goes into the history
    row. False when the target was not met.
    """
    row = _fresh(complaint, "ack_met_at")
    met_at = row["ack_met_at"]
    if met_at is None:
        return False
    if not _write(
        complaint,
        only_if=Q(ack_met_at=met_at),
        ack_met_at=None,
        ack_business_seconds=None,
        ack_undelivered_at=at,
    ):
        return False
    event_record(complaint=complaint, action=ACK_UNDELIVERED, data={**data, "met_at": iso(met_at)})
    return True


def complaint_ack_met_again(*, complaint: Complaint, met_at: datetime, channel: str = "") -> bool:
    """A later acknowledgement (staff on the phone or in person, the notice sent
    again) reached the customer after the one that counted bounced: met again,
    at ``met_at``, and late when the due date has passed meanwhile. False when
    the target is met, or was never un-met (the ordinary acknowledgement meets
    it through ``complaint_ack_met``)."""
    row = _fresh(complaint, "received_at", "ack_due_at", "ack_met_at", "ack_undelivered_at")
    if row["ack_met_at"] is not None or row["ack_undelivered_at"] is None:
        return False
    met = _write(
        complaint,
        only_if=Q(ack_met_at__isnull=True),
        ack_met_at=met_at,
        ack_business_seconds=business_seconds(row["received_at"], met_at),
    )
    if not met:
        return False
    event_record(
        complaint=complaint,
        action=ACK_MET_AGAIN,
        data={
            "met_at": iso(met_at),
            "channel": channel,
            "undelivered_at": iso(row["ack_undelivered_at"]),
        },
    )
    _record_late_breach(complaint=complaint, target=ACK, due=row["ack_due_at"], met_at=met_at)
    return True


def complaint_resolution_due_set(*, complaint: Complaint) -> None:
    """At classification: 1/3/5 business days by priority, counted from receipt."""
    row = _fresh(
        complaint,
        "kind",
        "priority",
        "received_at",
        "resolution_started_at",
        "resolution_paused_seconds",
    )
    days = resolution_days_for(kind=row["kind"], priority=row["priority"])
    if days is None:
        return
    start = row["resolution_started_at"] or row["received_at"]
    # Waiting on the customer before classification stopped the clock too.
    due, risk = resolution_deadlines(
        start=start, days=days, paused_seconds=row["resolution_paused_seconds"]
    )
    _write(
        complaint,
        resolution_started_at=start,
        resolution_due_at=due,
        resolution_at_risk_after=risk,
    )


def complaint_resolution_due_recompute(
    *, complaint: Complaint, actor: Actor = None, now: datetime | None = None
) -> bool:
    """After a priority change: the open resolution target gets the new priority's due date.

    Records ``sla.resolution.due_changed`` when the date moves. A target
    already met keeps its due date (its outcome is history). A recorded breach
    stays recorded, with its at-risk marker; without one, an at-risk marker is
    cleared when the new date puts the target back on track, so it can warn
    again (the rules of sla.due_dates). Returns whether it changed.
    """
    now = now or timezone.now()
    row = Complaint.objects.only(*RECOMPUTE_FIELDS).get(pk=complaint.pk)
    moved = resolution_recomputed(row, now=now)
    if moved is None or moved.due == row.resolution_due_at:
        return False
    _write(complaint, **moved.values)
    event_record(
        complaint=complaint,
        action=DUE_CHANGED,
        actor=actor,
        data={
            "from": iso(moved.old_due),
            "to": iso(moved.due),
            "priority": row.priority,
            "business_days": moved.business_days,
        },
    )
    return True


def complaint_resolution_restart(*, complaint: Complaint, started_at: datetime) -> None:
    """A re-opening (the customer rejected the decision): a new resolution cycle.

    PROCESS.md: a new due date counted from the re-opening with the same rules.
    The cycle's met time and markers start empty; the previous cycle's events
    stay in the history and in breach_count.
    """
    row = _fresh(complaint, "kind", "priority")
    days = resolution_days_for(kind=row["kind"], priority=row["priority"])
    if days is None:
        return
    due, risk = resolution_deadlines(start=started_at, days=days)
    _write(
        complaint,
        resolution_started_at=started_at,
        resolution_due_at=due,
        resolution_at_risk_after=risk,
        resolution_met_at=None,
        resolution_at_risk_at=None,
        resolution_breached_at=None,
        resolution_business_seconds=None,
        resolution_paused_at=None,
        resolution_paused_seconds=0,
    )


def complaint_resolution_met(*, complaint: Complaint, met_at: datetime) -> None:
    """The decision with the solution proposal reached the customer."""
    row = _fresh(
        complaint,
        "resolution_started_at",
        "received_at",
        "resolution_due_at",
        "resolution_paused_at",
        "resolution_paused_seconds",
    )
    if row["resolution_due_at"] is None:
        return  # no target (feedback): nothing to meet
    paused = row["resolution_paused_seconds"]
    if row["resolution_paused_at"] is not None:
        # Still paused (complaints ends the wait before the decision, so only a
        # direct call gets here): the pause ends with the decision.
        paused += business_seconds(row["resolution_paused_at"], met_at) or 0
    elapsed = business_seconds(row["resolution_started_at"] or row["received_at"], met_at) or 0
    met = _write(
        complaint,
        only_if=Q(resolution_met_at__isnull=True),
        resolution_met_at=met_at,
        # PROCESS.md: the time waiting on the customer is left out.
        resolution_business_seconds=max(0, elapsed - paused),
        resolution_paused_at=None,
        resolution_paused_seconds=paused,
    )
    if met:
        _record_late_breach(
            complaint=complaint, target=RESOLUTION, due=row["resolution_due_at"], met_at=met_at
        )


def _record_late_breach(
    *, complaint: Complaint, target: Target, due: datetime | None, met_at: datetime
) -> None:
    # A target met after its due date but before the sweep noticed (the sweep
    # runs once a minute, or not at all in the embedded default) is still a
    # breach: record it now, with the same claim the sweep uses, so that each
    # late target has exactly one breach row whoever sees it first.
    if due is None or met_at <= due:
        return
    if _claim(complaint.pk, target.breached_at, met_at, count_breach=True):
        setattr(complaint, target.breached_at, met_at)
        event_record(
            complaint=complaint,
            action=target.breached_action,
            data={"due_at": iso(due), "met_at": iso(met_at)},
        )
        logger.warning(
            "SLA %s target of %s met late (due %s, met %s)",
            target.name,
            complaint.tracking_number,
            iso(due),
            iso(met_at),
        )


def target_breach_record(*, complaint: Complaint, target: Target, now: datetime) -> bool:
    """Record now the breach the sweep would record on its next run, if nobody has.

    For a change that must not wait for the sweep (a pause asked for after the
    due date: PROCESS.md, a pause never hides a breach). The same claim and the
    same history row as the sweep's, so the breach is recorded once.
    """
    row = _fresh(complaint, target.due, target.met, "priority", "assignee_id")
    due = row[target.due]
    if due is None or row[target.met] is not None or due > now:
        return False
    if not _claim(complaint.pk, target.breached_at, now, count_breach=True):
        return False
    setattr(complaint, target.breached_at, now)
    data: dict[str, Any] = {"due_at": iso(due), "priority": row["priority"]}
    if row["assignee_id"]:
        data["assignee"] = row["assignee_id"]
    event_record(complaint=complaint, action=target.breached_action, data=data)
    return True


def _claim(pk: int, marker: str, now: datetime, *, count_breach: bool = False) -> bool:
    """Set ``marker`` if nobody has: UPDATE ... WHERE marker IS NULL must touch the row.

    Two sweeps (or a sweep and a transition) racing for the same event both
    reach this UPDATE; the database serialises them on the row lock, and
    PostgreSQL re-checks the WHERE clause on the row the winner committed, so
    the loser updates nothing and records nothing.
    """
    values: dict[str, Any] = {marker: now}
    if count_breach:
        values["breach_count"] = F("breach_count") + 1
    return Complaint.objects.filter(pk=pk, **{f"{marker}__isnull": True}).update(**values) == 1


# The sweep lives in sla.sweep; importable from here as before (tasks, commands, tests).
from sla.sweep import _RULES, SweepResult, sla_sweep  # noqa: E402, F401
