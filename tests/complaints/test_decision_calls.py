"""A decision given by phone (issue 10, item 4): each call is a record (the
number called, the time, who called, reached or not, the answer given on the
call). PROCESS.md "When the SLA is met": only a call that reached the customer
notifies the decision and meets the resolution target, at the call; their
answer on the call is applied as the rules for answers say."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from complaints import codes
from complaints.models import (
    Answer,
    CallOutcome,
    Channel,
    Complaint,
    ComplaintEvent,
    DecisionCall,
    Stage,
)
from complaints.retention import customer_anonymise
from complaints.services import GuardFailed, TransitionNotAllowed, decision_call_record
from complaints.timeline import complaint_timeline
from notifications.models import Notification
from tests.factories import UserFactory, make_complaint
from tests.helpers import advance
from tests.sla.conftest import ist

pytestmark = pytest.mark.django_db

RECEIVED = ist(2026, 11, 2, 10)  # Monday; normal priority: due Thursday 5 November 18:00
CALLED = ist(2026, 11, 3, 11)  # Tuesday
DECISION = "Fark bir sonraki faturanızdan düşülecek."
REACHED, NOT_REACHED = CallOutcome.REACHED, CallOutcome.NOT_REACHED
Kinds = Notification.Kind


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def actions(complaint: Complaint) -> list[str]:
    return list(
        ComplaintEvent.objects.filter(complaint=complaint)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


def notices(complaint: Complaint, kind: str) -> int:
    return Notification.objects.filter(complaint=complaint, kind=kind).count()


@pytest.fixture
def responded(clock, representative):
    """A complaint whose decision is ready to tell, given with a phone number."""

    def build(stage: Stage = Stage.RESPONDED, **submit) -> Complaint:
        clock.set(RECEIVED)
        submit.setdefault("phone", "0532 123 45 67")
        complaint = fresh(advance(make_complaint(**submit), stage, representative))
        clock.set(CALLED)
        return complaint

    return build


@pytest.fixture
def call(representative):
    def run(complaint: Complaint, outcome: str, actor=None, **fields) -> DecisionCall:
        if outcome == REACHED and fresh(complaint).stage == Stage.RESPONDED:
            fields.setdefault("decision", DECISION)
        return decision_call_record(
            complaint=complaint, outcome=outcome, actor=actor or representative, **fields
        )

    return run


# --- Not reached: not a notification -------------------------------------------------


def test_a_call_that_did_not_reach_the_customer_notifies_nothing(responded, call, agent):
    complaint = responded()

    recorded = call(complaint, NOT_REACHED, actor=agent, note="Telefon kapalı.")

    complaint = fresh(complaint)
    assert complaint.stage == Stage.RESPONDED
    assert complaint.resolution_met_at is None  # the target is not met
    assert complaint.decision_notified_at is None
    assert (recorded.phone, recorded.called_at, recorded.caller) == ("+905321234567", CALLED, agent)
    assert recorded.outcome == NOT_REACHED
    assert actions(complaint)[-1] == codes.DECISION_CALL_NOT_REACHED
    assert codes.DECISION_NOTIFIED not in actions(complaint)
    assert notices(complaint, Kinds.DECISION) == 0


def test_calls_that_do_not_reach_the_customer_leave_the_target_to_breach(responded, call):
    from sla.services import sla_sweep

    complaint = responded()
    call(complaint, NOT_REACHED)
    call(complaint, NOT_REACHED)

    sla_sweep(now=ist(2026, 11, 5, 18, 1))

    complaint = fresh(complaint)
    assert complaint.resolution_breached_at is not None
    assert DecisionCall.objects.filter(complaint=complaint).count() == 2


# --- Reached: the decision is notified, at the call ----------------------------------


def test_a_call_that_reached_the_customer_notifies_the_decision_and_meets_the_target_then(
    responded, call
):
    complaint = responded()

    recorded = call(complaint, REACHED)

    complaint = fresh(complaint)
    assert complaint.stage == Stage.DECISION_NOTIFIED
    assert complaint.decision == DECISION
    assert complaint.resolution_met_at == recorded.called_at == CALLED
    assert complaint.decision_notified_at == CALLED
    assert complaint.resolution_breached_at is None
    assert actions(complaint)[-2:] == [codes.DECISION_CALL_REACHED, codes.DECISION_NOTIFIED]
    # No answer on the call: the decision goes in writing too, with its links.
    assert notices(complaint, Kinds.DECISION) == 1


def test_the_target_is_met_at_the_call_that_reached_the_customer_not_at_an_earlier_one(
    clock, responded, call
):
    complaint = responded()
    call(complaint, NOT_REACHED)
    clock.set(ist(2026, 11, 6, 10))  # Friday: after the due date

    call(complaint, REACHED)

    complaint = fresh(complaint)
    assert complaint.resolution_met_at == ist(2026, 11, 6, 10)
    assert complaint.resolution_breached_at is not None  # met late: a breach


def test_a_rejection_on_the_call_reopens_the_complaint_as_the_rules_say(responded, call):
    complaint = responded()

    call(complaint, REACHED, answer=Answer.REJECTED, reason="İade yetmez, modem değişsin.")

    complaint = fresh(complaint)
    assert complaint.stage == Stage.IN_ANALYSIS
    assert complaint.reopen_count == 1
    assert complaint.customer_answer == Answer.REJECTED
    assert complaint.customer_answer_channel == Channel.PHONE
    assert complaint.customer_answer_reason == "İade yetmez, modem değişsin."
    # A new resolution cycle, counted from the re-opening (the call).
    assert complaint.resolution_started_at == CALLED
    assert complaint.resolution_due_at == ist(2026, 11, 6, 18)
    assert complaint.resolution_met_at is None
    assert actions(complaint)[-3:] == [
        codes.DECISION_CALL_REACHED,
        codes.DECISION_NOTIFIED,
        codes.REOPENED,
    ]
    # Told in writing that it is looked at again (and where else to go), and
    # sent no links to answer a decision already answered.
    assert notices(complaint, Kinds.REEVALUATION) == 1
    assert notices(complaint, Kinds.DECISION) == 0


def test_an_acceptance_on_the_call_closes_the_complaint(responded, call):
    complaint = responded()

    call(complaint, REACHED, answer=Answer.ACCEPTED)

    complaint = fresh(complaint)
    assert complaint.stage == Stage.CLOSED
    assert (complaint.customer_answer, complaint.customer_answer_channel) == (
        Answer.ACCEPTED,
        Channel.PHONE,
    )
    assert complaint.resolution_met_at == CALLED
    assert notices(complaint, Kinds.CLOSURE) == 1
    assert notices(complaint, Kinds.DECISION) == 0


def test_a_call_after_the_written_decision_records_the_answer_given_on_it(responded, call):
    complaint = responded(Stage.DECISION_NOTIFIED)
    met = complaint.resolution_met_at

    call(complaint, REACHED, answer=Answer.ACCEPTED)

    complaint = fresh(complaint)
    assert complaint.stage == Stage.CLOSED
    assert complaint.resolution_met_at == met  # met by the written decision, earlier
    assert actions(complaint).count(codes.DECISION_NOTIFIED) == 1


def test_a_call_cannot_change_a_decision_notified_already(responded, call, state_of):
    complaint = responded(Stage.DECISION_NOTIFIED)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        call(complaint, REACHED, decision="Başka bir karar.")

    assert "decision" in refused.value.errors
    assert state_of(complaint) == before


# --- Refusals change nothing ---------------------------------------------------------


def test_a_rejection_without_its_reason_records_no_call_and_no_step(responded, call, state_of):
    complaint = responded()
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        call(complaint, REACHED, answer=Answer.REJECTED)

    assert "reason" in refused.value.errors
    assert state_of(complaint) == before
    assert not DecisionCall.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": NOT_REACHED, "answer": Answer.ACCEPTED}, "answer"),
        ({"outcome": REACHED, "answer": Answer.NO_ANSWER}, "answer"),
        ({"outcome": NOT_REACHED, "phone": "12"}, "phone"),
    ],
)
def test_what_a_call_cannot_be(responded, representative, fields, field):
    complaint = responded()
    with pytest.raises(GuardFailed) as refused:
        decision_call_record(complaint=complaint, actor=representative, **fields)
    assert field in refused.value.errors
    assert not DecisionCall.objects.exists()


def test_a_call_needs_a_number(responded, call):
    complaint = responded(phone="")
    with pytest.raises(GuardFailed) as refused:
        call(complaint, NOT_REACHED)
    assert "phone" in refused.value.errors
    assert call(complaint, NOT_REACHED, phone="+90 212 555 12 34").phone == "+902125551234"


@pytest.mark.parametrize("stage", [Stage.IN_ANALYSIS, Stage.CLOSED])
def test_a_call_is_about_a_decision_ready_or_notified(responded, call, stage):
    complaint = responded(stage)
    with pytest.raises(TransitionNotAllowed):
        call(complaint, NOT_REACHED)
    assert not DecisionCall.objects.exists()


def test_who_may_record_a_call(responded, call, manager, outsider):
    complaint = responded()
    for someone in (manager, outsider, None):
        with pytest.raises(PermissionDenied):
            decision_call_record(complaint=complaint, outcome=NOT_REACHED, actor=someone)
    assert not DecisionCall.objects.exists()


def test_the_answer_on_the_call_needs_the_callers_permission_to_record_an_answer(
    responded, call, agent, state_of
):
    # Agents notify decisions; recording an acceptance (a closure) is the representative's.
    complaint = responded()
    before = state_of(complaint)

    with pytest.raises(PermissionDenied):
        call(complaint, REACHED, actor=agent, answer=Answer.ACCEPTED)

    assert state_of(complaint) == before
    assert call(complaint, REACHED, actor=agent).outcome == REACHED


# --- Where the call shows --------------------------------------------------------------


def test_the_timeline_shows_each_call_with_who_called(responded, call, agent):
    complaint = responded()
    call(complaint, NOT_REACHED, actor=agent, note="Telefon kapalı.")

    entry = [e for e in complaint_timeline(complaint) if e.code == codes.DECISION_CALL_NOT_REACHED]

    assert [(e.who_name, e.body) for e in entry] == [(agent.get_username(), "Telefon kapalı.")]
    assert entry[0].title != codes.DECISION_CALL_NOT_REACHED  # a readable name


def test_the_number_called_and_what_was_said_are_anonymised_with_the_complaint(
    responded, call, superuser
):
    complaint = responded()
    call(complaint, NOT_REACHED, note="Ayşe Hanım'a ulaşılamadı.")
    recorded = call(complaint, REACHED, answer=Answer.REJECTED, reason="Yetmez.")
    complaint = fresh(complaint)
    advance_to_closed = UserFactory(username="temsilci2", groups=["Representative"])
    complaint = advance(complaint, Stage.CLOSED, advance_to_closed)

    customer_anonymise(customer=complaint.customer, reason="KVKK başvurusu 12", actor=superuser)

    for row in DecisionCall.objects.filter(complaint=complaint):
        assert row.phone == ""
        assert "Ayşe" not in row.note
        assert "Yetmez" not in row.answer_reason
    recorded.refresh_from_db()
    assert (recorded.outcome, recorded.answer, recorded.called_at) == (
        REACHED,
        Answer.REJECTED,
        CALLED,
    )
