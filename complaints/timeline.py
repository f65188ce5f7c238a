"""The complaint's story in one list, for the staff page: messages both ways,
notices, stage changes with their notes and SLA events, each attributed to the
customer, a staff member or the system."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import codes
from .models import Complaint, ComplaintEvent, ComplaintMessage
from .workflow import CUSTOMER_ANSWERS

# The history rows that only say "a message was written": the message itself
# is in the timeline, with its text.
_MESSAGE_CODES = {codes.MESSAGE_FROM_CUSTOMER, codes.MESSAGE_FROM_STAFF, codes.INTERNAL_NOTE}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "message", "note", "stage", "event"
    title: str
    body: str
    who: str  # "customer", "staff", "system"
    who_name: str
    code: str = ""
    stage_from: str = ""
    stage_to: str = ""


def _who(event: ComplaintEvent) -> tuple[str, str]:
    if event.actor_id is not None:
        return "staff", _display_name(event.actor)
    # The customer's answer (accepted / rejected) arrives through their link or
    # reply: the row carries it, and the customer is who spoke.
    if event.data.get("customer_answer") in CUSTOMER_ANSWERS and event.to_stage:
        return "customer", str(_("Customer"))
    return "system", str(_("System"))


def _display_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def complaint_timeline(complaint: Complaint) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    events = ComplaintEvent.objects.filter(complaint=complaint).select_related("actor")
    for event in events:
        if event.action in _MESSAGE_CODES:
            continue
        who, name = _who(event)
        entries.append(
            TimelineEntry(
                at=event.created_at,
                kind="stage" if event.to_stage else "event",
                title=event.action_label,
                body=event.note,
                who=who,
                who_name=name,
                code=event.action,
                stage_from=event.get_from_stage_display() if event.from_stage else "",
                stage_to=event.get_to_stage_display() if event.to_stage else "",
            )
        )
    messages = ComplaintMessage.objects.filter(complaint=complaint).select_related("author")
    for message in messages:
        from_customer = message.author_kind == ComplaintMessage.Author.CUSTOMER
        entries.append(
            TimelineEntry(
                at=message.created_at,
                kind="note" if message.internal else "message",
                title=str(
                    _("Internal note")
                    if message.internal
                    else _("Question to the customer")
                    if message.question
                    else _("Message from the customer")
                    if from_customer
                    else _("Message to the customer")
                ),
                body=message.body,
                who="customer" if from_customer else "staff",
                who_name=str(_("Customer")) if from_customer else _display_name(message.author),
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return entries
