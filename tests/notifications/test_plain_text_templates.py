"""Plain-text notices (SMS, the e-mail subject and text part) are not HTML: an
apostrophe, an ampersand or an angle bracket in anything they show arrives as
typed, never as `&#x27;`, `&amp;` or `&lt;`. The HTML part stays escaped."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent
from notifications.content import render_notice
from notifications.models import Kind, Medium, Notification
from tests.factories import UserFactory, make_complaint

pytestmark = pytest.mark.django_db

MARK = 'O\'Brien & <Co> "Ltd"'
ESCAPED = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")

TEMPLATES = Path(django_settings.BASE_DIR) / "templates" / "notifications"


# Told to staff by e-mail only: no SMS templates.
STAFF_KINDS = {Kind.ESCALATION, Kind.STAFF_ALERT, Kind.SURVEY_LOW_SCORE, Kind.ACK_UNDELIVERED}
# Kinds with more to say on WhatsApp than in their SMS (the others use sms.txt).
WHATSAPP_KINDS = {Kind.DECISION, Kind.STAFF_REPLY}


def _text_templates() -> list[tuple[str, str, str]]:
    return sorted(
        (path.parts[-3], path.parts[-2], path.name) for path in TEMPLATES.glob("*/*/*.txt")
    )


def test_every_text_template_is_covered_below():
    covered = set()
    for language, kind in itertools.product(("tr", "en"), Kind.values):
        names = {"subject.txt", "body.txt"} | ({"sms.txt"} if kind not in STAFF_KINDS else set())
        names |= {"whatsapp.txt"} if kind in WHATSAPP_KINDS else set()
        covered |= {(language, kind, name) for name in names}
    assert set(_text_templates()) == covered


@pytest.fixture
def marked_complaint() -> Complaint:
    complaint = make_complaint(name=MARK, subject=MARK, description=MARK, email="a@example.com")
    assignee = UserFactory(username="temsilci", first_name=MARK, last_name=MARK)
    Complaint.objects.filter(pk=complaint.pk).update(
        decision=MARK,
        solution_proposal=MARK,
        customer_answer_reason=MARK,
        assignee=assignee,
        closed_at=timezone.now(),
    )
    complaint.refresh_from_db()
    return complaint


def _notice(complaint: Complaint, kind: str, channel: str, language: str) -> Notification:
    first = complaint.events.first()
    assert first is not None
    # A row of its own (the history is append-only): the first one's, with the marks.
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        action="sla.resolution.breached" if kind == Kind.ESCALATION else first.action,
        data={**first.data, "decision": MARK, "customer_answer_reason": MARK},
    )
    return Notification.objects.create(
        complaint=complaint,
        event=event,
        kind=kind,
        channel=channel,
        recipient="a@example.com" if channel == Medium.EMAIL else "+905321234567",
        recipient_user=complaint.assignee if kind in STAFF_KINDS else None,
        language=language,
        idempotency_key=f"{kind}:{channel}:{language}",
        next_attempt_at=timezone.now(),
        give_up_at=timezone.now(),
    )


CASES = [
    (kind, channel, language)
    for kind in Kind.values
    for channel in Medium.values
    for language in ("tr", "en")
    if not (kind in STAFF_KINDS and channel != Medium.EMAIL)
]


@pytest.mark.parametrize(("kind", "channel", "language"), CASES)
@pytest.mark.parametrize("feedback", [False, True], ids=["complaint", "feedback"])
def test_text_notices_show_what_was_typed_unescaped(
    marked_complaint, kind, channel, language, feedback
):
    if feedback:
        Complaint.objects.filter(pk=marked_complaint.pk).update(kind="feedback")
        marked_complaint.refresh_from_db()
    content = render_notice(_notice(marked_complaint, kind, channel, language))
    for part in (content.text, content.subject):
        assert not any(entity in part for entity in ESCAPED), part
    if channel == Medium.SMS and kind == Kind.DECISION and feedback:
        # The feedback answer is in the SMS itself (cut to fit).
        assert "O'Brien & <Co>" in content.text
    if channel == Medium.WHATSAPP and kind == Kind.DECISION:
        # On WhatsApp the decision and the proposal are in the message.
        assert content.text.count("O'Brien & <Co>") == 2
    if channel == Medium.EMAIL and kind != Kind.ACCESS_CODE:  # a code quotes nothing typed
        assert "O'Brien & <Co>" in content.text
        assert "<Co>" not in content.html and "&lt;Co&gt;" in content.html
