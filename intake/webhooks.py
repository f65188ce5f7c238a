"""Inbound e-mail and SMS: what arrives, stored once, routed to the one intake service.

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
- an SMS ``DURUM <number>`` / ``STATUS <number>`` → the current stage, in
  the reply, in Turkish / English.

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

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import get_valid_filename
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from complaints import tracking
from complaints.models import Channel, Complaint, ComplaintMessage, Kind, Language
from complaints.selectors import complaint_get_by_tracking_number
from complaints.services import GuardFailed, complaint_message_add

from . import conf
from .models import InboundAttachment, InboundMessage
from .ratelimit import rate_limit
from .services import intake_submit

logger = logging.getLogger(__name__)

Outcome = InboundMessage.Outcome

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


def _referenced_complaint(*texts: str) -> Complaint | None:
    for text in texts:
        for number in find_tracking_numbers(text):
            complaint = Complaint.objects.filter(tracking_number=number).first()
            if complaint is not None:
                return complaint
    return None


# --- Claim and route (shared by both channels) ------------------------------------


def _clean(text: Any) -> str:
    """Provider text as we store it: PostgreSQL refuses NUL characters in text
    (a DataError, so a 500 and endless redeliveries); they carry no meaning."""
    return str(text or "").replace("\x00", "")


def _claim(*, channel: str, external_id: str, **fields: Any) -> tuple[InboundMessage, bool]:
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


def _route(
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
                acknowledged_in_reply=channel == Channel.SMS,
            )
            inbound.outcome = Outcome.FOLLOW_UP if referenced is not None else Outcome.NEW_COMPLAINT
            inbound.complaint = result.complaint
    except (ValidationError, GuardFailed) as exc:
        inbound.outcome = Outcome.REJECTED
        inbound.complaint = None
        inbound.data["errors"] = _error_messages(exc)


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


def _subject_from(text: str, limit: int = 80) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first_line) > limit:
        first_line = first_line[: limit - 1].rstrip() + "…"
    return first_line


# --- E-mail ----------------------------------------------------------------------

_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|ynt|ilt|cevap|yanıt)\s*:\s*)+", re.IGNORECASE)


def inbound_email_receive(
    *, message: Any, esp_name: str = "", event_id: str | None = None
) -> InboundMessage:
    """Store and route one inbound e-mail (an ``anymail.inbound.AnymailInboundMessage``)."""
    sender_name, sender = (_clean(part) for part in _sender_of(message))
    subject = _clean(message.subject).strip()
    text = _clean(_text_of(message))
    with transaction.atomic():
        inbound, created = _claim(
            channel=InboundMessage.Channel.EMAIL,
            external_id=_clean(_email_id(message, esp_name, event_id, sender, subject, text)),
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
            referenced = _referenced_complaint(subject, text)
            _route(
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
            if inbound.outcome != Outcome.REJECTED:
                _keep_attachments(inbound, message)
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
    subject = _REPLY_PREFIX.sub("", subject).strip() or _subject_from(text) or "E-posta"
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
        filename = _safe_filename(_clean(part.get_filename()))
        content_type = _clean(part.get_content_type() or "application/octet-stream").lower()
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
            "DURUM {number} yazıp gönderin."
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
            "Send STATUS {number} to ask about it."
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


def inbound_sms_receive(
    *, message_sid: str, sender: str, body: str, data: dict[str, Any] | None = None
) -> InboundMessage:
    """Store and route one inbound SMS; the row's ``reply`` is the text to answer with."""
    body, sender, message_sid = _clean(body).strip(), _clean(sender), _clean(message_sid)
    with transaction.atomic():
        inbound, created = _claim(
            channel=InboundMessage.Channel.SMS,
            external_id=message_sid[:255],
            sender=sender[:254],
            subject="",
            body=body,
            data=dict(data or {}),
        )
        if not created:
            logger.info("inbound SMS %s delivered again: same reply", message_sid)
            return inbound
        command = _STATUS_COMMAND.match(body)
        if command is not None:
            _answer_status(inbound, keyword=command.group(1), rest=command.group(2) or "")
        elif not body:
            inbound.data["errors"] = {"description": ["Empty message."]}
            inbound.reply = _sms_text(Language.TURKISH, "empty")
        else:
            referenced = _referenced_complaint(body)
            language = referenced.language if referenced is not None else Language.TURKISH
            _route(
                inbound,
                channel=Channel.SMS,
                name=sender[:200],
                email="",
                phone=sender,
                subject=_subject_from(body, limit=60) or "SMS",
                text=body,
                language=language,
                referenced=referenced,
            )
            inbound.reply = _sms_reply(inbound, language, referenced)
        inbound.save()
    return inbound


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
        return _sms_text(language, "received", number=complaint.tracking_number)
    errors = inbound.data.get("errors", {})
    with translation.override(language):
        text = " ".join(str(m) for messages in errors.values() for m in messages)
    return _sms_text(language, "rejected", errors=text)


# --- The Twilio webhook ------------------------------------------------------------


def _twilio_signature_valid(request: HttpRequest) -> bool:
    token = conf.twilio_auth_token()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    # Twilio signs the URL it called. Behind a proxy the request's own idea of
    # scheme and host may differ: INTAKE_PUBLIC_BASE_URL gives the public one.
    base = conf.public_base_url()
    url = base + request.get_full_path() if base else request.build_absolute_uri()
    return RequestValidator(token).validate(url, request.POST, signature)


def _twiml(text: str) -> HttpResponse:
    response = MessagingResponse()
    if text:
        response.message(text)
    return HttpResponse(str(response), content_type="application/xml; charset=utf-8")


@csrf_exempt  # Twilio cannot send a CSRF token; its signature authenticates the request.
@login_not_required
@require_POST
@rate_limit("webhook")
def twilio_sms(request: HttpRequest) -> HttpResponse:
    """Twilio's inbound SMS webhook: 403 unless signed with TWILIO_AUTH_TOKEN."""
    if not _twilio_signature_valid(request):
        logger.warning("Twilio SMS webhook: missing or bad signature")
        return HttpResponseForbidden("Invalid signature.", content_type="text/plain")
    message_sid = request.POST.get("MessageSid") or request.POST.get("SmsSid") or ""
    if not message_sid:
        return HttpResponseBadRequest("MessageSid missing.", content_type="text/plain")
    media = [
        _clean(request.POST[f"MediaUrl{i}"])
        for i in range(min(_int(request.POST.get("NumMedia")), 10))
        if request.POST.get(f"MediaUrl{i}")
    ]
    data: dict[str, Any] = {"to": _clean(request.POST.get("To", ""))}
    if media:
        data["media_urls"] = media
    inbound = inbound_sms_receive(
        message_sid=message_sid,
        sender=request.POST.get("From", ""),
        body=request.POST.get("Body", ""),
        data=data,
    )
    return _twiml(inbound.reply)


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0
