"""The one hook other apps use to react to what happens to a complaint.

`complaint_event` is sent for every history row, inside the transaction that
writes it, with ``event`` (the ComplaintEvent) and ``complaint``. A receiver
that writes rows (an outbox notice, a due date) commits or rolls back together
with the change that caused it.

Apps do not connect to it directly: each lists its reactions in its
``handlers.py`` as a table {declared code: reaction} and connects the table
with ``reactions_connect``, which refuses a code that no app declared
(complaints.history).

One more hook, for a new complaint only: ``receipt_fields_connect`` registers a
function that, given the complaint about to be recorded (not saved yet), returns
the values of the fields its app owns (sla: the acknowledgement due date). They
go into the complaint's INSERT, instead of an UPDATE of the row just written
(issue 15: a submission is one transaction of at most ten statements).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

from .history import code_is_declared, is_escalation, moves_due_date

if TYPE_CHECKING:
    from .models import Complaint, ComplaintEvent

complaint_event = Signal()

Reaction = Callable[["Complaint", "ComplaintEvent"], object]
ReceiptFields = Callable[["Complaint"], Mapping[str, Any]]

_RECEIPT_FIELDS: dict[str, ReceiptFields] = {}


def receipt_fields_connect(*, app: str, fields: ReceiptFields) -> None:
    """Let ``app`` fill in the fields it owns on every new complaint before its INSERT.

    ``fields(complaint)`` sees the complaint as received (kind, channel, stamps)
    and returns {field name: value}; it must not query or write the database.
    """
    _RECEIPT_FIELDS[app] = fields


def receipt_fields_apply(complaint: Complaint) -> None:
    """Set every app's receipt fields on the unsaved ``complaint`` (complaint_submit)."""
    for fields in _RECEIPT_FIELDS.values():
        for name, value in fields(complaint).items():
            setattr(complaint, name, value)


def reactions_connect(
    *,
    app: str,
    reactions: Mapping[str, Reaction],
    on_escalation: Reaction | None = None,
    on_due_moved: Reaction | None = None,
) -> None:
    """Connect ``app``'s table of reactions to ``complaint_event``.

    ``reactions`` maps declared codes to a reaction ``(complaint, event)``;
    ``on_escalation`` runs for every code declared as an escalation, and
    ``on_due_moved`` for every code declared as moving a due date, whoever
    declared them. Raises ImproperlyConfigured for a code nobody declared.
    """
    unknown = sorted(code for code in reactions if not code_is_declared(code))
    if unknown:
        raise ImproperlyConfigured(
            f"{app}: reactions keyed on undeclared action codes: {', '.join(unknown)}"
        )
    table = dict(reactions)

    def receiver(
        sender: Any, *, event: ComplaintEvent, complaint: Complaint, **kwargs: Any
    ) -> None:
        reaction = table.get(event.action)
        if reaction is not None:
            reaction(complaint, event)
        elif on_escalation is not None and is_escalation(event.action):
            on_escalation(complaint, event)
        elif on_due_moved is not None and moves_due_date(event.action):
            on_due_moved(complaint, event)

    complaint_event.connect(receiver, dispatch_uid=f"{app}.reactions", weak=False)
