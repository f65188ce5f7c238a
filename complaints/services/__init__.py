"""Everything that changes a complaint. Views, admin, API, tasks and commands
call these functions; nothing else writes the stage. One module per part of
the process; import them from here."""

from ..permissions import Actor
from .access import (
    AccessRefused,
    access_code_plaintext,
    access_code_request,
    access_code_verify,
    access_contacts,
)
from .acknowledgement import acknowledgement_given_by_staff, complaint_acknowledgement_give
from .assignment import complaint_assign
from .attachments import complaint_attachments_add, complaint_attachments_check
from .classification import complaint_classify, complaint_recategorize, complaint_reprioritize
from .conversation import (
    complaint_whatsapp_inbound_record,
    customer_message_post,
    mail_thread_record,
)
from .customers import customer_merge
from .decision_calls import decision_call_record
from .errors import ComplaintError, GuardFailed, TransitionNotAllowed
from .events import describe, event_record
from .messages import complaint_message_add
from .submission import complaint_register, complaint_submit, customer_get_or_create
from .transitions import complaint_record_answer, complaint_transition
from .waiting import WaitEnd, complaint_wait_end, complaint_wait_for_customer, complaint_wait_resume

__all__ = [
    "AccessRefused",
    "Actor",
    "ComplaintError",
    "GuardFailed",
    "TransitionNotAllowed",
    "WaitEnd",
    "access_code_plaintext",
    "access_code_request",
    "access_code_verify",
    "access_contacts",
    "acknowledgement_given_by_staff",
    "complaint_acknowledgement_give",
    "complaint_assign",
    "complaint_attachments_add",
    "complaint_attachments_check",
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
    "complaint_whatsapp_inbound_record",
    "customer_get_or_create",
    "customer_merge",
    "customer_message_post",
    "decision_call_record",
    "describe",
    "event_record",
    "mail_thread_record",
]
