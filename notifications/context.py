"""What every notice's templates get, and how an SMS text is fitted: shared by
the notices (content.py) and the conversation's (conversation_content.py)."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse

from complaints.access import customer_url

from . import conf, segments
from .models import Medium, Notification

logger = logging.getLogger(__name__)


def base_context(notification: Notification) -> dict[str, Any]:
    """What every notice's templates get. ``customer_url`` opens the customer's
    own page with the signed proof (complaints.access); a customer's e-mail
    links there as ``tracking_url`` too. An SMS keeps the short public link
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
        if for_customer and notification.channel == Medium.EMAIL
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
