"""What the conversation's notices say: the context of a staff reply, an access
code and an alert to staff (templates/notifications/<language>/<kind>/).
content.CONTEXTS lists these next to the other kinds."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse

from complaints import codes
from complaints.models import ComplaintAttachment, ComplaintMessage

from . import conf, segments
from .context import WHATSAPP_MAX_CHARS, base_context, sms_compose, whatsapp_compose
from .models import Medium, Notification

# Which alert (a StaffAlertPreference field) each code raises.
ALERT_TOPICS: dict[str, str] = {
    codes.MESSAGE_FROM_CUSTOMER: "customer_message",
    codes.ATTACHMENT_ADDED: "customer_files",
    codes.REOPENED: "decision_rejected",
    codes.ASSIGNED: "assigned",
    codes.TRACKING_STARTED: "assigned",
}


def _data(notification: Notification) -> dict[str, Any]:
    return dict(notification.event.data) if notification.event is not None else {}


def _message(notification: Notification) -> ComplaintMessage | None:
    pk = _data(notification).get("message")
    if not isinstance(pk, int):
        return None
    return ComplaintMessage.objects.filter(pk=pk, complaint=notification.complaint).first()


def fit_excerpt(
    template: str, context: dict[str, Any], text: str, *, name: str, whatsapp: bool = False
) -> str:
    """The longest start of ``text`` (whole, or cut with "…") that keeps the SMS
    rendered from ``template`` within NOTIFICATIONS_SMS_MAX_SEGMENTS (a WhatsApp
    message: within the characters Twilio takes)."""

    budget = conf.sms_max_segments()

    def fits(candidate: str) -> bool:
        rendered = render_to_string(template, {**context, name: candidate})
        if whatsapp:
            return len(whatsapp_compose(rendered)) <= WHATSAPP_MAX_CHARS
        return segments.segments(sms_compose(rendered)) <= budget

    # An SMS is one run of text; WhatsApp shows the message's paragraphs.
    text = text.strip() if whatsapp else " ".join(text.split())
    if fits(text):
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits, by bisection
        middle = (low + high + 1) // 2
        if fits(text[:middle].rstrip() + "…"):
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…" if low else ""


def staff_reply(notification: Notification) -> dict[str, Any]:
    message = _message(notification)
    body = message.body if message is not None else ""
    context: dict[str, Any] = {"message": message, "body": body, "excerpt": body}
    if notification.channel in (Medium.SMS, Medium.WHATSAPP):
        whatsapp = notification.channel == Medium.WHATSAPP
        medium = "whatsapp" if whatsapp else "sms"
        template = f"notifications/{notification.language}/staff_reply/{medium}.txt"
        context["excerpt"] = fit_excerpt(
            template,
            {**base_context(notification), **context},
            body,
            name="excerpt",
            whatsapp=whatsapp,
        )
    return context


def access_code(notification: Notification) -> dict[str, Any]:
    # The code itself is given as ``extra`` when the notice is queued: it is
    # never stored but in the message as sent.
    return {"valid_minutes": max(1, _complaints_conf().access_code_valid_seconds() // 60)}


def _complaints_conf() -> Any:
    from complaints import conf as complaints_conf

    return complaints_conf


def staff_alert(notification: Notification) -> dict[str, Any]:
    complaint = notification.complaint
    data = _data(notification)
    topic = data.get("topic") or _topic_of(notification)
    message = _message(notification)
    if message is not None:
        files = list(message.attachments.order_by("id"))
    else:
        ids = data.get("attachments") or []
        files = list(ComplaintAttachment.objects.filter(pk__in=ids, complaint=complaint))
    return {
        "topic": topic,
        "message": message,
        "files": files,
        "reason": data.get("customer_answer_reason") or complaint.customer_answer_reason,
        "admin_url": conf.site_url()
        + reverse("admin:complaints_complaint_change", args=[complaint.pk]),
        "preferences_url": conf.site_url() + reverse("notifications:alert_preferences"),
        "recipient_user": notification.recipient_user,
    }


def _topic_of(notification: Notification) -> str:

    action = notification.event.action if notification.event is not None else ""
    return ALERT_TOPICS.get(action, "")


CONTEXTS = {
    Notification.Kind.STAFF_REPLY: staff_reply,
    Notification.Kind.ACCESS_CODE: access_code,
    Notification.Kind.STAFF_ALERT: staff_alert,
}
