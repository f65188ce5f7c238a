"""What the providers report after a notice left: anymail's tracking webhooks
and Twilio's status callbacks, applied to the notice they are about."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from complaints.codes import ACKNOWLEDGEMENT_UNDELIVERED
from complaints.services import acknowledgement_given_by_staff, event_record

from . import codes
from .models import Kind, Notification, Status
from .services import event_data

# Provider reports arrive out of order (a "sent" after a "delivered"): a report
# never moves the delivery status back to an earlier rank.
DELIVERY_RANK = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 1,
    "sending": 2,
    "sent": 2,
    "deferred": 2,
    "delivered": 3,
    "autoresponded": 3,
    "read": 4,
    "opened": 4,
    "clicked": 4,
    "complained": 4,
    "unsubscribed": 4,
    "bounced": 5,
    "rejected": 5,
    "failed": 5,
    "undelivered": 5,
    "canceled": 5,
}
DELIVERY_FAILURES = frozenset({"bounced", "rejected", "failed", "undelivered", "canceled"})


def notification_record_delivery(
    *,
    channel: str,
    provider_message_id: str,
    status: str,
    description: str = "",
    at: datetime | None = None,
) -> Notification | None:
    """Apply a provider's delivery report to the notice it is about.

    A failure reported after the provider took the notice (bounce, undelivered)
    marks it failed, for staff to see and retry. Returns the notice, or None
    when the report matches none or says nothing we track.
    """
    # Reports arrive as JSON too (anymail's tracking webhooks): whatever types the
    # provider's fields had, they are compared as text.
    provider_message_id, status = str(provider_message_id or ""), str(status or "").lower()
    # And past the NUL middleware: PostgreSQL cannot compare a NUL, and no id of
    # ours holds one.
    if not provider_message_id or "\x00" in provider_message_id or status not in DELIVERY_RANK:
        return None
    description = str(description or "").replace("\x00", "")
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(channel=channel, provider_message_id=provider_message_id)
            .select_related("complaint")
            .first()
        )
        if notification is None:
            return None
        if DELIVERY_RANK[status] < DELIVERY_RANK.get(notification.delivery_status, 0):
            return notification
        if status == notification.delivery_status:
            return notification
        now = timezone.now()
        notification.delivery_status = status
        notification.delivery_updated_at = at or now
        fields = ["delivery_status", "delivery_updated_at", "updated_at"]
        if status in DELIVERY_FAILURES and notification.status == Status.SENT:
            notification.status = Status.FAILED
            notification.failed_at = now
            notification.last_error = f"{status}: {description}".strip(": ")[:2000]
            fields += ["status", "failed_at", "last_error"]
        notification.save(update_fields=fields)
        if "status" in fields:
            data = event_data(notification, delivery_status=status)
            event_record(
                complaint=notification.complaint,
                action=codes.NOTICE_UNDELIVERED,
                note=description[:500],
                data=data,
            )
            if notification.kind == Kind.ACKNOWLEDGEMENT:
                _acknowledgement_undelivered(notification, data, description)
    return notification


def _acknowledgement_undelivered(notification: Notification, data: dict, description: str) -> None:
    """Issue 10, item 5: the acknowledgement counted as sent did not arrive.

    Reported (complaints' code) only while no acknowledgement by staff stands:
    the sla app then un-meets the target and this app asks staff to call
    (handlers.py). It happens once per failed notice: the row turned from sent
    to failed under the row lock above, and a duplicate or later report finds
    it failed already; a "delivered" after a bounce ranks lower and is ignored.
    """
    if acknowledgement_given_by_staff(complaint=notification.complaint):
        return
    event_record(
        complaint=notification.complaint,
        action=ACKNOWLEDGEMENT_UNDELIVERED,
        note=description[:500],
        data={
            **data,
            "sent_at": notification.sent_at.isoformat() if notification.sent_at else None,
        },
    )
