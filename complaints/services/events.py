"""The history: one row per change, and the hook the other apps react through."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from common.db import insert_new

from ..models import Complaint, ComplaintEvent
from ..permissions import Actor, actor_user
from ..signals import complaint_event


def event_record(
    *,
    complaint: Complaint,
    action: str,
    actor: Actor = None,
    from_stage: str = "",
    to_stage: str = "",
    note: str = "",
    data: Mapping[str, Any] | None = None,
) -> ComplaintEvent:
    """Append a history row and tell the other apps (inside the caller's transaction)."""
    event = event_row(
        complaint=complaint,
        action=action,
        actor=actor,
        from_stage=from_stage,
        to_stage=to_stage,
        note=note,
        data=data,
    )
    insert_new(event)  # a row on every step: the INSERT compiled once (common.db)
    event_announce(event)
    return event


def event_row(
    *,
    complaint: Complaint,
    action: str,
    actor: Actor = None,
    from_stage: str = "",
    to_stage: str = "",
    note: str = "",
    data: Mapping[str, Any] | None = None,
) -> ComplaintEvent:
    """The history row ``event_record`` writes, not yet written (the receipt
    writes it with its complaint, in one statement)."""
    return ComplaintEvent(
        complaint=complaint,
        action=action,
        actor=actor_user(actor),
        from_stage=from_stage,
        to_stage=to_stage,
        note=note,
        data=dict(data or {}),
        # Read here rather than by the field's default, so that the whole of a
        # step (its stamps, its history rows, the due dates the other apps
        # derive from them) reads one clock.
        created_at=timezone.now(),
    )


def event_announce(event: ComplaintEvent) -> None:
    """Tell the other apps about a history row just written (complaint_event)."""
    complaint_event.send(sender=Complaint, event=event, complaint=event.complaint)


def describe(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"id": value.pk, "name": str(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    return value
