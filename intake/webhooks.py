"""The Twilio inbound-SMS webhook. (Inbound e-mail comes through anymail's own
webhook URLs and its ``inbound`` signal: intake.handlers, intake.inbound.email.)"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.twiml.messaging_response import MessagingResponse

from common import twilio_signature

from . import conf
from .inbound import clean_text, inbound_sms_receive
from .ratelimit import rate_limit

logger = logging.getLogger(__name__)


# --- The Twilio webhook ------------------------------------------------------------


def _twiml(text: str) -> HttpResponse:
    response = MessagingResponse()
    if text:
        response.message(text)
    return HttpResponse(str(response), content_type="application/xml; charset=utf-8")


@csrf_exempt  # Twilio cannot send a CSRF token; its signature authenticates the request.
@require_POST
@rate_limit("webhook")
def twilio_sms(request: HttpRequest) -> HttpResponse:
    """Twilio's inbound SMS webhook: 403 unless signed with TWILIO_AUTH_TOKEN."""
    # Twilio signs the URL it called. Behind a proxy the request's own idea of
    # scheme and host may differ: INTAKE_PUBLIC_BASE_URL gives the public one.
    if not twilio_signature.request_is_signed(
        request, auth_token=conf.twilio_auth_token(), public_base_urls=[conf.public_base_url()]
    ):
        logger.warning("Twilio SMS webhook: missing or bad signature")
        return HttpResponseForbidden("Invalid signature.", content_type="text/plain")
    message_sid = request.POST.get("MessageSid") or request.POST.get("SmsSid") or ""
    if not message_sid:
        return HttpResponseBadRequest("MessageSid missing.", content_type="text/plain")
    media = [
        clean_text(request.POST[f"MediaUrl{i}"])
        for i in range(min(_int(request.POST.get("NumMedia")), 10))
        if request.POST.get(f"MediaUrl{i}")
    ]
    data: dict[str, Any] = {"to": clean_text(request.POST.get("To", ""))}
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
