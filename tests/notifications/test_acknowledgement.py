"""PROCESS.md stage 2: the customer is told, the same day, that the complaint
was recorded, with its tracking number; once told, the target is met."""

from __future__ import annotations

import uuid

import pytest

from complaints.models import Channel, Complaint, ComplaintEvent, Stage
from notifications.models import Notification

from .smtp_server import text_and_html

pytestmark = pytest.mark.django_db


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.com",
        "phone": "",
        "kind": "complaint",
        "subject": "Faturamda fazladan ücret var",
        "description": "Kasım faturamda tanımadığım bir ek paket ücreti görünüyor.",
        "submission_id": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_a_web_submission_sends_exactly_one_acknowledgement_email_with_the_tracking_number(
    client, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/submit/", _form(), HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 302

    complaint = Complaint.objects.get()
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "ayse@example.com"
    assert complaint.tracking_number in message["Subject"]
    text, html = text_and_html(message)
    assert complaint.tracking_number in text
    assert complaint.tracking_number in html
    assert f"https://sikayet.keyinternet.com.tr/track/{complaint.tracking_number}/" in text
    assert "Takip numaranız" in text  # the customer's language: Turkish


def test_sending_the_acknowledgement_meets_the_target_and_moves_the_complaint_on(submit):
    complaint = submit()

    assert complaint.stage == Stage.ACKNOWLEDGED
    event = complaint.events.get(action="complaints.complaint.acknowledged")
    assert event.actor is None  # the system
    sent = complaint.events.get(action="notifications.notice.sent")
    assert sent.data["kind"] == "acknowledgement"
    assert sent.id < event.id


def test_the_same_form_submitted_twice_sends_one_acknowledgement(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    data = _form()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/submit/", data)
        client.post("/submit/", data)

    assert Complaint.objects.count() == 1
    assert len(mailoutbox) == 1
    assert Notification.objects.count() == 1


def test_english_customers_get_english_text(submit, mailoutbox):
    complaint = submit(language="en")

    (message,) = mailoutbox
    assert "Your tracking number" in message.body
    assert complaint.tracking_number in message.subject
    html = message.alternatives[0][0]
    assert "Follow your application" in html


def test_without_an_email_the_acknowledgement_goes_by_sms(submit, mailoutbox, sms_outbox):
    complaint = submit(email="", phone="0532 123 45 67")

    assert mailoutbox == []
    (sms,) = sms_outbox
    assert sms.to == "+905321234567"
    assert complaint.tracking_number in sms.body
    assert complaint.stage == Stage.ACKNOWLEDGED


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.IN_PERSON])
def test_phone_and_in_person_complaints_are_acknowledged_during_the_contact(
    channel, submit, mailoutbox, sms_outbox
):
    complaint = submit(channel=channel, email="ayse@example.com")

    assert mailoutbox == [] and sms_outbox == []
    assert not Notification.objects.exists()
    assert complaint.stage == Stage.ACKNOWLEDGED


def test_a_staff_acknowledgement_first_is_left_alone(
    agent, mailoutbox, django_capture_on_commit_callbacks
):
    from complaints.services import complaint_transition
    from tests.factories import make_complaint

    # The send runs after commit; staff acknowledge in the same transaction.
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint()
        complaint_transition(complaint=complaint, to=Stage.ACKNOWLEDGED, actor=agent)

    assert len(mailoutbox) == 1
    assert (
        ComplaintEvent.objects.filter(
            complaint=complaint, action="complaints.complaint.acknowledged"
        ).count()
        == 1
    )
