"""POST /api/v1/complaints/<id>/decision-calls/ (issue 10, item 4): a call
about the decision, through the same service as the admin."""

from __future__ import annotations

import pytest

from complaints.models import Answer, Complaint, DecisionCall, Stage
from tests.factories import make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db


def url(complaint) -> str:
    return f"/api/v1/complaints/{complaint.pk}/decision-calls/"


@pytest.fixture
def responded(representative):
    return advance(make_complaint(phone="0532 123 45 67"), Stage.RESPONDED, representative)


def test_a_reached_call_notifies_the_decision(client_for, agent, responded):
    response = client_for(agent).post(
        url(responded), {"outcome": "reached", "decision": "Modem değişecek."}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stage"] == Stage.DECISION_NOTIFIED
    assert (body["phone"], body["outcome"], body["answer"]) == ("+905321234567", "reached", "")
    assert body["caller"]["username"] == agent.username
    complaint = Complaint.objects.get(pk=responded.pk)
    assert complaint.resolution_met_at is not None


def test_a_call_that_did_not_reach_the_customer_is_only_recorded(client_for, agent, responded):
    response = client_for(agent).post(url(responded), {"outcome": "not_reached"}, format="json")

    assert response.status_code == 201
    assert response.json()["stage"] == Stage.RESPONDED
    assert Complaint.objects.get(pk=responded.pk).resolution_met_at is None


def test_the_answer_given_on_the_call(client_for, representative, responded):
    response = client_for(representative).post(
        url(responded),
        {
            "outcome": "reached",
            "decision": "Modem değişecek.",
            "answer": "rejected",
            "reason": "Yetmez.",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["stage"] == Stage.IN_ANALYSIS


@pytest.mark.parametrize("who", ["outsider", "manager"])
def test_a_user_without_the_permission_is_refused(client_for, request, responded, snapshot, who):
    before = snapshot(responded)
    response = client_for(request.getfixturevalue(who)).post(
        url(responded), {"outcome": "not_reached"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert snapshot(responded) == before
    assert not DecisionCall.objects.exists()


def test_an_anonymous_caller_is_refused(anonymous, responded):
    response = anonymous.post(url(responded), {"outcome": "not_reached"}, format="json")
    assert response.status_code in (401, 403)
    assert not DecisionCall.objects.exists()


def test_a_rejection_without_its_reason_is_a_400_that_names_the_field(
    client_for, representative, responded, snapshot
):
    before = snapshot(responded)
    response = client_for(representative).post(
        url(responded),
        {"outcome": "reached", "decision": "Modem değişecek.", "answer": Answer.REJECTED},
        format="json",
    )
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    assert snapshot(responded) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"outcome": "maybe"},
        {"outcome": "reached", "answer": "no_answer"},
        {"outcome": "x", "y": 1},
    ],
)
def test_bad_input_is_a_400(client_for, representative, responded, body):
    response = client_for(representative).post(url(responded), body, format="json")
    assert response.status_code == 400


def test_a_call_outside_the_decision_stages_is_a_409(client_for, representative):
    complaint = advance(make_complaint(phone="05321234567"), Stage.IN_ANALYSIS, representative)
    response = client_for(representative).post(
        url(complaint), {"outcome": "not_reached"}, format="json"
    )
    assert response.status_code == 409


def test_an_unknown_complaint_is_a_404(client_for, representative):
    response = client_for(representative).post(
        "/api/v1/complaints/999999/decision-calls/", {"outcome": "not_reached"}, format="json"
    )
    assert response.status_code == 404
