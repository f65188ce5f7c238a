"""Read-side queries shared by the tracking page and the public API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import tracking
from .models import Complaint, ComplaintEvent
from .workflow import STAGE_ORDER, Stage


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
    steps: list[StageStep]
    history: list[tuple[datetime, Stage]]


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
        steps=steps,
        history=[(at, Stage(stage)) for at, stage in changes],
    )
