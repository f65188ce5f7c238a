"""The 8-stage process of PROCESS.md as a state machine: which moves exist, what
each one needs (its guards) and who may make it.

Every test goes through `complaint_transition`, the one way a stage changes,
and every refusal is checked to leave the row and its history untouched.
"""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from complaints.models import Answer, Channel, Complaint, ComplaintEvent, Kind, Priority, Stage
from complaints.services import (
    GuardFailed,
    TransitionNotAllowed,
    complaint_assign,
    complaint_transition,
)
from complaints.workflow import STAGE_ORDER, transition_for
from tests.factories import category, root_cause

# --- The process, written out from PROCESS.md ------------------------------------

# The seven steps forward, one stage at a time, and the re-opening of stage 8
# (the customer is not satisfied: re-evaluated and investigated again). The
# same moves for complaints, requests and feedback.
FORWARD = set(itertools.pairwise(STAGE_ORDER))
REOPENING = (Stage.DECISION_NOTIFIED, Stage.IN_ANALYSIS)
ALLOWED = FORWARD | {REOPENING}

ACTION = {
    (Stage.RECEIVED, Stage.ACKNOWLEDGED): "complaints.complaint.acknowledged",
    (Stage.ACKNOWLEDGED, Stage.CLASSIFIED): "complaints.complaint.classified",
    (Stage.CLASSIFIED, Stage.TRACKING): "complaints.complaint.tracking_started",
    (Stage.TRACKING, Stage.IN_ANALYSIS): "complaints.complaint.analysis_started",
    (Stage.IN_ANALYSIS, Stage.RESPONDED): "complaints.complaint.responded",
    (Stage.RESPONDED, Stage.DECISION_NOTIFIED): "complaints.complaint.decision_notified",
    (Stage.DECISION_NOTIFIED, Stage.CLOSED): "complaints.complaint.closed",
    REOPENING: "complaints.complaint.reopened",
}

CLOSING = (Stage.DECISION_NOTIFIED, Stage.CLOSED)
NEEDS_RESOLUTION = [Kind.COMPLAINT, Kind.REQUEST]

GRID = [(kind, source, target) for kind in Kind for source in Stage for target in Stage]
ALLOWED_MOVES = [move for move in GRID if move[1:] in ALLOWED]
OTHER_MOVES = [move for move in GRID if move[1:] not in ALLOWED]


def _id(move) -> str:
    kind, source, target = move
    return f"{kind}:{source}->{target}"


def satisfying(kind: str, source: Stage, target: Stage, assignee) -> dict:
    """The least a caller must give for the move to pass its guards."""
    if (source, target) == (Stage.ACKNOWLEDGED, Stage.CLASSIFIED):
        return {"category": category("financial")}
    if (source, target) == (Stage.CLASSIFIED, Stage.TRACKING):
        return {"assignee": assignee}
    if (source, target) == (Stage.IN_ANALYSIS, Stage.RESPONDED) and kind != Kind.FEEDBACK:
        return {
            "root_cause": root_cause("process"),
            "root_cause_analysis": "Fatura şablonu yanlış.",
            "solution_proposal": "Fark iade edilecek.",
        }
    if (source, target) == (Stage.RESPONDED, Stage.DECISION_NOTIFIED):
        return {"decision": "Fark bir sonraki faturadan düşülecek."}
    if (source, target) == CLOSING and kind != Kind.FEEDBACK:
        return {"customer_answer": Answer.ACCEPTED, "customer_answer_channel": Channel.PHONE}
    if (source, target) == REOPENING:
        return {
            "customer_answer": Answer.REJECTED,
            "customer_answer_reason": "Fark iade edilmedi.",
            "customer_answer_channel": Channel.EMAIL,
        }
    return {}


def stage_rows_since(complaint: Complaint, seen: set[int]) -> list[ComplaintEvent]:
    return [
        event
        for event in ComplaintEvent.objects.filter(complaint=complaint).order_by("id")
        if event.pk not in seen and event.is_stage_change
    ]


def event_ids(complaint: Complaint) -> set[int]:
    return set(ComplaintEvent.objects.filter(complaint=complaint).values_list("id", flat=True))


# --- 1. Every pair of stages, for every kind ---------------------------------------


@pytest.mark.parametrize("kind", Kind)
def test_the_process_declares_the_seven_steps_forward_and_the_reopening_only(kind):
    declared = {(s, t) for s in Stage for t in Stage if transition_for(kind, s, t)}

    assert declared == ALLOWED


@pytest.mark.parametrize("move", ALLOWED_MOVES, ids=_id)
def test_an_allowed_move_changes_the_stage_and_writes_one_history_row(
    move, complaint_in, representative
):
    kind, source, target = move
    complaint = complaint_in(source, kind=kind)
    seen = event_ids(complaint)

    moved = complaint_transition(
        complaint=complaint,
        to=target,
        actor=representative,
        fields=satisfying(kind, source, target, representative),
    )

    assert moved.stage == target
    assert Complaint.objects.get(pk=complaint.pk).stage == target
    [row] = stage_rows_since(complaint, seen)
    assert row.action == ACTION[(source, target)]
    assert (row.from_stage, row.to_stage) == (source, target)
    assert row.actor == representative


@pytest.mark.parametrize("move", OTHER_MOVES, ids=_id)
def test_a_move_outside_the_process_is_refused_and_changes_nothing(
    move, complaint_in, representative, state_of
):
    kind, source, target = move
    complaint = complaint_in(source, kind=kind)
    before = state_of(complaint)

    with pytest.raises(TransitionNotAllowed):
        complaint_transition(complaint=complaint, to=target, actor=representative)

    assert state_of(complaint) == before


def test_a_move_to_an_unknown_stage_is_refused(complaint_in, representative, state_of):
    complaint = complaint_in(Stage.RECEIVED)
    before = state_of(complaint)

    with pytest.raises(TransitionNotAllowed):
        complaint_transition(complaint=complaint, to="archived", actor=representative)

    assert state_of(complaint) == before


def test_a_move_checks_the_stage_in_the_database_not_the_callers_copy(
    complaint_in, representative, state_of
):
    # Two staff members on the same complaint: the second one holds a stale copy.
    complaint = complaint_in(Stage.RECEIVED)
    stale = Complaint.objects.get(pk=complaint.pk)
    complaint_transition(complaint=complaint, to=Stage.ACKNOWLEDGED, actor=representative)
    before = state_of(complaint)

    with pytest.raises(TransitionNotAllowed):
        complaint_transition(complaint=stale, to=Stage.ACKNOWLEDGED, actor=representative)

    assert state_of(complaint) == before


# --- 2. Guards: what each step needs ------------------------------------------------


def test_cannot_classify_without_a_category(complaint_in, representative, state_of):
    complaint = complaint_in(Stage.ACKNOWLEDGED)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(
            complaint=complaint,
            to=Stage.CLASSIFIED,
            actor=representative,
            fields={"priority": Priority.HIGH},
        )

    assert set(refused.value.errors) == {"category"}
    assert state_of(complaint) == before


@pytest.mark.parametrize(
    ("code", "priority"),
    [
        ("unlawful-practice", Priority.HIGH),
        ("financial", Priority.NORMAL),
        ("outside-scope", Priority.LOW),
    ],
)
def test_classifying_gives_the_categorys_default_priority(
    code, priority, complaint_in, representative
):
    complaint = complaint_in(Stage.ACKNOWLEDGED)

    complaint_transition(
        complaint=complaint,
        to=Stage.CLASSIFIED,
        actor=representative,
        fields={"category": category(code)},
    )

    complaint.refresh_from_db()
    assert complaint.priority == priority
    assert complaint.priority_override_reason == ""
    assert complaint.classified_at is not None


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_overriding_the_priority_without_a_reason_is_refused(
    reason, complaint_in, representative, state_of
):
    complaint = complaint_in(Stage.ACKNOWLEDGED)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(
            complaint=complaint,
            to=Stage.CLASSIFIED,
            actor=representative,
            fields={
                "category": category("financial"),  # normal by default
                "priority": Priority.HIGH,
                "priority_override_reason": reason,
            },
        )

    assert set(refused.value.errors) == {"priority_override_reason"}
    assert state_of(complaint) == before


def test_overriding_the_priority_with_a_reason_is_recorded(complaint_in, representative):
    complaint = complaint_in(Stage.ACKNOWLEDGED)
    seen = event_ids(complaint)

    complaint_transition(
        complaint=complaint,
        to=Stage.CLASSIFIED,
        actor=representative,
        fields={
            "category": category("financial"),
            "priority": Priority.HIGH,
            "priority_override_reason": "Kurumsal müşteri, hattı tamamen kesik.",
        },
    )

    complaint.refresh_from_db()
    assert complaint.priority == Priority.HIGH
    assert complaint.priority_override_reason == "Kurumsal müşteri, hattı tamamen kesik."
    [row] = stage_rows_since(complaint, seen)
    assert row.data["priority"] == Priority.HIGH
    assert row.data["priority_override_reason"] == "Kurumsal müşteri, hattı tamamen kesik."


def test_giving_the_default_priority_explicitly_needs_no_reason(complaint_in, representative):
    complaint = complaint_in(Stage.ACKNOWLEDGED)

    complaint_transition(
        complaint=complaint,
        to=Stage.CLASSIFIED,
        actor=representative,
        fields={"category": category("financial"), "priority": Priority.NORMAL},
    )

    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.CLASSIFIED


def test_cannot_move_to_tracking_without_an_assignee(complaint_in, representative, state_of):
    complaint = complaint_in(Stage.CLASSIFIED)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(complaint=complaint, to=Stage.TRACKING, actor=representative)

    assert set(refused.value.errors) == {"assignee"}
    assert state_of(complaint) == before


def test_cannot_start_the_analysis_once_the_assignee_is_removed(
    complaint_in, representative, state_of
):
    complaint = complaint_in(Stage.TRACKING)
    complaint_assign(complaint=complaint, assignee=None, actor=representative)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(complaint=complaint, to=Stage.IN_ANALYSIS, actor=representative)

    assert set(refused.value.errors) == {"assignee"}
    assert state_of(complaint) == before


RESPONSE = ("solution_proposal", "root_cause", "root_cause_analysis")


@pytest.mark.parametrize("missing", RESPONSE)
@pytest.mark.parametrize("kind", NEEDS_RESOLUTION)
def test_cannot_leave_analysis_without_proposal_root_cause_and_its_analysis(
    kind, missing, complaint_in, representative, state_of
):
    complaint = complaint_in(Stage.IN_ANALYSIS, kind=kind)
    fields = satisfying(kind, Stage.IN_ANALYSIS, Stage.RESPONDED, representative)
    del fields[missing]
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(
            complaint=complaint, to=Stage.RESPONDED, actor=representative, fields=fields
        )

    assert set(refused.value.errors) == {missing}
    assert state_of(complaint) == before


@pytest.mark.parametrize("kind", NEEDS_RESOLUTION)
def test_blank_text_does_not_count_as_a_response(kind, complaint_in, representative, state_of):
    complaint = complaint_in(Stage.IN_ANALYSIS, kind=kind)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(
            complaint=complaint,
            to=Stage.RESPONDED,
            actor=representative,
            fields={"root_cause": None, "root_cause_analysis": "  ", "solution_proposal": "\n"},
        )

    assert set(refused.value.errors) == set(RESPONSE)
    assert state_of(complaint) == before


def test_feedback_can_leave_analysis_without_proposal_or_root_cause(complaint_in, representative):
    complaint = complaint_in(Stage.IN_ANALYSIS, kind=Kind.FEEDBACK)

    complaint_transition(complaint=complaint, to=Stage.RESPONDED, actor=representative)

    complaint.refresh_from_db()
    assert complaint.stage == Stage.RESPONDED
    assert (complaint.solution_proposal, complaint.root_cause) == ("", None)


@pytest.mark.parametrize("decision", [None, "", "   "], ids=["none", "empty", "blank"])
def test_cannot_notify_the_decision_without_its_text(
    decision, complaint_in, representative, state_of
):
    complaint = complaint_in(Stage.RESPONDED)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(
            complaint=complaint,
            to=Stage.DECISION_NOTIFIED,
            actor=representative,
            fields={"decision": decision},
        )

    assert set(refused.value.errors) == {"decision"}
    assert state_of(complaint) == before


@pytest.mark.parametrize(
    ("answer", "refused_field"),
    [
        ({}, "customer_answer"),
        (
            {"customer_answer": Answer.REJECTED, "customer_answer_channel": Channel.PHONE},
            "customer_answer",
        ),
        ({"customer_answer": Answer.ACCEPTED}, "customer_answer_channel"),
    ],
    ids=["no-answer", "rejected", "accepted-but-no-channel"],
)
@pytest.mark.parametrize("kind", NEEDS_RESOLUTION)
def test_cannot_close_without_the_customers_acceptance(
    kind, answer, refused_field, complaint_in, representative, state_of
):
    complaint = complaint_in(Stage.DECISION_NOTIFIED, kind=kind)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(
            complaint=complaint, to=Stage.CLOSED, actor=representative, fields=answer
        )

    assert refused_field in refused.value.errors
    assert state_of(complaint) == before


@pytest.mark.parametrize("kind", NEEDS_RESOLUTION)
def test_closing_on_acceptance_records_the_answer_and_the_closing_time(
    kind, complaint_in, representative
):
    complaint = complaint_in(Stage.DECISION_NOTIFIED, kind=kind)

    complaint_transition(
        complaint=complaint,
        to=Stage.CLOSED,
        actor=representative,
        fields={"customer_answer": Answer.ACCEPTED, "customer_answer_channel": Channel.PHONE},
    )

    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED
    assert complaint.customer_answer == Answer.ACCEPTED
    assert complaint.customer_answered_at is not None
    assert complaint.closed_at is not None


def test_feedback_closes_without_the_customers_acceptance(complaint_in, representative):
    complaint = complaint_in(Stage.DECISION_NOTIFIED, kind=Kind.FEEDBACK)

    complaint_transition(complaint=complaint, to=Stage.CLOSED, actor=representative)

    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED
    assert complaint.customer_answer == ""
    assert complaint.closed_at is not None


def test_feedback_the_customer_rejected_is_not_closed(complaint_in, representative, state_of):
    complaint = complaint_in(Stage.DECISION_NOTIFIED, kind=Kind.FEEDBACK)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(
            complaint=complaint,
            to=Stage.CLOSED,
            actor=representative,
            fields={
                "customer_answer": Answer.REJECTED,
                "customer_answer_reason": "Yanıt yetersiz.",
                "customer_answer_channel": Channel.EMAIL,
            },
        )

    assert "customer_answer" in refused.value.errors
    assert state_of(complaint) == before


@pytest.mark.parametrize("kind", Kind)
def test_a_rejection_with_a_reason_sends_the_complaint_back_to_analysis(
    kind, complaint_in, representative
):
    complaint = complaint_in(Stage.DECISION_NOTIFIED, kind=kind)
    seen = event_ids(complaint)

    complaint_transition(
        complaint=complaint,
        to=Stage.IN_ANALYSIS,
        actor=representative,
        fields=satisfying(kind, *REOPENING, representative),
    )

    complaint.refresh_from_db()
    assert complaint.stage == Stage.IN_ANALYSIS
    assert complaint.reopen_count == 1
    assert complaint.customer_answer == Answer.REJECTED
    assert complaint.customer_answer_reason == "Fark iade edilmedi."
    assert complaint.customer_answered_at is not None
    assert complaint.closed_at is None
    [row] = stage_rows_since(complaint, seen)
    assert row.action == "complaints.complaint.reopened"
    assert row.data["customer_answer_reason"] == "Fark iade edilmedi."


@pytest.mark.parametrize(
    ("answer", "refused_field"),
    [
        (
            {"customer_answer": Answer.REJECTED, "customer_answer_channel": Channel.PHONE},
            "customer_answer_reason",
        ),
        (
            {"customer_answer": Answer.REJECTED, "customer_answer_reason": "Yetersiz."},
            "customer_answer_channel",
        ),
        (
            {
                "customer_answer": Answer.ACCEPTED,
                "customer_answer_reason": "Memnunum.",
                "customer_answer_channel": Channel.PHONE,
            },
            "customer_answer",
        ),
    ],
    ids=["no-reason", "no-channel", "accepted"],
)
def test_cannot_reopen_without_a_rejection_its_reason_and_channel(
    answer, refused_field, complaint_in, representative, state_of
):
    complaint = complaint_in(Stage.DECISION_NOTIFIED)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(
            complaint=complaint, to=Stage.IN_ANALYSIS, actor=representative, fields=answer
        )

    assert refused_field in refused.value.errors
    assert state_of(complaint) == before


def reopen_and_decide_again(complaint: Complaint, actor) -> Complaint:
    complaint = complaint_transition(
        complaint=complaint,
        to=Stage.IN_ANALYSIS,
        actor=actor,
        fields=satisfying(complaint.kind, *REOPENING, actor),
    )
    complaint = complaint_transition(
        complaint=complaint,
        to=Stage.RESPONDED,
        actor=actor,
        fields={"solution_proposal": "Fark bu ay iade edilecek."},
    )
    return complaint_transition(
        complaint=complaint,
        to=Stage.DECISION_NOTIFIED,
        actor=actor,
        fields={"decision": "Fark bu ayki faturaya yansıtıldı."},
    )


def test_every_reopening_is_counted(complaint_in, representative):
    complaint = complaint_in(Stage.DECISION_NOTIFIED)

    complaint = reopen_and_decide_again(complaint, representative)
    complaint = reopen_and_decide_again(complaint, representative)

    complaint.refresh_from_db()
    assert complaint.reopen_count == 2


def test_a_second_decision_clears_the_previous_answer(complaint_in, representative):
    complaint = complaint_in(Stage.DECISION_NOTIFIED)

    reopen_and_decide_again(complaint, representative)

    complaint.refresh_from_db()
    assert complaint.stage == Stage.DECISION_NOTIFIED
    assert complaint.decision == "Fark bu ayki faturaya yansıtıldı."
    assert complaint.customer_answer == ""
    assert complaint.customer_answer_reason == ""
    assert complaint.customer_answer_channel == ""
    assert complaint.customer_answered_at is None
    # The previous answer stays in the history.
    reopened = complaint.events.get(action="complaints.complaint.reopened")
    assert reopened.data["customer_answer"] == Answer.REJECTED


def test_the_new_answer_after_a_second_decision_closes_the_complaint(complaint_in, representative):
    complaint = reopen_and_decide_again(complaint_in(Stage.DECISION_NOTIFIED), representative)

    complaint_transition(
        complaint=complaint,
        to=Stage.CLOSED,
        actor=representative,
        fields={"customer_answer": Answer.ACCEPTED, "customer_answer_channel": Channel.EMAIL},
    )

    complaint.refresh_from_db()
    assert (complaint.stage, complaint.reopen_count) == (Stage.CLOSED, 1)


def test_a_guard_failure_names_every_missing_field_and_changes_nothing(
    complaint_in, representative, state_of
):
    complaint = complaint_in(Stage.IN_ANALYSIS)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(
            complaint=complaint,
            to=Stage.RESPONDED,
            actor=representative,
            fields={"root_cause_analysis": "Yarım kalmış analiz"},
        )

    assert set(refused.value.errors) == {"solution_proposal", "root_cause"}
    assert all(messages and all(messages) for messages in refused.value.errors.values())
    assert state_of(complaint) == before


@pytest.mark.parametrize(
    ("source", "target", "fields", "foreign"),
    [
        (Stage.RECEIVED, Stage.ACKNOWLEDGED, {"decision": "Kabul"}, "decision"),
        (
            Stage.ACKNOWLEDGED,
            Stage.CLASSIFIED,
            {"stage": Stage.CLOSED, "priority": Priority.NORMAL},
            "stage",
        ),
        (
            Stage.CLASSIFIED,
            Stage.TRACKING,
            {"tracking_number": "2222-2222-2222"},
            "tracking_number",
        ),
        (Stage.TRACKING, Stage.IN_ANALYSIS, {"reopen_count": 0}, "reopen_count"),
        (Stage.RESPONDED, Stage.DECISION_NOTIFIED, {"closed_at": None}, "closed_at"),
    ],
    ids=["decision-on-ack", "stage-on-classify", "number-on-assign", "count", "closed_at"],
)
def test_a_field_the_move_does_not_take_is_refused(
    source, target, fields, foreign, complaint_in, representative, state_of
):
    complaint = complaint_in(source)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(complaint=complaint, to=target, actor=representative, fields=fields)

    assert set(refused.value.errors) == {foreign}
    assert state_of(complaint) == before


@pytest.mark.parametrize(
    ("source", "target", "fields", "invalid"),
    [
        (
            Stage.ACKNOWLEDGED,
            Stage.CLASSIFIED,
            lambda: {"category": category("financial"), "priority": "urgent"},
            "priority",
        ),
        (
            Stage.DECISION_NOTIFIED,
            Stage.CLOSED,
            lambda: {"customer_answer": "maybe", "customer_answer_channel": Channel.PHONE},
            "customer_answer",
        ),
        (
            Stage.DECISION_NOTIFIED,
            Stage.CLOSED,
            lambda: {"customer_answer": Answer.ACCEPTED, "customer_answer_channel": "pigeon"},
            "customer_answer_channel",
        ),
    ],
    ids=["priority", "answer", "answer-channel"],
)
def test_an_invalid_choice_is_refused_as_a_guard_failure(
    source, target, fields, invalid, complaint_in, representative, state_of
):
    complaint = complaint_in(source)
    before = state_of(complaint)

    with pytest.raises(GuardFailed) as refused:
        complaint_transition(complaint=complaint, to=target, actor=representative, fields=fields())

    assert invalid in refused.value.errors
    assert state_of(complaint) == before


# --- 3. Who may make each move -----------------------------------------------------

# PROCESS.md "Who uses it": agents triage up to the decision; closing and
# re-opening belong to the complaint-handling management representative.
REPRESENTATIVE_ONLY = {CLOSING, REOPENING}


@pytest.mark.parametrize("move", ALLOWED_MOVES, ids=_id)
def test_an_outsider_may_not_make_any_move(move, complaint_in, outsider, representative, state_of):
    kind, source, target = move
    complaint = complaint_in(source, kind=kind)
    before = state_of(complaint)

    with pytest.raises(PermissionDenied):
        complaint_transition(
            complaint=complaint,
            to=target,
            actor=outsider,
            fields=satisfying(kind, source, target, representative),
        )

    assert state_of(complaint) == before


@pytest.mark.parametrize(
    "move", [m for m in ALLOWED_MOVES if m[1:] not in REPRESENTATIVE_ONLY], ids=_id
)
def test_an_agent_may_triage_up_to_the_decision(move, complaint_in, agent, representative):
    kind, source, target = move
    complaint = complaint_in(source, kind=kind)

    moved = complaint_transition(
        complaint=complaint,
        to=target,
        actor=agent,
        fields=satisfying(kind, source, target, representative),
    )

    assert moved.stage == target


@pytest.mark.parametrize(
    "move", [m for m in ALLOWED_MOVES if m[1:] in REPRESENTATIVE_ONLY], ids=_id
)
def test_an_agent_may_not_close_or_reopen(move, complaint_in, agent, representative, state_of):
    kind, source, target = move
    complaint = complaint_in(source, kind=kind)
    before = state_of(complaint)

    with pytest.raises(PermissionDenied):
        complaint_transition(
            complaint=complaint,
            to=target,
            actor=agent,
            fields=satisfying(kind, source, target, representative),
        )

    assert state_of(complaint) == before


@pytest.mark.parametrize(
    "move", [m for m in ALLOWED_MOVES if m[1:] in REPRESENTATIVE_ONLY], ids=_id
)
def test_the_representative_may_close_and_reopen(move, complaint_in, representative):
    kind, source, target = move
    complaint = complaint_in(source, kind=kind)

    moved = complaint_transition(
        complaint=complaint,
        to=target,
        actor=representative,
        fields=satisfying(kind, source, target, representative),
    )

    assert moved.stage == target


@pytest.mark.parametrize("move", ALLOWED_MOVES, ids=_id)
def test_the_system_may_make_every_move(move, complaint_in, representative):
    kind, source, target = move
    complaint = complaint_in(source, kind=kind)
    seen = event_ids(complaint)

    moved = complaint_transition(
        complaint=complaint,
        to=target,
        actor=None,
        fields=satisfying(kind, source, target, representative),
    )

    assert moved.stage == target
    [row] = stage_rows_since(complaint, seen)
    assert row.actor is None


def test_an_anonymous_visitor_is_not_the_system(complaint_in, state_of):
    complaint = complaint_in(Stage.RECEIVED)
    before = state_of(complaint)

    with pytest.raises(PermissionDenied):
        complaint_transition(complaint=complaint, to=Stage.ACKNOWLEDGED, actor=AnonymousUser())

    assert state_of(complaint) == before


def test_permission_is_checked_before_the_guards(complaint_in, outsider, state_of):
    # An outsider learns nothing about what the step would need.
    complaint = complaint_in(Stage.ACKNOWLEDGED)
    before = state_of(complaint)

    with pytest.raises(PermissionDenied):
        complaint_transition(complaint=complaint, to=Stage.CLASSIFIED, actor=outsider)

    assert state_of(complaint) == before
