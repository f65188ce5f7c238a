"""Who is told what: the notices each reaction queues (handlers.py maps the
history's action codes to these)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from complaints.models import CONTACT_CHANNELS, Complaint, ComplaintEvent

from . import conf
from .answers import decision_notice_awaiting
from .models import Kind, Medium, Notification
from .services import notification_queue


def customer_contact(*, complaint: Complaint) -> tuple[str, str] | None:
    """Where the customer's notices go: e-mail when given, else SMS, else nowhere."""
    if complaint.contact_email:
        return Medium.EMAIL, complaint.contact_email
    if complaint.contact_phone:
        return Medium.SMS, complaint.contact_phone
    return None


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

    Phone and in-person complaints got it during the contact, an inbound SMS in
    the reply: complaint_submit acknowledges them in the same step and says so
    on the received row, so nothing is sent.
    """
    if complaint.channel in CONTACT_CHANNELS or event.data.get("acknowledged_on_contact"):
        return None
    return _customer_notice(complaint=complaint, event=event, kind=Kind.ACKNOWLEDGEMENT)


def notice_decision_queue(*, complaint: Complaint, event: ComplaintEvent) -> Notification | None:
    """PROCESS.md stage 7: the decision and the proposal, with accept / reject links."""
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
    the same decision, once)."""
    decision = decision_notice_awaiting(complaint=complaint)
    if decision is None:
        return None
    return notification_queue(
        complaint=complaint,
        event=event,
        kind=Kind.DECISION_REMINDER,
        channel=decision.channel,
        recipient=decision.recipient,
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
