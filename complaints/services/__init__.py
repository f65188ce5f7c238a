"""Everything that changes a complaint. Views, admin, API, tasks and commands
call these functions; nothing else writes the stage. One module per part of
the process; import them from here."""

from ..permissions import Actor
from .assignment import complaint_assign
from .classification import complaint_classify, complaint_recategorize, complaint_reprioritize
from .customers import customer_merge
from .errors import ComplaintError, GuardFailed, TransitionNotAllowed
from .events import describe, event_record
from .messages import complaint_message_add
from .submission import complaint_register, complaint_submit, customer_get_or_create
from .transitions import complaint_record_answer, complaint_transition
from .waiting import WaitEnd, complaint_wait_end, complaint_wait_for_customer, complaint_wait_resume

__all__ = [
    "Actor",
    "ComplaintError",
    "GuardFailed",
    "TransitionNotAllowed",
    "WaitEnd",
    "complaint_assign",
    "complaint_classify",
    "complaint_message_add",
    "complaint_recategorize",
    "complaint_record_answer",
    "complaint_register",
    "complaint_reprioritize",
    "complaint_submit",
    "complaint_transition",
    "complaint_wait_end",
    "complaint_wait_for_customer",
    "complaint_wait_resume",
    "customer_get_or_create",
    "customer_merge",
    "describe",
    "event_record",
]
