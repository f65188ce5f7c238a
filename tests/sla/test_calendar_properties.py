"""Property tests of the business-day calendar over receipts in 2025-2028."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.calendar import (
    acknowledgement_due,
    add_business_days,
    business_seconds_between,
    closing_time,
    is_business_day,
)

# The calendar reads the (empty) override table once per process.
pytestmark = pytest.mark.django_db

IST = ZoneInfo("Europe/Istanbul")

calendar_settings = settings(max_examples=200, deadline=None, derandomize=True, database=None)

# Receipts in the calendar's zone and in others, so conversion is exercised too.
instants = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2028, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([IST, UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")]),
)
periods = st.integers(min_value=1, max_value=10)


def is_business_day_closing(instant: datetime) -> bool:
    local = instant.astimezone(IST)
    return (
        local.tzinfo == IST
        and is_business_day(local.date())
        and local.timetz().replace(tzinfo=None) == closing_time(local.date())
    )


def business_days_in(after: date, up_to: date) -> int:
    """Business days d with after < d <= up_to."""
    count, day = 0, after
    while day < up_to:
        day += timedelta(days=1)
        count += is_business_day(day)
    return count


@calendar_settings
@given(received_at=instants, n=periods)
def test_due_date_is_a_business_day_at_its_closing_hour(received_at: datetime, n: int) -> None:
    due = add_business_days(received_at, n)
    assert due.tzinfo == IST
    assert is_business_day_closing(due)


@calendar_settings
@given(received_at=instants, n=periods)
def test_due_date_never_precedes_receipt_and_falls_after_the_day_of_receipt(
    received_at: datetime, n: int
) -> None:
    due = add_business_days(received_at, n)
    assert due > received_at
    assert due.date() > received_at.astimezone(IST).date()


@calendar_settings
@given(received_at=instants, n=periods)
def test_due_date_is_exactly_n_business_days_after_the_day_of_receipt(
    received_at: datetime, n: int
) -> None:
    due = add_business_days(received_at, n)
    assert business_days_in(received_at.astimezone(IST).date(), due.date()) == n


@calendar_settings
@given(received_at=instants, n=periods)
def test_one_more_business_day_is_always_later(received_at: datetime, n: int) -> None:
    assert add_business_days(received_at, n + 1) > add_business_days(received_at, n)


@calendar_settings
@given(received_at=instants, n1=periods, n2=periods)
def test_due_date_is_monotonic_in_n(received_at: datetime, n1: int, n2: int) -> None:
    low, high = sorted((n1, n2))
    assert add_business_days(received_at, low) <= add_business_days(received_at, high)


@calendar_settings
@given(r1=instants, r2=instants, n=periods)
def test_due_date_is_monotonic_in_received_at(r1: datetime, r2: datetime, n: int) -> None:
    earlier, later = sorted((r1, r2))
    assert add_business_days(earlier, n) <= add_business_days(later, n)


@calendar_settings
@given(received_at=instants, n=periods)
def test_due_date_does_not_depend_on_the_time_zone_of_received_at(
    received_at: datetime, n: int
) -> None:
    assert add_business_days(received_at.astimezone(UTC), n) == add_business_days(received_at, n)


@calendar_settings
@given(received_at=instants)
def test_acknowledgement_is_due_after_receipt_on_a_business_day_at_closing(
    received_at: datetime,
) -> None:
    due = acknowledgement_due(received_at)
    assert due > received_at
    assert is_business_day_closing(due)
    # Never later than a one-business-day period, and with business time left to act.
    assert due <= add_business_days(received_at, 1)
    assert business_seconds_between(received_at, due) > 0


@calendar_settings
@given(r1=instants, r2=instants)
def test_acknowledgement_due_is_monotonic_in_received_at(r1: datetime, r2: datetime) -> None:
    earlier, later = sorted((r1, r2))
    assert acknowledgement_due(earlier) <= acknowledgement_due(later)


@calendar_settings
@given(a=instants, b=instants, c=instants)
def test_business_seconds_are_additive_and_bounded_by_elapsed_time(
    a: datetime, b: datetime, c: datetime
) -> None:
    start, middle, end = sorted((a, b, c))
    whole = business_seconds_between(start, end)
    assert whole == pytest.approx(
        business_seconds_between(start, middle) + business_seconds_between(middle, end)
    )
    assert 0.0 <= whole <= (end - start).total_seconds()
