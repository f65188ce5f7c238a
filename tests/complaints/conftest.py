"""Fixtures for the complaints tests: a complaint in a given stage, and a
snapshot of its row and history to prove that a refusal changed nothing."""

from collections.abc import Callable
from typing import Any

import pytest

from complaints.models import Complaint, ComplaintEvent, Kind, Stage
from tests.factories import make_complaint
from tests.helpers import advance


@pytest.fixture
def complaint_in(representative) -> Callable[..., Complaint]:
    """``complaint_in(Stage.RESPONDED, kind=Kind.REQUEST)``: a complaint walked
    there through the services by the representative (who is also its assignee)."""

    def build(stage: Stage, kind: str = Kind.COMPLAINT, **submit: Any) -> Complaint:
        return advance(make_complaint(kind=kind, **submit), stage, representative)

    return build


def _state(complaint: Complaint) -> dict[str, Any]:
    row = Complaint.objects.get(pk=complaint.pk)
    return {
        # Every column, the non-editable ones (stage, updated_at) included.
        "row": {f.attname: getattr(row, f.attname) for f in Complaint._meta.concrete_fields},
        "history": list(
            ComplaintEvent.objects.filter(complaint=complaint).order_by("id").values_list("id")
        ),
    }


@pytest.fixture
def state_of() -> Callable[[Complaint], dict[str, Any]]:
    """What the database holds for a complaint: every column and its history rows.

    ``before = state_of(c)`` … refused call … ``assert state_of(c) == before``.
    """
    return _state
