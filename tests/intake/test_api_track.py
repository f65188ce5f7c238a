"""GET /api/v1/public/complaints/<tracking_number>/: the tracking page's data as JSON."""

import pytest
from rest_framework.test import APIClient

from complaints import tracking
from complaints.models import Stage
from tests.factories import make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db


def url(number: str) -> str:
    return f"/api/v1/public/complaints/{number}/"


def test_anyone_with_the_number_sees_the_stage_history_and_due_dates(representative):
    complaint = advance(make_complaint(), Stage.CLASSIFIED, representative)
    response = APIClient().get(url(complaint.tracking_number))
    assert response.status_code == 200
    body = response.json()
    assert body["tracking_number"] == complaint.tracking_number
    assert body["stage"] == "classified"
    assert body["stage_label"]
    assert [h["stage"] for h in body["history"]] == ["received", "acknowledged", "classified"]
    assert [s["stage"] for s in body["steps"]] == [s.value for s in Stage]
    current = [s["stage"] for s in body["steps"] if s["is_current"]]
    assert current == ["classified"]
    assert {"ack_due_at", "resolution_due_at", "received_at", "reopen_count"} <= set(body)


def test_no_personal_data_is_shown():
    complaint = make_complaint(name="Ayşe Yılmaz", email="ayse@example.com")
    text = APIClient().get(url(complaint.tracking_number)).content.decode()
    for secret in ("Ayşe", "ayse@example.com", complaint.subject, complaint.description):
        assert secret not in text


def test_the_number_may_be_typed_loosely():
    complaint = make_complaint()
    loose = complaint.tracking_number.replace("-", "").lower()
    assert APIClient().get(url(loose)).status_code == 200


def test_unknown_and_mistyped_numbers_get_the_same_404():
    complaint = make_complaint()
    unknown = tracking.generate()
    wrong = complaint.tracking_number
    mistyped = wrong[:-1] + ("2" if wrong[-1] != "2" else "3")
    for number in (unknown, mistyped, "nonsense"):
        response = APIClient().get(url(number))
        assert response.status_code == 404
        assert response.json() == {
            "error": {"code": "not_found", "message": response.json()["error"]["message"]}
        }
