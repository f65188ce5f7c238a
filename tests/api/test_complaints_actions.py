"""Staff actions through the API: retrieve, create, transition, assign, classify, messages.
Each calls the same complaints service as the admin; the API only shapes input and output."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import (
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    Priority,
    Stage,
)
from tests.factories import UserFactory, make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db


def url(complaint, action=""):
    return f"/api/v1/complaints/{complaint.pk}/" + (f"{action}/" if action else "")


# --- Retrieve ----------------------------------------------------------------------


def test_detail_carries_history_messages_and_the_transitions_open_to_it(
    client_for, agent, representative
):
    complaint = advance(make_complaint(), Stage.CLASSIFIED, representative)
    ComplaintMessage.objects.create(
        complaint=complaint, author_kind="customer", channel=Channel.EMAIL, body="Ne zaman?"
    )
    body = client_for(agent).get(url(complaint)).json()
    assert body["tracking_number"] == complaint.tracking_number
    assert body["customer"]["email"] == "ayse@example.com"
    assert [e["to_stage"] for e in body["history"]] == ["received", "acknowledged", "classified"]
    assert body["history"][-1]["action"] == "complaints.complaint.classified"
    assert body["history"][-1]["actor"]["username"] == "rep"
    assert [m["body"] for m in body["messages"]] == ["Ne zaman?"]
    [only] = body["available_transitions"]
    assert (only["to"], only["name"], only["fields"], only["permitted"]) == (
        "tracking",
        "tracking_started",
        ["assignee"],
        True,
    )
    assert only["label"]


def test_an_unknown_complaint_is_a_404_in_the_error_shape(client_for, agent):
    response = client_for(agent).get("/api/v1/complaints/999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_detail_costs_the_same_queries_however_long_the_history(
    client_for, agent, representative
):
    short = make_complaint(email="short@example.com")
    long = advance(
        make_complaint(email="long@example.com"), Stage.DECISION_NOTIFIED, representative
    )
    client = client_for(agent)
    with CaptureQueriesContext(connection) as q1:
        client.get(url(short))
    with CaptureQueriesContext(connection) as q2:
        client.get(url(long))
    assert len(q1) == len(q2)


# --- Create (phone, in person) -------------------------------------------------


def test_staff_record_a_phone_complaint_and_it_is_acknowledged_at_once(client_for, agent):
    response = client_for(agent).post(
        "/api/v1/complaints/",
        {
            "channel": "phone",
            "kind": "complaint",
            "name": "Hasan Kaya",
            "phone": "0532 765 43 21",
            "subject": "Fatura yüksek",
            "description": "Bu ay iki kat fatura geldi.",
            "privacy_notice_read_out": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stage"] == "acknowledged"
    assert body["channel"] == "phone"
    assert body["contact_phone"] == "+905327654321"
    complaint = Complaint.objects.get(tracking_number=body["tracking_number"])
    assert complaint.events.filter(action="complaints.complaint.received", actor=agent).exists()


def test_staff_create_only_for_phone_and_in_person(client_for, agent):
    response = client_for(agent).post(
        "/api/v1/complaints/",
        {
            "channel": "web",
            "name": "Hasan",
            "email": "h@example.com",
            "subject": "x",
            "description": "y",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "channel" in response.json()["error"]["fields"]


def test_staff_create_reports_the_services_field_errors(client_for, agent):
    response = client_for(agent).post(
        "/api/v1/complaints/",
        {
            "channel": "in_person",
            "name": "Hasan",
            "phone": "12",
            "subject": "x",
            "description": "y",
            "privacy_notice_read_out": True,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["phone"]


def test_an_unknown_field_is_refused_not_ignored(client_for, agent):
    response = client_for(agent).post(
        "/api/v1/complaints/",
        {"channel": "phone", "name": "H", "subject": "x", "description": "y", "priorty": "high"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"priorty": ["Unknown field."]}


# --- Transitions ---------------------------------------------------------------------


def test_a_transition_moves_the_complaint_and_records_the_history(client_for, agent):
    complaint = make_complaint()
    response = client_for(agent).post(
        url(complaint, "transitions"), {"to": "acknowledged", "note": "Arandı."}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "acknowledged"
    event = ComplaintEvent.objects.filter(complaint=complaint).latest("id")
    assert (event.action, event.actor, event.note) == (
        "complaints.complaint.acknowledged",
        agent,
        "Arandı.",
    )


def test_a_transition_takes_the_fields_its_guard_needs(client_for, agent, representative):
    complaint = advance(make_complaint(), Stage.ACKNOWLEDGED, representative)
    response = client_for(agent).post(
        url(complaint, "transitions"),
        {"to": "classified", "category": "unlawful-practice"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    complaint.refresh_from_db()
    assert (complaint.stage, complaint.priority) == (Stage.CLASSIFIED, Priority.HIGH)


def test_an_illegal_transition_is_a_409_with_a_clear_message(client_for, agent, snapshot):
    complaint = make_complaint()
    before = snapshot(complaint)
    response = client_for(agent).post(
        url(complaint, "transitions"), {"to": "closed"}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "transition_not_allowed"
    assert error["message"]
    assert snapshot(complaint) == before


def test_a_failed_guard_is_a_400_naming_the_missing_fields(client_for, agent, representative):
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    response = client_for(agent).post(
        url(complaint, "transitions"),
        {"to": "responded", "solution_proposal": "İade"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"root_cause", "root_cause_analysis"}
    complaint.refresh_from_db()
    assert complaint.stage == Stage.IN_ANALYSIS


def test_a_field_the_transition_does_not_take_is_a_400(client_for, agent):
    complaint = make_complaint()
    response = client_for(agent).post(
        url(complaint, "transitions"), {"to": "acknowledged", "decision": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "decision" in response.json()["error"]["fields"]


def test_a_transition_without_its_own_permission_is_a_403(client_for, agent, representative):
    # Agents may do everything up to the decision; closing needs the representative.
    complaint = advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)
    response = client_for(agent).post(
        url(complaint, "transitions"),
        {"to": "closed", "customer_answer": "accepted", "customer_answer_channel": "phone"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    complaint.refresh_from_db()
    assert complaint.stage == Stage.DECISION_NOTIFIED


def test_the_representative_records_a_rejection_and_the_complaint_reopens(
    client_for, representative
):
    complaint = advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)
    response = client_for(representative).post(
        url(complaint, "transitions"),
        {
            "to": "in_analysis",
            "customer_answer": "rejected",
            "customer_answer_channel": "phone",
            "customer_answer_reason": "İade yetersiz.",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["reopen_count"] == 1


def test_an_unknown_stage_is_a_400(client_for, agent):
    response = client_for(agent).post(
        url(make_complaint(), "transitions"), {"to": "limbo"}, format="json"
    )
    assert response.status_code == 400
    assert "to" in response.json()["error"]["fields"]


# --- Assign ---------------------------------------------------------------------------


def test_assign_hands_the_complaint_to_a_representative(client_for, agent, representative):
    complaint = make_complaint()
    response = client_for(agent).post(
        url(complaint, "assign"), {"assignee": representative.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["assignee"]["id"] == representative.pk
    assert complaint.events.filter(action="complaints.complaint.assigned").exists()


def test_assign_refuses_a_closed_complaint_with_409(client_for, agent, representative):
    complaint = advance(make_complaint(), Stage.CLOSED, representative)
    response = client_for(agent).post(
        url(complaint, "assign"), {"assignee": agent.pk}, format="json"
    )
    assert response.status_code == 409


def test_assign_refuses_an_inactive_user(client_for, agent):
    gone: Any = UserFactory(username="gone", is_active=False)
    response = client_for(agent).post(
        url(make_complaint(), "assign"), {"assignee": gone.pk}, format="json"
    )
    assert response.status_code == 400
    assert "assignee" in response.json()["error"]["fields"]


# --- Classify ---------------------------------------------------------------------


def test_classify_an_acknowledged_complaint_with_the_categorys_priority(
    client_for, agent, representative
):
    complaint = advance(make_complaint(), Stage.ACKNOWLEDGED, representative)
    response = client_for(agent).post(
        url(complaint, "classify"), {"category": "outside-scope"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["stage"], response.json()["priority"]) == ("classified", "low")


def test_classify_with_another_priority_needs_a_reason(client_for, agent, representative):
    complaint = advance(make_complaint(), Stage.ACKNOWLEDGED, representative)
    client = client_for(agent)
    refused = client.post(
        url(complaint, "classify"), {"category": "financial", "priority": "high"}, format="json"
    )
    assert refused.status_code == 400
    assert "priority_override_reason" in refused.json()["error"]["fields"]
    accepted = client.post(
        url(complaint, "classify"),
        {"category": "financial", "priority": "high", "priority_override_reason": "Basında."},
        format="json",
    )
    assert accepted.status_code == 200
    assert accepted.json()["priority"] == "high"


def test_classify_later_changes_the_priority_with_the_reprioritize_permission(
    client_for, agent, representative
):
    complaint = advance(make_complaint(), Stage.TRACKING, representative)
    body = {"priority": "high", "priority_override_reason": "Müşteri işini durdurdu."}
    assert (
        client_for(agent).post(url(complaint, "classify"), body, format="json").status_code == 403
    )
    response = client_for(representative).post(url(complaint, "classify"), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["priority"] == "high"
    assert complaint.events.filter(action="complaints.complaint.reprioritized").exists()


def test_classify_later_changes_the_category_with_a_reason(client_for, agent, representative):
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)  # financial
    client = client_for(agent)
    refused = client.post(
        url(complaint, "classify"), {"category": "company-not-at-fault"}, format="json"
    )
    assert refused.status_code == 400
    assert "priority_override_reason" in refused.json()["error"]["fields"]
    response = client.post(
        url(complaint, "classify"),
        {"category": "company-not-at-fault", "note": "İnceleme: kusur müşteride."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["priority"] == "low"  # the new category's default


def test_classify_a_complaint_not_yet_acknowledged_is_a_409(client_for, agent):
    response = client_for(agent).post(
        url(make_complaint(), "classify"), {"category": "financial"}, format="json"
    )
    assert response.status_code == 409


# --- Messages -------------------------------------------------------------------------


def test_staff_add_an_internal_note(client_for, agent):
    complaint = make_complaint()
    response = client_for(agent).post(
        url(complaint, "messages"),
        {"body": "Müşteri tekrar aradı.", "internal": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["internal"], body["author_kind"], body["author"]["id"]) == (
        True,
        "staff",
        agent.pk,
    )
    assert body["channel"] == complaint.channel
    assert complaint.events.filter(action="complaints.message.internal_note").exists()


def test_an_empty_message_is_a_400(client_for, agent):
    response = client_for(agent).post(
        url(make_complaint(), "messages"), {"body": "   "}, format="json"
    )
    assert response.status_code == 400
    assert "body" in response.json()["error"]["fields"]


def test_session_authentication_works_for_staff_tools(agent):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(agent)
    assert client.get("/api/v1/complaints/").status_code == 200


@pytest.mark.parametrize("field", ["category", "root_cause"])
def test_a_code_with_a_nul_character_is_a_400_not_a_server_error(client_for, agent, field):
    # Found by the API fuzz on PostgreSQL, which refuses NUL in a query parameter.
    response = client_for(agent).post(
        url(make_complaint(), "transitions"),
        {"to": "acknowledged", field: "fin\x00ancial"},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
