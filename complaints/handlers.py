"""How the complaints app reacts to what the other apps report: every reaction, at a glance.

Connected with complaints.signals.reactions_connect, inside the transaction of
the history row that reports it.
"""

from __future__ import annotations

import contextlib

from . import codes
from .models import Complaint, ComplaintEvent, Stage
from .services import TransitionNotAllowed, complaint_transition


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


REACTIONS = {
    codes.ACKNOWLEDGEMENT_SENT: _acknowledgement_sent,
}
