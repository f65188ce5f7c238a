"""ISO 10002 satisfaction with the process: after a complaint closes, the
customer is invited once, through the outbox, unless they opted out or can
only be reached on a phone that cannot take a text."""

from __future__ import annotations

import pytest
from django.core import mail

from complaints import codes as complaint_codes
from complaints.models import Channel, ComplaintEvent, Kind
from complaints.services import event_record
from improvement import codes
from improvement.models import SurveyInvitation, SurveyOptOut
from improvement.services.survey import survey_invite, survey_token
from notifications import segments, sms
from notifications.models import Notification

from .conftest import SITE_URL

pytestmark = pytest.mark.django_db


def test_closing_a_complaint_invites_the_customer_once_by_email(closed):
    complaint = closed()

    invitation = SurveyInvitation.objects.get(complaint=complaint)
    assert invitation.medium == "email"
    event = ComplaintEvent.objects.get(complaint=complaint, action=complaint_codes.CUSTOMER_INVITED)
    token = survey_token(invitation=invitation)
    assert event.data["url"] == f"{SITE_URL}/survey/{token}/"
    assert event.data["opt_out_url"] == f"{SITE_URL}/survey/{token}/opt-out/"
    notice = Notification.objects.get(complaint=complaint, kind="survey_invitation")
    assert (notice.channel, notice.recipient) == ("email", "ayse@example.com")
    assert notice.event_id == event.pk


def test_feedback_answered_and_closed_is_invited_too(closed):
    complaint = closed(kind=Kind.FEEDBACK)
    assert SurveyInvitation.objects.filter(complaint=complaint).count() == 1


def test_another_closed_row_for_the_same_complaint_does_not_invite_again(closed):
    # e.g. the "no answer" close of another task reporting on a closed complaint
    complaint = closed()
    event_record(complaint=complaint, action=complaint_codes.CLOSED)
    survey_invite(complaint=complaint)

    assert SurveyInvitation.objects.filter(complaint=complaint).count() == 1
    assert Notification.objects.filter(complaint=complaint, kind="survey_invitation").count() == 1
    assert (
        ComplaintEvent.objects.filter(
            complaint=complaint, action=complaint_codes.CUSTOMER_INVITED
        ).count()
        == 1
    )


def test_no_invitation_when_the_only_contact_is_a_landline(closed):
    complaint = closed(channel=Channel.PHONE, email="", phone="0212 555 12 34")

    assert not SurveyInvitation.objects.filter(complaint=complaint).exists()
    row = ComplaintEvent.objects.get(complaint=complaint, action=codes.SURVEY_NOT_INVITED)
    assert row.data == {"reason": "no_written_contact"}
    assert not Notification.objects.filter(kind="survey_invitation").exists()


def test_a_mobile_number_as_the_only_contact_gets_the_invitation_by_sms(
    closed, django_capture_on_commit_callbacks
):
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        complaint = closed(channel=Channel.SMS, email="", phone="0532 123 45 67")

    invitation = SurveyInvitation.objects.get(complaint=complaint)
    assert invitation.medium == "sms"
    notice = Notification.objects.get(complaint=complaint, kind="survey_invitation")
    assert (notice.channel, notice.recipient, notice.status) == ("sms", "+905321234567", "sent")
    token = survey_token(invitation=invitation)
    assert f"{SITE_URL}/survey/{token}/" in notice.body_text
    assert f"{SITE_URL}/survey/{token}/opt-out/" in notice.body_text
    assert segments.segments(notice.body_text) <= 2


def test_the_invitation_email_carries_the_link_and_the_opt_out(
    closed, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        complaint = closed()

    invitation = SurveyInvitation.objects.get(complaint=complaint)
    token = survey_token(invitation=invitation)
    [message] = [m for m in mail.outbox if "ele aldık" in m.subject]
    assert complaint.tracking_number in message.subject
    assert f"{SITE_URL}/survey/{token}/" in message.body
    assert f"{SITE_URL}/survey/{token}/opt-out/" in message.body
    html = message.alternatives[0][0]  # type: ignore[attr-defined]
    assert f'href="{SITE_URL}/survey/{token}/"' in html


def test_an_english_complaint_is_invited_in_english(closed, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        closed(language="en", email="jane@example.com")
    assert any(m.subject.startswith("How did we handle") for m in mail.outbox)


def test_a_customer_who_opted_out_is_not_invited_for_a_later_complaint(closed):
    first = closed()
    SurveyOptOut.objects.create(customer=first.customer)

    second = closed(subject="Yine bağlantı sorunu")

    assert second.customer_id == first.customer_id
    assert not SurveyInvitation.objects.filter(complaint=second).exists()
    row = ComplaintEvent.objects.get(complaint=second, action=codes.SURVEY_NOT_INVITED)
    assert row.data == {"reason": "opted_out"}
