"""Inbound e-mail, SMS and WhatsApp: what arrives, stored once, routed to the one
intake service.

Every message is first *claimed*: an InboundMessage row with a unique
(channel, provider id). A redelivery of the same Message-ID or Twilio's retry
of the same MessageSid finds the row and does nothing more (an SMS gets the
reply it got the first time). Then, in the same transaction:

- a known tracking number in the subject or text → a customer message on
  that complaint (``complaint_message_add``);
- that complaint is closed → the message is kept on it, and a new complaint
  is opened for the customer through ``intake_submit`` (a closed complaint
  cannot re-open: only a rejected decision goes back to analysis);
- otherwise → a new complaint through ``intake_submit``;
- an SMS or WhatsApp ``DURUM <number>`` / ``STATUS <number>`` → the current
  stage, in the reply, in Turkish / English.

Auto-replies, our own mail looping back and spam are kept but ignored;
invalid input (no text, an unusable sender) is kept as rejected. Only an
unexpected error propagates, so the provider retries later. docs/channels.md
has the details.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from complaints import tracking
from complaints.models import Channel, Complaint, ComplaintMessage, Kind
from complaints.services import GuardFailed, complaint_message_add
from intake import ratelimit
from intake.models import InboundMessage
from intake.services import intake_submit

logger = logging.getLogger(__name__)

Outcome = InboundMessage.Outcome

# Channels whose webhook answers at once (TwiML), with the tracking number.
REPLY_CHANNELS = (Channel.SMS, Channel.WHATSAPP)

# --- Tracking numbers in free text ---------------------------------------------

_SYMBOL = f"[{tracking.ALPHABET}]"
_CANDIDATE = re.compile(
    rf"(?<![0-9A-Z])({_SYMBOL}{{4}}[\s\-_.]?{_SYMBOL}{{4}}[\s\-_.]?{_SYMBOL}{{4}})(?![0-9A-Z])"
)
_MAX_CANDIDATES = 10  # bounds the lookups a crafted message can cause


def find_tracking_numbers(text: str) -> list[str]:
    """Well-formed tracking numbers in the text (check symbol verified), in order, unique."""
    found: list[str] = []
    for match in _CANDIDATE.finditer((text or "").upper()):
        try:
            number = tracking.normalize(match.group(1))
        except tracking.InvalidTrackingNumber:
            continue
        if number not in found:
            found.append(number)
        if len(found) >= _MAX_CANDIDATES:
            break
    return found


def referenced_complaint(*texts: str) -> Complaint | None:
    for text in texts:
        for number in find_tracking_numbers(text):
            # An anonymised complaint links to no one any more: a new complaint.
            complaint = Complaint.objects.filter(
                tracking_number=number, anonymised_at__isnull=True
            ).first()
            if complaint is not None:
                return complaint
    return None


# --- Claim and route (shared by both channels) ------------------------------------


def clean_text(text: Any) -> str:
    """Provider text as we store it: PostgreSQL refuses NUL characters in text
    (a DataError, so a 500 and endless redeliveries); they carry no meaning."""
    return str(text or "").replace("\x00", "")


def claim(*, channel: str, external_id: str, **fields: Any) -> tuple[InboundMessage, bool]:
    """The row for this provider id, and whether this call created it.

    Two deliveries of the same message at once: the second insert waits on the
    unique index until the first transaction ends, then fails, and finds its row.
    """
    try:
        with transaction.atomic():
            return (
                InboundMessage.objects.create(
                    channel=channel, external_id=external_id, outcome=Outcome.REJECTED, **fields
                ),
                True,
            )
    except IntegrityError:
        return InboundMessage.objects.get(channel=channel, external_id=external_id), False


def route(
    inbound: InboundMessage,
    *,
    channel: str,
    name: str,
    email: str,
    phone: str,
    subject: str,
    text: str,
    language: str,
    referenced: Complaint | None,
) -> None:
    """Turn a claimed message into a customer message or a complaint; sets its outcome."""
    try:
        # A savepoint: a follow-up is a message on the old complaint *and* a
        # new complaint, or neither.
        with transaction.atomic():
            if referenced is not None:
                complaint_message_add(
                    complaint=referenced,
                    body=text,
                    author_kind=ComplaintMessage.Author.CUSTOMER,
                    channel=channel,
                )
                inbound.data["sender_matches"] = _sender_matches(referenced, email, phone)
            if referenced is not None and referenced.is_open:
                inbound.outcome = Outcome.MESSAGE_ADDED
                inbound.complaint = referenced
                return
            if sender_limit_reached(channel=channel, email=email, phone=phone):
                # Kept (and a follow-up's message stays on its closed complaint),
                # but no new complaint and no reply: see sender_limit_reached.
                inbound.outcome = Outcome.IGNORED
                inbound.data["reason"] = "sender limit"
                inbound.complaint = referenced
                return
            if referenced is not None:
                inbound.data["follows"] = referenced.tracking_number
                text = (
                    f"{text}\n\n(Önceki başvuru / previous complaint: {referenced.tracking_number})"
                )
            result = intake_submit(
                channel=channel,
                kind=referenced.kind if referenced is not None else Kind.COMPLAINT,
                subject=subject,
                description=text,
                name=name,
                email=email,
                phone=phone,
                language=language,
                # The TwiML reply carries the tracking number at once.
                acknowledged_in_reply=channel in REPLY_CHANNELS,
            )
            inbound.outcome = Outcome.FOLLOW_UP if referenced is not None else Outcome.NEW_COMPLAINT
            inbound.complaint = result.complaint
    except (ValidationError, GuardFailed) as exc:
        inbound.outcome = Outcome.REJECTED
        inbound.complaint = None
        inbound.data["errors"] = _error_messages(exc)


def sender_limit_reached(*, channel: str, email: str, phone: str) -> bool:
    """Count one new complaint from this sender; True once over the limit.

    The webhooks are limited per client address, and a provider posts from few
    addresses, so that limit is wide; the form's limit per client would be no
    limit at all if mail or SMS could open complaints without one. So new
    complaints by e-mail, SMS or WhatsApp count per sender
    (``INTAKE_RATE_LIMITS["sender"]``, the form's 20/h by default). Messages on
    an existing complaint do not.
    """
    sender = (email or phone).strip().lower()
    if not sender:
        return False
    # One number, one allowance, whether it writes by SMS or on WhatsApp.
    bucket = Channel.SMS if channel == Channel.WHATSAPP else channel
    ident = hashlib.sha256(f"{bucket}:{sender}".encode()).hexdigest()[:32]
    return ratelimit.hit("sender", ident) is not None


def _sender_matches(complaint: Complaint, email: str, phone: str) -> bool:
    # Anyone holding the tracking number may write to the complaint (as on the
    # tracking page); staff see whether it came from the contact on file.
    return bool(
        (email and email.lower() == complaint.contact_email.lower())
        or (phone and phone == complaint.contact_phone)
    )


def _error_messages(exc: Exception) -> dict[str, list[str]]:
    if isinstance(exc, GuardFailed):
        return {k: [str(m) for m in v] for k, v in exc.errors.items()}
    assert isinstance(exc, ValidationError)
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}


def subject_from(text: str, limit: int = 80) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first_line) > limit:
        first_line = first_line[: limit - 1].rstrip() + "…"
    return first_line
