"""Messages on a complaint: the customer's, staff's, and internal notes."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .. import codes
from ..models import Channel, Complaint, ComplaintMessage
from ..permissions import Actor, actor_require, actor_user
from .errors import GuardFailed
from .events import event_record

_MESSAGE_CODES: dict[str, str] = {
    ComplaintMessage.Author.CUSTOMER: codes.MESSAGE_FROM_CUSTOMER,
    ComplaintMessage.Author.STAFF: codes.MESSAGE_FROM_STAFF,
}


def complaint_message_add(
    *,
    complaint: Complaint,
    body: str,
    author_kind: str,
    channel: str,
    actor: Actor = None,
    internal: bool = False,
) -> ComplaintMessage:
    """A message from the customer or from staff; internal notes stay with staff."""
    body = (body or "").strip()
    if not body:
        raise GuardFailed({"body": _("Write a message.")})
    if author_kind not in ComplaintMessage.Author.values:
        raise GuardFailed({"author_kind": _("Choose customer or staff.")})
    if channel not in Channel.values:
        raise GuardFailed({"channel": _("Choose a valid channel.")})
    if complaint.anonymised_at is not None:
        # KVKK: nothing personal is added back to an anonymised record.
        raise GuardFailed({"body": _("This complaint was anonymised: record a new one.")})
    if author_kind == ComplaintMessage.Author.STAFF:
        actor_require(actor, "complaints.add_complaintmessage")
    elif internal:
        raise GuardFailed({"internal": _("Only staff write internal notes.")})
    with transaction.atomic():
        message = ComplaintMessage.objects.create(
            complaint=complaint,
            body=body,
            author_kind=author_kind,
            author=actor_user(actor) if author_kind == ComplaintMessage.Author.STAFF else None,
            internal=internal,
            channel=channel,
        )
        event_record(
            complaint=complaint,
            action=codes.INTERNAL_NOTE if internal else _MESSAGE_CODES[author_kind],
            actor=actor if author_kind == ComplaintMessage.Author.STAFF else None,
            data={"message": message.pk, "channel": channel},
        )
    return message
