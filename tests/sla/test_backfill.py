"""Complaints recorded before the SLA targets existed get their due dates."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from complaints.models import Complaint, Stage
from tests.factories import make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db

SLA_FIELDS = {
    "ack_due_at": None,
    "ack_at_risk_after": None,
    "ack_met_at": None,
    "resolution_due_at": None,
    "resolution_at_risk_after": None,
    "resolution_started_at": None,
    "resolution_met_at": None,
}


def test_backfill_restores_what_the_live_handlers_would_have_written(representative):
    complaint = advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)
    expected = Complaint.objects.filter(pk=complaint.pk).values(*SLA_FIELDS).get()
    assert expected["resolution_due_at"] is not None
    Complaint.objects.filter(pk=complaint.pk).update(**SLA_FIELDS)

    call_command("sla_backfill")
    call_command("sla_backfill")  # a second run changes nothing

    restored = Complaint.objects.filter(pk=complaint.pk).values(*SLA_FIELDS).get()
    # Met times come from the stage stamps, a moment before the history row the
    # live handler used.
    for name in ("ack_met_at", "resolution_met_at"):
        assert abs(restored.pop(name) - expected.pop(name)) < timedelta(seconds=1)
    assert restored == expected


def test_backfill_leaves_an_unclassified_complaint_without_a_resolution_target():
    complaint = make_complaint()
    Complaint.objects.filter(pk=complaint.pk).update(**SLA_FIELDS)
    call_command("sla_backfill")
    complaint.refresh_from_db()
    assert complaint.ack_due_at is not None
    assert complaint.resolution_due_at is None
