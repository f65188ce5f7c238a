"""E-mail through Django's SMTP backend to a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import smtplib

import pytest
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused

from notifications.email import EmailTransport, classify
from notifications.errors import PermanentDeliveryError, TemporaryDeliveryError
from notifications.models import Notification, Status
from notifications.services import notification_send

from .smtp_server import free_port, text_and_html

pytestmark = pytest.mark.django_db


def test_the_transport_sends_text_and_html_through_smtp(smtp):
    message_id = EmailTransport().send(
        to="ayse@example.com", subject="Konu: şikâyet", text="Düz metin", html="<p>HTML</p>"
    )

    (message,) = smtp.messages
    assert message["Subject"] == "Konu: şikâyet"
    assert message["Message-ID"] == message_id
    assert "keyinternet.com.tr" in message_id
    text, html = text_and_html(message)
    assert text.strip() == "Düz metin"
    assert html.strip() == "<p>HTML</p>"


def test_a_recipient_refused_for_good_is_a_permanent_failure(smtp):
    smtp.refuse_permanently.add("nobody@example.com")

    with pytest.raises(PermanentDeliveryError, match="550"):
        EmailTransport().send(to="nobody@example.com", subject="s", text="t")


def test_a_recipient_refused_for_now_is_a_temporary_failure(smtp):
    smtp.refuse_temporarily.add("busy@example.com")

    with pytest.raises(TemporaryDeliveryError, match="451"):
        EmailTransport().send(to="busy@example.com", subject="s", text="t")


def test_a_server_that_is_down_is_a_temporary_failure(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens

    with pytest.raises(TemporaryDeliveryError):
        EmailTransport().send(to="ayse@example.com", subject="s", text="t")


def test_the_smtp_server_down_then_up_delivers_the_acknowledgement_once(
    smtp, settings, django_capture_on_commit_callbacks
):
    from tests.factories import make_complaint

    port = smtp.port
    settings.EMAIL_PORT = free_port()  # the server is unreachable at first
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint()
    notice = Notification.objects.get()
    assert notice.status == Status.PENDING and notice.attempts == 1
    assert "Connection refused" in notice.last_error or "Errno" in notice.last_error

    settings.EMAIL_PORT = port
    Notification.objects.update(next_attempt_at=notice.created_at)
    assert notification_send(notification_id=notice.pk).result == "sent"
    assert notification_send(notification_id=notice.pk).result == "skipped"

    (message,) = smtp.messages
    assert complaint.tracking_number in message["Subject"]


@pytest.mark.parametrize(
    ("error", "temporary"),
    [
        (AnymailAPIError("ESP down", status_code=503), True),
        (AnymailAPIError("rate limited", status_code=429), True),
        (AnymailAPIError("no response"), True),
        (AnymailAPIError("bad request", status_code=400), False),
        (AnymailRecipientsRefused("all recipients refused"), False),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (smtplib.SMTPDataError(452, b"mailbox full for now"), True),
        (TimeoutError("timed out"), True),
        (ConnectionRefusedError(111, "refused"), True),
    ],
)
def test_errors_tell_whether_a_retry_can_help(error, temporary):
    assert classify(error).temporary is temporary
