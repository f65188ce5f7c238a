"""Every reaction of this app, in one place.

complaints sends ``complaint_event`` inside the transaction of every history
row; the table below (connected with complaints.signals.reactions_connect,
which refuses a code nobody declared) queues the notice in that same
transaction (the outbox), and it is sent after commit. Only the codes listed
here cause a notice, so this app's own rows (notice sent, failed…) never do.

Staff are told of every code declared as an escalation (sla's at-risk and
breach events), whoever declares it: this app does not know sla's codes.

Delivery reports from anymail's tracking webhooks land here too.
"""

from __future__ import annotations

from typing import Any

from complaints import codes
from complaints.models import Complaint, ComplaintEvent
from complaints.signals import Reaction

from . import ack_alert, conversation, notices, proactive
from .delivery import notification_record_delivery
from .models import Medium


def _received(complaint: Complaint, event: ComplaintEvent) -> None:
    notices.notice_acknowledgement_queue(complaint=complaint, event=event)


def _decision_notified(complaint: Complaint, event: ComplaintEvent) -> None:
    notices.notice_decision_queue(complaint=complaint, event=event)


def _closed(complaint: Complaint, event: ComplaintEvent) -> None:
    notices.notice_closure_queue(complaint=complaint, event=event)


def _reopened(complaint: Complaint, event: ComplaintEvent) -> None:
    notices.notice_reevaluation_queue(complaint=complaint, event=event)


def _customer_invited(complaint: Complaint, event: ComplaintEvent) -> None:
    notices.notice_invitation_queue(complaint=complaint, event=event)


def _staff_alerted(complaint: Complaint, event: ComplaintEvent) -> None:
    notices.notice_staff_alert_queue(complaint=complaint, event=event)


def _told_unasked(complaint: Complaint, event: ComplaintEvent) -> None:
    # Issue 10, item 7: classified, a question from staff, a due date moved;
    # events close together go out as one notice (notifications.proactive).
    proactive.notice_proactive_queue(complaint=complaint, event=event)


def _decision_reminder(complaint: Complaint, event: ComplaintEvent) -> None:
    notices.notice_decision_reminder_queue(complaint=complaint, event=event)


def on_due_moved(complaint: Complaint, event: ComplaintEvent) -> None:
    # Any code declared as moving a due date (sla's pause, resume, recomputation).
    _told_unasked(complaint, event)


def on_escalation(complaint: Complaint, event: ComplaintEvent) -> None:
    # An SLA event (its data may carry "due_at" and "met_at").
    notices.notice_escalation_queue(complaint=complaint, event=event)


REACTIONS: dict[str, Reaction] = {
    codes.RECEIVED: _received,
    codes.DECISION_NOTIFIED: _decision_notified,
    codes.CLOSED: _closed,
    codes.REOPENED: _reopened,
    # Asked for by other apps (the improvement app's survey): data says what.
    codes.CUSTOMER_INVITED: _customer_invited,
    codes.STAFF_ALERTED: _staff_alerted,
    # PROCESS.md "Waiting on the customer" / "An unanswered decision".
    codes.MESSAGE_FROM_STAFF: _told_unasked,  # only a question (the reply: below)
    codes.CLASSIFIED: _told_unasked,
    codes.DECISION_REMINDER: _decision_reminder,
    # Issue 10, item 5: the acknowledgement bounced; staff acknowledge by phone.
    codes.ACKNOWLEDGEMENT_UNDELIVERED: ack_alert.notice_ack_undelivered_queue,
}


# The customer conversation (docs/conversation.md); connected with
# complaints.signals.reactions_connect, so a misspelt code fails at start-up.
CONVERSATION_REACTIONS: dict[str, Reaction] = {
    codes.MESSAGE_FROM_STAFF: conversation.notice_staff_reply_queue,
    codes.ACCESS_CODE_REQUESTED: conversation.notice_access_code_queue,
    # Alerts to staff (the customer's reevaluation notice reacts to REOPENED above).
    codes.MESSAGE_FROM_CUSTOMER: conversation.notice_staff_alert_queue,
    codes.ATTACHMENT_ADDED: conversation.notice_staff_alert_queue,
    codes.REOPENED: conversation.notice_staff_alert_queue,
    codes.ASSIGNED: conversation.notice_staff_alert_queue,
    codes.TRACKING_STARTED: conversation.notice_staff_alert_queue,
}


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
