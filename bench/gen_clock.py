"""Business hours for the benchmark's delays: how long people take, spent in opening hours."""

from __future__ import annotations

import bisect
from datetime import date, datetime, timedelta

from sla import calendar
from sla.targets import sla_time_zone


class BusinessClock:
    """When a number of business seconds after an instant has passed (for the delays).

    Built once from sla.calendar, day by day (is_business_day, opening and
    closing hours, overrides included), as prefix sums of business seconds.
    """

    def __init__(self, first: date, last: date) -> None:
        tz = sla_time_zone()
        self.first = first
        self.opens: list[float] = []
        self.closes: list[float] = []
        self.before: list[float] = []  # business seconds before each day
        total = 0.0
        day = first
        while day <= last:
            opens = datetime.combine(day, calendar.opening_time(), tzinfo=tz).timestamp()
            closes = datetime.combine(day, calendar.closing_time(day), tzinfo=tz).timestamp()
            if not calendar.is_business_day(day):
                closes = opens
            self.opens.append(opens)
            self.closes.append(closes)
            self.before.append(total)
            total += closes - opens
            day += timedelta(days=1)
        self.tz = tz

    def _index(self, ts: float) -> int:
        return (datetime.fromtimestamp(ts, self.tz).date() - self.first).days

    def _until(self, ts: float) -> float:
        i = self._index(ts)
        return self.before[i] + min(max(ts - self.opens[i], 0.0), self.closes[i] - self.opens[i])

    def between(self, start: float, end: float) -> float:
        return max(0.0, self._until(end) - self._until(start))

    def after(self, start: float, seconds: float) -> float:
        goal = self._until(start) + seconds
        i = max(bisect.bisect_right(self.before, goal) - 1, self._index(start))
        while self.before[i] + (self.closes[i] - self.opens[i]) < goal:
            i += 1
        return max(start, self.opens[i] + (goal - self.before[i]))
