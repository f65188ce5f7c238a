"""The 8-stage process of PROCESS.md, declared once, as data.

Every stage change goes through `complaints.services.complaint_transition`,
which looks the transition up here, checks the actor's permission, applies
the fields the transition takes, checks its guards and records the history
row. Read `TRANSITIONS` top to bottom to read the process; per-kind
differences (feedback needs no solution proposal, root cause or customer
acceptance) are separate rows restricted with `kinds`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .workflow_rules import (
    Effect,
    Guard,
    answer_is,
    answer_is_not,
    assignee_is_assignable,
    await_new_answer,
    count_reopening,
    priority_from_category,
    priority_override_explained,
    required,
    stamp,
    stamp_answer,
)


class Stage(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLASSIFIED = "classified", _("Classified")
    TRACKING = "tracking", _("Under follow-up")
    IN_ANALYSIS = "in_analysis", _("Analysis and evaluation")
    RESPONDED = "responded", _("Responded")
    DECISION_NOTIFIED = "decision_notified", _("Decision notified")
    CLOSED = "closed", _("Closed")


STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)
OPEN_STAGES: tuple[Stage, ...] = tuple(s for s in Stage if s != Stage.CLOSED)
# PROCESS.md "Waiting on the customer": staff may ask the customer for
# information while the complaint is worked on, until the decision is notified
# (after it, the customer's answer is awaited by another rule: the unanswered
# decision). A step into a later stage ends the wait.
WAITING_STAGES: tuple[Stage, ...] = STAGE_ORDER[: STAGE_ORDER.index(Stage.DECISION_NOTIFIED)]


# PROCESS.md stage 7, "by e-mail or phone": staff call the customer when the
# decision is ready (a reached call notifies it) or after it was notified (to
# hear the answer). complaints.services.decision_call_record records the call.
DECISION_CALL_STAGES: tuple[Stage, ...] = (Stage.RESPONDED, Stage.DECISION_NOTIFIED)


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    REQUEST = "request", _("Request")
    FEEDBACK = "feedback", _("Feedback")


class Answer(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    # PROCESS.md "An unanswered decision": no answer came, the reminder
    # included. Recorded as such: never an acceptance.
    NO_ANSWER = "no_answer", _("No answer")


# The answers a customer gives (no answer is what the process records when they don't).
CUSTOMER_ANSWERS: tuple[Answer, ...] = (Answer.ACCEPTED, Answer.REJECTED)


ALL_KINDS = frozenset(Kind)
NEEDS_RESOLUTION = frozenset({Kind.COMPLAINT, Kind.REQUEST})


def awaits_answer(kind: str) -> bool:
    """Whether a notified decision waits for the customer's answer (feedback
    closes once answered: there is nothing for the customer to accept)."""
    return kind in NEEDS_RESOLUTION


@dataclass(frozen=True)
class Transition:
    name: str
    source: Stage
    target: Stage
    label: Any
    permission: str
    fields: tuple[str, ...] = ()
    guards: tuple[Guard, ...] = ()
    defaults: tuple[Effect, ...] = ()
    effects: tuple[Effect, ...] = ()
    kinds: frozenset[str] = field(default=ALL_KINDS)
    # The history code's last part when it is not the name: two ways into the
    # same stage that mean the same event (closed, whatever the answer).
    code: str = ""
    # Fields whose value the step itself says (pressing "close: the customer
    # accepted" records the acceptance): forms do not ask for them.
    implies: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def asks(self) -> tuple[str, ...]:
        """The fields a form for this step asks for (those not implied)."""
        return tuple(name for name in self.fields if name not in self.implies)

    @property
    def action(self) -> str:
        """The dotted code of the history row this transition writes."""
        return f"complaints.complaint.{self.code or self.name}"

    @property
    def is_reopening(self) -> bool:
        return STAGE_ORDER.index(self.target) < STAGE_ORDER.index(self.source)


ANSWER_FIELDS = ("customer_answer", "customer_answer_channel", "customer_answer_reason")

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="acknowledged",
        source=Stage.RECEIVED,
        target=Stage.ACKNOWLEDGED,
        label=_("Acknowledge receipt"),
        permission="complaints.acknowledge_complaint",
        effects=(stamp("acknowledged_at"),),
    ),
    Transition(
        name="classified",
        source=Stage.ACKNOWLEDGED,
        target=Stage.CLASSIFIED,
        label=_("Classify"),
        permission="complaints.classify_complaint",
        fields=("category", "priority", "priority_override_reason"),
        defaults=(priority_from_category,),
        guards=(required("category", "priority"), priority_override_explained),
        effects=(stamp("classified_at"),),
    ),
    Transition(
        name="tracking_started",
        source=Stage.CLASSIFIED,
        target=Stage.TRACKING,
        label=_("Assign to the representative"),
        permission="complaints.assign_complaint",
        fields=("assignee",),
        guards=(required("assignee"), assignee_is_assignable),
    ),
    Transition(
        name="analysis_started",
        source=Stage.TRACKING,
        target=Stage.IN_ANALYSIS,
        label=_("Start analysis"),
        permission="complaints.analyse_complaint",
        guards=(required("assignee"),),
    ),
    Transition(
        name="responded",
        source=Stage.IN_ANALYSIS,
        target=Stage.RESPONDED,
        label=_("Record the response"),
        permission="complaints.respond_complaint",
        fields=("root_cause", "root_cause_analysis", "solution_proposal"),
        guards=(required("solution_proposal", "root_cause", "root_cause_analysis"),),
        kinds=NEEDS_RESOLUTION,
    ),
    Transition(
        # Feedback (an opinion) is answered; it has no root cause to find.
        name="responded",
        source=Stage.IN_ANALYSIS,
        target=Stage.RESPONDED,
        label=_("Record the response"),
        permission="complaints.respond_complaint",
        fields=("root_cause", "root_cause_analysis", "solution_proposal"),
        kinds=frozenset({Kind.FEEDBACK}),
    ),
    Transition(
        name="decision_notified",
        source=Stage.RESPONDED,
        target=Stage.DECISION_NOTIFIED,
        label=_("Notify the decision"),
        permission="complaints.notify_decision_complaint",
        fields=("decision",),
        guards=(required("decision"),),
        effects=(stamp("decision_notified_at"), await_new_answer),
    ),
    Transition(
        name="closed",
        source=Stage.DECISION_NOTIFIED,
        target=Stage.CLOSED,
        label=_("Close: the customer accepted"),
        permission="complaints.close_complaint",
        fields=ANSWER_FIELDS,
        guards=(answer_is(Answer.ACCEPTED), required("customer_answer_channel")),
        effects=(stamp_answer, stamp("closed_at")),
        kinds=NEEDS_RESOLUTION,
        implies={"customer_answer": Answer.ACCEPTED},
    ),
    Transition(
        # Feedback closes once it has been answered: no acceptance to wait for.
        name="closed",
        source=Stage.DECISION_NOTIFIED,
        target=Stage.CLOSED,
        label=_("Close"),
        permission="complaints.close_complaint",
        fields=ANSWER_FIELDS,
        guards=(answer_is_not(Answer.REJECTED),),
        effects=(stamp_answer, stamp("closed_at")),
        kinds=frozenset({Kind.FEEDBACK}),
        implies={"customer_answer": Answer.ACCEPTED},
    ),
    Transition(
        # PROCESS.md "An unanswered decision": no answer came, the reminder
        # included (the sla app closes it when the period runs out; staff may,
        # when automatic closing is off). Recorded as closed with the answer
        # "no answer": never an acceptance.
        name="closed_no_answer",
        code="closed",
        source=Stage.DECISION_NOTIFIED,
        target=Stage.CLOSED,
        label=_("Close: no answer from the customer"),
        permission="complaints.close_complaint",
        fields=("customer_answer",),
        guards=(answer_is(Answer.NO_ANSWER),),
        effects=(stamp("closed_at"),),
        kinds=NEEDS_RESOLUTION,
        implies={"customer_answer": Answer.NO_ANSWER},
    ),
    Transition(
        # PROCESS.md stage 8: not satisfied, so re-evaluated and investigated again.
        name="reopened",
        source=Stage.DECISION_NOTIFIED,
        target=Stage.IN_ANALYSIS,
        label=_("Re-open: the customer rejected"),
        permission="complaints.reopen_complaint",
        fields=ANSWER_FIELDS,
        guards=(
            answer_is(Answer.REJECTED),
            required("customer_answer_reason", "customer_answer_channel"),
        ),
        effects=(stamp_answer, count_reopening),
        implies={"customer_answer": Answer.REJECTED},
    ),
)

_BY_KEY: dict[tuple[str, str, str], list[Transition]] = {}
for _t in TRANSITIONS:
    for _kind in _t.kinds:
        key = (str(_kind), str(_t.source), str(_t.target))
        same = _BY_KEY.setdefault(key, [])
        # Two ways between the same stages must differ in what they imply
        # (closed: accepted / no answer), or a caller could not say which.
        assert all(dict(t.implies) != dict(_t.implies) for t in same), f"ambiguous {key}"
        assert all(t.name != _t.name for t in same), f"two transitions named {_t.name}"
        same.append(_t)


def transition_for(
    kind: str, source: str, target: str, fields: Mapping[str, Any] | None = None
) -> Transition | None:
    """The transition from ``source`` to ``target``. Where two lead there, the
    first declared whose implied values the ``fields`` given agree with (a field
    not given agrees with anything); when none agrees, the first declared, whose
    guards then say what is wrong."""
    candidates = _BY_KEY.get((str(kind), str(source), str(target)), [])
    given = fields or {}
    for transition in candidates:
        if all(given.get(name, value) == value for name, value in transition.implies.items()):
            return transition
    return candidates[0] if candidates else None


def transitions_from(kind: str, source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if kind in t.kinds and t.source == source]


def transition_by_name(kind: str, source: str, name: str) -> Transition | None:
    for t in transitions_from(kind, source):
        if t.name == name:
            return t
    return None


# Custom permissions, one per transition (plus the ones that are not stage changes).
PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("acknowledge_complaint", "Can acknowledge a complaint"),
    ("classify_complaint", "Can classify a complaint"),
    ("assign_complaint", "Can assign a complaint"),
    ("analyse_complaint", "Can start the analysis of a complaint"),
    ("respond_complaint", "Can record the response to a complaint"),
    ("notify_decision_complaint", "Can notify the decision on a complaint"),
    ("close_complaint", "Can close a complaint"),
    ("reopen_complaint", "Can re-open a complaint"),
    ("reprioritize_complaint", "Can change the priority of a classified complaint"),
    ("ask_customer_complaint", "Can ask the customer for information (pauses the clock)"),
)
