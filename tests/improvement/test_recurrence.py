"""PROCESS.md, Improvement: a problem that comes back is looked for in three
ways: the same customer and category within 90 days (a repeat, linked at
classification); a week above its c-chart limit from the previous 12 weeks,
per category and per root cause (a signal, stored once); similar texts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent, Stage
from complaints.services import complaint_recategorize, complaint_transition
from improvement import codes
from improvement.models import ComplaintLink, RecurrenceSignal
from improvement.selectors.recurrence import c_chart_limit
from improvement.services.recurrence import recurrence_signals_detect
from tests.factories import category, make_complaint, root_cause

from .conftest import bulk_complaints

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Europe/Istanbul")


def _classify(complaint: Complaint, actor, code: str = "financial") -> Complaint:
    complaint = complaint_transition(complaint=complaint, to=Stage.ACKNOWLEDGED, actor=actor)
    return complaint_transition(
        complaint=complaint, to=Stage.CLASSIFIED, actor=actor, fields={"category": category(code)}
    )


def test_the_same_customer_and_category_within_90_days_is_a_repeat_linked_at_classification(
    representative,
):
    first = _classify(make_complaint(), representative)
    Complaint.objects.filter(pk=first.pk).update(received_at=timezone.now() - timedelta(days=80))
    second = _classify(make_complaint(subject="Yine fazla fatura"), representative)

    link = ComplaintLink.objects.get(complaint=second)
    assert (link.related_id, link.kind) == (first.pk, "repeat")
    row = ComplaintEvent.objects.get(complaint=second, action=codes.REPEAT_FLAGGED)
    assert row.data["tracking_number"] == first.tracking_number
    assert not ComplaintLink.objects.filter(complaint=first).exists()


def test_a_complaint_more_than_90_days_earlier_is_not_a_repeat(representative):
    first = _classify(make_complaint(), representative)
    Complaint.objects.filter(pk=first.pk).update(received_at=timezone.now() - timedelta(days=91))
    second = _classify(make_complaint(), representative)
    assert not ComplaintLink.objects.filter(complaint=second).exists()


def test_another_customer_or_category_is_not_a_repeat_until_moved_into_the_same_category(
    representative,
):
    _classify(make_complaint(), representative, "financial")
    other_customer = _classify(make_complaint(email="mehmet@example.com"), representative)
    other_category = _classify(make_complaint(), representative, "communication")
    assert not ComplaintLink.objects.filter(complaint__in=[other_customer, other_category]).exists()

    complaint_recategorize(
        complaint=other_category,
        category=category("financial"),
        reason="Aslında fatura konusu.",
        actor=representative,
    )
    assert ComplaintLink.objects.filter(complaint=other_category, kind="repeat").count() == 1


def _week(monday: date, n: int, **fields) -> list[dict]:
    at = datetime.combine(monday + timedelta(days=2), time(11), tzinfo=IST)
    return [{"received_at": at, **fields} for _ in range(n)]


def _history(last_monday: date, weekly: list[int], **fields) -> None:
    """``weekly`` counts for the weeks ending with the one starting ``last_monday``."""
    rows: list[dict] = []
    for offset, n in enumerate(reversed(weekly)):
        rows += _week(last_monday - timedelta(weeks=offset), n, **fields)
    bulk_complaints(rows)


def test_c_chart_limit_is_the_mean_plus_three_times_its_square_root():
    assert c_chart_limit([4] * 12) == (4.0, 10.0)
    assert c_chart_limit([0] * 12) == (0.0, 0.0)


def test_a_week_above_its_limit_raises_one_signal_stored_once_however_often_it_runs():
    today = date(2026, 11, 18)  # a Wednesday
    last_week = date(2026, 11, 9)
    financial = category("financial")
    # 12 weeks of 4 a week (limit 4 + 3·2 = 10), then 12 in the last complete week
    _history(last_week, [4] * 12 + [12], category=financial)

    created = recurrence_signals_detect(today=today)
    again = recurrence_signals_detect(today=today)

    assert again == []
    [signal] = created
    assert (signal.week, signal.dimension, signal.category_id) == (
        last_week,
        "category",
        financial.pk,
    )
    assert (signal.count, signal.mean, signal.limit) == (12, 4.0, 10.0)
    assert RecurrenceSignal.objects.count() == 1
    # a later run still sees it as that week's signal, never a second one
    recurrence_signals_detect(today=today + timedelta(days=7))
    assert RecurrenceSignal.objects.filter(week=last_week).count() == 1


def test_a_week_at_or_below_its_limit_raises_nothing():
    _history(date(2026, 11, 9), [4] * 12 + [10], category=category("financial"))
    assert recurrence_signals_detect(today=date(2026, 11, 18)) == []


def test_too_few_complaints_raise_nothing_even_above_a_zero_limit():
    _history(date(2026, 11, 9), [0] * 12 + [2], category=category("financial"))
    # a complaint 13 weeks back gives the data a start
    bulk_complaints(_week(date(2026, 11, 9) - timedelta(weeks=13), 1))
    assert recurrence_signals_detect(today=date(2026, 11, 18)) == []


def test_no_signal_without_twelve_weeks_of_history_before_the_week():
    _history(date(2026, 11, 9), [4] * 5 + [20], category=category("financial"))
    assert recurrence_signals_detect(today=date(2026, 11, 18)) == []


def test_signals_are_raised_per_root_cause_too():
    cause = root_cause("process")
    _history(
        date(2026, 11, 9),
        [2] * 12 + [9],
        category=category("financial"),
        root_cause=cause,
        stage=Stage.RESPONDED,
    )
    created = recurrence_signals_detect(today=date(2026, 11, 18))
    assert {(s.dimension, s.root_cause_id or s.category_id) for s in created} == {
        ("category", category("financial").pk),
        ("root_cause", cause.pk),
    }


def test_weeks_are_counted_in_istanbul_time():
    # Sunday 23:30 in Istanbul is still the week before (Monday 00:30 would not be)
    monday = date(2026, 11, 9)
    _history(monday, [4] * 12 + [11], category=category("financial"))
    late_sunday = datetime.combine(monday - timedelta(days=1), time(23, 30), tzinfo=IST)
    bulk_complaints([{"received_at": late_sunday, "category": category("financial")}])
    [signal] = recurrence_signals_detect(today=date(2026, 11, 18))
    assert signal.count == 11  # the Sunday complaint belongs to the week before
