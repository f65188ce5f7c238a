"""The audit dossier of one complaint: everything in order, as PDF.

Contact, the application, classification and its reasons, SLA dates and
events, analysis and decision, the customer's answers, messages (internal
notes marked), notices with their delivery states, the survey, links and
corrective actions, and the whole history. The notices are read from the
history rows their sending wrote (``notifications.notice.*``), so this app
needs nothing of the notifications app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from complaints.models import Complaint, ComplaintEvent

from ..models import SurveyInvitation, SurveyOptOut
from ..selectors.recurrence import complaint_links

NOTICE_PREFIX = "notifications.notice."
CLASSIFICATION_CODES = (
    "complaints.complaint.classified",
    "complaints.complaint.reprioritized",
    "complaints.complaint.recategorized",
)
ANSWER_CODES = ("complaints.complaint.closed", "complaints.complaint.reopened")


@dataclass
class NoticeRow:
    at: Any
    action: str
    label: str
    kind: str
    channel: str
    recipient: str
    attempts: Any
    delivery_status: str
    note: str


def _hours(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 3600.0, 1)


def dossier_context(complaint: Complaint) -> dict[str, Any]:
    complaint = (
        Complaint.objects.select_related("customer", "category", "root_cause", "assignee")
        .filter(pk=complaint.pk)
        .get()
    )
    events = list(
        ComplaintEvent.objects.filter(complaint=complaint)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    notices = [
        NoticeRow(
            at=e.created_at,
            action=e.action,
            label=e.action_label,
            kind=str(e.data.get("kind", "")),
            channel=str(e.data.get("channel", "")),
            recipient=str(e.data.get("recipient", "")),
            attempts=e.data.get("attempts", ""),
            delivery_status=str(e.data.get("delivery_status", "")),
            note=e.note,
        )
        for e in events
        if e.action.startswith(NOTICE_PREFIX)
    ]
    invitation = (
        SurveyInvitation.objects.select_related("response").filter(complaint=complaint).first()
    )
    return {
        "complaint": complaint,
        "events": events,
        "classification_events": [e for e in events if e.action in CLASSIFICATION_CODES],
        "answer_events": [e for e in events if e.action in ANSWER_CODES],
        "sla_events": [e for e in events if e.action.startswith("sla.")],
        "notices": notices,
        "messages": list(complaint.messages.select_related("author").order_by("created_at", "id")),
        "invitation": invitation,
        "response": getattr(invitation, "response", None) if invitation else None,
        "opted_out": SurveyOptOut.objects.filter(customer_id=complaint.customer_id).first(),
        "links": complaint_links(complaint=complaint),
        "corrective_actions": list(complaint.corrective_actions.order_by("created_at")),
        "ack_hours": _hours(complaint.ack_business_seconds),
        "resolution_hours": _hours(complaint.resolution_business_seconds),
        "generated_at": timezone.now(),
    }


def dossier_html(complaint: Complaint) -> str:
    return render_to_string("improvement/audit/dossier.html", dossier_context(complaint))


def dossier_write(*, complaint: Complaint, out: IO[bytes] | str, language: str = "tr") -> None:
    from weasyprint import HTML

    with translation.override(language if language in ("tr", "en") else "tr"):
        HTML(string=dossier_html(complaint)).write_pdf(out)


def dossier_response(*, complaint: Complaint, language: str) -> HttpResponse:
    import io

    buffer = io.BytesIO()
    dossier_write(complaint=complaint, out=buffer, language=language)
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    name = f"dossier-{complaint.tracking_number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
