"""Survey results of a period: response rate and scores, overall and by
channel, category and priority. One GROUP BY, rolled up here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Sum

from complaints.models import Category, Channel, Priority

from .. import conf
from ..models import SCORE_FIELDS, SurveyInvitation


@dataclass
class Tally:
    key: str
    label: str
    invited: int = 0
    responded: int = 0
    sums: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SCORE_FIELDS, 0))
    low: int = 0

    def add(self, row: dict[str, Any]) -> None:
        self.invited += row["invited"]
        self.responded += row["responded"]
        self.low += row["low"]
        for name in SCORE_FIELDS:
            self.sums[name] += row[f"sum_{name}"] or 0

    @property
    def response_rate(self) -> float | None:
        return round(100.0 * self.responded / self.invited, 1) if self.invited else None

    def mean(self, name: str) -> float | None:
        return round(self.sums[name] / self.responded, 2) if self.responded else None

    @property
    def means(self) -> dict[str, float | None]:
        return {name: self.mean(name) for name in SCORE_FIELDS}


@dataclass
class SurveyResults:
    overall: Tally
    by: dict[str, list[Tally]]


DIMENSIONS = ("channel", "category", "priority")


def survey_results(*, start: datetime, end: datetime) -> SurveyResults:
    """Invitations sent in [start, end) and the answers to them."""
    from django.db.models import Q

    threshold = conf.survey_alert_max_score()
    low = Q()
    for name in SCORE_FIELDS:
        low |= Q(**{f"response__{name}__lte": threshold})
    rows: Any = (
        SurveyInvitation.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("complaint__channel", "complaint__category_id", "complaint__priority")
        .annotate(
            invited=Count("pk"),
            responded=Count("response"),
            low=Count("response", filter=low),
            **{f"sum_{name}": Sum(f"response__{name}") for name in SCORE_FIELDS},
        )
        .order_by()
    )
    categories = {c.pk: c.name for c in Category.objects.order_by("position", "code")}
    labels = {
        "channel": {c.value: str(c.label) for c in Channel},
        "category": {str(pk): name for pk, name in categories.items()},
        "priority": {p.value: str(p.label) for p in Priority},
    }
    overall = Tally(key="", label="")
    tallies: dict[str, dict[str, Tally]] = {d: {} for d in DIMENSIONS}
    for row in rows:
        overall.add(row)
        keys = {
            "channel": row["complaint__channel"] or "",
            "category": str(row["complaint__category_id"] or ""),
            "priority": row["complaint__priority"] or "",
        }
        for dimension, key in keys.items():
            if not key:
                continue
            tally = tallies[dimension].setdefault(
                key, Tally(key=key, label=labels[dimension].get(key, key))
            )
            tally.add(row)
    by = {}
    for dimension in DIMENSIONS:
        order = list(labels[dimension])
        found = tallies[dimension]
        by[dimension] = [
            found[k] for k in sorted(found, key=lambda k: order.index(k) if k in order else 999)
        ]
    return SurveyResults(overall=overall, by=by)
