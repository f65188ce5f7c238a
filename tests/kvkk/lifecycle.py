"""A complaint that goes through every stage, with every kind of personal data
the system can hold about it, for the retention and data-subject tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from complaints.models import Answer, Channel, Complaint, ComplaintMessage, Stage
from complaints.services import (
    complaint_assign,
    complaint_message_add,
    complaint_record_answer,
    complaint_reprioritize,
    complaint_transition,
)
from intake.inbound.email import inbound_email_receive
from sla.services import sla_sweep
from tests.factories import category, root_cause

from .conftest import inbound_email

NAME = "Nazlı Gülbahar Tepecik"
SURNAME = "Tepecik"
EMAIL = "nazli.tepecik@posta.example"
PHONE = "+905419876543"
# One made-up word per text the customer or staff type, so that a leak says where from.
WORDS = {
    "subject": "Gelincikdere",
    "description": "Mavikaplumbağa",
    "attachment": "Sincapyuvası",
    "attachment_name": "Karakovanbalı",
    "customer_reply": "Yıldızçiçeği",
    "staff_message": "Ladinormanı",
    "internal_note": "Mercanresifi",
    "priority_reason": "Kumsaatimiz",
    "analysis": "Papatyatarlası",
    "proposal": "Limonağacı",
    "decision": "Zeytindalı",
    "rejection": "Fındıkkabuğu",
    "second_decision": "Çamkozalağı",
    "note": "Kırlangıçyuvası",
}


def personal_values() -> list[str]:
    return [NAME, SURNAME, EMAIL, PHONE, PHONE[3:], *WORDS.values()]


@dataclass
class Lived:
    complaint: Complaint
    attachment_path: str


def live_a_whole_complaint(*, staff: Any, capture: Any) -> Lived:
    """Received by e-mail with a file, acknowledged, classified, re-prioritised,
    followed, analysed, answered, decided, rejected by the customer, decided
    again, accepted and closed; messages both ways, an internal note, notices
    of every kind and an SLA breach escalated to staff."""
    with capture(execute=True):
        inbound_email_receive(
            message=inbound_email(
                sender=EMAIL,
                name=NAME,
                subject=f"{WORDS['subject']} hattım kesik",
                text=f"{WORDS['description']} diye yazıyorum. Telefonum {PHONE}.",
                attachments=[
                    (
                        f"{WORDS['attachment_name']}.txt",
                        "text/plain",
                        f"{WORDS['attachment']} {NAME}".encode(),
                    )
                ],
            )
        )
    complaint = Complaint.objects.get(customer__email=EMAIL)
    # The customer gave a phone number too: the admin records it on the customer.
    complaint.customer.phone = PHONE
    complaint.customer.save(update_fields=["phone"])
    attachment = complaint_attachment(complaint)
    with capture(execute=True):
        complaint = complaint_transition(
            complaint=complaint,
            to=Stage.CLASSIFIED,
            actor=staff,
            note=f"{WORDS['note']} {NAME}",
            fields={"category": category("financial")},
        )
        complaint = complaint_reprioritize(
            complaint=complaint, priority="high", reason=WORDS["priority_reason"], actor=staff
        )
        complaint = complaint_assign(complaint=complaint, assignee=staff, actor=staff)
        # The high-priority target passes unmet: breached, staff escalated.
        due = Complaint.objects.get(pk=complaint.pk).resolution_due_at
        assert due is not None
        sla_sweep(now=due + timedelta(minutes=1))
        complaint_message_add(
            complaint=complaint,
            body=f"{WORDS['staff_message']} Sayın {NAME}",
            author_kind=ComplaintMessage.Author.STAFF,
            channel=Channel.EMAIL,
            actor=staff,
        )
        complaint_message_add(
            complaint=complaint,
            body=f"{WORDS['internal_note']} {EMAIL}",
            author_kind=ComplaintMessage.Author.STAFF,
            channel=Channel.EMAIL,
            actor=staff,
            internal=True,
        )
    with capture(execute=True):
        inbound_email_receive(
            message=inbound_email(
                sender=EMAIL,
                name=NAME,
                subject=f"Re: {complaint.tracking_number}",
                text=f"{WORDS['customer_reply']} ekledim.",
                message_id="<kvkk-2@mail.example.com>",
            )
        )
    with capture(execute=True):
        complaint = complaint_transition(complaint=complaint, to=Stage.IN_ANALYSIS, actor=staff)
        complaint = complaint_transition(
            complaint=complaint,
            to=Stage.RESPONDED,
            actor=staff,
            fields={
                "root_cause": root_cause(),
                "root_cause_analysis": f"{WORDS['analysis']} {SURNAME}",
                "solution_proposal": WORDS["proposal"],
            },
        )
        complaint = complaint_transition(
            complaint=complaint,
            to=Stage.DECISION_NOTIFIED,
            actor=staff,
            fields={"decision": WORDS["decision"]},
        )
        complaint = complaint_record_answer(
            complaint=complaint,
            answer=Answer.REJECTED,
            channel=Channel.EMAIL,
            reason=f"{WORDS['rejection']} {NAME}",
        )
        complaint = complaint_transition(
            complaint=complaint,
            to=Stage.RESPONDED,
            actor=staff,
            fields={
                "root_cause": root_cause(),
                "root_cause_analysis": WORDS["analysis"],
                "solution_proposal": WORDS["proposal"],
            },
        )
        complaint = complaint_transition(
            complaint=complaint,
            to=Stage.DECISION_NOTIFIED,
            actor=staff,
            fields={"decision": WORDS["second_decision"]},
        )
        complaint = complaint_record_answer(
            complaint=complaint, answer=Answer.ACCEPTED, channel=Channel.PHONE
        )
    assert complaint.stage == Stage.CLOSED
    return Lived(complaint=complaint, attachment_path=attachment)


def complaint_attachment(complaint: Complaint) -> str:
    from intake.models import InboundAttachment

    return InboundAttachment.objects.get(inbound__complaint=complaint).file.path


def close_long_ago(complaint: Complaint, *, days: int) -> None:
    """As if it had closed ``days`` days ago (the retention clock runs from closure)."""
    Complaint.objects.filter(pk=complaint.pk).update(
        closed_at=timezone.now() - timedelta(days=days)
    )
