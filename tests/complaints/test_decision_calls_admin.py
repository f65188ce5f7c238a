"""Decision calls on the complaint's staff page (issue 10, item 4): a card to
record one, through the service, and the calls made, read-only."""

from __future__ import annotations

import pytest

from complaints.models import Answer, CallOutcome, Complaint, DecisionCall, Stage
from tests.factories import make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/complaints/complaint/"


def page(client, complaint):
    return client.get(f"{CHANGELIST}{complaint.pk}/change/")


def post_call(client, complaint, **fields):
    data = {f"call-{name}": value for name, value in fields.items()}
    return client.post(f"{CHANGELIST}{complaint.pk}/decision-call/", data)


@pytest.fixture
def responded(representative):
    return advance(make_complaint(phone="0532 123 45 67"), Stage.RESPONDED, representative)


def test_the_card_starts_from_the_customers_number_and_the_solution_proposal(
    client, agent, responded
):
    client.force_login(agent)
    form = page(client, responded).context["decision_call_form"]
    assert form["phone"].value() == "+905321234567"
    assert form["decision"].value() == responded.solution_proposal


def test_an_agent_records_a_call_that_did_not_reach_the_customer(client, agent, responded):
    client.force_login(agent)

    response = post_call(client, responded, phone="0532 123 45 67", outcome="not_reached")

    assert response.status_code == 302
    [call] = DecisionCall.objects.all()
    assert (call.caller, call.outcome) == (agent, CallOutcome.NOT_REACHED)
    assert Complaint.objects.get(pk=responded.pk).stage == Stage.RESPONDED
    listed = page(client, responded)
    assert "+905321234567" in listed.content.decode()  # the inline of calls


def test_a_representative_records_the_decision_and_the_rejection_given_on_the_call(
    client, representative, responded
):
    client.force_login(representative)

    post_call(
        client,
        responded,
        phone="05321234567",
        outcome="reached",
        decision="Modeminiz değiştirilecek.",
        answer=Answer.REJECTED,
        reason="Ücret iadesi de istiyorum.",
    )

    complaint = Complaint.objects.get(pk=responded.pk)
    assert complaint.stage == Stage.IN_ANALYSIS
    assert complaint.decision == "Modeminiz değiştirilecek."
    assert complaint.customer_answer_reason == "Ücret iadesi de istiyorum."


def test_a_refused_call_says_why_and_records_nothing(client, representative, responded):
    client.force_login(representative)
    client.cookies["django_language"] = "en"

    response = post_call(
        client,
        responded,
        phone="05321234567",
        outcome="reached",
        decision="Modeminiz değiştirilecek.",
        answer=Answer.REJECTED,
    )

    assert response.status_code == 302
    assert not DecisionCall.objects.exists()
    assert Complaint.objects.get(pk=responded.pk).stage == Stage.RESPONDED
    shown = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any(m.startswith("Why the solution is not enough") for m in shown), shown


def test_a_manager_sees_the_calls_but_may_not_record_one(client, manager, responded):
    client.force_login(manager)
    assert page(client, responded).context["decision_call_form"] is None
    response = post_call(client, responded, phone="05321234567", outcome="not_reached")
    assert response.status_code == 403
    assert not DecisionCall.objects.exists()


def test_no_card_before_the_decision_is_ready(client, representative):
    complaint = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    client.force_login(representative)
    assert page(client, complaint).context["decision_call_form"] is None
    assert "decision-call" not in page(client, complaint).content.decode()
