"""The SLA app's settings, read in one place with their defaults.

Each is read on every call (a getattr on settings is cheap) so that tests and
deployments can change them without a restart of this module. The calendar's
own settings (SLA_TIME_ZONE, hours, country) are read by sla.calendar.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

DEFAULT_RESOLUTION_DAYS: Mapping[str, int] = {"high": 1, "normal": 3, "low": 5}


def resolution_days() -> Mapping[str, int]:
    """Business days to the solution proposal, by priority (PROCESS.md stage 5)."""
    return dict(getattr(settings, "SLA_RESOLUTION_DAYS", DEFAULT_RESOLUTION_DAYS))


def feedback_resolution_days() -> Mapping[str, int] | None:
    """Feedback (an opinion) has no resolution target unless this setting gives one.

    ``SLA_FEEDBACK_RESOLUTION_DAYS``: None (the default) for no target, an int
    for the same number of business days at every priority, or a mapping by
    priority like SLA_RESOLUTION_DAYS.
    """
    value = getattr(settings, "SLA_FEEDBACK_RESOLUTION_DAYS", None)
    if value is None:
        return None
    if isinstance(value, int):
        return dict.fromkeys(DEFAULT_RESOLUTION_DAYS, value)
    return dict(value)


def at_risk_fraction() -> float:
    """Share of a target's business time after which it is "at risk" (PROCESS.md: 75%)."""
    return float(getattr(settings, "SLA_AT_RISK_FRACTION", 0.75))


def sweep_batch_size() -> int:
    """Most events of one kind a sweep records in one run; the rest wait for the next.

    Bounds one run's time and transaction after an outage; a steady minute has
    far fewer changes than this.
    """
    return int(getattr(settings, "SLA_SWEEP_BATCH_SIZE", 500))


def dashboard_weeks() -> int:
    """Weeks shown by default in the dashboard's weekly compliance charts."""
    return int(getattr(settings, "SLA_DASHBOARD_WEEKS", 12))


def dashboard_max_days() -> int:
    """Longest date range the dashboard accepts (keeps the weekly series bounded)."""
    return int(getattr(settings, "SLA_DASHBOARD_MAX_DAYS", 371))


def dashboard_list_size() -> int:
    """Rows in each of the dashboard's lists (due today, at risk, breached)."""
    return int(getattr(settings, "SLA_DASHBOARD_LIST_SIZE", 50))


def dashboard_work_mem() -> str:
    """PostgreSQL work_mem for the dashboard's period statistics (see sla.selectors)."""
    return str(getattr(settings, "SLA_DASHBOARD_WORK_MEM", "64MB"))


def answer_reminder_days() -> int:
    """PROCESS.md "An unanswered decision": business days after the decision
    before the customer is reminded once (0: no reminder)."""
    return max(0, int(getattr(settings, "SLA_ANSWER_REMINDER_DAYS", 5)))


def answer_close_days() -> int:
    """Business days after the reminder (after the decision when there is no
    reminder) before the complaint closes with the answer "no answer"; 0 turns
    the automatic closing off."""
    return max(0, int(getattr(settings, "SLA_ANSWER_CLOSE_DAYS", 10)))
