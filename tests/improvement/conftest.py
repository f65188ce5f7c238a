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
