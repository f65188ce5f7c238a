"""The Twilio inbound-SMS and WhatsApp webhooks. (Inbound e-mail comes through
anymail's own webhook URLs and its ``inbound`` signal: intake.handlers,
intake.inbound.email.)"""

from __future__ import annotations

import logging
from typing import Any

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
)
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.twiml.messaging_response import MessagingResponse

from common import twilio_address, twilio_signature

from . import conf
from .inbound import clean_text, inbound_twilio_receive
from .ratelimit import rate_limit

logger = logging.getLogger(__name__)


# --- The Twilio webhooks -----------------------------------------------------------


def _twiml(text: str) -> HttpResponse:
    response = MessagingResponse()
    if text:
        response.message(text)
    return HttpResponse(str(response), content_type="application/xml; charset=utf-8")


@csrf_exempt  # Twilio cannot send a CSRF token; its signature authenticates the request.
@require_POST
@rate_limit("webhook")
def twilio_sms(request: HttpRequest) -> HttpResponse:
    """Twilio's inbound SMS webhook: 403 unless signed with TWILIO_AUTH_TOKEN.

    A WhatsApp sender posted here (a number whose SMS and WhatsApp webhooks
    are the same URL) is handled as on the WhatsApp webhook.
    """
    return _twilio_inbound(request)


@csrf_exempt  # Twilio cannot send a CSRF token; its signature authenticates the request.
@require_POST
@rate_limit("webhook")
def twilio_whatsapp(request: HttpRequest) -> HttpResponse:
    """Twilio's inbound WhatsApp webhook: 404 unless TWILIO_WHATSAPP_ENABLED,
    403 unless signed with TWILIO_AUTH_TOKEN."""
    if not conf.whatsapp_enabled():
        return _not_enabled()
    return _twilio_inbound(request)


def _not_enabled() -> HttpResponse:
    return HttpResponseNotFound("WhatsApp is not enabled.", content_type="text/plain")


def _twilio_inbound(request: HttpRequest) -> HttpResponse:
    # Twilio signs the URL it called. Behind a proxy the request's own idea of
    # scheme and host may differ: INTAKE_PUBLIC_BASE_URL gives the public one.
    if not twilio_signature.request_is_signed(
        request, auth_token=conf.twilio_auth_token(), public_base_urls=[conf.public_base_url()]
    ):
        logger.warning("Twilio inbound webhook %s: missing or bad signature", request.path)
        return HttpResponseForbidden("Invalid signature.", content_type="text/plain")
    message_sid = request.POST.get("MessageSid") or request.POST.get("SmsSid") or ""
    if not message_sid:
        return HttpResponseBadRequest("MessageSid missing.", content_type="text/plain")
    sender = request.POST.get("From", "")
    if twilio_address.is_whatsapp(sender) and not conf.whatsapp_enabled():
        # Nothing stored: with WhatsApp off there is no one to answer it there.
        return _not_enabled()
    media = [
        clean_text(request.POST[f"MediaUrl{i}"])
        for i in range(min(_int(request.POST.get("NumMedia")), 10))
        if request.POST.get(f"MediaUrl{i}")
    ]
    data: dict[str, Any] = {"to": clean_text(request.POST.get("To", ""))}
    if media:
        data["media_urls"] = media
    inbound = inbound_twilio_receive(
        message_sid=message_sid,
        sender=sender,
        body=request.POST.get("Body", ""),
        data=data,
        profile_name=request.POST.get("ProfileName", ""),
    )
    return _twiml(inbound.reply)


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0
