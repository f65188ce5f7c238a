"""Every reaction of this app, in one place.

complaints sends ``complaint_event`` inside the transaction of every history
row; the notice is queued in that same transaction (the outbox), and sent
after commit. Delivery reports from anymail's tracking webhooks land here too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from complaints import codes
from complaints.models import Complaint, ComplaintEvent

from . import conversation, notices
from .delivery import notification_record_delivery
from .models import Medium

Reaction = Callable[..., Any]

REACTIONS: dict[str, Reaction] = {
    "complaints.complaint.received": notices.notice_acknowledgement_queue,
    "complaints.complaint.decision_notified": notices.notice_decision_queue,
    "complaints.complaint.closed": notices.notice_closure_queue,
    "complaints.complaint.reopened": notices.notice_reevaluation_queue,
    # Written by the SLA sweep (sla app); data may carry "due_at".
    "sla.ack.at_risk": notices.notice_escalation_queue,
    "sla.ack.breached": notices.notice_escalation_queue,
    "sla.resolution.at_risk": notices.notice_escalation_queue,
    "sla.resolution.breached": notices.notice_escalation_queue,
}


# The customer conversation (docs/conversation.md); connected with
# complaints.signals.reactions_connect, so a misspelt code fails at start-up.
CONVERSATION_REACTIONS: dict[str, Callable[[Complaint, ComplaintEvent], Any]] = {
    codes.MESSAGE_FROM_STAFF: conversation.notice_staff_reply_queue,
    codes.ACCESS_CODE_REQUESTED: conversation.notice_access_code_queue,
    # Alerts to staff (the customer's reevaluation notice reacts to REOPENED above).
    codes.MESSAGE_FROM_CUSTOMER: conversation.notice_staff_alert_queue,
    codes.ATTACHMENT_ADDED: conversation.notice_staff_alert_queue,
    codes.REOPENED: conversation.notice_staff_alert_queue,
    codes.ASSIGNED: conversation.notice_staff_alert_queue,
    codes.TRACKING_STARTED: conversation.notice_staff_alert_queue,
}


def on_complaint_event(
    sender: Any, *, event: ComplaintEvent, complaint: Complaint, **kwargs: Any
) -> None:
    # Our own history rows (notice sent / failed…) come back through the same
    # signal: never react to them, or a notice would cause notices.
    if event.action.startswith("notifications."):
        return
    reaction = REACTIONS.get(event.action)
    if reaction is not None:
        reaction(complaint=complaint, event=event)


def on_anymail_tracking(sender: Any, *, event: Any, esp_name: str = "", **kwargs: Any) -> None:
    notification_record_delivery(
        channel=Medium.EMAIL,
        provider_message_id=getattr(event, "message_id", None) or "",
        status=getattr(event, "event_type", "") or "",
        description=getattr(event, "description", None)
        or getattr(event, "mta_response", None)
        or "",
        at=getattr(event, "timestamp", None),
    )
