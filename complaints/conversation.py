"""Read-side queries of the conversation: what the verified customer sees, and
which complaint an e-mail's Message-ID belongs to."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q

from .models import (
    Answer,
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    Kind,
    MailThreadEntry,
    MessageAuthor,
    Stage,
)

_MSGID = re.compile(r"<[^<>\s]{1,250}>")


def message_ids_in(header: str) -> list[str]:
    """The ``<msg-id>`` values of an In-Reply-To or References header, in order."""
    return _MSGID.findall(str(header or ""))


def complaint_by_message_id(message_ids: Iterable[str]) -> Complaint | None:
    """The complaint whose e-mail thread holds one of these Message-IDs; the
    first id that is known wins (pass In-Reply-To first, then References
    from the newest)."""
    wanted = [m if m.startswith("<") else f"<{m}>" for m in message_ids if m][:50]
    if not wanted:
        return None
    known = dict(
        MailThreadEntry.objects.filter(message_id__in=wanted).values_list(
            "message_id", "complaint_id"
        )
    )
    for message_id in wanted:
        if message_id in known:
            return Complaint.objects.filter(pk=known[message_id]).first()
    return None


def mail_thread(complaint: Complaint) -> list[MailThreadEntry]:
    return list(MailThreadEntry.objects.filter(complaint=complaint).order_by("created_at", "id"))


@dataclass(frozen=True)
class ConversationItem:
    at: datetime
    from_customer: bool
    body: str
    attachments: list[ComplaintAttachment] = field(default_factory=list)


def public_messages_q() -> Q:
    """What of the conversation the customer sees: everything but internal notes."""
    return Q(internal=False)


def customer_conversation(complaint: Complaint) -> list[ConversationItem]:
    """The public conversation, oldest first: messages both ways with their
    files, and the files sent on their own (with the form, or later)."""
    messages = (
        ComplaintMessage.objects.filter(public_messages_q(), complaint=complaint)
        .prefetch_related(
            Prefetch("attachments", queryset=ComplaintAttachment.objects.order_by("id"))
        )
        .order_by("created_at", "id")
    )
    items = [
        ConversationItem(
            at=m.created_at,
            from_customer=m.author_kind == MessageAuthor.CUSTOMER,
            body=m.body,
            attachments=list(m.attachments.all()),
        )
        for m in messages
    ]
    loose = ComplaintAttachment.objects.filter(complaint=complaint, message__isnull=True)
    for attachment in loose.order_by("created_at", "id"):
        items.append(
            ConversationItem(
                at=attachment.created_at,
                from_customer=attachment.author_kind == MessageAuthor.CUSTOMER,
                body="",
                attachments=[attachment],
            )
        )
    # Files sent together (one post) read as one item.
    merged: list[ConversationItem] = []
    for item in sorted(items, key=lambda i: i.at):
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and not item.body
            and not previous.body
            and previous.from_customer == item.from_customer
            and abs((item.at - previous.at).total_seconds()) < 2
        ):
            previous.attachments.extend(item.attachments)
            continue
        merged.append(item)
    return merged


def customer_attachment(complaint: Complaint, pk: int) -> ComplaintAttachment | None:
    """One of this complaint's files the customer may download (never a file
    attached to an internal note)."""
    return (
        ComplaintAttachment.objects.filter(complaint=complaint, pk=pk)
        .filter(Q(message__isnull=True) | Q(message__internal=False))
        .first()
    )


def decision_awaits_answer(complaint: Complaint) -> bool:
    """The customer may accept or reject the decision now (PROCESS.md stage 8)."""
    return complaint.stage == Stage.DECISION_NOTIFIED and complaint.kind != Kind.FEEDBACK


def decision_is_shown(complaint: Complaint) -> bool:
    """The decision and the proposal are the customer's once notified (and
    until a re-opening replaces them with a new evaluation)."""
    return complaint.stage in (Stage.DECISION_NOTIFIED, Stage.CLOSED) and bool(
        complaint.decision or complaint.solution_proposal
    )


def answer_label(complaint: Complaint) -> str:
    if complaint.customer_answer in Answer.values:
        return str(Answer(complaint.customer_answer).label)
    return ""
