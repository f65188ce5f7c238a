"""What every notice's templates get, and how an SMS or a WhatsApp text is
fitted: shared by the notices (content.py) and the conversation's
(conversation_content.py)."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.urls import reverse

from complaints.access import customer_url

from . import conf, segments
from .models import Medium, Notification

logger = logging.getLogger(__name__)

# Twilio takes at most 1600 characters in a WhatsApp message's body.
WHATSAPP_MAX_CHARS = 1600

# Media that carry the signed link to the customer's page in ``tracking_url``:
# the message reaches only the contact on file, and its length does not matter
# (an SMS keeps the short public link to stay within its parts).
_SIGNED_LINK_MEDIA = (Medium.EMAIL, Medium.WHATSAPP)


def base_context(notification: Notification) -> dict[str, Any]:
    """What every notice's templates get. ``customer_url`` opens the customer's
    own page with the signed proof (complaints.access); a customer's e-mail or
    WhatsApp message links there as ``tracking_url`` too. An SMS keeps the short public link
    (the signed one would cost its Turkish letters within two parts), except
    where the page is the point (a staff reply uses ``customer_url``)."""
    complaint = notification.complaint
    public_url = conf.site_url() + reverse("complaints:track", args=[complaint.tracking_number])
    for_customer = notification.recipient_user_id is None
    signed_url = customer_url(complaint) if for_customer else ""
    return {
        "notification": notification,
        "complaint": complaint,
        # The name given with this complaint, never the customer record's:
        # contact details are unverified (complaints.identity).
        "contact_name": complaint.contact_name,
        "tracking_number": complaint.tracking_number,
        "tracking_url": signed_url
        if for_customer and notification.channel in _SIGNED_LINK_MEDIA
        else public_url,
        "customer_url": signed_url,
        "site_url": conf.site_url(),
    }


def sms_compose(rendered: str) -> str:
    """One line per non-empty template line, fitted to the segment budget if it can be."""
    text = "\n".join(line.strip() for line in rendered.splitlines() if line.strip())
    return segments.fit(text, conf.sms_max_segments())


def sms_text(rendered: str) -> str:
    """sms_compose, with a warning when the text still takes more parts."""
    fitted = sms_compose(rendered)
    if segments.segments(fitted) > conf.sms_max_segments():
        logger.warning("SMS takes %s parts: %r", segments.segments(fitted), fitted)
    return fitted


def whatsapp_compose(rendered: str) -> str:
    """The template's lines, blank lines kept as paragraph breaks (WhatsApp
    shows them), without the segment fitting of SMS: Turkish letters stay."""
    lines = [line.strip() for line in rendered.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def whatsapp_text(rendered: str) -> str:
    """whatsapp_compose, cut (with "…") to what Twilio takes, with a warning."""
    text = whatsapp_compose(rendered)
    if len(text) > WHATSAPP_MAX_CHARS:
        logger.warning("WhatsApp text of %s characters cut to %s", len(text), WHATSAPP_MAX_CHARS)
        text = text[: WHATSAPP_MAX_CHARS - 1].rstrip() + "…"
    return text
