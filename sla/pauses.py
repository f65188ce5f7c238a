"""The resolution clock while the complaint waits on the customer (PROCESS.md
"Waiting on the customer").

complaints records the wait (``complaints.waiting.started`` / ``.ended``);
sla.handlers calls these two services inside the transactions of those rows:

* **pause**: the resolution clock stops (``resolution_paused_at``), unless the
  target is met already or its due date has passed: a pause never hides a
  breach, so a late one leaves the clock as it is and has the breach recorded
  at once if the sweep has not yet.
* **resume**: the business time the clock stood still (counted with the
  business calendar) is added to the due date and to the at-risk point, and to
  ``resolution_paused_seconds``, which the resolution time leaves out.

The acknowledgement target never pauses. Each pause and resume is a history
row (``sla.resolution.paused`` / ``.resumed``; the resume's data carries the
business duration and the due date moved).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaints.models import Complaint
from complaints.services import Actor, event_record
from sla import codes
from sla.services import _fresh, _write, target_breach_record
from sla.targets import RESOLUTION, business_seconds, business_shift, iso

__all__ = ["complaint_resolution_pause", "complaint_resolution_resume"]


def complaint_resolution_pause(*, complaint: Complaint, at: datetime, actor: Actor = None) -> bool:
    """Stop the resolution clock at ``at``; False when it does not stop."""
    row = _fresh(complaint, "resolution_due_at", "resolution_met_at", "resolution_paused_at")
    if row["resolution_met_at"] is not None or row["resolution_paused_at"] is not None:
        return False
    due = row["resolution_due_at"]
    if due is not None and due <= at:
        # Past its due date the target is breached; stopping the clock now would
        # make it read "paused" instead. It runs on, and the breach is on record.
        target_breach_record(complaint=complaint, target=RESOLUTION, now=at)
        return False
    _write(complaint, resolution_paused_at=at)
    event_record(
        complaint=complaint,
        action=codes.RESOLUTION_PAUSED,
        actor=actor,
        # No due date yet (not classified): the pause counts from classification on.
        data={"due_at": iso(due) if due is not None else None},
    )
    return True


def complaint_resolution_resume(*, complaint: Complaint, at: datetime, actor: Actor = None) -> bool:
    """Start the resolution clock again at ``at``, moving its instants by the pause.

    The due date and the at-risk point move later by the business time paused
    (a pause from Friday 17:00 to Monday 10:00 is two business hours). The
    at-risk marker is cleared when the new at-risk point is still ahead, so it
    can warn again. False when the clock was not paused.
    """
    row = _fresh(
        complaint,
        "resolution_paused_at",
        "resolution_paused_seconds",
        "resolution_due_at",
        "resolution_at_risk_after",
        "resolution_met_at",
    )
    paused_at = row["resolution_paused_at"]
    if paused_at is None:
        return False
    seconds = business_seconds(paused_at, at) or 0
    total = row["resolution_paused_seconds"] + seconds
    values: dict[str, Any] = {"resolution_paused_at": None, "resolution_paused_seconds": total}
    due, risk = row["resolution_due_at"], row["resolution_at_risk_after"]
    data: dict[str, Any] = {
        "paused_at": iso(paused_at),
        "business_seconds": seconds,
        "paused_business_seconds": total,
    }
    if due is not None and row["resolution_met_at"] is None:
        new_due = business_shift(due, seconds)
        values["resolution_due_at"] = new_due
        data.update({"from": iso(due), "to": iso(new_due)})
        if risk is not None:
            new_risk = business_shift(risk, seconds)
            values["resolution_at_risk_after"] = new_risk
            if new_risk > at:
                values["resolution_at_risk_at"] = None
    _write(complaint, **values)
    event_record(complaint=complaint, action=codes.RESOLUTION_RESUMED, actor=actor, data=data)
    return True
