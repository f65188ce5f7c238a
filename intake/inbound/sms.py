"""Inbound SMS and WhatsApp (Twilio): a new complaint, a message on one, or
DURUM / STATUS. A WhatsApp message is told by its ``whatsapp:`` sender and
handled the same way, on the channel ``whatsapp``."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import transaction
from django.utils import translation

from common import twilio_address
from complaints.models import Channel, Complaint, Language
from complaints.privacy import privacy_notice_url
from complaints.selectors import complaint_get_by_tracking_number
from complaints.services import complaint_whatsapp_inbound_record
from intake.models import InboundMessage

from .routing import (
    Outcome,
    claim,
    clean_text,
    find_tracking_numbers,
    referenced_complaint,
    route,
    subject_from,
)

logger = logging.getLogger(__name__)


# --- SMS -------------------------------------------------------------------------

# "DURUM 7KQM-3XHP-RW2D": the keyword, then nothing or something shaped like a
# tracking number (a mistyped one gets "not found"). "Durum şu: ..." is a
# complaint that happens to start with the word ("situation" in Turkish).
_STATUS_COMMAND = re.compile(
    r"^\s*(DURUM|STATUS)\b[\s:#]*((?:[0-9A-Za-z][\s\-_.]?){10,14})?\s*$", re.IGNORECASE
)

# SMS replies, per language. Stage names come from complaints.workflow (translated).
_SMS_TEXTS: dict[str, dict[str, str]] = {
    "tr": {
        "received": (
            "Başvurunuz alındı. Takip numaranız: {number}. Durumu öğrenmek için "
            "DURUM {number} yazıp gönderin. Aydınlatma metni: {privacy_url}"
        ),
        "message_added": "Mesajınız {number} numaralı başvurunuza eklendi.",
        "follow_up": (
            "{old} numaralı başvurunuz kapatılmıştı; mesajınız yeni başvuru olarak alındı. "
            "Yeni takip numaranız: {number}."
        ),
        "status": "{number} numaralı başvurunuzun durumu: {stage}.",
        "not_found": "{number} numaralı bir başvuru bulunamadı. Numarayı kontrol edin.",
        "how_to_ask": "Durumu öğrenmek için DURUM ve takip numaranızı gönderin.",
        "rejected": "Mesajınız kaydedilemedi: {errors}",
        "empty": "Lütfen şikâyetinizi yazıp gönderin.",
    },
    "en": {
        "received": (
            "We received your message. Your tracking number: {number}. "
            "Send STATUS {number} to ask about it. Privacy notice: {privacy_url}"
        ),
        "message_added": "Your message was added to {number}.",
        "follow_up": (
            "{old} was closed, so your message was recorded as a new complaint. "
            "Your new tracking number: {number}."
        ),
        "status": "The status of {number}: {stage}.",
        "not_found": "No complaint has the number {number}. Please check it.",
        "how_to_ask": "Send STATUS and your tracking number to ask about a complaint.",
        "rejected": "We could not record your message: {errors}",
        "empty": "Please write your complaint and send it.",
    },
}


def _sms_text(language: str, key: str, **values: Any) -> str:
    texts = _SMS_TEXTS.get(str(language), _SMS_TEXTS["tr"])
    return texts[key].format(**values)


def inbound_twilio_receive(
    *,
    message_sid: str,
    sender: str,
    body: str,
    data: dict[str, Any] | None = None,
    profile_name: str = "",
) -> InboundMessage:
    """Store and route one inbound SMS or WhatsApp message; the row's ``reply``
    is the text to answer with (on the channel it came by).

    ``sender`` is Twilio's ``From``: ``whatsapp:+90…`` makes it a WhatsApp
    message, whichever webhook it came to; ``profile_name`` is the WhatsApp
    profile's name, used as the new customer's name.
    """
    body = clean_text(body).strip()
    sender, message_sid = clean_text(sender).strip(), clean_text(message_sid)
    address = twilio_address.parse(sender)
    channel = Channel.WHATSAPP if address.whatsapp else Channel.SMS
    with transaction.atomic():
        inbound, created = claim(
            channel=InboundMessage.Channel(str(channel)),
            external_id=message_sid[:255],
            sender=sender[:254],
            subject="",
            body=body,
            data=dict(data or {}),
        )
        if not created:
            logger.info("inbound %s %s delivered again: same reply", channel, message_sid)
            return inbound
        referenced: Complaint | None = None
        command = _STATUS_COMMAND.match(body)
        if command is not None:
            _answer_status(inbound, keyword=command.group(1), rest=command.group(2) or "")
        elif not body:
            inbound.data["errors"] = {"description": ["Empty message."]}
            inbound.reply = _sms_text(Language.TURKISH, "empty")
        else:
            referenced = referenced_complaint(body)
            language = referenced.language if referenced is not None else Language.TURKISH
            name = clean_text(profile_name).strip() if address.whatsapp else ""
            route(
                inbound,
                channel=channel,
                name=(name or address.number)[:200],
                email="",
                phone=address.number,
                subject=subject_from(body, limit=60) or ("WhatsApp" if address.whatsapp else "SMS"),
                text=body,
                language=language,
                referenced=referenced,
            )
            inbound.reply = _sms_reply(inbound, language, referenced)
        if address.whatsapp:
            _whatsapp_window(inbound, referenced, number=address.number)
        inbound.save()
    return inbound


# The name the SMS webhook and older callers know it by.
inbound_sms_receive = inbound_twilio_receive


def _whatsapp_window(inbound: InboundMessage, referenced: Complaint | None, *, number: str) -> None:
    # The customer wrote on WhatsApp: for 24 hours we may answer there
    # (notifications.notices.customer_contact reads it). Every complaint the
    # message reached, when it came from the number on file.
    reached = {c.pk: c for c in (referenced, inbound.complaint) if c is not None}
    for complaint in reached.values():
        complaint_whatsapp_inbound_record(
            complaint=complaint, number=number, at=inbound.received_at
        )


def _answer_status(inbound: InboundMessage, *, keyword: str, rest: str) -> None:
    language = Language.ENGLISH if keyword.upper() == "STATUS" else Language.TURKISH
    inbound.outcome = Outcome.STATUS_QUERY
    numbers = find_tracking_numbers(rest)
    typed = numbers[0] if numbers else rest.strip()[:40]
    complaint = complaint_get_by_tracking_number(typed) if typed else None
    if not typed:
        inbound.reply = _sms_text(language, "how_to_ask")
    elif complaint is None:
        inbound.reply = _sms_text(language, "not_found", number=typed)
    else:
        inbound.complaint = complaint
        with translation.override(language):
            stage = str(complaint.get_stage_display())
        inbound.reply = _sms_text(language, "status", number=complaint.tracking_number, stage=stage)


def _sms_reply(inbound: InboundMessage, language: str, referenced: Complaint | None) -> str:
    complaint = inbound.complaint
    if inbound.outcome == Outcome.IGNORED:
        return ""  # over the sender's limit: answering a flood would multiply it
    if inbound.outcome == Outcome.MESSAGE_ADDED and complaint is not None:
        return _sms_text(language, "message_added", number=complaint.tracking_number)
    if inbound.outcome == Outcome.FOLLOW_UP and complaint is not None and referenced is not None:
        return _sms_text(
            language,
            "follow_up",
            old=referenced.tracking_number,
            number=complaint.tracking_number,
        )
    if inbound.outcome == Outcome.NEW_COMPLAINT and complaint is not None:
        return _sms_text(
            language,
            "received",
            number=complaint.tracking_number,
            privacy_url=privacy_notice_url(),
        )
    errors = inbound.data.get("errors", {})
    with translation.override(language):
        text = " ".join(str(m) for messages in errors.values() for m in messages)
    return _sms_text(language, "rejected", errors=text)
