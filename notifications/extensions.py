"""What notifications adds to complaints' staff screens through complaints'
extension points (complaints.extensions): each staff message's delivery state,
in the admin's message table and the staff API's ``messages[].delivery``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints import extensions

from .models import Kind, Notification, Status

_COLOURS = {
    Status.PENDING: "#5b6475",
    Status.SENDING: "#0b5fff",
    Status.SENT: "#137333",
    Status.FAILED: "#b00020",
}


class DeliverySerializer(serializers.Serializer):
    """Where the reply to the customer stands (null: internal note, the
    customer's own message, or no contact to send it to)."""

    notification = serializers.IntegerField()
    channel = serializers.CharField()
    recipient = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    delivery_status = serializers.CharField(
        allow_blank=True, help_text="What the provider reported: delivered, bounced…"
    )
    attempts = serializers.IntegerField()
    sent_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(allow_blank=True)


def message_delivery(messages: Sequence[Any]) -> Mapping[int, Any]:
    """{message id: its reply notice's state} for the staff messages sent out."""
    wanted = {m.pk for m in messages if m.author_kind == "staff" and not m.internal}
    if not wanted:
        return {}
    complaint_ids = {m.complaint_id for m in messages}
    found: dict[int, Any] = {}
    notices = (
        Notification.objects.filter(complaint_id__in=complaint_ids, kind=Kind.STAFF_REPLY)
        .select_related("event")
        .order_by("created_at", "id")
    )
    for notice in notices:
        message_id = (notice.event.data or {}).get("message") if notice.event else None
        if isinstance(message_id, int) and message_id in wanted:
            found[message_id] = {
                "notification": notice.pk,
                "channel": notice.channel,
                "recipient": notice.recipient,
                "status": notice.status,
                "delivery_status": notice.delivery_status,
                "attempts": notice.attempts,
                "sent_at": notice.sent_at.isoformat() if notice.sent_at else None,
                "last_error": notice.last_error[:300],
            }
    return found


def delivery_display(value: Any) -> str:
    if not value:
        return "—"
    status = Status(value["status"])
    return format_html(
        '<strong style="color:{}">{}</strong> · {}{}',
        _COLOURS.get(status, "inherit"),
        status.label,
        gettext("by %(channel)s") % {"channel": value["channel"]},
        f" · {value['delivery_status']}" if value.get("delivery_status") else "",
    )


def register() -> None:
    extensions.message_detail_add(
        "delivery",
        label=_("delivery to the customer"),
        values=message_delivery,
        display=delivery_display,
        schema=lambda: DeliverySerializer(allow_null=True),
    )
