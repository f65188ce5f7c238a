"""Read-side queries shared by the tracking page and the public API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db.models import FilteredRelation, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from common.db import CompiledQuery, Marker

from . import tracking
from .extensions import api_list_filters
from .models import Complaint, ComplaintAttachment, ComplaintEvent, ComplaintMessage
from .models.complaint import DUE_SORT
from .permissions import user_can
from .search import complaint_search
from .workflow import (
    DECISION_CALL_STAGES,
    STAGE_ORDER,
    WAITING_STAGES,
    Kind,
    Stage,
    Transition,
    transitions_from,
)


@lru_cache(maxsize=256)
def _label(language: str | None, choice: Stage | Kind) -> str:
    return str(choice.label)


def choice_label(choice: Stage | Kind) -> str:
    """A stage's or kind's name in the active language, translated once per
    process and language (the tracking page shows ten or more)."""
    return _label(get_language(), choice)


@dataclass(frozen=True)
class StageStep:
    stage: Stage
    reached_at: datetime | None
    is_current: bool
    is_done: bool

    @property
    def label(self) -> str:
        return choice_label(self.stage)

    @property
    def css(self) -> str:
        return "current" if self.is_current else "done" if self.is_done else "todo"


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the tracking number may see: no personal data."""

    tracking_number: str
    kind: str
    kind_label: str
    stage: Stage
    received_at: datetime
    ack_due_at: datetime | None
    resolution_due_at: datetime | None
    reopen_count: int
    # A due date that has been met is no longer something to wait for.
    ack_met: bool
    resolution_met: bool
    steps: list[StageStep]
    history: list[tuple[datetime, Stage]]
    # PROCESS.md "Waiting on the customer": staff asked for information.
    waiting_on_customer_since: datetime | None = None
    # Not shown: what the page needs to ask whether the visitor proved to be
    # the customer (complaints.access keys its grants by complaint id).
    complaint_id: int = 0

    @property
    def stage_label(self) -> str:
        return choice_label(self.stage)

    @property
    def steps_reached(self) -> list[StageStep]:
        return [step for step in self.steps if step.is_current or step.is_done]

    @property
    def steps_ahead(self) -> list[StageStep]:
        """The stages after the current one: the same for every complaint in this stage."""
        return [step for step in self.steps if not (step.is_current or step.is_done)]

    @property
    def history_labelled(self) -> list[tuple[datetime, str]]:
        return [(at, choice_label(stage)) for at, stage in self.history]


def complaint_get_by_tracking_number(text: str) -> Complaint | None:
    """The complaint for a typed tracking number; None when mistyped or unknown.

    A mistyped number (bad check symbol) is refused before any query.
    """
    try:
        number = tracking.normalize(text)
    except tracking.InvalidTrackingNumber:
        return None
    return Complaint.objects.filter(tracking_number=number).first()


def complaint_public_status(complaint: Complaint) -> PublicStatus:
    changes = list(
        ComplaintEvent.objects.filter(complaint=complaint)
        .exclude(to_stage="")
        .order_by("created_at", "id")
        .values_list("created_at", "to_stage")
    )
    row = {name: getattr(complaint, name) for name in _PUBLIC_FIELDS}
    return _public_status(complaint.pk, row, changes)


def complaint_public_status_by_number(text: str) -> PublicStatus | None:
    """The tracking page's data for a typed number, in one query (issue 15);
    None when mistyped (refused before any query) or unknown."""
    try:
        number = tracking.normalize(text)
    except tracking.InvalidTrackingNumber:
        return None
    rows = _PUBLIC_STATUS.rows(number=number)
    if not rows:
        return None
    width = len(_PUBLIC_FIELDS)
    row = dict(zip(_PUBLIC_FIELDS, rows[0][1 : width + 1], strict=True))
    changes = [(at, stage) for *_, at, stage in rows if at is not None]
    return _public_status(rows[0][0], row, changes)


# The columns of the one row the page shows (not the 47 of a whole complaint).
_PUBLIC_FIELDS = (
    "tracking_number",
    "kind",
    "stage",
    "received_at",
    "ack_due_at",
    "resolution_due_at",
    "reopen_count",
    "ack_met_at",
    "resolution_met_at",
    "waiting_on_customer_since",
)

# The complaint and its stage changes, joined (a complaint without one still
# has its row), compiled once: the page's only query.
_PUBLIC_STATUS = CompiledQuery(
    lambda number: (
        Complaint.objects.filter(tracking_number=number)
        .annotate(change=FilteredRelation("events", condition=~Q(events__to_stage="")))
        .order_by("change__created_at", "change__id")
        .values_list("pk", *_PUBLIC_FIELDS, "change__created_at", "change__to_stage")
    ),
    Marker("number", "\x00number\x00"),
)


def _public_status(
    complaint_id: int, row: dict[str, Any], changes: list[tuple[datetime, str]]
) -> PublicStatus:
    # After a re-opening the later stages are reached again: show the latest date.
    reached: dict[str, datetime] = {}
    for at, stage in changes:
        reached[stage] = at
    current = Stage(row["stage"])
    current_index = STAGE_ORDER.index(current)
    steps = [
        StageStep(
            stage=stage,
            reached_at=reached.get(stage) if index <= current_index else None,
            is_current=index == current_index,
            is_done=index < current_index,
        )
        for index, stage in enumerate(STAGE_ORDER)
    ]
    kind = row["kind"]
    return PublicStatus(
        tracking_number=row["tracking_number"],
        kind=kind,
        kind_label=choice_label(Kind(kind)) if kind in Kind.values else kind,
        stage=current,
        received_at=row["received_at"],
        ack_due_at=row["ack_due_at"],
        resolution_due_at=row["resolution_due_at"],
        reopen_count=row["reopen_count"],
        ack_met=row["ack_met_at"] is not None,
        resolution_met=row["resolution_met_at"] is not None,
        steps=steps,
        history=[(at, Stage(stage)) for at, stage in changes],
        waiting_on_customer_since=row["waiting_on_customer_since"],
        complaint_id=complaint_id,
    )


# --- Staff lists and details ---------------------------------------------------


def complaint_list(*, filters: dict[str, Any], user: Any) -> QuerySet[Complaint]:
    """The complaints matching the list's filters, with what each row shows joined in."""
    qs = Complaint.objects.select_related("customer", "category", "assignee").annotate(
        # Cursor pagination needs a non-null position: complaints without a
        # due date yet sort after every dated one.
        resolution_due_sort=DUE_SORT  # its index: complaint_due_sort
    )
    for name in ("stage", "priority", "kind", "channel"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("category"):
        qs = qs.filter(category__code=filters["category"])
    assignee = filters.get("assignee")
    if assignee == "me":
        qs = qs.filter(assignee=user)
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee:
        qs = qs.filter(assignee_id=int(assignee))
    for extra in api_list_filters():
        if extra.name in filters:
            qs = extra.apply(qs, filters[extra.name], user)
    # The admin's search box asks the same rule (complaints.search).
    return complaint_search(qs, filters.get("search") or "")


def complaint_detail(*, pk: int) -> Complaint:
    return get_object_or_404(
        Complaint.objects.select_related(
            "customer", "category", "assignee", "root_cause"
        ).prefetch_related(
            Prefetch("events", queryset=ComplaintEvent.objects.select_related("actor")),
            Prefetch(
                "messages",
                queryset=ComplaintMessage.objects.select_related("author").prefetch_related(
                    "attachments"
                ),
            ),
            Prefetch("attachments", queryset=ComplaintAttachment.objects.order_by("id")),
        ),
        pk=pk,
    )


# --- What a user may do now ----------------------------------------------------


@dataclass(frozen=True)
class TransitionOption:
    transition: Transition
    permitted: bool


@dataclass(frozen=True)
class AvailableActions:
    """The steps open to ``user`` on a complaint now: the admin's panel and the
    API's ``available_transitions`` both read this."""

    transitions: list[TransitionOption]
    can_assign: bool
    can_reprioritize: bool
    can_recategorize: bool
    can_message: bool
    # Ask the customer for information (the clock pauses), or resume.
    can_ask_customer: bool = False
    can_resume: bool = False
    # Record a call that tells the customer the decision, or hears their answer.
    can_record_decision_call: bool = False
    # The notice that acknowledged it bounced: staff acknowledge by phone or in person.
    can_acknowledge_again: bool = False

    @property
    def permitted_transitions(self) -> list[Transition]:
        return [option.transition for option in self.transitions if option.permitted]


def complaint_actions_for(*, complaint: Complaint, user: Any) -> AvailableActions:
    classified_open = complaint.is_open and bool(complaint.priority)
    return AvailableActions(
        transitions=[
            TransitionOption(transition=t, permitted=user_can(user, t.permission))
            for t in transitions_from(complaint.kind, complaint.stage)
        ],
        can_assign=complaint.is_open and user_can(user, "complaints.assign_complaint"),
        can_reprioritize=classified_open and user_can(user, "complaints.reprioritize_complaint"),
        can_recategorize=classified_open and user_can(user, "complaints.classify_complaint"),
        can_message=user_can(user, "complaints.add_complaintmessage"),
        can_ask_customer=complaint.stage in WAITING_STAGES
        and user_can(user, "complaints.ask_customer_complaint"),
        can_resume=complaint.waiting_on_customer_since is not None
        and user_can(user, "complaints.ask_customer_complaint"),
        can_record_decision_call=complaint.stage in DECISION_CALL_STAGES
        and user_can(user, "complaints.add_decisioncall"),
        can_acknowledge_again=complaint.is_open
        and complaint.stage != Stage.RECEIVED
        and complaint.ack_met_at is None
        and complaint.ack_undelivered_at is not None
        and user_can(user, "complaints.acknowledge_complaint"),
    )
