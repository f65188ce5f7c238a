"""Business-day calendar for the SLA targets (PROCESS.md, "Business-day rules").

Dates in, dates out. The rules:

* Business days are Monday to Friday, except the public holidays (national and
  religious) that the ``holidays`` package gives for ``SLA_CALENDAR_COUNTRY``.
* Half days (the package's ``half_day`` category: arife days and 28 October)
  are business days whose business hours end at ``SLA_HALF_DAY_CLOSING_TIME``.
* Staff-maintained ``CalendarOverride`` rows win over all of the above.
* A period of N business days does not count the day of receipt and ends at
  the closing hour of the N-th business day after it.

Holidays are computed once per (country, year) and kept in the process.
Overrides are read from the database once and kept in the process too; a
version token in Django's cache (bumped whenever an override is saved or
deleted) tells every process when to read them again, so the database is not
queried per call.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from sla import calendar_cache

# Kept importable from here (docs and older callers name them so).
from sla.calendar_cache import VERSION_CACHE_KEY, bump_overrides_version

__all__ = [
    "VERSION_CACHE_KEY",
    "acknowledgement_due",
    "add_business_days",
    "bump_overrides_version",
    "business_seconds_between",
    "clear_cache",
    "closing_time",
    "is_business_day",
    "next_business_day",
    "opening_time",
]

DEFAULT_TIME_ZONE = "Europe/Istanbul"
DEFAULT_OPENING_TIME = "09:00"
DEFAULT_CLOSING_TIME = "18:00"
DEFAULT_HALF_DAY_CLOSING_TIME = "13:00"
DEFAULT_CALENDAR_COUNTRY = "TR"

# Override kinds, as stored in CalendarOverride.kind. Plain strings so that this
# module does not import the model at import time (it is imported by apps that
# load before the app registry is ready).
_CLOSED = "closed"
_OPEN = "open"
_HALF_DAY = "half_day"

# A run of non-business days longer than this means a misconfigured calendar
# (e.g. a year of "closed" overrides); fail loudly instead of looping forever.
_MAX_CLOSED_RUN_DAYS = 366


# --- Settings -------------------------------------------------------------------
# The public accessors read them on every call; the day arithmetic below holds
# them until a setting changes (see _rules).


def _time_zone() -> ZoneInfo:
    # ZoneInfo keeps its own cache of instances, so this does not re-read tzdata.
    return ZoneInfo(getattr(settings, "SLA_TIME_ZONE", DEFAULT_TIME_ZONE))


@lru_cache(maxsize=32)
def _parse_time(value: str | time) -> time:
    # Settings hold "HH:MM" strings; a time object is accepted too.
    return value if isinstance(value, time) else time.fromisoformat(value)


def opening_time() -> time:
    """Opening hour of every business day (half days open at the same hour)."""
    return _parse_time(getattr(settings, "SLA_OPENING_TIME", DEFAULT_OPENING_TIME))


def full_day_closing_time() -> time:
    return _parse_time(getattr(settings, "SLA_CLOSING_TIME", DEFAULT_CLOSING_TIME))


def half_day_closing_time() -> time:
    return _parse_time(
        getattr(settings, "SLA_HALF_DAY_CLOSING_TIME", DEFAULT_HALF_DAY_CLOSING_TIME)
    )


def _country() -> str:
    return str(getattr(settings, "SLA_CALENDAR_COUNTRY", DEFAULT_CALENDAR_COUNTRY))


# --- Holidays (per process, per year) ---------------------------------------------


@dataclass(frozen=True)
class _YearHolidays:
    public: frozenset[date]
    half_days: frozenset[date]


_holidays_lock = threading.Lock()
_holidays_by_year: dict[tuple[str, int], _YearHolidays] = {}


def _year_holidays(year: int, country: str) -> _YearHolidays:
    # Building a holidays object costs far more than a dict lookup, and the
    # calendar is consulted in loops (one call per day walked), so each year is
    # computed once per process.
    key = (country, year)
    cached = _holidays_by_year.get(key)
    if cached is not None:
        return cached
    with _holidays_lock:
        cached = _holidays_by_year.get(key)
        if cached is None:
            country, _ = key
            public = holidays.country_holidays(country, years=year, categories=("public",))
            supported = getattr(public, "supported_categories", ())
            half = (
                holidays.country_holidays(country, years=year, categories=("half_day",))
                if "half_day" in supported
                else {}
            )
            cached = _YearHolidays(public=frozenset(public), half_days=frozenset(half))
            _holidays_by_year[key] = cached
    return cached


# --- Overrides -------------------------------------------------------------------
# Held and invalidated by sla.calendar_cache; this module only reads them.


def clear_cache() -> None:
    """Forget cached holidays, settings and overrides in this process (for tests)."""
    global _settings_held
    _settings_held = None
    with _holidays_lock:
        _holidays_by_year.clear()
    calendar_cache.forget()


# --- Days ------------------------------------------------------------------------------
# The private helpers take the rules (overrides and settings) as an argument so
# that one public call reads the cache version once, not once per day walked
# (with Redis that would be a network round trip per day), and the settings once.


class _Rules(NamedTuple):
    overrides: Mapping[date, str]
    tz: ZoneInfo
    opening: time
    closing: time
    half_day_closing: time
    country: str


# The settings part of the rules, read once and forgotten whenever an SLA_*
# setting changes (override_settings and pytest's ``settings`` fixture send
# setting_changed): the calendar walks days in loops, and a settings read per
# day walked was most of its cost.
_settings_held: _Rules | None = None


def _rules() -> _Rules:
    global _settings_held
    held = _settings_held
    if held is None:
        held = _settings_held = _Rules(
            overrides={},
            tz=_time_zone(),
            opening=opening_time(),
            closing=full_day_closing_time(),
            half_day_closing=half_day_closing_time(),
            country=_country(),
        )
    return _Rules(calendar_cache.override_kinds(), *held[1:])


@receiver(setting_changed, dispatch_uid="sla_calendar_settings")
def _settings_changed(*, setting: str, **kwargs: object) -> None:
    global _settings_held
    if setting.startswith("SLA_"):
        _settings_held = None


def _is_business_day(d: date, rules: _Rules) -> bool:
    override = rules.overrides.get(d)
    if override is not None:
        # Staff know better than the package (bridge days, company closures,
        # weekend working days), so an override decides on its own.
        return override != _CLOSED
    if d.weekday() >= 5:  # Saturday, Sunday
        return False
    return d not in _year_holidays(d.year, rules.country).public


def _closing_time(d: date, rules: _Rules) -> time:
    override = rules.overrides.get(d)
    if override == _HALF_DAY:
        return rules.half_day_closing
    if override == _OPEN:
        # "open" makes a normal business day, even on a package half day.
        return rules.closing
    if d in _year_holidays(d.year, rules.country).half_days:
        return rules.half_day_closing
    return rules.closing


def _next_business_day(d: date, rules: _Rules) -> date:
    candidate = d
    for _ in range(_MAX_CLOSED_RUN_DAYS):
        candidate += timedelta(days=1)
        if _is_business_day(candidate, rules):
            return candidate
    raise RuntimeError(
        f"No business day within {_MAX_CLOSED_RUN_DAYS} days after {d.isoformat()}; "
        "check the calendar overrides."
    )


def _closing_instant(d: date, rules: _Rules) -> datetime:
    return datetime.combine(d, _closing_time(d, rules), tzinfo=rules.tz)


def is_business_day(d: date) -> bool:
    """True when ``d`` is a business day (half days included)."""
    return _is_business_day(d, _rules())


def closing_time(d: date) -> time:
    """Closing hour of ``d``: the half-day hour on a half day, else the full-day hour.

    Meaningful for business days; for other days it is the hour the day would
    close at if it were open (callers check ``is_business_day`` first).
    """
    return _closing_time(d, _rules())


def next_business_day(d: date) -> date:
    """The first business day strictly after ``d``."""
    return _next_business_day(d, _rules())


# --- Instants --------------------------------------------------------------------------


def _to_calendar_tz(value: datetime, name: str, tz: ZoneInfo) -> datetime:
    # A naive datetime has no defined instant; guessing a zone would move due
    # dates by hours silently, so refuse it.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value!r}")
    return value.astimezone(tz)


def add_business_days(received_at: datetime, n: int) -> datetime:
    """Due instant of a period of ``n`` business days starting at ``received_at``.

    The day of receipt is never counted, whatever the hour (Turkish convention
    for periods counted in days); the period ends at the closing hour of the
    n-th business day after it. Returns an aware datetime in SLA_TIME_ZONE.
    Raises ValueError for a naive ``received_at`` or ``n < 1``.
    """
    rules = _rules()
    local = _to_calendar_tz(received_at, "received_at", rules.tz)
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    day = local.date()
    for _ in range(n):
        day = _next_business_day(day, rules)
    return _closing_instant(day, rules)


def acknowledgement_due(received_at: datetime) -> datetime:
    """Due instant of the "same day" acknowledgement.

    The closing hour of the day of receipt when that is a business day and the
    complaint arrived before its closing hour (13:00 on a half day); otherwise
    the closing hour of the next business day. Raises ValueError when naive.
    """
    rules = _rules()
    local = _to_calendar_tz(received_at, "received_at", rules.tz)
    day = local.date()
    if _is_business_day(day, rules):
        closing = _closing_instant(day, rules)
        if local < closing:
            return closing
    return _closing_instant(_next_business_day(day, rules), rules)


def business_seconds_between(start: datetime, end: datetime) -> float:
    """Seconds of business hours between two instants (0.0 when end <= start).

    Counts, for every business day touched, the overlap of [start, end] with
    that day's opening hour to closing hour (13:00 on half days). Raises
    ValueError when either is naive.
    """
    rules = _rules()
    start_local = _to_calendar_tz(start, "start", rules.tz)
    end_local = _to_calendar_tz(end, "end", rules.tz)
    if end_local <= start_local:
        return 0.0
    total = 0.0
    day = start_local.date()
    last = end_local.date()
    while day <= last:
        if _is_business_day(day, rules):
            window_start = max(start_local, datetime.combine(day, rules.opening, tzinfo=rules.tz))
            window_end = min(end_local, _closing_instant(day, rules))
            if window_end > window_start:
                # Timestamps, not aware-datetime subtraction: subtracting two
                # datetimes of the same tzinfo ignores a DST change in between.
                total += window_end.timestamp() - window_start.timestamp()
        day += timedelta(days=1)
    return total
