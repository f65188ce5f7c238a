"""The staff API of waiting on the customer (issue 10, item 1)."""

import pytest

from complaints.models import Stage
from tests.factories import make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db

QUESTION = "Modeminizin seri numarası nedir?"


def waiting_since(complaint):
    complaint.refresh_from_db()
    return complaint.waiting_on_customer_since


def test_the_api_asks_and_resumes(representative, client_for):
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    api = client_for(representative)

    asked = api.post(
        f"/api/v1/complaints/{complaint.pk}/questions/", {"question": QUESTION}, format="json"
    )
    assert asked.status_code == 201
    assert asked.json()["waiting_on_customer_since"] is not None
    assert [m["question"] for m in asked.json()["messages"]] == [True]

    resumed = api.post(f"/api/v1/complaints/{complaint.pk}/resume/", {}, format="json")
    assert resumed.status_code == 200
    assert resumed.json()["waiting_on_customer_since"] is None


def test_the_api_refuses_asking_without_the_permission(manager, representative, client_for):
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    response = client_for(manager).post(
        f"/api/v1/complaints/{complaint.pk}/questions/", {"question": QUESTION}, format="json"
    )
    assert response.status_code == 403
    assert waiting_since(complaint) is None


def test_the_api_answers_409_past_the_decision(representative, client_for):
    complaint = advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)
    response = client_for(representative).post(
        f"/api/v1/complaints/{complaint.pk}/questions/", {"question": QUESTION}, format="json"
    )
    assert response.status_code == 409
