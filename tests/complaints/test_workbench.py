"""Issue 13: the complaint's page as the agent's workbench, and the list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Answer, Channel, Complaint, Stage
from complaints.services import complaint_record_answer
from tests.factories import UserFactory, category, make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/complaints/complaint/"


def page(client, complaint):
    return client.get(f"{CHANGELIST}{complaint.pk}/change/")


def test_the_header_shows_number_stage_priority_due_state_assignee_and_customer(
    client, representative
):
    complaint = advance(make_complaint(), Stage.TRACKING, representative)
    Complaint.objects.filter(pk=complaint.pk).update(
        resolution_due_at=timezone.now() - timedelta(minutes=5)
    )
    client.force_login(representative)
    body = page(client, complaint).content.decode()
    header = body[body.index('class="wb-header"') : body.index('class="wb-actions"')]
    assert complaint.tracking_number in header
    assert "wb-due--breached" in header
    assert "rep" in header
    assert "Ayşe" in header or complaint.customer.name in header


def test_the_customers_rejection_reason_is_theirs_in_the_timeline(client, representative):
    complaint = advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)
    complaint_record_answer(
        complaint=complaint,
        answer=Answer.REJECTED,
        channel=Channel.EMAIL,
        reason="Fark iade edilmedi.",
    )
    client.force_login(representative)
    response = page(client, complaint)
    [rejection] = [e for e in response.context["timeline"] if e.body == "Fark iade edilmedi."]
    assert rejection.who == "customer"


def test_the_decision_box_starts_from_the_solution_proposal(client, representative):
    complaint = advance(make_complaint(), Stage.RESPONDED, representative)
    client.force_login(representative)
    [step] = page(client, complaint).context["transitions"]
    assert step["form"]["decision"].value() == complaint.solution_proposal


def test_no_grey_close_button_that_reads_as_closing_the_complaint(client, representative):
    complaint = make_complaint()
    client.force_login(representative)
    response = page(client, complaint)
    assert response.context["show_close"] is False
    assert "Back to the list" in response.content.decode() or "Listeye dön" in (
        response.content.decode()
    )


def test_an_agents_list_defaults_to_open_complaints_mine_or_unassigned(
    client, agent, representative
):
    other = UserFactory(username="other-agent", groups=["Agent"])
    mine = advance(make_complaint(), Stage.TRACKING, agent)
    unassigned = make_complaint()
    theirs = advance(make_complaint(), Stage.TRACKING, other)
    closed = advance(make_complaint(), Stage.CLOSED, representative)
    Complaint.objects.filter(pk=closed.pk).update(assignee=agent)
    client.force_login(agent)
    shown = set(client.get(CHANGELIST).context["cl"].result_list)
    assert shown == {mine, unassigned}
    everything = set(client.get(CHANGELIST, {"queue": "all"}).context["cl"].result_list)
    assert {theirs, closed} <= everything


def test_the_category_choice_shows_its_default_priority_and_what_sets_it_apart(
    client, representative
):
    complaint = advance(make_complaint(), Stage.ACKNOWLEDGED, representative)
    client.force_login(representative)
    [step] = page(client, complaint).context["transitions"]
    labels = [label for _value, label in step["form"].fields["category"].choices]
    unlawful = category("unlawful-practice")
    [label] = [text for text in map(str, labels) if text.startswith(unlawful.name)]
    assert unlawful.get_default_priority_display() in label
    assert unlawful.description and unlawful.description in label
    assert step["form"].fields["priority"].required is False
