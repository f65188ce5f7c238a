"""What each notice says: templates per language under
templates/notifications/<language>/<kind>/ (subject.txt, body.txt, body.html
for e-mail; sms.txt for SMS; whatsapp.txt, else sms.txt, for WhatsApp),
rendered in the recipient's language."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime

from complaints.models import Answer, Language, RecourseText
from complaints.models import Kind as ComplaintKind
from complaints.recourse import recourse_text_current, recourse_url

from . import conf, conversation_content
from .answers import answer_urls, decision_notice_awaiting
from .context import base_context, sms_compose, sms_text, whatsapp_text
from .models import Kind, Medium, Notification
from .proactive_content import proactive_context

__all__ = ["Content", "base_context", "render_notice", "sms_compose", "sms_text"]

logger = logging.getLogger(__name__)

# The template engine of plain text: autoescape off (config/settings.py TEMPLATES).
TEXT_ENGINE = "text"


@dataclass(frozen=True)
class Content:
    text: str
    subject: str = ""
    html: str = ""
    # The version of "where else you can go" the text carries, if any.
    recourse: RecourseText | None = None


def _language(code: str) -> str:
    return code if code in Language.values else Language.TURKISH


def _data(notification: Notification) -> dict[str, Any]:
    return dict(notification.event.data) if notification.event is not None else {}


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return parse_datetime(value)
    return None


def _acknowledgement(notification: Notification) -> dict[str, Any]:
    complaint = notification.complaint
    return {"ack_due_at": complaint.ack_due_at, "resolution_due_at": complaint.resolution_due_at}


def _decision(notification: Notification) -> dict[str, Any]:
    complaint = notification.complaint
    needs_answer = complaint.kind != ComplaintKind.FEEDBACK
    return {
        # The decision as notified (the event keeps it, whatever happens later).
        "decision": _data(notification).get("decision") or complaint.decision,
        "solution_proposal": complaint.solution_proposal,
        "needs_answer": needs_answer,
        "links": answer_urls(notification=notification) if needs_answer else {},
        "links_valid_until": notification.created_at
        + timedelta(seconds=conf.answer_link_max_age_seconds()),
    }


def _decision_reminder(notification: Notification) -> dict[str, Any]:
    complaint = notification.complaint
    decision = decision_notice_awaiting(complaint=complaint)
    decision_data = dict(decision.event.data) if decision and decision.event else {}
    return {
        "decision": decision_data.get("decision") or complaint.decision,
        "solution_proposal": complaint.solution_proposal,
        "decision_notified_at": complaint.decision_notified_at,
        # The decision notice's own links: the same decision, answered once.
        "links": answer_urls(notification=decision) if decision is not None else {},
        "links_valid_until": notification.created_at
        + timedelta(seconds=conf.answer_link_max_age_seconds()),
        "closes_at": complaint.answer_close_due_at,
    }


def _recourse() -> dict[str, Any]:
    """PROCESS.md "Where else the customer can go": the version in force when
    the notice is written (the send records it on the row, with the text)."""
    text = recourse_text_current()
    return {"recourse": text, "recourse_url": recourse_url(text) if text is not None else ""}


def _closure(notification: Notification) -> dict[str, Any]:
    complaint = notification.complaint
    return {
        "closed_at": complaint.closed_at,
        "accepted": complaint.customer_answer == Answer.ACCEPTED,
        # Closed because no answer came: said as such, never as an acceptance.
        "no_answer": complaint.customer_answer == Answer.NO_ANSWER,
        **_recourse(),
    }


def _reevaluation(notification: Notification) -> dict[str, Any]:
    # The customer rejected the decision: told where else they can apply too.
    complaint = notification.complaint
    return {
        "reason": _data(notification).get("customer_answer_reason")
        or complaint.customer_answer_reason,
        "resolution_due_at": complaint.resolution_due_at,
        **_recourse(),
    }


def _escalation(notification: Notification) -> dict[str, Any]:
    complaint = notification.complaint
    action = notification.event.action if notification.event is not None else ""
    # sla.<target>.<level>: ack / resolution, at_risk / breached
    _, target, level = [*action.split("."), "", "", ""][:3]
    fallback = complaint.ack_due_at if target == "ack" else complaint.resolution_due_at
    return {
        "target": target,
        "level": level,
        "due_at": _when(_data(notification).get("due_at")) or fallback,
        "admin_url": conf.site_url()
        + reverse("admin:complaints_complaint_change", args=[complaint.pk]),
        "recipient_user": notification.recipient_user,
    }


def _linked(notification: Notification) -> dict[str, Any]:
    # Notices other apps ask for: what to link to is in the row that asked.
    data = _data(notification)
    return {
        "url": data.get("url", ""),
        "opt_out_url": data.get("opt_out_url", ""),
        "valid_until": _when(data.get("valid_until")),
        "data": data,
        "recipient_user": notification.recipient_user,
    }


def _ack_undelivered(notification: Notification) -> dict[str, Any]:
    """What the alert says: which notice failed, and how to reach the customer."""
    complaint = notification.complaint
    data = _data(notification)
    failed_id = data.get("notification")
    failed = (
        Notification.objects.filter(pk=failed_id, complaint=complaint).first()
        if isinstance(failed_id, int)
        else None
    )
    return {
        "failed_channel": failed.get_channel_display() if failed else data.get("channel", ""),
        "failed_recipient": failed.recipient if failed else data.get("recipient", ""),
        "delivery_status": data.get("delivery_status", ""),
        "error": notification.event.note if notification.event is not None else "",
        "contact_phone": complaint.contact_phone,
        "ack_due_at": complaint.ack_due_at,
        "admin_url": conf.site_url()
        + reverse("admin:complaints_complaint_change", args=[complaint.pk]),
        "recipient_user": notification.recipient_user,
    }


CONTEXTS = {
    Kind.ACKNOWLEDGEMENT: _acknowledgement,
    Kind.DECISION: _decision,
    Kind.CLOSURE: _closure,
    Kind.REEVALUATION: _reevaluation,
    Kind.ESCALATION: _escalation,
    Kind.SURVEY_INVITATION: _linked,
    Kind.SURVEY_LOW_SCORE: _linked,
    **conversation_content.CONTEXTS,
    Kind.QUESTION: proactive_context,
    Kind.UPDATE: proactive_context,
    Kind.DECISION_REMINDER: _decision_reminder,
    Kind.ACK_UNDELIVERED: _ack_undelivered,
}


def render_notice(notification: Notification, *, extra: dict[str, Any] | None = None) -> Content:
    language = _language(notification.language)
    prefix = f"notifications/{language}/{notification.kind}"
    with translation.override(language):
        context = {
            **base_context(notification),
            **CONTEXTS[Kind(notification.kind)](notification),
            **(extra or {}),
        }
        # Text is rendered by the "text" engine (settings.TEMPLATES): no HTML escaping.
        recourse = context.get("recourse")
        if notification.channel == Medium.SMS:
            sms = render_to_string(f"{prefix}/sms.txt", context, using=TEXT_ENGINE)
            return Content(text=sms_text(sms), recourse=recourse)
        if notification.channel == Medium.WHATSAPP:
            text = whatsapp_text(whatsapp_render(prefix, context))
            return Content(text=text, recourse=recourse)
        subject = " ".join(
            render_to_string(f"{prefix}/subject.txt", context, using=TEXT_ENGINE).split()
        )
        text = render_to_string(f"{prefix}/body.txt", context, using=TEXT_ENGINE).strip() + "\n"
        html = render_to_string(f"{prefix}/body.html", context)
    return Content(text=text, subject=subject, html=html, recourse=recourse)


def whatsapp_render(prefix: str, context: dict[str, Any]) -> str:
    # A kind with more to say than its SMS has its own whatsapp.txt (the
    # decision itself, a staff reply whole); the others say what their SMS says.
    names = [f"{prefix}/whatsapp.txt", f"{prefix}/sms.txt"]
    return select_template(names, using=TEXT_ENGINE).render(context)
