"""Messages on a complaint: the customer's, staff's, and internal notes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
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
    question: bool = False,
) -> ComplaintMessage:
    """A message from the customer or from staff; internal notes stay with staff.

    ``question``: staff ask the customer for information and wait for the
    answer; only complaints.services.waiting passes it, with the wait itself.
    """
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
    if question and (author_kind != ComplaintMessage.Author.STAFF or internal):
        raise GuardFailed({"question": _("A question is a staff message to the customer.")})
    with transaction.atomic():
        message = ComplaintMessage.objects.create(
            complaint=complaint,
            body=body,
            author_kind=author_kind,
            author=actor_user(actor) if author_kind == ComplaintMessage.Author.STAFF else None,
            internal=internal,
            question=question,
            channel=channel,
            created_at=timezone.now(),
        )
        data: dict[str, object] = {"message": message.pk, "channel": channel}
        if question:
            data["question"] = True
        event_record(
            complaint=complaint,
            action=codes.INTERNAL_NOTE if internal else _MESSAGE_CODES[author_kind],
            actor=actor if author_kind == ComplaintMessage.Author.STAFF else None,
            data=data,
        )
    return message
