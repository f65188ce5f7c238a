"""Delivery reports: anymail's tracking webhooks (signal) and Twilio's status
callbacks (signature checked) update the notice they are about."""

from __future__ import annotations

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.test import Client
from twilio.request_validator import RequestValidator

from notifications.models import Notification, Status

from .conftest import TWILIO_TOKEN

pytestmark = pytest.mark.django_db

CALLBACK = "https://sikayet.keyinternet.com.tr/notices/twilio/status/"


def _email_notice(submit) -> Notification:
    submit()
    return Notification.objects.get()


def _track(message_id: str, event_type: str, **extra) -> None:
    event = AnymailTrackingEvent(event_type=event_type, message_id=message_id, **extra)
    tracking.send(sender=object, event=event, esp_name="TestESP")


def test_the_anymail_test_backend_message_id_is_kept_and_tracked(submit, settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    notice = _email_notice(submit)
    assert notice.status == Status.SENT
    assert notice.provider_message_id  # anymail's, not our Message-ID header
    assert not notice.provider_message_id.startswith("<")

    _track(notice.provider_message_id, "delivered")
    notice.refresh_from_db()
    assert notice.delivery_status == "delivered"


def test_a_bounce_marks_the_notice_failed_for_staff(submit):
    notice = _email_notice(submit)

    _track(notice.provider_message_id, "bounced", description="mailbox does not exist")

    notice.refresh_from_db()
    assert notice.status == Status.FAILED
    assert notice.delivery_status == "bounced"
    assert "mailbox does not exist" in notice.last_error
    assert notice.complaint.events.filter(action="notifications.notice.undelivered").count() == 1


def test_reports_out_of_order_never_move_the_status_back(submit):
    notice = _email_notice(submit)

    _track(notice.provider_message_id, "delivered")
    _track(notice.provider_message_id, "queued")
    _track(notice.provider_message_id, "sent")

    notice.refresh_from_db()
    assert notice.delivery_status == "delivered"


def test_reports_for_unknown_messages_are_ignored(submit):
    notice = _email_notice(submit)
    _track("someone-elses-id", "bounced")

    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.delivery_status == ""


def _sms_notice(submit, twilio) -> Notification:
    submit(email="", phone="0532 123 45 67")
    notice = Notification.objects.get()
    assert notice.provider_message_id.startswith("SM")
    return notice


def _signed_post(client: Client, params: dict, *, token: str = TWILIO_TOKEN, **headers):
    signature = RequestValidator(token).compute_signature(CALLBACK, params)
    return client.post(
        "/notices/twilio/status/", params, HTTP_X_TWILIO_SIGNATURE=signature, **headers
    )


def test_a_signed_twilio_status_callback_updates_the_notice(submit, twilio):
    notice = _sms_notice(submit, twilio)
    client = Client(enforce_csrf_checks=True)

    response = _signed_post(
        client, {"MessageSid": notice.provider_message_id, "MessageStatus": "delivered"}
    )

    assert response.status_code == 204
    notice.refresh_from_db()
    assert notice.delivery_status == "delivered"


def test_an_undelivered_sms_is_marked_failed(submit, twilio, client):
    notice = _sms_notice(submit, twilio)

    _signed_post(
        client,
        {
            "MessageSid": notice.provider_message_id,
            "MessageStatus": "undelivered",
            "ErrorCode": "30003",
        },
    )

    notice.refresh_from_db()
    assert notice.status == Status.FAILED
    assert "30003" in notice.last_error


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no signature
        {"HTTP_X_TWILIO_SIGNATURE": "bm90IGEgc2lnbmF0dXJl"},
    ],
)
def test_a_bad_or_missing_signature_is_refused_and_changes_nothing(submit, twilio, client, headers):
    notice = _sms_notice(submit, twilio)

    response = client.post(
        "/notices/twilio/status/",
        {"MessageSid": notice.provider_message_id, "MessageStatus": "failed"},
        **headers,
    )

    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.delivery_status == ""


def test_a_signature_made_with_another_token_is_refused(submit, twilio, client):
    notice = _sms_notice(submit, twilio)

    response = _signed_post(
        client,
        {"MessageSid": notice.provider_message_id, "MessageStatus": "failed"},
        token="someone-elses-token",
    )

    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.status == Status.SENT


def test_a_tampered_body_is_refused(submit, twilio, client):
    notice = _sms_notice(submit, twilio)
    params = {"MessageSid": notice.provider_message_id, "MessageStatus": "delivered"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(CALLBACK, params)

    response = client.post(
        "/notices/twilio/status/",
        {**params, "MessageStatus": "failed"},
        HTTP_X_TWILIO_SIGNATURE=signature,
    )

    assert response.status_code == 403


def test_without_an_auth_token_every_callback_is_refused(submit, twilio, client, settings):
    notice = _sms_notice(submit, twilio)
    params = {"MessageSid": notice.provider_message_id, "MessageStatus": "delivered"}
    settings.TWILIO_AUTH_TOKEN = ""

    assert _signed_post(client, params, token="").status_code == 403


def test_the_status_callback_only_takes_post(client):
    assert client.get("/notices/twilio/status/").status_code == 405
