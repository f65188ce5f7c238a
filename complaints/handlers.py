"""How the complaints app reacts to what the other apps report: every reaction, at a glance.

Connected with complaints.signals.reactions_connect, inside the transaction of
the history row that reports it.
"""

from __future__ import annotations

import contextlib

from . import codes
from .models import Complaint, ComplaintEvent, Stage
from .services import TransitionNotAllowed, complaint_transition
from .services.waiting import WaitEnd, complaint_wait_end


def _acknowledgement_sent(complaint: Complaint, event: ComplaintEvent) -> None:
    """PROCESS.md: the acknowledgement target is met once the notice with the
    tracking number has gone out; the system moves the complaint on, in the
    same transaction that records the notice as sent, so a crash can never
    leave an acknowledged customer's complaint in `received`."""
    if complaint.stage != Stage.RECEIVED:
        return
    # Staff may have acknowledged it meanwhile (the transition re-reads the
    # locked row): then it is done already.
    with contextlib.suppress(TransitionNotAllowed):
        complaint_transition(
            complaint=complaint, to=Stage.ACKNOWLEDGED, actor=None, note=event.note
        )


def _customer_wrote(complaint: Complaint, event: ComplaintEvent) -> None:
    """PROCESS.md: the clock starts again when the customer answers, on any
    channel (a reply by e-mail or SMS, a message on their page): whatever they
    wrote, staff read it with the clock running."""
    complaint_wait_end(
        complaint=complaint,
        reason=WaitEnd.CUSTOMER_ANSWERED,
        message=event.data.get("message"),
        channel=event.data.get("channel", ""),
    )


REACTIONS = {
    codes.ACKNOWLEDGEMENT_SENT: _acknowledgement_sent,
    codes.MESSAGE_FROM_CUSTOMER: _customer_wrote,
}
