"""The customer's answer to a decision (stage 8), and Twilio's delivery reports.

Mail scanners open links to check them: a GET only ever shows a page; the
answer is recorded by the POST of its confirm button.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import twilio_address, twilio_signature
from complaints.models import Answer
from config.language import language_draft_pop

from . import conf
from .answers import AnswerLinkError, answer_link_open, decision_answer_record
from .delivery import notification_record_delivery
from .forms import RejectForm
from .models import Medium, Notification

logger = logging.getLogger(__name__)


def _language(request: HttpRequest, notification: Notification | None) -> str:
    # The customer's language, unless they picked one on the site.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in dict(settings.LANGUAGES):
        return str(chosen)
    if notification is not None:
        return notification.language
    return translation.get_language() or settings.LANGUAGE_CODE


def _page(
    request: HttpRequest,
    template: str,
    context: dict,
    notification: Notification | None,
    status: int = 200,
) -> HttpResponse:
    with translation.override(_language(request, notification)):
        response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _problem(request: HttpRequest, error: AnswerLinkError) -> HttpResponse:
    # 410 for every link that cannot be used (tampered, expired, used, stale):
    # a clear page, the same shape each time.
    return _page(request, "notifications/answer_problem.html", {"error": error}, None, status=410)


def _context(notification: Notification, token: str) -> dict:
    complaint = notification.complaint
    return {
        "notification": notification,
        "complaint": complaint,
        "token": token,
        "decision": (notification.event.data.get("decision") if notification.event else None)
        or complaint.decision,
        "accept_url": reverse("notifications:answer_accept", args=[token]),
        "reject_url": reverse("notifications:answer_reject", args=[token]),
    }


@never_cache
@require_GET
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The decision with both choices (the SMS carries this one link)."""
    try:
        notification = answer_link_open(token=token)
    except AnswerLinkError as exc:
        return _problem(request, exc)
    # Back from switching the language: the reason typed is still there.
    form = RejectForm(initial=language_draft_pop(request))
    context = {**_context(notification, token), "form": form, "language_form": "reject-form"}
    return _page(request, "notifications/answer.html", context, notification)


@never_cache
@require_http_methods(["GET", "POST"])
def answer_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        notification = answer_link_open(token=token)
    except AnswerLinkError as exc:
        return _problem(request, exc)
    if request.method == "POST":
        try:
            complaint = decision_answer_record(token=token, answer=Answer.ACCEPTED)
        except AnswerLinkError as exc:
            return _problem(request, exc)
        return _page(
            request,
            "notifications/answer_done.html",
            {"complaint": complaint, "accepted": True},
            notification,
        )
    return _page(
        request, "notifications/answer_accept.html", _context(notification, token), notification
    )


@never_cache
@require_http_methods(["GET", "POST"])
def answer_reject(request: HttpRequest, token: str) -> HttpResponse:
    try:
        notification = answer_link_open(token=token)
    except AnswerLinkError as exc:
        return _problem(request, exc)
    if request.method == "POST":
        form = RejectForm(request.POST)
    else:
        form = RejectForm(initial=language_draft_pop(request))
    if request.method == "POST" and form.is_valid():
        try:
            complaint = decision_answer_record(
                token=token, answer=Answer.REJECTED, reason=form.cleaned_data["reason"]
            )
        except AnswerLinkError as exc:
            return _problem(request, exc)
        return _page(
            request,
            "notifications/answer_done.html",
            {"complaint": complaint, "accepted": False},
            notification,
        )
    status = 400 if request.method == "POST" else 200
    context = {**_context(notification, token), "form": form, "language_form": "reject-form"}
    return _page(request, "notifications/answer_reject.html", context, notification, status)


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    """Twilio's status callback for an SMS or a WhatsApp message we sent (told
    apart by its ``whatsapp:`` address); 403 unless Twilio signed it."""
    # Twilio signs the URL it called: the one we gave it (SITE_URL), which
    # behind a proxy may differ from what this request looks like here.
    if not twilio_signature.request_is_signed(
        request, auth_token=conf.twilio_auth_token(), public_base_urls=[conf.site_url()]
    ):
        logger.warning("Twilio status callback with a bad or missing signature refused")
        return HttpResponseForbidden("invalid signature")
    error = request.POST.get("ErrorCode", "")
    whatsapp = twilio_address.is_whatsapp(request.POST.get("To", ""))
    notification_record_delivery(
        channel=Medium.WHATSAPP if whatsapp else Medium.SMS,
        provider_message_id=request.POST.get("MessageSid", ""),
        status=request.POST.get("MessageStatus", "") or request.POST.get("SmsStatus", ""),
        description=f"Twilio error {error}" if error else "",
    )
    return HttpResponse(status=204)
