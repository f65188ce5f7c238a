"""How the SLA app reacts to what happens to a complaint: every reaction, at a glance.

Connected to complaints.signals.complaint_event (sent inside the transaction of
every history row) by ``reactions_connect``; each is a thin call into
sla.services, so a due date commits or rolls back together with the change
that caused it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from complaints import codes
from complaints.models import Complaint, ComplaintEvent
from complaints.workflow import TRANSITIONS
from sla import codes as sla_codes
from sla import pauses, rollup, rollup_receipt, services, unanswered
from sla.codes import ACK_MET_AGAIN, ACK_UNDELIVERED
from sla.targets import DUE_CHANGED

Handler = Callable[[Complaint, ComplaintEvent], None]


def receipt_fields(complaint: Complaint) -> dict[str, Any]:
    """A new complaint is inserted with its acknowledgement due date (no UPDATE
    after the INSERT); connected with complaints.signals.receipt_fields_connect."""
    return services.complaint_ack_due_fields(received_at=complaint.received_at)


def _acknowledged(complaint: Complaint, event: ComplaintEvent) -> None:
    services.complaint_ack_met(complaint=complaint, met_at=event.created_at)


def _acknowledgement_undelivered(complaint: Complaint, event: ComplaintEvent) -> None:
    # Issue 10, item 5: the notice that met the target bounced.
    services.complaint_ack_unmet(
        complaint=complaint,
        at=event.created_at,
        data={
            name: event.data[name]
            for name in ("notification", "channel", "delivery_status")
            if name in event.data
        },
    )


def _acknowledgement_sent(complaint: Complaint, event: ComplaintEvent) -> None:
    # Only after a bounce: the first acknowledgement meets the target through
    # the `acknowledged` step (_acknowledged above).
    services.complaint_ack_met_again(
        complaint=complaint, met_at=event.created_at, channel=str(event.data.get("channel", ""))
    )


def _classified(complaint: Complaint, event: ComplaintEvent) -> None:
    services.complaint_resolution_due_set(complaint=complaint)


def _reprioritized(complaint: Complaint, event: ComplaintEvent) -> None:
    services.complaint_resolution_due_recompute(
        complaint=complaint, actor=event.actor, now=event.created_at
    )


def _reopened(complaint: Complaint, event: ComplaintEvent) -> None:
    services.complaint_resolution_restart(complaint=complaint, started_at=event.created_at)


def _decision_notified(complaint: Complaint, event: ComplaintEvent) -> None:
    services.complaint_resolution_met(complaint=complaint, met_at=event.created_at)
    unanswered.complaint_answer_deadlines_set(complaint=complaint, decided_at=event.created_at)


def _waiting_started(complaint: Complaint, event: ComplaintEvent) -> None:
    pauses.complaint_resolution_pause(complaint=complaint, at=event.created_at, actor=event.actor)


def _waiting_ended(complaint: Complaint, event: ComplaintEvent) -> None:
    pauses.complaint_resolution_resume(complaint=complaint, at=event.created_at, actor=event.actor)


# The receipt sets nothing here: receipt_fields above gave the new row its due date.
HANDLERS: dict[str, Handler] = {
    codes.ACKNOWLEDGED: _acknowledged,
    codes.ACKNOWLEDGEMENT_UNDELIVERED: _acknowledgement_undelivered,
    codes.ACKNOWLEDGEMENT_SENT: _acknowledgement_sent,
    codes.CLASSIFIED: _classified,
    codes.REPRIORITIZED: _reprioritized,
    codes.REOPENED: _reopened,
    codes.DECISION_NOTIFIED: _decision_notified,
    codes.WAITING_STARTED: _waiting_started,
    codes.WAITING_ENDED: _waiting_ended,
}


# --- The dashboard's daily figures (sla.rollup) ----------------------------------------
# A separate table and receiver, connected after the one above so that it sees
# the due dates and met times the reactions above have just written.


def _figures(complaint: Complaint, event: ComplaintEvent) -> None:
    rollup.figures_refresh(complaint_id=complaint.pk)


def _figures_received(complaint: Complaint, event: ComplaintEvent) -> None:
    rollup_receipt.figures_receive(complaint_id=complaint.pk, received_at=complaint.received_at)


# Every code after which a figure's inputs may have changed: the receipt (a new
# share), every stage change, a new priority, category or due date (a priority
# change, or a recomputation after a calendar or settings change).
FIGURES_HANDLERS: dict[str, Handler] = {
    codes.RECEIVED: _figures_received,
    **{
        code: _figures
        for code in (
            *(t.action for t in TRANSITIONS),
            codes.REPRIORITIZED,
            codes.RECATEGORIZED,
            DUE_CHANGED,
            sla_codes.DUE_DATES_RECOMPUTED,
            ACK_UNDELIVERED,
            ACK_MET_AGAIN,
            # The time-and-closure panel: paused time, the answer reminder.
            codes.WAITING_STARTED,
            codes.WAITING_ENDED,
            codes.DECISION_REMINDER,
        )
    },
}
