"""How the improvement app reacts to what happens to a complaint: every reaction, at a glance.

Connected with complaints.signals.reactions_connect, inside the transaction of
the history row, so an invitation or a repeat link commits or rolls back with
the change that caused it.
"""

from __future__ import annotations

from collections.abc import Callable

from complaints import codes
from complaints.models import Complaint, ComplaintEvent

from .services.recurrence import complaint_repeat_flag
from .services.survey import survey_invite

Reaction = Callable[[Complaint, ComplaintEvent], None]


def _closed(complaint: Complaint, event: ComplaintEvent) -> None:
    # Every closure: accepted, feedback answered, or closed for want of an answer.
    survey_invite(complaint=complaint)


def _classified(complaint: Complaint, event: ComplaintEvent) -> None:
    complaint_repeat_flag(complaint=complaint)


REACTIONS: dict[str, Reaction] = {
    codes.CLOSED: _closed,
    codes.CLASSIFIED: _classified,
    codes.RECATEGORIZED: _classified,
}
