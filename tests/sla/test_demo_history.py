"""The demo history (make run): six months of complaints across every stage,
channel, kind, priority and category, with breaches and re-openings, stored as
the application would have stored them; loading it twice adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count

from complaints.models import Category, Channel, Complaint, ComplaintEvent, Kind, Priority, Stage
from sla.demo_history import DOMAIN, demo_history_load
from sla.services import sla_sweep
from sla.targets import RESOLUTION, SlaState, sla_state_of

pytestmark = pytest.mark.django_db

COUNT = 600
# A fixed instant: the same seed then draws the same history on every run.
NOW = datetime(2026, 11, 18, 11, 0, tzinfo=ZoneInfo("Europe/Istanbul"))


@pytest.fixture
def loaded(agent, representative):
    created = demo_history_load(count=COUNT, days=182, now=NOW)
    return created, NOW, Complaint.objects.filter(customer__email__endswith="@" + DOMAIN)


def test_it_covers_every_stage_channel_kind_priority_and_category(loaded):
    created, _now, complaints = loaded
    assert created == COUNT == complaints.count()
    assert set(complaints.values_list("stage", flat=True)) == set(Stage.values)
    assert set(complaints.values_list("channel", flat=True)) == set(Channel.values)
    assert set(complaints.values_list("kind", flat=True)) == set(Kind.values)
    assert set(complaints.values_list("priority", flat=True)) >= set(Priority.values)
    assert set(complaints.values_list("category__code", flat=True)) >= set(
        Category.objects.values_list("code", flat=True)
    )


def test_it_spans_six_months_with_breaches_and_reopenings(loaded):
    _created, now, complaints = loaded
    oldest = complaints.order_by("received_at").first()
    assert oldest and (now - oldest.received_at).days >= 150
    assert complaints.filter(breach_count__gt=0).count() > COUNT * 0.05
    assert complaints.filter(reopen_count__gt=0).count() > COUNT * 0.02
    assert complaints.exclude(stage=Stage.CLOSED).count() > COUNT * 0.03
    states = Counter(sla_state_of(complaint=c, target=RESOLUTION, now=now) for c in complaints)
    assert states[SlaState.MET] > states[SlaState.MET_LATE] > 0
    assert states[SlaState.BREACHED] > 0


def test_the_sla_columns_agree_with_the_history(loaded):
    _created, _now, complaints = loaded
    breaches = dict(
        ComplaintEvent.objects.filter(complaint__in=complaints, action__endswith=".breached")
        .values_list("complaint")
        .annotate(n=Count("id"))
    )
    reopenings = dict(
        ComplaintEvent.objects.filter(
            complaint__in=complaints, action="complaints.complaint.reopened"
        )
        .values_list("complaint")
        .annotate(n=Count("id"))
    )
    for c in complaints:
        assert c.breach_count == breaches.get(c.pk, 0), c.tracking_number
        assert c.reopen_count == reopenings.get(c.pk, 0), c.tracking_number
        if c.resolution_met_at and c.resolution_due_at:
            assert (c.resolution_met_at > c.resolution_due_at) == bool(c.resolution_breached_at)
        if c.ack_met_at and c.ack_due_at:
            assert (c.ack_met_at > c.ack_due_at) == bool(c.ack_breached_at)


def test_each_history_follows_the_workflow_in_time_order(loaded):
    _created, _now, complaints = loaded
    changes = (
        ComplaintEvent.objects.filter(complaint__in=complaints)
        .exclude(to_stage="")
        .order_by("complaint", "created_at", "id")
        .values_list("complaint", "from_stage", "to_stage")
    )
    last: dict[int, str] = {}
    for complaint, source, target in changes:
        assert source == last.get(complaint, ""), (complaint, source, target)
        last[complaint] = target
    stages = dict(complaints.values_list("pk", "stage"))
    assert last == stages


def test_the_sweep_finds_nothing_left_to_record_and_loading_again_adds_nothing(loaded):
    # Every at-risk and breach event up to now is in the history already, as
    # the minute-by-minute sweep would have left it.
    _created, now, _complaints = loaded
    assert sla_sweep(now=now).total == 0
    assert demo_history_load(count=COUNT) == 0


def test_the_command_says_what_it_did_and_is_idempotent():
    out = StringIO()
    call_command("demo_history", count=200, force=True, stdout=out)
    call_command("demo_history", count=200, force=True, stdout=out)
    assert "Demo history: 200 complaints over 182 days" in out.getvalue()
    assert "Demo history: already loaded" in out.getvalue()
    assert Complaint.objects.count() == 200
