"""Fixtures for the improvement tests: closed complaints and their invitations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from complaints.models import Complaint, Kind, Stage
from improvement.models import SurveyInvitation
from improvement.services.survey import survey_token
from tests.factories import make_complaint
from tests.helpers import advance

SITE_URL = "https://sikayet.keyinternet.com.tr"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE_URL
    settings.SMS_BACKEND = "notifications.sms.LocmemSMSBackend"


@pytest.fixture
def closed(representative) -> Callable[..., Complaint]:
    """``closed(kind=..., **submit)``: a complaint walked to closure by the representative."""

    def build(kind: str = Kind.COMPLAINT, **submit: Any) -> Complaint:
        return advance(make_complaint(kind=kind, **submit), Stage.CLOSED, representative)

    return build


@pytest.fixture
def invited(closed) -> tuple[SurveyInvitation, str]:
    complaint = closed()
    invitation = SurveyInvitation.objects.get(complaint=complaint)
    return invitation, survey_token(invitation=invitation)


def good_answers(**overrides: Any) -> dict[str, Any]:
    data = {"ease": "4", "informed": "5", "timeliness": "4", "fairness": "5", "overall": "5"}
    data.update(overrides)
    return data


def bulk_complaints(rows: list[dict[str, Any]]) -> list[Complaint]:
    """Complaints written straight to the table (no history): for counts over
    many weeks. Each row: received_at, and optionally category, root_cause,
    customer, subject, description, stage, priority, channel, kind."""
    from complaints import tracking
    from complaints.models import Customer

    default_customer, _ = Customer.objects.get_or_create(
        email="toplu@example.com", defaults={"name": "Toplu Müşteri"}
    )
    objs = []
    for row in rows:
        row = dict(row)
        category = row.pop("category", None)
        stage = row.pop("stage", Stage.CLASSIFIED if category is not None else Stage.RECEIVED)
        objs.append(
            Complaint(
                tracking_number=tracking.generate(),
                kind=row.pop("kind", Kind.COMPLAINT),
                channel=row.pop("channel", "web"),
                customer=row.pop("customer", default_customer),
                contact_email="toplu@example.com",
                subject=row.pop("subject", "Bağlantı sorunu"),
                description=row.pop("description", "Bağlantı kopuyor."),
                category=category,
                priority=row.pop("priority", category.default_priority if category else ""),
                stage=stage,
                **row,
            )
        )
    created = Complaint.objects.bulk_create(objs)
    # Written past the services, so the sla app's daily figures are rebuilt
    # from the rows, as its command does after a bulk load.
    from django.core.management import call_command

    call_command("sla_rollup_rebuild", verbosity=0)
    return created
