"""Weeks and periods in the business calendar's zone (Monday to Sunday)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import conf


def zone() -> ZoneInfo:
    return ZoneInfo(conf.time_zone())


def week_start(value: date) -> date:
    return value - timedelta(days=value.weekday())


def day_start(value: date) -> datetime:
    return datetime.combine(value, time.min, tzinfo=zone())


def local_date(value: datetime) -> date:
    return value.astimezone(zone()).date()


def period_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[start, end) instants of the days date_from..date_to, both included."""
    return day_start(date_from), day_start(date_to + timedelta(days=1))


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """The period of the same length that ends the day before ``date_from``."""
    length = (date_to - date_from).days + 1
    return date_from - timedelta(days=length), date_from - timedelta(days=1)
