"""/anymail/: only the configured provider's webhooks are mounted
(ANYMAIL_INBOUND_ESP, default Postmark); a payload that is not the provider's
format is a 400 with nothing stored, never a 500; with DEBUG off no post is
taken while ANYMAIL_WEBHOOK_SECRET is empty."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from config.anymail_urls import anymail_urlpatterns
from intake.models import InboundMessage
from tests.intake.test_inbound_email import SECRET, postmark_payload

pytestmark = pytest.mark.django_db

INBOUND = "/anymail/postmark/inbound/"
TRACKING = "/anymail/postmark/tracking/"
AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}


@pytest.fixture(autouse=True)
def _secret(settings, tmp_path):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    settings.MEDIA_ROOT = tmp_path


def post(url: str, body: bytes | str, **headers):
    return Client().post(url, body, content_type="application/json", **{**AUTH, **headers})


@pytest.mark.parametrize(
    "url",
    [
        "/anymail/mailgun/inbound/",
        "/anymail/mailgun/inbound_mime/",
        "/anymail/mailgun/tracking/",
        "/anymail/sendgrid/inbound/",
        "/anymail/amazon_ses/inbound/",
        "/anymail/amazon_ses/tracking/",
        "/anymail/mandrill/",
        "/anymail/sparkpost/inbound/",
        "/anymail/brevo/inbound/",
        "/anymail/resend/inbound/",
    ],
)
def test_other_providers_webhooks_are_not_mounted(url):
    assert post(url, json.dumps({"x": 1})).status_code == 404


def test_the_configured_providers_webhooks_are_mounted():
    assert post(INBOUND, json.dumps(postmark_payload())).status_code == 200
    assert InboundMessage.objects.count() == 1


def test_the_mounted_provider_is_a_setting():
    names = {p.name for p in anymail_urlpatterns("mailgun")}
    assert names == {"mailgun_inbound_webhook", "mailgun_tracking_webhook"}
    assert {p.name for p in anymail_urlpatterns("postmark")} == {
        "postmark_inbound_webhook",
        "postmark_tracking_webhook",
    }
    assert anymail_urlpatterns("") == []


def _attachment(content: str) -> dict:
    return {"Name": "fatura.pdf", "Content": content, "ContentType": "application/pdf"}


BAD_PAYLOADS = {
    "invalid JSON": b"{not json",
    "invalid UTF-8": b'{"From": "\xff\xfe"}',
    "a JSON array": b"[1, 2]",
    "JSON null": b"null",
    "deeply nested JSON": b"[" * 100_000 + b"]" * 100_000,
    "bad base64 in an attachment": json.dumps(
        postmark_payload(attachments=[_attachment("!!!not base64***")])
    ),
    "a From with CRLF": json.dumps(postmark_payload(sender="a@example.com\r\nBcc: b@example.com")),
    "a From name with CRLF": json.dumps(postmark_payload(name="Ayşe\r\nBcc: b@example.com")),
    "attachments that are not objects": json.dumps({**postmark_payload(), "Attachments": ["x"]}),
    "headers that are not a list": json.dumps({**postmark_payload(), "Headers": "x"}),
    "a From that is a number": json.dumps({**postmark_payload(), "FromFull": 5}),
}


@pytest.mark.parametrize("body", BAD_PAYLOADS.values(), ids=BAD_PAYLOADS.keys())
def test_an_inbound_payload_that_is_not_postmarks_is_a_400_and_nothing_is_stored(body):
    response = post(INBOUND, body)
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize("body", BAD_PAYLOADS.values(), ids=BAD_PAYLOADS.keys())
def test_a_tracking_payload_that_is_not_postmarks_is_a_400(body):
    assert post(TRACKING, body).status_code == 400


def test_with_debug_off_no_inbound_post_is_taken_without_a_webhook_secret(settings):
    settings.DEBUG = False
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    response = Client().post(
        INBOUND, json.dumps(postmark_payload()), content_type="application/json"
    )
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()
    tracking = Client().post(
        TRACKING, json.dumps({"RecordType": "Delivery"}), content_type="application/json"
    )
    assert tracking.status_code == 400


def test_with_debug_on_the_webhook_works_without_a_secret_for_development(settings):
    settings.DEBUG = True
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    response = Client().post(
        INBOUND, json.dumps(postmark_payload()), content_type="application/json"
    )
    assert response.status_code == 200
    assert InboundMessage.objects.count() == 1
