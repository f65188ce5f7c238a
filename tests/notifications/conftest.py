"""Fixtures for the notifications tests: real local peers (an SMTP server, a
Twilio stand-in) and in-memory backends for the simple cases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from complaints.models import Complaint, Stage
from notifications import sms
from notifications.models import Notification
from tests.factories import make_complaint
from tests.helpers import advance

from .smtp_server import SMTPServer
from .twilio_standin import TwilioStandIn

SITE_URL = "https://sikayet.keyinternet.com.tr"
TWILIO_SID = "AC" + "0123456789abcdef" * 2
TWILIO_TOKEN = "twilio-auth-token-for-tests"
TWILIO_FROM = "+15005550006"


@pytest.fixture(autouse=True)
def _notification_settings(settings: Any) -> None:
    settings.SITE_URL = SITE_URL
    settings.DEFAULT_FROM_EMAIL = "Key İnternet <destek@keyinternet.com.tr>"
    settings.SMS_BACKEND = "notifications.sms.LocmemSMSBackend"
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[sms.SentSMS]]:
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def smtp(settings: Any) -> Iterator[SMTPServer]:
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    yield server
    server.stop()


@pytest.fixture
def twilio(settings: Any) -> Iterator[TwilioStandIn]:
    server = TwilioStandIn(hang_seconds=2.0).start()
    settings.SMS_BACKEND = "notifications.sms.TwilioSMSBackend"
    settings.TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TWILIO_FROM_NUMBER = TWILIO_FROM
    settings.NOTIFICATIONS_TWILIO_API_BASE_URL = server.base_url
    settings.NOTIFICATIONS_SEND_TIMEOUT_SECONDS = 0.5
    yield server
    server.stop()


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any) -> Callable[..., Complaint]:
    """Record a complaint through intake and run what its commit triggers
    (the send task, in-process)."""

    def run(**fields: Any) -> Complaint:
        with django_capture_on_commit_callbacks(execute=True):
            complaint = make_complaint(**fields)
        return Complaint.objects.get(pk=complaint.pk)

    return run


@pytest.fixture
def decided(
    representative: Any, django_capture_on_commit_callbacks: Any
) -> Callable[..., tuple[Complaint, Notification]]:
    """A complaint walked to ``decision_notified`` with its decision notice sent."""

    def run(**fields: Any) -> tuple[Complaint, Notification]:
        with django_capture_on_commit_callbacks(execute=True):
            complaint = advance(make_complaint(**fields), Stage.DECISION_NOTIFIED, representative)
        notice = Notification.objects.get(complaint=complaint, kind=Notification.Kind.DECISION)
        return Complaint.objects.get(pk=complaint.pk), notice

    return run
