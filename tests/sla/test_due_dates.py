"""Due dates and met times on each complaint (issue 3, item 3; PROCESS.md
"When the SLA is met"). Complaints are received at fixed instants in
November 2026 (no Turkish holiday that month) unless a test needs the real now.
"""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from complaints.models import Answer, Channel, Complaint, ComplaintEvent, Kind, Priority, Stage
from complaints.services import (
    complaint_record_answer,
    complaint_reprioritize,
    complaint_transition,
)
from sla.calendar import add_business_days, business_seconds_between
from sla.targets import business_instant_after
from tests.helpers import advance
from tests.sla.conftest import IST, ist

pytestmark = pytest.mark.django_db

MONDAY_10 = ist(2026, 11, 16, 10, 0)


def actions(complaint: Complaint) -> list[str]:
    return list(
        ComplaintEvent.objects.filter(complaint=complaint)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


# --- Acknowledgement -------------------------------------------------------------------


def test_receipt_sets_the_acknowledgement_due_date_and_its_at_risk_instant(receive):
    complaint = receive(at=MONDAY_10)

    complaint.refresh_from_db()
    assert complaint.ack_due_at == ist(2026, 11, 16, 18, 0)  # same day, closing hour
    # 8 business hours to run; at risk after 75% of them (6 h).
    assert complaint.ack_at_risk_after == ist(2026, 11, 16, 16, 0)
    assert complaint.ack_met_at is None


def test_the_caller_sees_the_due_date_on_the_instance_it_gets_back(receive):
    complaint = receive(at=MONDAY_10)

    assert complaint.ack_due_at == ist(2026, 11, 16, 18, 0)


def test_receipt_after_closing_is_due_at_the_next_closing_hour(receive):
    complaint = receive(at=ist(2026, 11, 20, 19, 30))  # Friday evening

    assert complaint.ack_due_at == ist(2026, 11, 23, 18, 0)  # Monday
    # 9 business hours (Monday 09:00-18:00): at risk at 15:45.
    assert complaint.ack_at_risk_after == ist(2026, 11, 23, 15, 45)


def test_a_phone_complaint_is_acknowledged_during_the_contact_and_meets_its_target(receive):
    complaint = receive(channel=Channel.PHONE, email="", phone="+905321234567")

    complaint.refresh_from_db()
    assert complaint.stage == Stage.ACKNOWLEDGED
    assert complaint.ack_met_at is not None
    assert complaint.ack_met_at <= complaint.ack_due_at
    assert complaint.breach_count == 0


def test_acknowledging_records_the_met_time_and_business_hours(receive, representative):
    complaint = receive(at=timezone.now() - timedelta(minutes=1))

    complaint = advance(complaint, Stage.ACKNOWLEDGED, representative)

    row = Complaint.objects.get(pk=complaint.pk)
    event = ComplaintEvent.objects.get(
        complaint=complaint, action="complaints.complaint.acknowledged"
    )
    assert row.ack_met_at == event.created_at
    assert row.ack_business_seconds == round(
        business_seconds_between(row.received_at, row.ack_met_at)
    )


def test_a_late_acknowledgement_is_met_late_and_records_one_breach(receive, representative):
    complaint = receive(at=MONDAY_10)  # due 16 November, acknowledged today

    complaint = advance(complaint, Stage.ACKNOWLEDGED, representative)

    row = Complaint.objects.get(pk=complaint.pk)
    assert row.ack_met_at is not None and row.ack_due_at is not None
    assert row.ack_met_at > row.ack_due_at
    assert row.ack_breached_at is not None
    assert row.breach_count == 1
    assert actions(complaint).count("sla.ack.breached") == 1
    breach = ComplaintEvent.objects.get(complaint=complaint, action="sla.ack.breached")
    assert breach.data["due_at"] == row.ack_due_at.astimezone(IST).isoformat()
    assert "met_at" in breach.data


# --- Resolution --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "priority", "due"),
    [
        ("unlawful-practice", Priority.HIGH, ist(2026, 11, 17, 18, 0)),  # 1 business day
        ("financial", Priority.NORMAL, ist(2026, 11, 19, 18, 0)),  # 3
        ("outside-scope", Priority.LOW, ist(2026, 11, 23, 18, 0)),  # 5, over a weekend
    ],
)
def test_classification_sets_the_resolution_due_date_by_priority_counted_from_receipt(
    receive, classify, code, priority, due
):
    complaint = classify(receive(at=MONDAY_10), code)

    row = Complaint.objects.get(pk=complaint.pk)
    assert row.priority == priority
    assert row.resolution_due_at == due
    assert row.resolution_started_at == MONDAY_10
    assert complaint.resolution_due_at == due  # the instance the caller holds, too


def test_resolution_is_at_risk_after_75_percent_of_its_business_time(receive, classify):
    complaint = classify(receive(at=MONDAY_10), "financial")  # due Thursday 18:00

    # Monday 8 h + Tuesday 9 h + Wednesday 9 h + Thursday 9 h = 35 h; 75% = 26 h 15 min,
    # reached on Thursday at 09:15.
    assert complaint.resolution_at_risk_after == ist(2026, 11, 19, 9, 15)


def test_feedback_has_no_resolution_target(receive, classify, representative):
    complaint = classify(receive(at=MONDAY_10, kind=Kind.FEEDBACK))
    complaint = advance(complaint, Stage.DECISION_NOTIFIED, representative)

    row = Complaint.objects.get(pk=complaint.pk)
    assert row.resolution_due_at is None
    assert row.resolution_met_at is None
    assert "sla.resolution.breached" not in actions(complaint)


def test_feedback_gets_a_resolution_target_when_a_setting_gives_one(receive, classify, settings):
    settings.SLA_FEEDBACK_RESOLUTION_DAYS = 2

    complaint = classify(receive(at=MONDAY_10, kind=Kind.FEEDBACK))

    assert complaint.resolution_due_at == ist(2026, 11, 18, 18, 0)


def test_targets_are_settings(receive, classify, settings):
    settings.SLA_RESOLUTION_DAYS = {"high": 2, "normal": 4, "low": 6}

    complaint = classify(receive(at=MONDAY_10), "financial")

    assert complaint.resolution_due_at == ist(2026, 11, 20, 18, 0)


def test_a_priority_change_recomputes_the_resolution_due_date_with_a_history_row(
    receive, classify, representative
):
    complaint = classify(receive(at=MONDAY_10), "financial")  # normal: Thursday

    complaint = complaint_reprioritize(
        complaint=complaint,
        priority=Priority.HIGH,
        reason="Hat tamamen kesik.",
        actor=representative,
    )

    row = Complaint.objects.get(pk=complaint.pk)
    assert row.resolution_due_at == ist(2026, 11, 17, 18, 0)  # high: Tuesday
    assert complaint.resolution_due_at == row.resolution_due_at
    event = ComplaintEvent.objects.get(complaint=complaint, action="sla.resolution.due_changed")
    assert event.actor == representative
    assert event.data["from"] == ist(2026, 11, 19, 18, 0).isoformat()
    assert event.data["to"] == ist(2026, 11, 17, 18, 0).isoformat()
    assert event.data["priority"] == Priority.HIGH
    assert actions(complaint)[-2:] == [
        "complaints.complaint.reprioritized",
        "sla.resolution.due_changed",
    ]


def test_decision_notified_meets_the_resolution_target(receive, classify, representative):
    complaint = classify(receive(at=timezone.now() - timedelta(minutes=5)), "outside-scope")

    complaint = advance(complaint, Stage.DECISION_NOTIFIED, representative)

    row = Complaint.objects.get(pk=complaint.pk)
    assert row.resolution_met_at is not None and row.decision_notified_at is not None
    assert row.resolution_due_at is not None
    # The history row and the stamp are taken a few microseconds apart.
    assert abs((row.resolution_met_at - row.decision_notified_at).total_seconds()) < 1
    assert row.resolution_met_at <= row.resolution_due_at
    assert row.resolution_business_seconds is not None
    assert "sla.resolution.breached" not in actions(complaint)


def test_a_late_decision_is_met_late_and_records_one_breach(receive, classify, representative):
    complaint = classify(receive(at=MONDAY_10), "unlawful-practice")  # due 17 November

    complaint = advance(complaint, Stage.DECISION_NOTIFIED, representative)

    row = Complaint.objects.get(pk=complaint.pk)
    assert row.resolution_met_at is not None and row.resolution_due_at is not None
    assert row.resolution_met_at > row.resolution_due_at
    assert actions(complaint).count("sla.resolution.breached") == 1


def test_reopen_sets_a_new_resolution_due_date_counted_from_the_reopening(
    receive, classify, representative
):
    complaint = classify(receive(at=MONDAY_10), "financial")
    complaint = advance(complaint, Stage.DECISION_NOTIFIED, representative)
    first_due = Complaint.objects.get(pk=complaint.pk).resolution_due_at

    complaint = complaint_record_answer(
        complaint=complaint,
        answer=Answer.REJECTED,
        channel=Channel.PHONE,
        reason="Fark iade edilmedi.",
        actor=representative,
    )

    reopened = ComplaintEvent.objects.get(
        complaint=complaint, action="complaints.complaint.reopened"
    )
    row = Complaint.objects.get(pk=complaint.pk)
    assert row.resolution_started_at == reopened.created_at
    assert row.resolution_due_at == add_business_days(reopened.created_at, 3)
    assert row.resolution_due_at is not None and first_due is not None
    assert row.resolution_due_at > first_due
    # A new cycle: not met yet, nothing recorded for it yet...
    assert row.resolution_met_at is None
    assert row.resolution_breached_at is None
    assert row.resolution_at_risk_at is None
    # ...while the first cycle's breach stays recorded.
    assert row.breach_count == 2  # the late acknowledgement and the late decision
    assert actions(complaint).count("sla.resolution.breached") == 1


def test_the_due_dates_roll_back_with_a_refused_transition(receive, representative):
    complaint = receive(at=MONDAY_10)
    complaint = advance(complaint, Stage.ACKNOWLEDGED, representative)
    before = Complaint.objects.filter(pk=complaint.pk).values().get()

    with pytest.raises(Exception):  # noqa: B017 - the guard's error, whatever it is
        complaint_transition(
            complaint=complaint, to=Stage.CLASSIFIED, actor=representative, fields={}
        )

    assert Complaint.objects.filter(pk=complaint.pk).values().get() == before


# --- Business time ------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 20), timezones=st.just(IST)
    ),
    hours=st.floats(min_value=0, max_value=60),
)
def test_business_instant_after_is_the_inverse_of_business_seconds_between(start, hours):
    seconds = hours * 3600
    instant = business_instant_after(start, seconds)

    assert instant >= start
    assert business_seconds_between(start, instant) == pytest.approx(seconds, abs=1e-3)
