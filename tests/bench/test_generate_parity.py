"""The benchmark's data agrees with what the application itself would have stored.

bench/generate.py derives its rows from the workflow, the models and the SLA
rules; these tests load a small data set into the test database (COPY on
PostgreSQL, INSERT elsewhere) and hold it against the real code: the
calendar and the targets, the declared transitions and codes, the sweep, and
a replay of sampled histories through the real services.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bench import gen_life, gen_load, gen_mix
from complaints.history import action_label
from complaints.models import Answer, Channel, Complaint, ComplaintEvent, Stage
from complaints.services import complaint_submit, complaint_transition
from complaints.workflow import transition_for
from sla import handlers
from sla.calendar import acknowledgement_due, add_business_days
from sla.services import sla_sweep
from sla.targets import ACK, RESOLUTION, at_risk_after, business_seconds, resolution_days_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=ZoneInfo("Europe/Istanbul"))
COUNT = 160


@pytest.fixture
def loaded() -> gen_load.Loaded:
    return gen_load.load(
        count=COUNT, weeks=4, chunk=70, seed=7, now=NOW.timestamp(), progress=False
    )


def _histories() -> dict[int, list[ComplaintEvent]]:
    found: dict[int, list[ComplaintEvent]] = defaultdict(list)
    for event in ComplaintEvent.objects.order_by("created_at", "id"):
        found[event.complaint_id].append(event)
    return found


def test_it_loads_every_complaint_with_its_history(loaded):
    assert Complaint.objects.count() == COUNT == loaded.complaints
    assert ComplaintEvent.objects.count() == loaded.events
    stages = set(Complaint.objects.values_list("stage", flat=True))
    # Four weeks back from a Wednesday afternoon: closed ones and every open stage.
    assert {Stage.RECEIVED, Stage.IN_ANALYSIS, Stage.CLOSED} <= stages


def test_due_dates_and_at_risk_points_are_the_calendars_and_the_targets(loaded):
    for c in Complaint.objects.all():
        assert c.ack_due_at == acknowledgement_due(c.received_at), c.pk
        assert c.ack_at_risk_after == at_risk_after(c.received_at, c.ack_due_at), c.pk
        days = resolution_days_for(kind=c.kind, priority=c.priority)
        if days is None or c.stage in (Stage.RECEIVED, Stage.ACKNOWLEDGED):
            assert c.resolution_due_at is None, c.pk
            continue
        assert c.resolution_started_at is not None, c.pk
        assert c.resolution_due_at == add_business_days(c.resolution_started_at, days), c.pk
        assert c.resolution_at_risk_after == at_risk_after(
            c.resolution_started_at, c.resolution_due_at
        ), c.pk


def test_met_times_and_business_seconds_follow_the_history(loaded):
    histories = _histories()
    for c in Complaint.objects.all():
        events = histories[c.pk]
        acknowledged = [e.created_at for e in events if e.action == gen_life.ACKNOWLEDGED]
        assert c.ack_met_at == (acknowledged[0] if acknowledged else None), c.pk
        assert c.ack_business_seconds == business_seconds(
            c.received_at if acknowledged else None, c.ack_met_at or c.received_at
        )
        if c.resolution_due_at is None:
            continue
        reopened = [e.created_at for e in events if e.action == gen_life.REOPENED]
        assert c.resolution_started_at == (reopened[-1] if reopened else c.received_at), c.pk
        decisions = [
            e.created_at
            for e in events
            if e.action == gen_life.DECISION_NOTIFIED and e.created_at >= c.resolution_started_at
        ]
        assert c.resolution_met_at == (decisions[0] if decisions else None), c.pk
        if decisions:
            assert c.resolution_business_seconds == business_seconds(
                c.resolution_started_at, decisions[0]
            )


def test_every_stage_is_reached_through_a_declared_transition(loaded):
    for pk, events in _histories().items():
        complaint = Complaint.objects.get(pk=pk)
        assert events[0].action == gen_life.RECEIVED
        assert events[0].to_stage == Stage.RECEIVED
        stage = Stage.RECEIVED
        for event in events[1:]:
            if not event.to_stage:
                continue  # an SLA event, not a stage change
            transition = transition_for(complaint.kind, event.from_stage, event.to_stage)
            assert transition is not None, (pk, event.from_stage, event.to_stage)
            assert event.action == transition.action
            assert event.from_stage == stage
            stage = Stage(event.to_stage)
        assert complaint.stage == stage, pk


def test_every_history_code_is_declared_by_its_app(loaded):
    codes = set(ComplaintEvent.objects.values_list("action", flat=True))
    assert codes
    assert {code for code in codes if action_label(code) == code} == set()
    assert {ACK.at_risk_action, ACK.breached_action} <= codes


def test_counters_and_markers_agree_with_the_history(loaded):
    histories = _histories()
    for c in Complaint.objects.all():
        actions = [e.action for e in histories[c.pk]]
        breaches = sum(a in (ACK.breached_action, RESOLUTION.breached_action) for a in actions)
        assert c.reopen_count == actions.count(gen_life.REOPENED), c.pk
        assert c.breach_count == breaches, c.pk
        assert (c.ack_breached_at is not None) == (ACK.breached_action in actions), c.pk
        assert (c.ack_at_risk_at is not None) == (ACK.at_risk_action in actions), c.pk
        cycle = [
            e.action
            for e in histories[c.pk]
            if c.resolution_started_at is None or e.created_at >= c.resolution_started_at
        ]
        assert (c.resolution_breached_at is not None) == (RESOLUTION.breached_action in cycle)
        assert (c.resolution_at_risk_at is not None) == (RESOLUTION.at_risk_action in cycle)


def test_the_sweep_finds_nothing_the_generator_left_unrecorded(loaded):
    # Everything that fell due before the last minute's sweep run is recorded.
    before_last_run = datetime.fromtimestamp(loaded.now - gen_mix.SWEEP_PERIOD_SECONDS, NOW.tzinfo)

    assert sla_sweep(now=before_last_run).total == 0


def test_the_generator_reacts_to_the_codes_the_sla_app_reacts_to():
    book = set(gen_life.SLA_CODES)
    # The receipt's due dates are set before the complaint's INSERT
    # (handlers.receipt_fields), the other codes' by reactions.
    reacted = {*handlers.HANDLERS, gen_life.RECEIVED}
    assert book <= reacted
    # The benchmark never changes a priority after classification, nor waits on
    # the customer.
    assert reacted - book == {
        "complaints.complaint.reprioritized",
        "complaints.waiting.started",
        "complaints.waiting.ended",
    }


# --- Replaying sampled histories through the real services --------------------------------


class _Clock:
    def __init__(self) -> None:
        self.at: datetime | None = None

    def __call__(self) -> datetime:
        assert self.at is not None
        return self.at


def _fields(transition: Any, generated: Complaint) -> dict[str, Any]:
    if transition.is_reopening:
        return {
            "customer_answer": Answer.REJECTED,
            "customer_answer_channel": Channel.PHONE,
            "customer_answer_reason": "Olmadı.",
        }
    return {name: getattr(generated, name) for name in transition.fields if name != "priority"} | (
        {"priority": generated.priority} if "priority" in transition.fields else {}
    )


SLA_COLUMNS = (
    "stage",
    "priority",
    "category_id",
    "reopen_count",
    "acknowledged_at",
    "classified_at",
    "decision_notified_at",
    "closed_at",
    *(getattr(t, name) for t in (ACK, RESOLUTION) for name in ("due", "at_risk_after", "met")),
    "resolution_started_at",
    ACK.business_seconds,
    RESOLUTION.business_seconds,
)


def test_replaying_the_histories_through_the_services_stores_the_same_values(loaded, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr("django.utils.timezone.now", clock)
    monkeypatch.setattr(ComplaintEvent._meta.get_field("created_at"), "_get_default", clock)
    histories = _histories()
    sample = list(Complaint.objects.order_by("pk")[::5])
    assert len(sample) >= 30
    for generated in sample:
        events = [e for e in histories[generated.pk] if e.to_stage]
        clock.at = generated.received_at
        replayed = complaint_submit(
            kind=generated.kind,
            channel=generated.channel,
            subject=generated.subject,
            description=generated.description,
            name="Replay",
            email=generated.contact_email,
            phone=generated.contact_phone,
            language=generated.language,
            received_at=generated.received_at,
        )
        for event in events[1:]:
            if event.from_stage == replayed.stage == event.to_stage:
                continue
            if replayed.stage == event.to_stage:
                continue  # acknowledged during the contact, inside complaint_submit
            clock.at = event.created_at
            transition = transition_for(generated.kind, event.from_stage, event.to_stage)
            replayed = complaint_transition(
                complaint=replayed,
                to=event.to_stage,
                actor=None,
                fields=_fields(transition, generated),
            )
        replayed.refresh_from_db()
        for column in SLA_COLUMNS:
            assert getattr(replayed, column) == getattr(generated, column), (generated.pk, column)
