"""What notifications holds about a complaint, for the retention sweep and
data-subject requests (complaints.privacy): each notice's recipient, its
rendered subject and bodies (which carry the customer's name, their words and
the one-time answer links), the provider's id and error texts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, CharField, Value, When
from django.db.models.functions import Cast, Concat

from complaints.privacy import (
    admin_log_scrub,
    anonymiser_register,
    exporter_register,
    history_data_keep,
)

from .models import Notification


def register() -> None:
    anonymiser_register("notifications", notices_anonymise)
    exporter_register("notifications", notices_export)
    # The history rows this app writes: ids, codes and counters stay; the
    # recipient and the provider's message id are scrubbed.
    history_data_keep("notification", "kind", "channel", "attempts", "permanent", "delivery_status")


def _typed(name: str, placeholder: str) -> Case:
    return Case(When(**{name: ""}, then=Value("")), default=Value(placeholder))


def notices_anonymise(complaint_ids: Iterable[int], *, placeholder: str) -> None:
    notices = Notification.objects.filter(complaint_id__in=list(complaint_ids))
    ids = list(notices.values_list("pk", flat=True))
    if not ids:
        return
    Notification.objects.filter(pk__in=ids).update(
        recipient=placeholder,
        subject=_typed("subject", placeholder),
        # Never empty: an empty body would be rendered again by a send.
        body_text=placeholder,
        body_html=_typed("body_html", placeholder),
        last_error=_typed("last_error", placeholder),
        provider_message_id="",
        # It was "<event>:<kind>:<recipient>"; the id keeps it unique.
        idempotency_key=Concat(Value("anonymised:"), Cast("pk", CharField())),
    )
    admin_log_scrub(Notification, ids)


def notices_export(complaint_ids: Iterable[int]) -> dict[str, Any]:
    rows = (
        Notification.objects.filter(
            complaint_id__in=list(complaint_ids), recipient_user__isnull=True
        )
        .order_by("created_at", "pk")
        .values(
            "complaint__tracking_number",
            "kind",
            "channel",
            "recipient",
            "status",
            "sent_at",
            "delivery_status",
            "subject",
            "body_text",
            "created_at",
        )
    )
    return {
        "notices": [
            {
                "complaint": row["complaint__tracking_number"],
                "kind": row["kind"],
                "channel": row["channel"],
                "to": row["recipient"],
                "status": row["status"],
                "created_at": row["created_at"].isoformat(),
                "sent_at": row["sent_at"].isoformat() if row["sent_at"] else None,
                "delivery": row["delivery_status"],
                "subject": row["subject"],
                "text": row["body_text"],
            }
            for row in rows
        ]
    }
