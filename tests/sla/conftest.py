import itertools
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from complaints.models import Complaint, Stage
from complaints.services import complaint_transition
from sla import calendar
from tests.factories import category, make_complaint
from tests.helpers import advance


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    # A test's overrides are rolled back with its transaction, which sends no
    # post_delete; forget them so they cannot leak into the next test.
    calendar.clear_cache()
    yield
    calendar.clear_cache()


# --- Complaints at known instants -------------------------------------------------------
# Transitions stamp the real clock; the SLA services take ``now=`` instead, so
# tests build complaints received at fixed instants (or at the real now) and
# pass the instant they want to the sweep and the selectors.

IST = ZoneInfo("Europe/Istanbul")
_emails = itertools.count()


def ist(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=IST)


@pytest.fixture
def receive() -> Callable[..., Complaint]:
    """``receive(at=..., **submit)``: a complaint recorded through intake, received at ``at``."""

    def build(at: datetime | None = None, **submit: Any) -> Complaint:
        submit.setdefault("email", f"customer{next(_emails)}@example.com")
        if at is not None:
            submit["received_at"] = at
        return make_complaint(**submit)

    return build


@pytest.fixture
def classify(representative) -> Callable[..., Complaint]:
    """``classify(complaint, "unlawful-practice")``: acknowledge and classify with that category."""

    def build(complaint: Complaint, code: str = "financial") -> Complaint:
        complaint = advance(complaint, Stage.ACKNOWLEDGED, representative)
        return complaint_transition(
            complaint=complaint,
            to=Stage.CLASSIFIED,
            actor=representative,
            fields={"category": category(code)},
        )

    return build
