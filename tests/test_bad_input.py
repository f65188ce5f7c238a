"""No 5xx on bad input: NUL characters anywhere in a request, JSON nested too
deep, on every endpoint; the generic defences (common.middleware, the API's
JSON parser) and the targeted ones."""

from __future__ import annotations

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.test import Client
from rest_framework.test import APIClient
from twilio.request_validator import RequestValidator

from complaints.models import Complaint
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db

NESTED = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def client_for():
    from rest_framework.authtoken.models import Token

    def build(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        return client

    return build


def test_json_nested_too_deep_on_the_public_api_is_a_400():
    response = APIClient().post(
        "/api/v1/public/complaints/", NESTED, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_json_nested_too_deep_on_the_staff_api_is_a_400(client_for, representative):
    complaint = make_complaint()
    response = client_for(representative).post(
        f"/api/v1/complaints/{complaint.pk}/transitions/", NESTED, content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/admin/complaints/complaint/?stage__exact=%00",
        "/admin/complaints/complaint/?q=a%00b",
        "/admin/complaints/complaintevent/?action=%00",
        "/admin/complaints/complaintevent/?q=%00",
        "/admin/notifications/notification/?status__exact=%00",
        "/admin/intake/inboundmessage/?q=%00",
        "/dashboard/?priority=%00",
        "/track/?number=%00",
        "/api/v1/complaints/?search=%00",
        "/api/v1/complaints/?stage%00=x",
    ],
)
def test_a_nul_character_in_the_query_string_is_a_400(client, superuser, url):
    client.force_login(superuser)
    assert client.get(url).status_code == 400


def test_a_nul_character_in_form_data_is_a_400(client):
    response = client.post("/submit/", {"name": "Ay\x00şe", "subject": "s"})
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_a_nul_character_in_the_path_or_a_header_is_a_400(client):
    assert client.get("/track/ABCD%00/").status_code == 400
    assert client.get("/submit/", HTTP_USER_AGENT="x\x00y").status_code == 400


def test_a_nul_character_in_a_cookie_is_a_400():
    client = Client()
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/submit/").status_code == 400


def test_a_twilio_status_callback_with_a_nul_in_the_message_sid_is_a_400(settings):
    settings.TWILIO_AUTH_TOKEN = "token"
    settings.SITE_URL = "http://testserver"
    params = {"MessageSid": "SM\x00123", "MessageStatus": "delivered"}
    signature = RequestValidator("token").compute_signature(
        "http://testserver/notices/twilio/status/", params
    )
    response = Client().post("/notices/twilio/status/", params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 400


def test_an_email_delivery_report_with_a_nul_in_its_message_id_changes_nothing():
    # anymail's tracking webhooks post JSON: the report is ignored, not a DataError.
    event = AnymailTrackingEvent(event_type="bounced", message_id="<a\x00b@example.com>")
    tracking.send(sender=object, event=event, esp_name="Postmark")


def test_an_inbound_sms_with_a_nul_is_still_taken_its_nul_dropped():
    # The Twilio SMS webhook is left to drop NULs itself (docs/channels.md):
    # tests/intake/test_inbound_sms.py::test_nul_characters_in_an_sms_are_dropped.
    from common.middleware import RefuseNulMiddleware

    assert RefuseNulMiddleware.exempt("/webhooks/twilio/sms/")
    assert not RefuseNulMiddleware.exempt("/notices/twilio/status/")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/complaints/complaint/?received_at__year=9999",
        "/admin/complaints/complaint/?received_at__year=1",
        "/admin/complaints/complaintevent/?created_at__year=9999",
        "/admin/intake/inboundmessage/?received_at__gte=0001-01-01",
        "/admin/notifications/notification/?created_at__lt=0001-01-01",
        "/admin/sla/calendaroverride/?date__year=9999",
        "/admin/axes/accessattempt/?attempt_time__year=9999",
    ],
)
def test_an_admin_filter_outside_the_calendar_is_answered_like_any_bad_filter(
    client, superuser, url
):
    make_complaint()
    client.force_login(superuser)
    response = client.get(url)
    # (PostgreSQL takes year 1 in its stride; SQLite's time-zone conversion does not.)
    if response.status_code != 200:
        assert response.status_code == 302
        assert response["Location"].endswith("?e=1")
        assert client.get(response["Location"]).status_code == 200
