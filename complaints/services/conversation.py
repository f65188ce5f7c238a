"""The customer's side of the conversation on their own page, the
Message-IDs of the e-mail thread, and the customer's last WhatsApp message."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.db import insert_unless_conflict

from ..contacts import normalize_phone
from ..models import Channel, Complaint, ComplaintMessage, MailThreadEntry, MessageAuthor
from .attachments import complaint_attachments_add, complaint_attachments_check
from .errors import GuardFailed
from .messages import complaint_message_add


def customer_message_post(
    *,
    complaint: Complaint,
    body: str,
    uploads: Sequence[Any] = (),
    channel: str = Channel.WEB,
) -> ComplaintMessage | None:
    """A message and / or files from the verified customer, all or nothing.

    Returns the message (None when only files were sent). A closed complaint
    takes no more messages: the customer applies again (as with an e-mail reply).
    """
    body = (body or "").strip()
    uploads = [u for u in uploads if u is not None]
    if not complaint.is_open:
        raise GuardFailed({"body": _("This application is closed. Please send a new one.")})
    if not body and not uploads:
        raise GuardFailed({"body": _("Write a message or attach a file.")})
    # Files first: a refused file refuses the whole post, before anything is written.
    complaint_attachments_check(uploads=uploads)
    with transaction.atomic():
        message = None
        if body:
            message = complaint_message_add(
                complaint=complaint, body=body, author_kind=MessageAuthor.CUSTOMER, channel=channel
            )
        if uploads:
            complaint_attachments_add(complaint=complaint, uploads=uploads, message=message)
    return message


def _msgid(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    return value if value.startswith("<") else f"<{value.strip('<>')}>"


def mail_thread_record(
    *,
    complaint: Complaint,
    message_id: str,
    direction: str,
    in_reply_to: str = "",
    references: Iterable[str] = (),
) -> MailThreadEntry | None:
    """Remember a Message-ID of the conversation (idempotent: an id already
    known keeps its first complaint and headers). None for an empty id."""
    message_id = _msgid(message_id)[:255]
    if not message_id:
        return None
    existing = MailThreadEntry.objects.filter(message_id=message_id).first()
    if existing is not None:
        return existing
    entry = MailThreadEntry(
        complaint=complaint,
        message_id=message_id,
        direction=direction,
        in_reply_to=_msgid(in_reply_to)[:255],
        references=" ".join(_msgid(r) for r in references if r),
    )
    # One statement, no transaction of its own (a send in the request, without
    # a broker, takes one more transaction at most: issue 15). The same id
    # recorded at the same moment by another worker: keep that one.
    if insert_unless_conflict(entry) is None:
        return MailThreadEntry.objects.filter(message_id=message_id).first()
    return entry


def complaint_whatsapp_inbound_record(
    *, complaint: Complaint, number: str, at: datetime | None = None
) -> bool:
    """The customer wrote on WhatsApp from ``number`` at ``at`` (now): True when
    that opened or renewed the complaint's WhatsApp window.

    Only the number on file counts: WhatsApp's 24-hour window belongs to the
    number that wrote, and the notices go to the complaint's own contact, so a
    message from anyone else holding the tracking number is kept (by the
    caller) but never lets us write to the customer on WhatsApp.
    """
    try:
        number = normalize_phone(number)
    except ValidationError:
        return False
    if not number or number != complaint.contact_phone or complaint.anonymised_at is not None:
        return False
    at = at or timezone.now()
    # Two messages handled at once: the conditional UPDATE only moves the time
    # forward, so the later message wins whichever commits first.
    moved = Complaint.objects.filter(
        Q(whatsapp_inbound_at__isnull=True) | Q(whatsapp_inbound_at__lt=at), pk=complaint.pk
    ).update(whatsapp_inbound_at=at, updated_at=timezone.now())
    if moved:
        complaint.whatsapp_inbound_at = at
    return bool(moved)
