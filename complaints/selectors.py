"""Read-side queries shared by the tracking page and the public API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from . import tracking
from .extensions import api_list_filters
from .models import Complaint, ComplaintAttachment, ComplaintEvent, ComplaintMessage
from .models.complaint import DUE_SORT
from .permissions import user_can
from .search import complaint_search
from .workflow import STAGE_ORDER, WAITING_STAGES, Stage, Transition, transitions_from


@dataclass(frozen=True)
class StageStep:
    stage: Stage
    reached_at: datetime | None
    is_current: bool
    is_done: bool

    @property
    def label(self) -> str:
        return str(self.stage.label)


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
    # After a re-opening the later stages are reached again: show the latest date.
    reached: dict[str, datetime] = {}
    for at, stage in changes:
        reached[stage] = at
    current_index = STAGE_ORDER.index(Stage(complaint.stage))
    steps = [
        StageStep(
            stage=stage,
            reached_at=reached.get(stage) if index <= current_index else None,
            is_current=index == current_index,
            is_done=index < current_index,
        )
        for index, stage in enumerate(STAGE_ORDER)
    ]
    return PublicStatus(
        tracking_number=complaint.tracking_number,
        kind=complaint.kind,
        kind_label=complaint.get_kind_display(),
        stage=Stage(complaint.stage),
        received_at=complaint.received_at,
        ack_due_at=complaint.ack_due_at,
        resolution_due_at=complaint.resolution_due_at,
        reopen_count=complaint.reopen_count,
        ack_met=complaint.ack_met_at is not None,
        resolution_met=complaint.resolution_met_at is not None,
        steps=steps,
        history=[(at, Stage(stage)) for at, stage in changes],
        waiting_on_customer_since=complaint.waiting_on_customer_since,
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
    )
