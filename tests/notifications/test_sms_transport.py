"""SMS through the real twilio client, pointed at a local stand-in that answers
like Twilio's Messages API (201, 500, timeouts, 400 with code 21211)."""

from __future__ import annotations

import io

import pytest

from notifications.errors import PermanentDeliveryError, TemporaryDeliveryError
from notifications.models import Notification, Status
from notifications.services import notification_send
from notifications.sms import ConsoleSMSBackend, TwilioSMSBackend, get_sms_backend

from .conftest import TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN

pytestmark = pytest.mark.django_db


def test_twilio_backend_sends_through_the_messages_api(twilio):
    backend = get_sms_backend()
    assert isinstance(backend, TwilioSMSBackend)

    sid = backend.send(
        to="+905321234567", body="Şikâyetiniz alındı", status_callback="https://x/cb"
    )

    (request,) = twilio.requests
    assert sid.startswith("SM")
    assert request.account_sid == TWILIO_SID
    assert request.auth == (TWILIO_SID, TWILIO_TOKEN)
    assert request.form == {
        "To": "+905321234567",
        "From": TWILIO_FROM,
        "Body": "Şikâyetiniz alındı",
        "StatusCallback": "https://x/cb",
    }


@pytest.mark.parametrize("answer", ["500", "503", "429"])
def test_provider_errors_that_may_pass_are_temporary(twilio, answer):
    twilio.script(answer)

    with pytest.raises(TemporaryDeliveryError):
        get_sms_backend().send(to="+905321234567", body="x")


def test_a_timeout_is_temporary(twilio):
    twilio.script("timeout")

    with pytest.raises(TemporaryDeliveryError, match="Timeout"):
        get_sms_backend().send(to="+905321234567", body="x")


def test_an_invalid_number_is_permanent(twilio):
    twilio.script("400:21211")

    with pytest.raises(PermanentDeliveryError, match="21211"):
        get_sms_backend().send(to="+900000", body="x")


def test_a_missing_configuration_is_permanent(settings):
    settings.TWILIO_ACCOUNT_SID = ""

    with pytest.raises(PermanentDeliveryError, match="not configured"):
        TwilioSMSBackend().send(to="+905321234567", body="x")


def test_the_console_backend_prints_the_message():
    stream = io.StringIO()
    message_id = ConsoleSMSBackend(stream=stream).send(to="+905321234567", body="Merhaba")

    assert message_id.startswith("console-")
    assert "+905321234567" in stream.getvalue() and "Merhaba" in stream.getvalue()


def test_the_sms_acknowledgement_survives_a_500_and_a_timeout_and_is_sent_once(twilio, submit):
    twilio.script("500", "timeout")
    complaint = submit(email="", phone="0532 123 45 67")
    notice = Notification.objects.get()
    assert notice.status == Status.PENDING and notice.attempts == 1
    assert "500" in notice.last_error

    for expected in ("retry", "sent", "skipped"):
        Notification.objects.filter(pk=notice.pk).update(next_attempt_at=notice.created_at)
        assert notification_send(notification_id=notice.pk).result == expected

    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.attempts == 3
    (sent,) = twilio.sent
    assert sent.form["To"] == "+905321234567"
    assert complaint.tracking_number in sent.form["Body"]
    assert sent.form["StatusCallback"] == (
        "https://sikayet.keyinternet.com.tr/notices/twilio/status/"
    )
    assert notice.provider_message_id.startswith("SM")
    complaint.refresh_from_db()
    assert complaint.stage == "acknowledged"


def test_an_invalid_number_fails_the_notice_without_retrying(twilio, submit):
    twilio.script("400:21211")
    complaint = submit(email="", phone="0532 123 45 67")

    notice = Notification.objects.get()
    assert notice.status == Status.FAILED and notice.attempts == 1
    assert "21211" in notice.last_error
    assert len(twilio.requests) == 1
    assert complaint.events.filter(action="notifications.notice.failed").exists()
