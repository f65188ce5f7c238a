"""Fixtures for the conversation tests: the real local SMTP server, the inbound
e-mail webhook (Postmark's JSON through anymail), and complaints in a stage."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from django.test import Client

from complaints.models import Complaint, Stage
from notifications import sms
from tests.factories import make_complaint
from tests.helpers import advance
from tests.notifications.smtp_server import SMTPServer, text_and_html

SITE_URL = "https://sikayet.keyinternet.com.tr"
INBOUND_URL = "/anymail/postmark/inbound/"
INBOUND_SECRET = "postmark:s3cret-webhook-pass"
OUR_ADDRESS = "destek@keyinternet.com.tr"


@pytest.fixture(autouse=True)
def _conversation_settings(settings: Any, tmp_path: Any) -> None:
    settings.SITE_URL = SITE_URL
    settings.DEFAULT_FROM_EMAIL = f"Key İnternet <{OUR_ADDRESS}>"
    settings.SMS_BACKEND = "notifications.sms.LocmemSMSBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": INBOUND_SECRET}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[sms.SentSMS]]:
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def smtp(settings: Any) -> Iterator[SMTPServer]:
    """The real local SMTP server (aiosmtpd) behind Django's SMTP backend."""
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    yield server
    server.stop()


def mails_to(server: SMTPServer, address: str) -> list[EmailMessage]:
    return [m for m in server.messages if address in str(m["To"])]


def body_of(message: EmailMessage) -> str:
    return text_and_html(message)[0]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """``committed(fn, ...)``: run ``fn`` and what its commit triggers (the sends)."""

    def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def complaint_in(committed: Callable[..., Any], representative: Any) -> Callable[..., Complaint]:
    """``complaint_in(stage, **fields)``: a web complaint walked to ``stage`` by the
    representative (its assignee), every notice on the way sent."""

    def build(stage: Stage = Stage.RECEIVED, **fields: Any) -> Complaint:
        def walk() -> Complaint:
            complaint = make_complaint(**fields)
            if stage != Stage.RECEIVED:
                complaint = advance(complaint, stage, representative)
            return complaint

        complaint = committed(walk)
        return Complaint.objects.get(pk=complaint.pk)

    return build


def inbound_email(
    *,
    message_id: str,
    sender: str = "ayse@example.com",
    subject: str = "Bir sorum daha var",
    text: str = "Merhaba, modem hâlâ çalışmıyor.",
    headers: dict[str, str] | None = None,
) -> Any:
    """Post one e-mail as Postmark does, through anymail's webhook."""
    payload = {
        "FromName": "Ayşe Yılmaz",
        "MessageStream": "inbound",
        "From": sender,
        "FromFull": {"Email": sender, "Name": "Ayşe Yılmaz", "MailboxHash": ""},
        "To": "sikayet@keyinternet.com.tr",
        "ToFull": [{"Email": "sikayet@keyinternet.com.tr", "Name": "", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": "sikayet@keyinternet.com.tr",
        "Subject": subject,
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Mon, 24 Nov 2025 10:15:32 +0300",
        "TextBody": text,
        "HtmlBody": "",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            {"Name": "Message-ID", "Value": message_id},
            *({"Name": k, "Value": v} for k, v in (headers or {}).items()),
        ],
        "Attachments": [],
    }
    auth = "Basic " + base64.b64encode(INBOUND_SECRET.encode()).decode()
    return Client().post(
        INBOUND_URL, json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=auth
    )
