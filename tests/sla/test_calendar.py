"""Table tests of the business-day calendar (PROCESS.md, "Business-day rules").

The holiday dates below are what holidays 0.109 returns for Turkey; the
pinning tests at the top fail if a package upgrade moves any of them.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from unittest.mock import patch
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks, Settings

from sla import calendar, calendar_cache
from sla.calendar import (
    acknowledgement_due,
    add_business_days,
    business_seconds_between,
    closing_time,
    is_business_day,
    next_business_day,
)
from sla.models import CalendarOverride

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Europe/Istanbul")
FULL = time(18, 0)
HALF = time(13, 0)

HIGH, NORMAL, LOW = 1, 3, 5


def ist(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=IST)


# --- What the holidays package gives for Turkey -----------------------------------------

TR_PUBLIC_2026 = {
    date(2026, 1, 1),  # Yılbaşı (Thu)
    date(2026, 3, 20),  # Ramazan Bayramı 1 (Fri)
    date(2026, 3, 21),  # Ramazan Bayramı 2 (Sat)
    date(2026, 3, 22),  # Ramazan Bayramı 3 (Sun)
    date(2026, 4, 23),  # Ulusal Egemenlik ve Çocuk Bayramı (Thu)
    date(2026, 5, 1),  # Emek ve Dayanışma Günü (Fri)
    date(2026, 5, 19),  # Atatürk'ü Anma, Gençlik ve Spor Bayramı (Tue)
    date(2026, 5, 27),  # Kurban Bayramı 1 (Wed)
    date(2026, 5, 28),  # Kurban Bayramı 2 (Thu)
    date(2026, 5, 29),  # Kurban Bayramı 3 (Fri)
    date(2026, 5, 30),  # Kurban Bayramı 4 (Sat)
    date(2026, 7, 15),  # Demokrasi ve Millî Birlik Günü (Wed)
    date(2026, 8, 30),  # Zafer Bayramı (Sun)
    date(2026, 10, 29),  # Cumhuriyet Bayramı (Thu)
}
TR_HALF_DAYS_2026 = {
    date(2026, 3, 19),  # Ramazan Bayramı arifesi (Thu)
    date(2026, 5, 26),  # Kurban Bayramı arifesi (Tue)
    date(2026, 10, 28),  # Cumhuriyet Bayramı eve (Wed)
}
TR_PUBLIC_2027 = {
    date(2027, 1, 1),  # Yılbaşı (Fri)
    date(2027, 3, 9),  # Ramazan Bayramı 1 (Tue)
    date(2027, 3, 10),  # Ramazan Bayramı 2 (Wed)
    date(2027, 3, 11),  # Ramazan Bayramı 3 (Thu)
    date(2027, 4, 23),  # Ulusal Egemenlik ve Çocuk Bayramı (Fri)
    date(2027, 5, 1),  # Emek ve Dayanışma Günü (Sat)
    date(2027, 5, 16),  # Kurban Bayramı 1 (Sun)
    date(2027, 5, 17),  # Kurban Bayramı 2 (Mon)
    date(2027, 5, 18),  # Kurban Bayramı 3 (Tue)
    date(2027, 5, 19),  # Kurban Bayramı 4 and 19 Mayıs (Wed)
    date(2027, 7, 15),  # Demokrasi ve Millî Birlik Günü (Thu)
    date(2027, 8, 30),  # Zafer Bayramı (Mon)
    date(2027, 10, 29),  # Cumhuriyet Bayramı (Fri)
}
TR_HALF_DAYS_2027 = {
    date(2027, 3, 8),  # Ramazan Bayramı arifesi (Mon)
    date(2027, 5, 15),  # Kurban Bayramı arifesi (Sat: a weekend anyway)
    date(2027, 10, 28),  # Cumhuriyet Bayramı eve (Thu)
}


@pytest.mark.parametrize(
    ("year", "public", "half_days"),
    [(2026, TR_PUBLIC_2026, TR_HALF_DAYS_2026), (2027, TR_PUBLIC_2027, TR_HALF_DAYS_2027)],
    ids=["2026", "2027"],
)
def test_holidays_package_gives_the_turkish_dates_we_rely_on(
    year: int, public: set[date], half_days: set[date]
) -> None:
    got_public = holidays.country_holidays("TR", years=year, categories=("public",))
    got_half = holidays.country_holidays("TR", years=year, categories=("half_day",))
    assert set(got_public) == public
    assert set(got_half) == half_days


# --- is_business_day and closing_time ---------------------------------------------------


@pytest.mark.parametrize(
    "day",
    sorted(TR_PUBLIC_2026 | TR_PUBLIC_2027),
    ids=lambda d: d.isoformat(),
)
def test_public_holidays_national_and_religious_are_not_business_days(day: date) -> None:
    assert not is_business_day(day)


@pytest.mark.parametrize(
    "day",
    [d for d in sorted(TR_HALF_DAYS_2026 | TR_HALF_DAYS_2027) if d.weekday() < 5],
    ids=lambda d: d.isoformat(),
)
def test_arife_and_28_october_are_business_days_closing_at_13(day: date) -> None:
    assert is_business_day(day)
    assert closing_time(day) == HALF


def test_kurban_arife_2027_on_a_saturday_stays_a_weekend_day() -> None:
    assert not is_business_day(date(2027, 5, 15))


@pytest.mark.parametrize(
    "day",
    [date(2026, 1, 10), date(2026, 1, 11), date(2027, 6, 5), date(2027, 6, 6)],
    ids=lambda d: f"{d.isoformat()}-{d:%a}",
)
def test_saturdays_and_sundays_are_not_business_days(day: date) -> None:
    assert not is_business_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2026, 1, 2), date(2026, 2, 2), date(2026, 10, 30), date(2027, 3, 12), date(2027, 5, 20)],
    ids=lambda d: f"{d.isoformat()}-{d:%a}",
)
def test_ordinary_weekdays_are_business_days_closing_at_18(day: date) -> None:
    assert is_business_day(day)
    assert closing_time(day) == FULL


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 6), date(2026, 2, 9)),  # Fri -> Mon
        (date(2026, 3, 19), date(2026, 3, 23)),  # arife -> over Ramazan Bayramı
        (date(2026, 5, 26), date(2026, 6, 1)),  # arife -> over Kurban Bayramı
        (date(2026, 12, 31), date(2027, 1, 4)),  # over New Year and a weekend
        (date(2027, 5, 14), date(2027, 5, 20)),  # over the 2027 Kurban Bayramı
    ],
    ids=lambda v: v.isoformat(),
)
def test_next_business_day_skips_weekends_and_holidays(day: date, expected: date) -> None:
    assert next_business_day(day) == expected


# --- add_business_days: the 1/3/5 day targets -------------------------------------------


@pytest.mark.parametrize(
    ("received_at", "n", "due"),
    [
        # PROCESS.md's own examples.
        (ist(2026, 2, 2, 10), HIGH, ist(2026, 2, 3, 18)),  # Mon 10:00 -> Tue 18:00
        (ist(2026, 2, 2, 22), HIGH, ist(2026, 2, 3, 18)),  # Mon 22:00 -> Tue 18:00
        (ist(2026, 2, 7, 11), HIGH, ist(2026, 2, 9, 18)),  # Sat -> Mon 18:00
        # Receipt before opening and after closing: the day of receipt is never counted.
        (ist(2026, 2, 2, 7), HIGH, ist(2026, 2, 3, 18)),
        (ist(2026, 2, 2, 0, 0), HIGH, ist(2026, 2, 3, 18)),
        (ist(2026, 2, 2, 18, 0), HIGH, ist(2026, 2, 3, 18)),
        (ist(2026, 2, 8, 23, 59), HIGH, ist(2026, 2, 9, 18)),  # Sun late -> Mon
        (ist(2026, 2, 6, 22), HIGH, ist(2026, 2, 9, 18)),  # Fri evening -> Mon
        (ist(2026, 2, 2, 10), NORMAL, ist(2026, 2, 5, 18)),  # Mon -> Thu
        (ist(2026, 2, 2, 10), LOW, ist(2026, 2, 9, 18)),  # Mon -> next Mon
    ],
    ids=[
        "monday-10h-high-due-tuesday",
        "monday-22h-high-due-tuesday",
        "saturday-high-due-monday",
        "before-opening-high-due-next-day",
        "midnight-high-due-next-day",
        "at-closing-high-due-next-day",
        "sunday-night-high-due-monday",
        "friday-evening-high-due-monday",
        "monday-normal-due-thursday",
        "monday-low-due-next-monday",
    ],
)
def test_period_ends_at_closing_of_nth_business_day_after_day_of_receipt(
    received_at: datetime, n: int, due: datetime
) -> None:
    assert add_business_days(received_at, n) == due


def test_received_on_saturday_high_priority_is_due_monday_closing() -> None:
    assert add_business_days(ist(2026, 2, 7, 11, 30), HIGH) == ist(2026, 2, 9, 18)


@pytest.mark.parametrize(
    ("received_at", "n", "due"),
    [
        # 2026 Ramazan Bayramı: arife Thu 19 Mar (half), Fri 20 - Sun 22 Mar.
        (ist(2026, 3, 18, 10), HIGH, ist(2026, 3, 19, 13)),
        (ist(2026, 3, 19, 10), HIGH, ist(2026, 3, 23, 18)),
        (ist(2026, 3, 19, 15), HIGH, ist(2026, 3, 23, 18)),
        (ist(2026, 3, 20, 10), HIGH, ist(2026, 3, 23, 18)),
        (ist(2026, 3, 17, 10), NORMAL, ist(2026, 3, 23, 18)),  # Wed, arife, Mon
        # 19 May 2026 (Tue), then the Kurban Bayramı: arife Tue 26 May, Wed 27 - Sat 30 May.
        (ist(2026, 5, 18, 10), HIGH, ist(2026, 5, 20, 18)),
        (ist(2026, 5, 18, 10), LOW, ist(2026, 5, 26, 13)),
        (ist(2026, 5, 25, 10), HIGH, ist(2026, 5, 26, 13)),
        (ist(2026, 5, 25, 10), NORMAL, ist(2026, 6, 2, 18)),
        (ist(2026, 5, 26, 9, 30), HIGH, ist(2026, 6, 1, 18)),
        (ist(2026, 5, 28, 10), HIGH, ist(2026, 6, 1, 18)),
        # 1 January 2026 (Thu).
        (ist(2025, 12, 31, 10), HIGH, ist(2026, 1, 2, 18)),
        # 23 April 2026 (Thu), 1 May 2026 (Fri).
        (ist(2026, 4, 22, 16), HIGH, ist(2026, 4, 24, 18)),
        (ist(2026, 4, 30, 10), HIGH, ist(2026, 5, 4, 18)),
        # 15 July 2026 (Wed).
        (ist(2026, 7, 14, 10), HIGH, ist(2026, 7, 16, 18)),
        # 30 August 2026 is a Sunday: no day off on Monday.
        (ist(2026, 8, 28, 10), HIGH, ist(2026, 8, 31, 18)),
        # 28 October 2026 (Wed, half day), 29 October (Thu).
        (ist(2026, 10, 27, 10), HIGH, ist(2026, 10, 28, 13)),
        (ist(2026, 10, 28, 10), HIGH, ist(2026, 10, 30, 18)),
        (ist(2026, 10, 28, 14), HIGH, ist(2026, 10, 30, 18)),
        (ist(2026, 10, 26, 10), NORMAL, ist(2026, 10, 30, 18)),  # Tue, 28th, Fri
    ],
    ids=lambda v: v.strftime("%Y-%m-%d_%H%M") if isinstance(v, datetime) else f"n{v}",
)
def test_due_dates_around_2026_holidays(received_at: datetime, n: int, due: datetime) -> None:
    assert add_business_days(received_at, n) == due


@pytest.mark.parametrize(
    ("received_at", "n", "due"),
    [
        # 1 January 2027 (Fri).
        (ist(2026, 12, 31, 10), HIGH, ist(2027, 1, 4, 18)),
        # 2027 Ramazan Bayramı: arife Mon 8 Mar (half), Tue 9 - Thu 11 Mar.
        (ist(2027, 3, 5, 10), HIGH, ist(2027, 3, 8, 13)),
        (ist(2027, 3, 8, 10), HIGH, ist(2027, 3, 12, 18)),
        (ist(2027, 3, 8, 13, 30), HIGH, ist(2027, 3, 12, 18)),
        (ist(2027, 3, 5, 10), NORMAL, ist(2027, 3, 15, 18)),
        # 23 April 2027 (Fri); 1 May 2027 is a Saturday.
        (ist(2027, 4, 22, 10), HIGH, ist(2027, 4, 26, 18)),
        (ist(2027, 4, 30, 10), HIGH, ist(2027, 5, 3, 18)),
        # 2027 Kurban Bayramı: arife Sat 15 May, Sun 16 - Wed 19 May (with 19 Mayıs).
        (ist(2027, 5, 14, 10), HIGH, ist(2027, 5, 20, 18)),
        (ist(2027, 5, 15, 10), HIGH, ist(2027, 5, 20, 18)),
        (ist(2027, 5, 17, 10), HIGH, ist(2027, 5, 20, 18)),
        (ist(2027, 5, 13, 10), LOW, ist(2027, 5, 25, 18)),
        # 15 July 2027 (Thu), 30 August 2027 (Mon).
        (ist(2027, 7, 14, 10), HIGH, ist(2027, 7, 16, 18)),
        (ist(2027, 8, 27, 10), HIGH, ist(2027, 8, 31, 18)),
        # 28 October 2027 (Thu, half day), 29 October (Fri).
        (ist(2027, 10, 27, 10), HIGH, ist(2027, 10, 28, 13)),
        (ist(2027, 10, 28, 10), HIGH, ist(2027, 11, 1, 18)),
    ],
    ids=lambda v: v.strftime("%Y-%m-%d_%H%M") if isinstance(v, datetime) else f"n{v}",
)
def test_due_dates_around_2027_holidays(received_at: datetime, n: int, due: datetime) -> None:
    assert add_business_days(received_at, n) == due


def test_due_date_on_a_half_day_is_its_13_00_closing() -> None:
    due = add_business_days(ist(2026, 3, 18, 10), HIGH)
    assert due == ist(2026, 3, 19, 13)
    assert due.tzinfo == IST


def test_received_at_in_utc_is_counted_on_the_istanbul_day() -> None:
    # 21:30 UTC on Monday is 00:30 on Tuesday in Istanbul: Tuesday is the day of receipt.
    received = datetime(2026, 2, 2, 21, 30, tzinfo=UTC)
    due = add_business_days(received, HIGH)
    assert due == ist(2026, 2, 4, 18)
    assert due.utcoffset() == ist(2026, 2, 4).utcoffset()
    assert due.astimezone(UTC) == datetime(2026, 2, 4, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_business_days(datetime(2026, 2, 2, 10), 1),
        lambda: acknowledgement_due(datetime(2026, 2, 2, 10)),
        lambda: business_seconds_between(datetime(2026, 2, 2, 10), ist(2026, 2, 3)),
    ],
    ids=["add_business_days", "acknowledgement_due", "business_seconds_between"],
)
def test_naive_datetime_is_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="aware"):
        call()


@pytest.mark.parametrize("n", [0, -1])
def test_period_of_less_than_one_business_day_is_rejected(n: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        add_business_days(ist(2026, 2, 2, 10), n)


# --- acknowledgement_due: "within the same day" -----------------------------------------


@pytest.mark.parametrize(
    ("received_at", "due"),
    [
        (ist(2026, 2, 2, 7), ist(2026, 2, 2, 18)),  # before opening: same day
        (ist(2026, 2, 2, 10), ist(2026, 2, 2, 18)),  # during hours: same day
        (ist(2026, 2, 2, 17, 59), ist(2026, 2, 2, 18)),
        (ist(2026, 2, 2, 18, 0), ist(2026, 2, 3, 18)),  # at closing: next business day
        (ist(2026, 2, 2, 22), ist(2026, 2, 3, 18)),  # after closing: next business day
        (ist(2026, 2, 6, 19), ist(2026, 2, 9, 18)),  # Friday evening: Monday
        (ist(2026, 2, 7, 11), ist(2026, 2, 9, 18)),  # Saturday: Monday
        (ist(2026, 2, 8, 11), ist(2026, 2, 9, 18)),  # Sunday: Monday
        (ist(2026, 1, 1, 10), ist(2026, 1, 2, 18)),  # on New Year's Day: next day
        (ist(2026, 3, 19, 10), ist(2026, 3, 19, 13)),  # arife before 13:00: same day 13:00
        (ist(2026, 3, 19, 12, 59), ist(2026, 3, 19, 13)),
        (ist(2026, 3, 19, 13, 0), ist(2026, 3, 23, 18)),  # arife at 13:00: after the Bayram
        (ist(2026, 3, 19, 14), ist(2026, 3, 23, 18)),  # arife after 13:00
        (ist(2026, 3, 21, 10), ist(2026, 3, 23, 18)),  # during Ramazan Bayramı
        (ist(2026, 5, 26, 12), ist(2026, 5, 26, 13)),  # Kurban arife before 13:00
        (ist(2026, 5, 26, 16), ist(2026, 6, 1, 18)),  # Kurban arife after 13:00
        (ist(2026, 10, 28, 12), ist(2026, 10, 28, 13)),  # 28 October before 13:00
        (ist(2026, 10, 28, 13, 30), ist(2026, 10, 30, 18)),  # 28 October after 13:00
        (ist(2026, 10, 29, 10), ist(2026, 10, 30, 18)),  # 29 October
        (ist(2027, 3, 8, 8), ist(2027, 3, 8, 13)),  # 2027 Ramazan arife before opening
        (ist(2027, 3, 8, 13, 5), ist(2027, 3, 12, 18)),  # 2027 Ramazan arife after 13:00
        (ist(2027, 5, 14, 19), ist(2027, 5, 20, 18)),  # Fri evening before 2027 Kurban
        (ist(2027, 5, 15, 10), ist(2027, 5, 20, 18)),  # arife on a Saturday
        (ist(2027, 10, 28, 12, 30), ist(2027, 10, 28, 13)),
        (ist(2027, 10, 28, 15), ist(2027, 11, 1, 18)),
    ],
    ids=lambda v: v.strftime("%Y-%m-%d_%a_%H%M"),
)
def test_acknowledgement_due_same_day_before_closing_else_next_business_day(
    received_at: datetime, due: datetime
) -> None:
    assert acknowledgement_due(received_at) == due


def test_acknowledgement_due_converts_utc_receipt_to_istanbul_hours() -> None:
    # 14:30 UTC = 17:30 Istanbul (before closing); 15:30 UTC = 18:30 (after closing).
    assert acknowledgement_due(datetime(2026, 2, 2, 14, 30, tzinfo=UTC)) == ist(2026, 2, 2, 18)
    assert acknowledgement_due(datetime(2026, 2, 2, 15, 30, tzinfo=UTC)) == ist(2026, 2, 3, 18)


# --- business_seconds_between -----------------------------------------------------------

HOUR = 3600.0


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        (ist(2026, 2, 2, 10), ist(2026, 2, 2, 12), 2 * HOUR),
        (ist(2026, 2, 2, 7), ist(2026, 2, 2, 20), 9 * HOUR),  # clipped to 09:00-18:00
        (ist(2026, 2, 2, 17), ist(2026, 2, 3, 10), 2 * HOUR),  # overnight
        (ist(2026, 2, 6, 17), ist(2026, 2, 9, 10), 2 * HOUR),  # over a weekend
        (ist(2026, 3, 19, 12), ist(2026, 3, 23, 10), 2 * HOUR),  # arife 12-13, Bayram, Mon 9-10
        (ist(2026, 3, 20, 10), ist(2026, 3, 22, 17), 0.0),  # inside the Bayram
        (ist(2026, 2, 2, 18, 30), ist(2026, 2, 3, 8), 0.0),  # night
        (ist(2026, 2, 2, 10), ist(2026, 2, 2, 10), 0.0),
        (ist(2026, 2, 3, 10), ist(2026, 2, 2, 10), 0.0),  # end before start
        (ist(2026, 2, 2, 9), ist(2026, 2, 9, 9), 5 * 9 * HOUR),  # a full week
    ],
    ids=lambda v: v.strftime("%m-%d_%H%M") if isinstance(v, datetime) else f"{v:g}s",
)
def test_business_seconds_count_only_opening_hours_of_business_days(
    start: datetime, end: datetime, seconds: float
) -> None:
    assert business_seconds_between(start, end) == seconds


def test_business_seconds_accept_instants_in_any_time_zone() -> None:
    # 07:00-09:00 UTC = 10:00-12:00 Istanbul.
    start = datetime(2026, 2, 2, 7, tzinfo=UTC)
    end = datetime(2026, 2, 2, 9, tzinfo=UTC)
    assert business_seconds_between(start, end) == 2 * HOUR


# --- Settings ---------------------------------------------------------------------------


def test_business_hours_come_from_settings(settings: Settings) -> None:
    settings.SLA_OPENING_TIME = "08:30"
    settings.SLA_CLOSING_TIME = "17:30"
    settings.SLA_HALF_DAY_CLOSING_TIME = "12:30"
    assert add_business_days(ist(2026, 2, 2, 10), HIGH) == ist(2026, 2, 3, 17, 30)
    assert acknowledgement_due(ist(2026, 3, 19, 12)) == ist(2026, 3, 19, 12, 30)
    assert acknowledgement_due(ist(2026, 3, 19, 12, 45)) == ist(2026, 3, 23, 17, 30)
    assert business_seconds_between(ist(2026, 2, 2, 8), ist(2026, 2, 2, 9)) == 0.5 * HOUR


def test_time_zone_comes_from_settings(settings: Settings) -> None:
    settings.SLA_TIME_ZONE = "UTC"
    due = add_business_days(ist(2026, 2, 2, 22), HIGH)  # 19:00 UTC, still Monday in UTC
    assert due == datetime(2026, 2, 3, 18, tzinfo=UTC)
    assert due.tzinfo == ZoneInfo("UTC")


def test_calendar_country_comes_from_settings(settings: Settings) -> None:
    assert not is_business_day(date(2026, 7, 15))  # Turkey: Democracy and National Unity Day
    settings.SLA_CALENDAR_COUNTRY = "DE"
    assert is_business_day(date(2026, 7, 15))
    assert not is_business_day(date(2026, 10, 3))  # German Unity Day (a Saturday anyway)
    assert not is_business_day(date(2026, 12, 25))  # Christmas Day (Fri)


# --- Staff overrides --------------------------------------------------------------------


def test_closed_override_moves_the_due_date_without_a_restart() -> None:
    received = ist(2026, 2, 2, 10)
    assert add_business_days(received, HIGH) == ist(2026, 2, 3, 18)  # overrides now cached

    override = CalendarOverride.objects.create(
        date=date(2026, 2, 3), kind=CalendarOverride.Kind.CLOSED, reason="Bridge day"
    )
    assert not is_business_day(date(2026, 2, 3))
    assert add_business_days(received, HIGH) == ist(2026, 2, 4, 18)

    override.delete()
    assert add_business_days(received, HIGH) == ist(2026, 2, 3, 18)


def test_closed_day_added_in_the_admin_moves_the_due_date(admin_client: Client) -> None:
    received = ist(2026, 2, 2, 10)
    assert add_business_days(received, HIGH) == ist(2026, 2, 3, 18)
    assert acknowledgement_due(ist(2026, 2, 3, 8)) == ist(2026, 2, 3, 18)

    response = admin_client.post(
        "/admin/sla/calendaroverride/add/",
        {"date": "2026-02-03", "kind": "closed", "reason": "Company closure"},
    )
    assert response.status_code == 302, response.content
    assert CalendarOverride.objects.filter(date=date(2026, 2, 3)).exists()

    assert add_business_days(received, HIGH) == ist(2026, 2, 4, 18)
    assert acknowledgement_due(ist(2026, 2, 3, 8)) == ist(2026, 2, 4, 18)


def test_override_changed_in_another_process_is_picked_up_through_the_cache_version() -> None:
    received = ist(2026, 2, 2, 10)
    assert add_business_days(received, HIGH) == ist(2026, 2, 3, 18)
    # Another process writes the row (bulk_create sends no signal here) and
    # bumps the shared version; this process must notice on its next call.
    CalendarOverride.objects.bulk_create(
        [CalendarOverride(date=date(2026, 2, 3), kind="closed", reason="Elsewhere")]
    )
    assert add_business_days(received, HIGH) == ist(2026, 2, 3, 18)  # version unchanged
    cache.set(calendar.VERSION_CACHE_KEY, "bumped-by-another-process", timeout=None)
    assert add_business_days(received, HIGH) == ist(2026, 2, 4, 18)


def test_overrides_are_not_queried_from_the_database_on_every_call(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    CalendarOverride.objects.create(date=date(2026, 2, 3), kind="closed", reason="Bridge day")
    with django_assert_num_queries(1):
        add_business_days(ist(2026, 2, 2, 10), LOW)
        acknowledgement_due(ist(2026, 2, 2, 10))
        business_seconds_between(ist(2026, 1, 1), ist(2026, 12, 31))
    with django_assert_num_queries(0):
        for _ in range(3):
            add_business_days(ist(2026, 2, 2, 10), LOW)


def test_open_override_makes_a_saturday_a_full_business_day() -> None:
    CalendarOverride.objects.create(date=date(2026, 2, 7), kind="open", reason="Make-up day")
    assert is_business_day(date(2026, 2, 7))
    assert closing_time(date(2026, 2, 7)) == FULL
    assert add_business_days(ist(2026, 2, 6, 10), HIGH) == ist(2026, 2, 7, 18)
    assert acknowledgement_due(ist(2026, 2, 7, 11)) == ist(2026, 2, 7, 18)


def test_open_override_on_a_package_half_day_gives_full_hours() -> None:
    CalendarOverride.objects.create(date=date(2026, 10, 28), kind="open", reason="Full day")
    assert closing_time(date(2026, 10, 28)) == FULL
    assert acknowledgement_due(ist(2026, 10, 28, 15)) == ist(2026, 10, 28, 18)


def test_open_override_makes_a_public_holiday_a_business_day() -> None:
    CalendarOverride.objects.create(date=date(2026, 7, 15), kind="open", reason="Working")
    assert is_business_day(date(2026, 7, 15))
    assert add_business_days(ist(2026, 7, 14, 10), HIGH) == ist(2026, 7, 15, 18)


def test_half_day_override_closes_at_the_half_day_hour() -> None:
    CalendarOverride.objects.create(date=date(2026, 2, 3), kind="half_day", reason="Early close")
    assert is_business_day(date(2026, 2, 3))
    assert closing_time(date(2026, 2, 3)) == HALF
    assert add_business_days(ist(2026, 2, 2, 10), HIGH) == ist(2026, 2, 3, 13)
    assert acknowledgement_due(ist(2026, 2, 3, 14)) == ist(2026, 2, 4, 18)


def test_editing_an_override_kind_takes_effect_at_once() -> None:
    override = CalendarOverride.objects.create(
        date=date(2026, 2, 3), kind="closed", reason="Bridge day"
    )
    assert not is_business_day(date(2026, 2, 3))
    override.kind = CalendarOverride.Kind.HALF_DAY
    override.save()
    assert is_business_day(date(2026, 2, 3))
    assert closing_time(date(2026, 2, 3)) == HALF


def test_override_version_is_bumped_again_after_commit(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        CalendarOverride.objects.create(date=date(2026, 2, 3), kind="closed", reason="x")
        version_before_commit = cache.get(calendar.VERSION_CACHE_KEY)
    assert len(callbacks) == 1
    assert cache.get(calendar.VERSION_CACHE_KEY) != version_before_commit


def test_calendar_override_str_names_date_and_kind() -> None:
    override = CalendarOverride(date=date(2026, 2, 3), kind="closed", reason="x")
    assert str(override).startswith("2026-02-03 ")


def test_a_long_computation_reads_the_cache_version_once() -> None:
    with patch.object(
        calendar_cache, "current_version", wraps=calendar_cache.current_version
    ) as spy:
        business_seconds_between(ist(2026, 1, 1), ist(2027, 12, 31))
        add_business_days(ist(2026, 2, 2, 10), LOW)
    assert spy.call_count == 2


def test_admin_lists_overrides_filtered_by_kind_with_a_date_hierarchy(admin_client: Client) -> None:
    CalendarOverride.objects.create(date=date(2026, 2, 3), kind="closed", reason="Bridge day")
    CalendarOverride.objects.create(date=date(2026, 2, 7), kind="open", reason="Make-up day")
    response = admin_client.get(
        "/admin/sla/calendaroverride/", {"kind__exact": "closed", "date__year": "2026"}
    )
    assert response.status_code == 200
    assert b"Bridge day" in response.content
    assert b"Make-up day" not in response.content
