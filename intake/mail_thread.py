"""Which complaint an inbound e-mail answers, by its headers first.

A reply carries ``In-Reply-To`` (the message it answers) and ``References``
(the thread): the Message-IDs of our notices and of the customer's earlier
e-mails are in complaints' thread table, so a reply lands on its complaint even
when the customer changed the subject and quoted no tracking number. Only when
no header matches does intake look for a tracking number in the subject or
text (intake.inbound).
"""

from __future__ import annotations

from typing import Any

from complaints.conversation import complaint_by_message_id, message_ids_in
from complaints.models import Complaint, MailThreadEntry
from complaints.services import mail_thread_record

from .models import InboundMessage

_THREADED = {
    InboundMessage.Outcome.MESSAGE_ADDED,
    InboundMessage.Outcome.NEW_COMPLAINT,
    InboundMessage.Outcome.FOLLOW_UP,
}


def _header(message: Any, name: str) -> str:
    return str(message.get(name, "") or "")


def complaint_replied_to(message: Any) -> Complaint | None:
    """The complaint of the message this e-mail replies to: In-Reply-To, then
    References from the newest."""
    ids = message_ids_in(_header(message, "In-Reply-To"))
    ids += list(reversed(message_ids_in(_header(message, "References"))))
    return complaint_by_message_id(ids)


def inbound_thread_record(inbound: InboundMessage, message: Any) -> None:
    """Keep the customer's Message-ID with the complaint it went to, so that our
    next notice answers it (In-Reply-To) and later replies find the thread."""
    if inbound.complaint is None or inbound.outcome not in _THREADED:
        return
    found = message_ids_in(_header(message, "Message-ID"))
    if not found:
        return
    parents = message_ids_in(_header(message, "In-Reply-To"))
    mail_thread_record(
        complaint=inbound.complaint,
        message_id=found[0],
        direction=MailThreadEntry.Direction.INCOMING,
        in_reply_to=parents[0] if parents else "",
        references=message_ids_in(_header(message, "References")),
    )
