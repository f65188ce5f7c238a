"""No 5xx on any input, found by throwing arbitrary input at the endpoints the
schemathesis run (tests/api/test_schema_fuzz.py) does not cover: every webhook
(arbitrary bodies, signed or authenticated so they get past the door) and every
filter parameter of the admin lists and the dashboard.

Derandomised (the same examples on every run), 50 examples per target.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from tests.factories import make_complaint
from tests.intake.test_inbound_email import SECRET, postmark_payload

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=50,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
TWILIO_TOKEN = "fuzz-twilio-token"

# Text a client can send (lone surrogates cannot be encoded at all), NUL included.
text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)
tricky = st.sampled_from(
    [
        "",
        "\x00",
        "0",
        "-1",
        "1e309",
        "99999999999999999999999",
        "9999-12-31",
        "0001-01-01",
        "2026-02-30",
        "true",
        "null",
        "[]",
        "{}",
        "<script>",
        "a\r\nb",
        "%00",
        "ü" * 300,
        "whatsapp:",
        "whatsapp:+905321234567",
        "WhatsApp: +90 532",
    ]
)
values = st.one_of(text, tricky)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | values,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(values, inner, max_size=3),
    max_leaves=8,
)


def _mutated(base: dict, keys: list[str]) -> st.SearchStrategy[dict]:
    """The base payload with some of its fields replaced by anything."""
    return st.dictionaries(st.sampled_from(keys), json_values, max_size=4).map(
        lambda changes: {**base, **changes}
    )


POSTMARK_INBOUND_KEYS = [
    "From",
    "FromFull",
    "FromName",
    "To",
    "ToFull",
    "Cc",
    "CcFull",
    "Subject",
    "TextBody",
    "HtmlBody",
    "StrippedTextReply",
    "Headers",
    "Attachments",
    "MessageID",
    "Date",
    "OriginalRecipient",
]
POSTMARK_TRACKING_BASE = {
    "RecordType": "Bounce",
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Type": "HardBounce",
    "Email": "ayse@example.com",
    "BouncedAt": "2026-11-24T10:15:32Z",
    "Description": "The server was unable to deliver your message.",
    "Metadata": {"notification": "1"},
}


def _body(payloads: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=200),
        json_values.map(lambda v: json.dumps(v).encode()),
        payloads.map(lambda v: json.dumps(v).encode()),
    )


inbound_bodies = _body(
    st.one_of(
        _mutated(postmark_payload(), POSTMARK_INBOUND_KEYS),
        st.dictionaries(st.sampled_from(POSTMARK_INBOUND_KEYS), json_values, max_size=6),
        st.lists(
            st.fixed_dictionaries({"Name": values, "Content": values, "ContentType": values}),
            max_size=3,
        ).map(lambda attachments: {**postmark_payload(), "Attachments": attachments}),
    )
)
tracking_bodies = _body(
    st.one_of(
        _mutated(POSTMARK_TRACKING_BASE, list(POSTMARK_TRACKING_BASE)),
        st.sampled_from(["Delivery", "Bounce", "SpamComplaint", "Open", "Click"]).flatmap(
            lambda kind: _mutated(
                {**POSTMARK_TRACKING_BASE, "RecordType": kind}, list(POSTMARK_TRACKING_BASE)
            )
        ),
    )
)
TWILIO_KEYS = [
    "MessageSid",
    "SmsSid",
    "AccountSid",
    "From",
    "To",
    "Body",
    "NumMedia",
    "MediaUrl0",
    "MessageStatus",
    "SmsStatus",
    "ErrorCode",
    "ProfileName",
]
twilio_params = st.dictionaries(st.sampled_from(TWILIO_KEYS) | text, values, max_size=6)


@pytest.fixture
def fuzz_settings(settings, tmp_path):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    settings.MEDIA_ROOT = tmp_path
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.SITE_URL = "http://testserver"
    settings.INTAKE_RATE_LIMIT_ENABLED = False
    return settings


def _assert_no_5xx(response: Any, what: Any) -> None:
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    assert response.status_code < 500, what


@pytest.mark.parametrize("url", ["/anymail/postmark/inbound/", "/anymail/postmark/tracking/"])
def test_the_email_webhooks_never_answer_5xx(fuzz_settings, url):
    client = Client(HTTP_AUTHORIZATION="Basic " + base64.b64encode(SECRET.encode()).decode())
    make_complaint()  # something for a reference or a report to be about

    @FUZZ
    @given(body=inbound_bodies if url.endswith("inbound/") else tracking_bodies)
    def run(body: bytes) -> None:
        _assert_no_5xx(client.post(url, body, content_type="application/json"), body)

    run()


@pytest.mark.parametrize(
    "path", ["/webhooks/twilio/sms/", "/webhooks/twilio/whatsapp/", "/notices/twilio/status/"]
)
def test_the_twilio_webhooks_never_answer_5xx_even_when_signed(fuzz_settings, path):
    fuzz_settings.TWILIO_WHATSAPP_ENABLED = True
    client = Client()
    validator = RequestValidator(TWILIO_TOKEN)

    @FUZZ
    @given(params=twilio_params)
    def run(params: dict[str, str]) -> None:
        signature = validator.compute_signature("http://testserver" + path, params)
        response = client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
        _assert_no_5xx(response, params)

    run()


FILTERS = {
    "/admin/complaints/complaint/": [
        "stage__exact",
        "priority__exact",
        "kind__exact",
        "channel__exact",
        "category__id__exact",
        "assignee__id__exact",
        "overdue",
        "sla",
        "q",
        "o",
        "p",
        "e",
        "received_at__year",
        "received_at__month",
        "received_at__day",
    ],
    "/admin/complaints/complaintevent/": [
        "action",
        "to_stage__exact",
        "q",
        "o",
        "p",
        "created_at__year",
        "created_at__month",
        "created_at__day",
    ],
    "/admin/complaints/customer/": ["language__exact", "q", "o", "p"],
    "/admin/complaints/category/": ["default_priority__exact", "active__exact", "q", "o"],
    "/admin/notifications/notification/": [
        "status__exact",
        "kind__exact",
        "channel__exact",
        "delivery_status__exact",
        "q",
        "o",
        "p",
        "created_at__year",
        "created_at__month",
    ],
    "/admin/intake/inboundmessage/": [
        "channel__exact",
        "outcome__exact",
        "received_at__gte",
        "received_at__lt",
        "q",
        "o",
        "received_at__year",
    ],
    "/admin/intake/intakekey/": ["scope__exact", "q", "o"],
    "/admin/sla/calendaroverride/": ["kind__exact", "date__year", "date__month", "q", "o"],
    "/admin/axes/accessattempt/": ["locked_out", "attempt_time__year", "q", "o"],
    "/dashboard/": ["date_from", "date_to", "priority", "channel", "category", "by"],
    "/dashboard/breaches.csv": ["date_from", "date_to", "priority", "channel", "category"],
}


@pytest.mark.parametrize("url", FILTERS)
def test_admin_and_dashboard_filters_never_answer_5xx(client, superuser, url):
    make_complaint()
    client.force_login(superuser)
    names = FILTERS[url]

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(names), values, max_size=4))
    def run(query: dict[str, str]) -> None:
        _assert_no_5xx(client.get(url, query), query)

    run()
