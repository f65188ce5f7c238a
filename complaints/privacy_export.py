"""Data-subject access (KVKK article 11): everything held about a customer, as
JSON and as a PDF. complaints gathers its own rows; the other apps add theirs
through ``complaints.privacy.exporter_register`` (notices, inbound messages and
the list of files)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import codes
from .history import action_label
from .models import Complaint, Customer
from .permissions import Actor, actor_require
from .privacy import exporters
from .services.events import event_record

FORMATS = ("json", "pdf")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _complaint(complaint: Complaint) -> dict[str, Any]:
    notice = complaint.privacy_notice
    return {
        "tracking_number": complaint.tracking_number,
        "kind": complaint.kind,
        "channel": complaint.channel,
        "stage": complaint.stage,
        "stage_label": str(complaint.get_stage_display()),
        "channel_label": str(complaint.get_channel_display()),
        "language": complaint.language,
        "received_at": _iso(complaint.received_at),
        "closed_at": _iso(complaint.closed_at),
        "contact_name": complaint.contact_name,
        "contact_email": complaint.contact_email,
        "contact_phone": complaint.contact_phone,
        "subject": complaint.subject,
        "description": complaint.description,
        "category": complaint.category.name if complaint.category else None,
        "priority": complaint.priority,
        "root_cause": complaint.root_cause.name if complaint.root_cause else None,
        "root_cause_analysis": complaint.root_cause_analysis,
        "solution_proposal": complaint.solution_proposal,
        "decision": complaint.decision,
        "customer_answer": complaint.customer_answer,
        "customer_answer_reason": complaint.customer_answer_reason,
        "privacy_notice": {
            "version": notice.version if notice is not None else None,
            "given": complaint.privacy_notice_given,
        },
        "anonymised_at": _iso(complaint.anonymised_at),
        "messages": [
            {
                "at": _iso(m.created_at),
                "from": m.author_kind,
                "channel": m.channel,
                "internal_note": m.internal,
                "text": m.body,
            }
            for m in complaint.messages.order_by("created_at", "id")
        ],
        "history": [
            {
                "at": _iso(e.created_at),
                "action": e.action,
                "label": action_label(e.action),
                "from_stage": e.from_stage,
                "to_stage": e.to_stage,
                # Who among staff is theirs to know, not the customer's.
                "by": "staff" if e.actor_id else "system",
                "note": e.note,
            }
            for e in complaint.events.order_by("created_at", "id")
        ],
    }


def customer_export(*, customer: Customer, actor: Actor, fmt: str = "json") -> dict[str, Any]:
    """Everything held about ``customer``; the export is recorded in the history
    of each of their complaints (who asked, in which form: not what it held)."""
    actor_require(actor, "complaints.export_customer")
    complaints = list(
        Complaint.objects.filter(customer=customer)
        .select_related("category", "root_cause", "privacy_notice")
        .order_by("received_at", "pk")
    )
    ids = [c.pk for c in complaints]
    with translation.override(customer.language or "tr"):
        export: dict[str, Any] = {
            "generated_at": _iso(timezone.now()),
            "data_controller": "Key İnternet",
            "customer": {
                "name": customer.name,
                "email": customer.email,
                "phone": customer.phone,
                "language": customer.language,
                "created_at": _iso(customer.created_at),
                "anonymised_at": _iso(customer.anonymised_at),
            },
            "complaints": [_complaint(c) for c in complaints],
        }
        for _name, export_of in exporters():
            for section, rows in export_of(ids).items():
                export.setdefault(section, []).extend(rows)
    with transaction.atomic():
        for complaint in complaints:
            event_record(
                complaint=complaint,
                action=codes.CUSTOMER_EXPORTED,
                actor=actor,
                data={"format": fmt if fmt in FORMATS else "json"},
            )
    return export


def export_json(export: dict[str, Any]) -> bytes:
    return json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def export_pdf(export: dict[str, Any], *, language: str = "tr") -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango, which takes a while

    with translation.override(language):
        page = render_to_string("complaints/customer_export.html", {"export": export})
    return HTML(string=page).write_pdf()
