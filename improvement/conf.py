"""The settings this app reads, with their defaults (docs/iso10002.md lists them).

Read on every access, not at import, so a test's ``settings`` override applies.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Survey links are valid this long after the invitation.
    "IMPROVEMENT_SURVEY_LINK_MAX_AGE_DAYS": 30,
    # A response with any answer at or below this score alerts the representative.
    "IMPROVEMENT_SURVEY_ALERT_MAX_SCORE": 2,
    # The group told of a low score (besides the complaint's representative).
    "IMPROVEMENT_REPRESENTATIVE_GROUP": "Representative",
    # The group that owns the corrective-action register and reads the review.
    "IMPROVEMENT_MANAGER_GROUP": "Manager",
    # The same customer with the same category within this many days: a repeat.
    "IMPROVEMENT_REPEAT_WINDOW_DAYS": 90,
    # Similar complaints are looked for among those received this many days back.
    "IMPROVEMENT_SIMILAR_WINDOW_DAYS": 90,
    "IMPROVEMENT_SIMILAR_LIMIT": 8,
    # pg_trgm similarity from which two texts count as similar (0..1).
    "IMPROVEMENT_SIMILAR_THRESHOLD": 0.3,
    # c-chart: the baseline is the mean of this many weeks before the week.
    "IMPROVEMENT_SIGNAL_BASELINE_WEEKS": 12,
    # ... and a week needs at least this many complaints to raise a signal
    # (with a mean near 0 the limit is near 0 and one complaint would do).
    "IMPROVEMENT_SIGNAL_MIN_COUNT": 3,
    # Each run re-examines this many complete weeks: root causes are found
    # days after receipt, so a week's counts still grow after it ends.
    "IMPROVEMENT_SIGNAL_LOOKBACK_WEEKS": 4,
    # Targets the management review holds the period's figures against.
    "IMPROVEMENT_TARGETS": {
        "ack_on_time_percent": 95.0,
        "resolution_on_time_percent": 90.0,
        "reopen_rate_percent": 10.0,
        "survey_response_rate_percent": 25.0,
        "survey_overall_mean": 4.0,
    },
}


def _get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def survey_link_max_age_days() -> int:
    return int(_get("IMPROVEMENT_SURVEY_LINK_MAX_AGE_DAYS"))


def survey_alert_max_score() -> int:
    return int(_get("IMPROVEMENT_SURVEY_ALERT_MAX_SCORE"))


def representative_group() -> str:
    return str(_get("IMPROVEMENT_REPRESENTATIVE_GROUP"))


def manager_group() -> str:
    return str(_get("IMPROVEMENT_MANAGER_GROUP"))


def repeat_window_days() -> int:
    return int(_get("IMPROVEMENT_REPEAT_WINDOW_DAYS"))


def similar_window_days() -> int:
    return int(_get("IMPROVEMENT_SIMILAR_WINDOW_DAYS"))


def similar_limit() -> int:
    return int(_get("IMPROVEMENT_SIMILAR_LIMIT"))


def similar_threshold() -> float:
    return float(_get("IMPROVEMENT_SIMILAR_THRESHOLD"))


def signal_baseline_weeks() -> int:
    return int(_get("IMPROVEMENT_SIGNAL_BASELINE_WEEKS"))


def signal_min_count() -> int:
    return int(_get("IMPROVEMENT_SIGNAL_MIN_COUNT"))


def signal_lookback_weeks() -> int:
    return int(_get("IMPROVEMENT_SIGNAL_LOOKBACK_WEEKS"))


def targets() -> dict[str, float]:
    merged = dict(DEFAULTS["IMPROVEMENT_TARGETS"])
    merged.update(getattr(settings, "IMPROVEMENT_TARGETS", {}) or {})
    return {key: float(value) for key, value in merged.items()}


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def time_zone() -> str:
    # The business calendar's zone: weeks and days are the office's.
    return str(getattr(settings, "SLA_TIME_ZONE", settings.TIME_ZONE))
