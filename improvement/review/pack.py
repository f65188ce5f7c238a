"""What the management-review pack holds: its figures, each against the
previous period (improvement.review.figures computes them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..models import RecurrenceSignal
from ..selectors.survey import SurveyResults


@dataclass
class Kpi:
    key: str
    label: str
    unit: str  # "%", "h" (business hours), "" (a count), "/5"
    current: float | None
    previous: float | None
    target: float | None = None
    better: str = "higher"  # or "lower", or "" when neither

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return round(self.current - self.previous, 2)

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.current is None:
            return None
        if self.better == "lower":
            return self.current <= self.target
        return self.current >= self.target


@dataclass
class Row:
    label: str
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[Row]


@dataclass
class ParetoRow:
    label: str
    current: int
    previous: int
    share: float  # percent of the period's root causes
    cumulative: float


@dataclass
class Pack:
    date_from: date
    date_to: date
    previous_from: date
    previous_to: date
    generated_at: datetime
    kpis: list[Kpi]
    volume: list[Breakdown]
    pareto: list[ParetoRow]
    signals: list[RecurrenceSignal]
    signals_previous: int
    capa: dict[str, Any]
    survey: SurveyResults
    survey_previous: SurveyResults
    backlog: dict[str, dict[str, Any]] = field(default_factory=dict)
    closes: dict[str, dict[str, int]] = field(default_factory=dict)
    sla_available: bool = True
