"""POST /api/v1/public/complaints/: the web form's fields as JSON, through intake_submit."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from complaints.models import Complaint, ComplaintEvent
from intake.models import IntakeKey

URL = "/api/v1/public/complaints/"

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Ayşe Yılmaz",
    "email": "Ayse@Example.com",
    "kind": "complaint",
    "subject": "Bağlantı kopuyor",
    "description": "Üç gündür akşamları bağlantı kopuyor.",
}


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_a_submission_creates_a_complaint_and_answers_its_tracking_number(api):
    response = api.post(URL, FORM, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    complaint = Complaint.objects.get()
    assert body["tracking_number"] == complaint.tracking_number
    assert body["stage"] == "received"
    assert body["channel"] == "api"
    assert {"ack_due_at", "resolution_due_at", "received_at"} <= set(body)
    assert body["tracking_url"].endswith(f"/track/{complaint.tracking_number}/")
    assert complaint.contact_email == "ayse@example.com"
    assert ComplaintEvent.objects.get().action == "complaints.complaint.received"


def test_it_appears_on_the_tracking_page(api, client):
    number = api.post(URL, FORM, format="json").json()["tracking_number"]
    assert client.get(f"/track/{number}/").status_code == 200


def test_a_partner_may_relay_a_web_email_or_sms_message(api):
    response = api.post(
        URL, {**FORM, "channel": "sms", "email": "", "phone": "05321234567"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Complaint.objects.get().channel == "sms"


@pytest.mark.parametrize("channel", ["phone", "in_person"])
def test_staff_only_channels_are_refused_on_the_public_endpoint(api, channel):
    response = api.post(URL, {**FORM, "channel": channel}, format="json")
    assert response.status_code == 400
    assert "channel" in response.json()["error"]["fields"]
    assert not Complaint.objects.exists()


def test_the_web_forms_rules_apply(api):
    response = api.post(URL, {**FORM, "email": "", "phone": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["email"]
    response = api.post(URL, {**FORM, "phone": "12345"}, format="json")
    assert response.status_code == 400
    assert "phone" in response.json()["error"]["fields"]
    response = api.post(URL, {**FORM, "subject": "   "}, format="json")
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_missing_fields_are_named(api):
    response = api.post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"name", "subject", "description"}


def test_malformed_json_is_a_400_in_the_error_shape(api):
    response = api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_the_language_follows_the_request_unless_given(api):
    api.post(URL, FORM, format="json", HTTP_ACCEPT_LANGUAGE="en")
    api.post(
        URL,
        {**FORM, "email": "b@example.com", "language": "tr"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert sorted(Complaint.objects.values_list("language", flat=True)) == ["en", "tr"]


def test_a_logged_in_browser_session_needs_no_csrf_token(agent):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.post(URL, FORM, format="json").status_code == 201


# --- Idempotency-Key ---------------------------------------------------------------


def test_a_retry_with_the_same_key_returns_the_first_complaint_with_200(api):
    first = api.post(URL, FORM, format="json", HTTP_IDEMPOTENCY_KEY="order-77")
    again = api.post(URL, FORM, format="json", HTTP_IDEMPOTENCY_KEY="order-77")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert (first["Idempotent-Replayed"], again["Idempotent-Replayed"]) == ("false", "true")
    assert Complaint.objects.count() == 1
    assert IntakeKey.objects.get().scope == "api"


def test_the_same_key_with_another_body_is_a_422(api):
    api.post(URL, FORM, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = api.post(
        URL, {**FORM, "subject": "Başka"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert Complaint.objects.count() == 1


def test_without_a_key_every_post_is_a_new_complaint(api):
    api.post(URL, FORM, format="json")
    api.post(URL, FORM, format="json")
    assert Complaint.objects.count() == 2


def test_a_partners_keys_do_not_collide_with_anyone_elses(api, client_for_token):
    partner = client_for_token("partner")
    api.post(URL, FORM, format="json", HTTP_IDEMPOTENCY_KEY="1")
    response = partner.post(
        URL, {**FORM, "subject": "Başka"}, format="json", HTTP_IDEMPOTENCY_KEY="1"
    )
    assert response.status_code == 201
    assert sorted(IntakeKey.objects.values_list("scope", flat=True))[0] == "api"
    assert Complaint.objects.count() == 2


@pytest.mark.parametrize("key", ["a" * 201, "has space", "ünicode"])
def test_a_malformed_key_is_refused(api, key):
    response = api.post(
        URL, FORM, format="json", HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1")
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert not Complaint.objects.exists()


@pytest.fixture
def client_for_token(db):
    from rest_framework.authtoken.models import Token

    from tests.factories import UserFactory

    def build(username: str) -> APIClient:
        user: Any = UserFactory(username=username, is_staff=False)
        token = Token.objects.create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return build


def test_an_unknown_field_is_refused_with_a_400_naming_it(api):
    response = api.post(
        "/api/v1/public/complaints/",
        {
            "name": "Ayşe",
            "email": "ayse@example.com",
            "subject": "s",
            "description": "d",
            "is_staff": True,
            "stage": "closed",
        },
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"is_staff", "stage"}
    assert not Complaint.objects.exists()
