"""The notices of the customer conversation (docs/conversation.md), as reactions
to complaints' history codes (handlers.CONVERSATION_REACTIONS lists them):

- a staff message that is not an internal note → the customer, where
  notices.customer_contact says (WhatsApp while the customer's window is open,
  else e-mail when the complaint has one, else SMS), with the link to their page;
- an access code asked for on the customer's page → that contact;
- the customer writes, sends files or rejects a decision, or a complaint is
  assigned → an e-mail to the assignee (while there is none: the
  Representative group), unless they turned that alert off, or did it themselves.

Each is one outbox row per (event, kind, recipient): exactly once, retried,
with its delivery status, like every other notice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from complaints.models import AccessCode, Complaint, ComplaintEvent
from complaints.services import access_code_plaintext

from . import conf
from .content import render_notice
from .conversation_content import ALERT_TOPICS
from .models import Kind, Medium, Notification, Proactive, StaffAlertPreference
from .notices import customer_contact
from .proactive import proactive_wanted
from .services import notification_queue


def notice_staff_reply_queue(complaint: Complaint, event: ComplaintEvent) -> Notification | None:
    """A reply staff wrote for the customer (internal notes have another code
    and never reach this). A question that pauses the clock goes in the
    proactive notice (notifications.proactive), never as a second one; with
    questions left out of NOTIFICATIONS_PROACTIVE it goes as a reply, since a
    message staff wrote for the customer always reaches them."""
    if event.data.get("question") and proactive_wanted(Proactive.QUESTION):
        return None
    contact = customer_contact(complaint=complaint)
    if contact is None:
        # No address and no number (a phone complaint): staff call the customer.
        return None
    channel, recipient = contact
    return notification_queue(
        complaint=complaint,
        event=event,
        kind=Kind.STAFF_REPLY,
        channel=channel,
        recipient=recipient,
        language=complaint.language,
    )


def notice_access_code_queue(complaint: Complaint, event: ComplaintEvent) -> Notification | None:
    """The one-time code, rendered now: only a hash of it is kept elsewhere, and
    the plaintext is gone once this history row's reactions have run."""
    code_id = event.data.get("code")
    code = access_code_plaintext(code_id) if isinstance(code_id, int) else None
    row = AccessCode.objects.filter(pk=code_id, complaint=complaint).first()
    if code is None or row is None:
        return None
    recipient = complaint.contact_email if row.via == Medium.EMAIL else complaint.contact_phone
    if not recipient:
        return None
    notification = notification_queue(
        complaint=complaint,
        event=event,
        kind=Kind.ACCESS_CODE,
        channel=row.via,
        recipient=recipient,
        language=complaint.language,
    )
    content = render_notice(notification, extra={"code": code})
    # A code that arrives after it expired is no use: stop retrying then.
    Notification.objects.filter(pk=notification.pk).update(
        subject=content.subject[:255],
        body_text=content.text,
        body_html=content.html,
        give_up_at=min(notification.give_up_at, row.expires_at + timedelta(seconds=60)),
    )
    return notification


# --- Alerts to staff ---------------------------------------------------------------


def group_members(name: str) -> QuerySet:
    """The active staff of group ``name`` with an e-mail address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=name)
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )


def alert_recipients(*, complaint: Complaint, topic: str, actor_id: int | None) -> list[Any]:
    """The assignee (while there is none: the Representative group) who want
    this alert, without whoever caused it; each address once."""
    candidates: list[Any]
    if complaint.assignee is not None:
        candidates = [complaint.assignee]
    elif topic == "assigned":
        candidates = []
    else:
        candidates = list(group_members(conf.representative_group()))
    declined = set(
        StaffAlertPreference.objects.filter(
            user__in=[u.pk for u in candidates], **{topic: False}
        ).values_list("user_id", flat=True)
    )
    seen: set[str] = set()
    recipients = []
    for user in candidates:
        email = (user.email or "").strip().lower()
        if not user.is_active or not email or email in seen:
            continue
        if user.pk in declined or user.pk == actor_id:
            continue
        seen.add(email)
        recipients.append(user)
    return recipients


def _alert_wanted(complaint: Complaint, event: ComplaintEvent, topic: str) -> bool:
    # Files sent with the form itself come with the new complaint: no alert.
    return not (topic == "customer_files" and event.data.get("at_submission"))


def notice_staff_alert_queue(complaint: Complaint, event: ComplaintEvent) -> list[Notification]:
    topic = ALERT_TOPICS.get(event.action, "")
    if not topic or not _alert_wanted(complaint, event, topic):
        return []
    return [
        notification_queue(
            complaint=complaint,
            event=event,
            kind=Kind.STAFF_ALERT,
            channel=Medium.EMAIL,
            recipient=user.email.strip(),
            language=conf.staff_language(),
            recipient_user=user,
        )
        for user in alert_recipients(complaint=complaint, topic=topic, actor_id=event.actor_id)
    ]
