"""Who is told what: the notices each reaction queues (handlers.py maps the
history's action codes to these)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from complaints.models import CONTACT_CHANNELS, Complaint, ComplaintEvent

from . import conf
from .answers import decision_notice_awaiting
from .models import Kind, Medium, Notification
from .services import notification_queue


def customer_contact(
    *, complaint: Complaint, now: datetime | None = None
) -> tuple[str, str] | None:
    """Where the customer's notices go: on WhatsApp while the window of their
    last WhatsApp message is open; else e-mail when given, else SMS, else nowhere.

    WhatsApp lets a business write freely only within 24 hours of the
    customer's last message; after that only an approved template may go, so
    a notice that must go out then goes by e-mail, or by SMS to the same number.
    """
    if complaint.contact_phone and whatsapp_window_open(complaint=complaint, now=now):
        return Medium.WHATSAPP, complaint.contact_phone
    if complaint.contact_email:
        return Medium.EMAIL, complaint.contact_email
    if complaint.contact_phone:
        return Medium.SMS, complaint.contact_phone
    return None


def whatsapp_window_open(*, complaint: Complaint, now: datetime | None = None) -> bool:
    """The customer wrote on WhatsApp within NOTIFICATIONS_WHATSAPP_WINDOW_SECONDS
    (23 h: WhatsApp's 24, less a margin for the send and its first retries)."""
    last = complaint.whatsapp_inbound_at
    if last is None or not conf.whatsapp_enabled():
        return False
    return (now or timezone.now()) - last < timedelta(seconds=conf.whatsapp_window_seconds())


def _customer_notice(
    *, complaint: Complaint, event: ComplaintEvent, kind: str
) -> Notification | None:
    contact = customer_contact(complaint=complaint)
    if contact is None:
        # Phone and in-person complaints without an address or a number: staff
        # tell the customer on the phone (PROCESS.md stages 2 and 7).
        return None
    channel, recipient = contact
    return notification_queue(
        complaint=complaint,
        event=event,
        kind=kind,
        channel=channel,
        recipient=recipient,
        language=complaint.language,
    )


def notice_acknowledgement_queue(
    *, complaint: Complaint, event: ComplaintEvent
) -> Notification | None:
    """PROCESS.md stage 2: the tracking number, told the same day.

    Phone and in-person complaints got it during the contact, an inbound SMS or
    WhatsApp message in the reply: complaint_submit acknowledges them in the same step and says so
    on the received row, so nothing is sent.
    """
    if complaint.channel in CONTACT_CHANNELS or event.data.get("acknowledged_on_contact"):
        return None
    return _customer_notice(complaint=complaint, event=event, kind=Kind.ACKNOWLEDGEMENT)


def notice_decision_queue(*, complaint: Complaint, event: ComplaintEvent) -> Notification | None:
    """PROCESS.md stage 7: the decision and the proposal, with accept / reject links.

    A decision given on a phone call goes out in writing too (the customer
    keeps it, and its links answer it), unless they answered on the call: then
    its links would answer a decision already answered, and the closure or
    re-evaluation notice that follows says what happened.
    """
    if event.data.get("answered_on_call"):
        return None
    return _customer_notice(complaint=complaint, event=event, kind=Kind.DECISION)


def notice_closure_queue(*, complaint: Complaint, event: ComplaintEvent) -> Notification | None:
    return _customer_notice(complaint=complaint, event=event, kind=Kind.CLOSURE)


def notice_reevaluation_queue(
    *, complaint: Complaint, event: ComplaintEvent
) -> Notification | None:
    """PROCESS.md stage 8: not satisfied, so the complaint is investigated again."""
    return _customer_notice(complaint=complaint, event=event, kind=Kind.REEVALUATION)


def notice_decision_reminder_queue(
    *, complaint: Complaint, event: ComplaintEvent
) -> Notification | None:
    """PROCESS.md "An unanswered decision": the customer is reminded once, with
    the same ways to answer, where the decision notice went (its links answer
    the same decision, once). A decision sent on WhatsApp is recalled where
    customer_contact says now: days later the WhatsApp window has closed,
    unless the customer wrote there again."""
    decision = decision_notice_awaiting(complaint=complaint)
    if decision is None:
        return None
    channel, recipient = decision.channel, decision.recipient
    if channel == Medium.WHATSAPP:
        contact = customer_contact(complaint=complaint)
        if contact is None:
            return None
        channel, recipient = contact
    return notification_queue(
        complaint=complaint,
        event=event,
        kind=Kind.DECISION_REMINDER,
        channel=channel,
        recipient=recipient,
        language=decision.language,
    )


def escalation_recipients(*, complaint: Complaint) -> list[Any]:
    """The assignee and the active managers with an e-mail address, each once."""
    User = get_user_model()
    candidates: list[Any] = []
    if complaint.assignee_id is not None:
        candidates.append(complaint.assignee)
    candidates.extend(
        User.objects.filter(is_active=True, groups__name=conf.manager_group())
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )
    seen: set[str] = set()
    recipients = []
    for user in candidates:
        email = (user.email or "").strip().lower()
        if not user.is_active or not email or email in seen:
            continue
        seen.add(email)
        recipients.append(user)
    return recipients


def notice_escalation_queue(*, complaint: Complaint, event: ComplaintEvent) -> list[Notification]:
    """An SLA target at risk or breached: the assignee and the managers are told.

    A breach the sla app records when the target is met late (its data carries
    ``met_at``) is history only: there is nothing left to act on.
    """
    if event.data.get("met_at"):
        return []
    return [
        notification_queue(
            complaint=complaint,
            event=event,
            kind=Kind.ESCALATION,
            channel=Medium.EMAIL,
            recipient=user.email.strip(),
            language=conf.staff_language(),
            recipient_user=user,
        )
        for user in escalation_recipients(complaint=complaint)
    ]


# --- Messages other apps ask for (complaints.codes.CUSTOMER_INVITED / STAFF_ALERTED) ---
# The app that writes the row decided to send; these only check the kind is one
# we have templates for.
CUSTOMER_INVITATIONS = frozenset({Kind.SURVEY_INVITATION})
STAFF_ALERTS = frozenset({Kind.SURVEY_LOW_SCORE})


def notice_invitation_queue(*, complaint: Complaint, event: ComplaintEvent) -> Notification | None:
    """Send the customer the invitation of kind ``data["notice"]`` (link in ``data["url"]``)."""
    kind = str(event.data.get("notice") or "")
    if kind not in CUSTOMER_INVITATIONS or not event.data.get("url"):
        return None
    return _customer_notice(complaint=complaint, event=event, kind=kind)


def notice_staff_alert_queue(*, complaint: Complaint, event: ComplaintEvent) -> list[Notification]:
    """E-mail the alert of kind ``data["notice"]`` to the complaint's representative
    and the active members of ``data["group"]``, each once."""
    kind = str(event.data.get("notice") or "")
    if kind not in STAFF_ALERTS:
        return []
    User = get_user_model()
    candidates: list[Any] = [complaint.assignee] if complaint.assignee_id else []
    group = str(event.data.get("group") or "")
    if group:
        candidates.extend(
            User.objects.filter(is_active=True, groups__name=group)
            .exclude(email="")
            .order_by("pk")
            .distinct()
        )
    seen: set[str] = set()
    queued = []
    for user in candidates:
        email = (user.email or "").strip()
        if not user.is_active or not email or email.lower() in seen:
            continue
        seen.add(email.lower())
        queued.append(
            notification_queue(
                complaint=complaint,
                event=event,
                kind=kind,
                channel=Medium.EMAIL,
                recipient=email,
                language=conf.staff_language(),
                recipient_user=user,
            )
        )
    return queued
