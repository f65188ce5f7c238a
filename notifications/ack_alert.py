"""Issue 10, item 5: the acknowledgement notice bounced, so staff acknowledge by phone.

complaints' ``complaints.acknowledgement.undelivered`` (reported by delivery.py
once per failed notice, while no acknowledgement by staff stands) makes this
app e-mail the complaint's assignee, or while there is none the active members
of NOTIFICATIONS_ACK_UNDELIVERED_GROUP (Representative), through the outbox:
one row per (event, recipient), so a reaction run twice sends nothing more.
"""

from __future__ import annotations

from typing import Any

from complaints.models import Complaint, ComplaintEvent

from . import conf
from .conversation import group_members
from .models import Kind, Medium, Notification
from .services import notification_queue


def ack_undelivered_recipients(*, complaint: Complaint) -> list[Any]:
    """The assignee (while there is none: the group's active staff), each address once."""
    if complaint.assignee is not None:
        candidates: list[Any] = [complaint.assignee]
    else:
        candidates = list(group_members(conf.ack_undelivered_group()))
    seen: set[str] = set()
    recipients = []
    for user in candidates:
        email = (user.email or "").strip().lower()
        if not user.is_active or not email or email in seen:
            continue
        seen.add(email)
        recipients.append(user)
    return recipients


def notice_ack_undelivered_queue(complaint: Complaint, event: ComplaintEvent) -> list[Notification]:
    return [
        notification_queue(
            complaint=complaint,
            event=event,
            kind=Kind.ACK_UNDELIVERED,
            channel=Medium.EMAIL,
            recipient=user.email.strip(),
            language=conf.staff_language(),
            recipient_user=user,
        )
        for user in ack_undelivered_recipients(complaint=complaint)
    ]
