"""Inbound e-mail, from anymail's inbound signal (any provider anymail supports)."""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.text import get_valid_filename

from complaints.models import Channel, Language
from intake import conf
from intake.models import InboundAttachment, InboundMessage

from ..mail_thread import complaint_replied_to, inbound_thread_record
from .routing import (
    Outcome,
    claim,
    clean_text,
    referenced_complaint,
    route,
    subject_from,
)

logger = logging.getLogger(__name__)


# --- E-mail ----------------------------------------------------------------------

_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|ynt|ilt|cevap|yanıt)\s*:\s*)+", re.IGNORECASE)


def inbound_email_receive(
    *, message: Any, esp_name: str = "", event_id: str | None = None
) -> InboundMessage:
    """Store and route one inbound e-mail (an ``anymail.inbound.AnymailInboundMessage``)."""
    sender_name, sender = (clean_text(part) for part in _sender_of(message))
    subject = clean_text(message.subject).strip()
    text = clean_text(_text_of(message))
    with transaction.atomic():
        inbound, created = claim(
            channel=InboundMessage.Channel.EMAIL,
            external_id=clean_text(_email_id(message, esp_name, event_id, sender, subject, text)),
            sender=sender[:254],
            subject=subject[:255],
            body=text,
            data={"esp": esp_name} if esp_name else {},
        )
        if not created:
            logger.info("inbound e-mail %s delivered again: ignored", inbound.external_id)
            return inbound
        reason = _ignore_reason(message, sender)
        if reason:
            inbound.outcome = Outcome.IGNORED
            inbound.data["reason"] = reason
        elif not sender:
            inbound.data["errors"] = {"email": ["No sender address."]}
        else:
            referenced = complaint_replied_to(message) or referenced_complaint(subject, text)
            route(
                inbound,
                channel=Channel.EMAIL,
                name=(sender_name or sender.split("@")[0])[:200],
                email=sender,
                phone="",
                subject=_new_subject(subject, text),
                text=text,
                language=_language_of(message),
                referenced=referenced,
            )
            if inbound.outcome in (
                Outcome.NEW_COMPLAINT,
                Outcome.FOLLOW_UP,
                Outcome.MESSAGE_ADDED,
            ):
                _keep_attachments(inbound, message)
            inbound_thread_record(inbound, message)
        inbound.save()
    return inbound


def _sender_of(message: Any) -> tuple[str, str]:
    address = message.from_email
    if isinstance(address, list):  # a (legal, rare) multi-address From: the first one
        address = address[0] if address else None
    if address is None:
        return "", ""
    return (address.display_name or "").strip(), (address.addr_spec or "").strip().lower()


def _text_of(message: Any) -> str:
    # Providers that strip the quoted part of a reply (Postmark) give it separately.
    text = message.stripped_text or message.text or ""
    if not text.strip() and message.html:
        text = strip_tags(message.html)
    text = text.replace("\r\n", "\n").strip()
    limit = conf.description_max_chars()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _new_subject(subject: str, text: str) -> str:
    subject = _REPLY_PREFIX.sub("", subject).strip() or subject_from(text) or "E-posta"
    return subject[:200]


def _language_of(message: Any) -> str:
    declared = str(message.get("Content-Language", "") or "").strip().lower()
    return Language.ENGLISH if declared.startswith("en") else Language.TURKISH


def _email_id(
    message: Any, esp_name: str, event_id: str | None, sender: str, subject: str, text: str
) -> str:
    """The Message-ID; else the provider's event id; else a digest of what we read."""
    message_id = str(message.get("Message-ID", "") or "").strip().strip("<>").strip()
    if not message_id and event_id:
        message_id = f"{esp_name or 'esp'}:{event_id}"
    if not message_id:
        date = str(message.get("Date", "") or "")
        canonical = "\n".join((sender, date, subject, text))
        message_id = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    if len(message_id) > 255:
        message_id = "sha256:" + hashlib.sha256(message_id.encode()).hexdigest()
    return message_id


_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


def _ignore_reason(message: Any, sender: str) -> str:
    """Why this e-mail must not become a complaint: answering an out-of-office
    reply to our own acknowledgement would start a mail loop."""
    if message.spam_detected:
        return "spam"
    auto_submitted = str(message.get("Auto-Submitted", "") or "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "auto-submitted"
    if str(message.get("Precedence", "") or "").strip().lower() in _BULK_PRECEDENCE:
        return "bulk or auto-reply"
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "auto-reply"
    if sender and sender in conf.own_email_addresses():
        return "our own address"
    return ""


def _keep_attachments(inbound: InboundMessage, message: Any) -> None:
    """Store the attachments within the limits; list the others on the row."""
    allowed = {t.lower() for t in conf.attachment_allowed_types()}
    max_bytes, max_count = conf.attachment_max_bytes(), conf.attachment_max_count()
    refused: list[dict[str, Any]] = []
    kept = 0
    for part in message.attachments:
        filename = _safe_filename(clean_text(part.get_filename()))
        content_type = clean_text(part.get_content_type() or "application/octet-stream").lower()
        try:
            content = part.get_content_bytes() or b""
        except ValueError:
            content = b""
        reason = ""
        if content_type not in allowed:
            reason = "type"
        elif len(content) > max_bytes:
            reason = "size"
        elif not content:
            reason = "empty"
        elif kept >= max_count:
            reason = "count"
        if reason:
            refused.append(
                {
                    "filename": filename,
                    "content_type": content_type,
                    "size": len(content),
                    "reason": reason,
                }
            )
            continue
        attachment = InboundAttachment(
            inbound=inbound, filename=filename, content_type=content_type, size=len(content)
        )
        attachment.file.save(filename, ContentFile(content), save=True)
        kept += 1
    if refused:
        inbound.data["refused_attachments"] = refused


def _safe_filename(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        name = get_valid_filename(name)
    except SuspiciousFileOperation:
        name = ""
    if len(name) > 100:
        stem, dot, extension = name.rpartition(".")
        name = (stem[:90] + dot + extension[:9]) if dot else name[:100]
    return name or "attachment"
