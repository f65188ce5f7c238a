"""What a proactive notice says (issue 10, item 7): every event told in it
(notifications.proactive links them), with the complaint as it is when the
notice is sent: its priority and its due date now, whether the clock waits on
the customer. Templates: templates/notifications/<language>/update/ (a notice
that carries a question is of kind ``question``, whose templates include them).
"""

from __future__ import annotations

from typing import Any

from complaints.models import ComplaintMessage

from .context import base_context
from .conversation_content import fit_excerpt
from .models import Medium, Notification, Proactive, ProactiveEvent


def _told(notification: Notification) -> list[tuple[str, dict[str, Any]]]:
    """(what, the event's data) per event told, in the order they happened."""
    links = list(
        ProactiveEvent.objects.filter(notification=notification)
        .select_related("event")
        .order_by("event_id")
    )
    if links:
        return [(link.what, dict(link.event.data)) for link in links]
    # A question queued before proactive notices existed: its own event says it.
    event = notification.event
    if notification.kind == Notification.Kind.QUESTION and event is not None:
        return [(Proactive.QUESTION, dict(event.data))]
    return []


def proactive_context(notification: Notification) -> dict[str, Any]:
    complaint = notification.complaint
    told = _told(notification)
    whats = {what for what, _data in told}
    message_ids = [
        data["message"]
        for what, data in told
        if what == Proactive.QUESTION and isinstance(data.get("message"), int)
    ]
    bodies = dict(
        ComplaintMessage.objects.filter(complaint=complaint, pk__in=message_ids).values_list(
            "pk", "body"
        )
    )
    questions = [bodies[pk] for pk in message_ids if bodies.get(pk)]
    context: dict[str, Any] = {
        "classified": Proactive.CLASSIFIED in whats,
        "due_moved": Proactive.DUE_MOVED in whats,
        "questions": questions,
        # One text for the templates that show a single question.
        "question": "\n\n".join(questions),
        "priority_label": complaint.get_priority_display() if complaint.priority else "",
        "resolution_due_at": complaint.resolution_due_at,
        # The clock waits on the customer now: the due date moves on their answer.
        "on_hold": complaint.resolution_paused_at is not None,
    }
    context["excerpt"] = " / ".join(" ".join(q.split()) for q in questions)
    if notification.channel == Medium.SMS and questions:
        # The question cut to keep the SMS within NOTIFICATIONS_SMS_MAX_SEGMENTS.
        template = f"notifications/{notification.language}/update/sms.txt"
        context["excerpt"] = fit_excerpt(
            template, {**base_context(notification), **context}, context["excerpt"], name="excerpt"
        )
    return context
