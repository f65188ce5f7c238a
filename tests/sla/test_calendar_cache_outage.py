"""Redis down for a while: due dates are still computed, so complaints are still recorded."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from sla import calendar, calendar_cache
from sla.models import CalendarOverride

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Europe/Istanbul")


class DownCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache unreachable")

        return fail


def test_due_dates_are_computed_from_the_table_when_the_cache_is_down(monkeypatch):
    CalendarOverride.objects.create(date=date(2026, 12, 1), kind="closed", reason="Köprü")
    calendar.clear_cache()
    monkeypatch.setattr(calendar_cache, "cache", DownCache())
    # Monday 10:00, one business day: Tuesday 1 December is closed, so Wednesday.
    due = calendar.add_business_days(datetime(2026, 11, 30, 10, 0, tzinfo=IST), 1)
    assert due == datetime(2026, 12, 2, 18, 0, tzinfo=IST)


def test_saving_an_override_while_the_cache_is_down_still_applies_in_this_process(monkeypatch):
    calendar.clear_cache()
    received = datetime(2026, 11, 30, 10, 0, tzinfo=IST)
    assert calendar.add_business_days(received, 1) == datetime(2026, 12, 1, 18, 0, tzinfo=IST)
    monkeypatch.setattr(calendar_cache, "cache", DownCache())
    CalendarOverride.objects.create(date=date(2026, 12, 1), kind="closed", reason="Köprü")
    assert calendar.add_business_days(received, 1) == datetime(2026, 12, 2, 18, 0, tzinfo=IST)


def test_a_complaint_is_recorded_while_the_cache_is_down(monkeypatch):
    from tests.factories import make_complaint

    calendar.clear_cache()
    monkeypatch.setattr(calendar_cache, "cache", DownCache())
    complaint = make_complaint()
    complaint.refresh_from_db()
    assert complaint.ack_due_at is not None
