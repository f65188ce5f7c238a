"""Recurrence: repeats, weekly counts for the c-chart, similar complaints."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Count, F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncWeek

from complaints.models import Complaint

from .. import conf
from ..models import ComplaintLink, LinkKind, RecurrenceSignal, SignalDimension
from ..weeks import day_start, local_date, week_start, zone

# --- Repeats --------------------------------------------------------------------------


def complaint_repeat_of(*, complaint: Complaint) -> Complaint | None:
    """The latest earlier complaint of the same customer in the same category,
    received within IMPROVEMENT_REPEAT_WINDOW_DAYS before this one."""
    if complaint.category_id is None:
        return None
    window = timedelta(days=conf.repeat_window_days())
    return (
        Complaint.objects.filter(
            customer_id=complaint.customer_id,
            category_id=complaint.category_id,
            received_at__gte=complaint.received_at - window,
            received_at__lt=complaint.received_at,
        )
        .exclude(pk=complaint.pk)
        .order_by("-received_at", "-pk")
        .first()
    )


def complaint_links(*, complaint: Complaint) -> list[ComplaintLink]:
    """Links from and to the complaint, newest first."""
    return list(
        ComplaintLink.objects.filter(Q(complaint=complaint) | Q(related=complaint))
        .select_related("complaint", "related", "created_by")
        .order_by("-created_at", "-pk")
    )


# --- The weekly c-chart -----------------------------------------------------------------

DIMENSION_FIELD = {
    SignalDimension.CATEGORY: "category_id",
    SignalDimension.ROOT_CAUSE: "root_cause_id",
}


def weekly_counts(
    *, first_week: date, weeks: int, dimension: str, keys: list[int] | None = None
) -> dict[int, list[int]]:
    """Complaints received per week (Monday to Sunday in the calendar's zone)
    for each category or root cause: ``{key: [count of week 0, 1, …]}``.

    One GROUP BY over the received_at index, whatever the number of rows.
    """
    column = DIMENSION_FIELD[SignalDimension(dimension)]
    start = day_start(first_week)
    end = day_start(first_week + timedelta(weeks=weeks))
    queryset = Complaint.objects.filter(
        received_at__gte=start, received_at__lt=end, **{f"{column}__isnull": False}
    )
    if keys is not None:
        queryset = queryset.filter(**{f"{column}__in": keys})
    rows = (
        queryset.annotate(week=TruncWeek("received_at", tzinfo=zone()))
        .values("week", column)
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, list[int]] = {}
    for row in rows:
        week = row["week"]
        week_date = local_date(week) if isinstance(week, datetime) else week
        index = (week_date - first_week).days // 7
        if 0 <= index < weeks:
            counts.setdefault(row[column], [0] * weeks)[index] += row["n"]
    return counts


@dataclass(frozen=True)
class ChartPoint:
    week: date
    count: int
    mean: float | None
    limit: float | None


def c_chart_limit(baseline: list[int]) -> tuple[float, float]:
    """Mean of the baseline weeks and the c-chart's upper limit, mean + 3√mean."""
    mean = sum(baseline) / len(baseline) if baseline else 0.0
    return mean, mean + 3.0 * math.sqrt(mean)


def chart_points(
    counts: list[int], first_week: date, baseline_weeks: int, data_since: date | None = None
) -> list[ChartPoint]:
    """The weeks after the first ``baseline_weeks`` with their own limit; a week
    whose baseline starts before ``data_since`` (the first complaint's week)
    has none, as the detection does not judge it either."""
    points = []
    for index in range(baseline_weeks, len(counts)):
        week = first_week + timedelta(weeks=index)
        mean: float | None
        limit: float | None
        mean, limit = c_chart_limit(counts[index - baseline_weeks : index])
        if data_since is not None and week - timedelta(weeks=baseline_weeks) < data_since:
            mean = limit = None
        points.append(ChartPoint(week=week, count=counts[index], mean=mean, limit=limit))
    return points


def data_since() -> date | None:
    """The week of the first complaint ever received (one indexed query)."""
    earliest = (
        Complaint.objects.order_by("received_at").values_list("received_at", flat=True).first()
    )
    return week_start(local_date(earliest)) if earliest else None


def signals_between(*, date_from: date, date_to: date) -> QuerySet[RecurrenceSignal]:
    return (
        RecurrenceSignal.objects.filter(week__gte=week_start(date_from), week__lte=date_to)
        .select_related("category", "root_cause")
        .annotate(actions=Count("corrective_actions"))
        .order_by("-week", "-count")
    )


def signal_charts(
    signals: list[RecurrenceSignal], *, weeks_shown: int = 12
) -> dict[int, list[ChartPoint]]:
    """The chart of each signal: the ``weeks_shown`` weeks up to its week, each
    against its own limit. Two GROUP BYs (one per dimension), whatever the
    number of signals."""
    if not signals:
        return {}
    baseline = conf.signal_baseline_weeks()
    latest = max(s.week for s in signals)
    earliest = min(s.week for s in signals)
    span = (latest - earliest).days // 7 + weeks_shown
    first_week = earliest - timedelta(weeks=weeks_shown - 1 + baseline)
    charts: dict[int, list[ChartPoint]] = {}
    since = data_since()
    for dimension in SignalDimension:
        mine = [s for s in signals if s.dimension == dimension]
        if not mine:
            continue
        counts = weekly_counts(
            first_week=first_week,
            weeks=span + baseline,
            dimension=dimension,
            keys=sorted({s.key_id for s in mine if s.key_id is not None}),
        )
        for signal in mine:
            series = counts.get(signal.key_id or 0, [0] * (span + baseline))
            points = chart_points(series, first_week, baseline, since)
            charts[signal.pk] = [
                p
                for p in points
                if signal.week - timedelta(weeks=weeks_shown - 1) <= p.week <= signal.week
            ]
    return charts


# --- Similar complaints ---------------------------------------------------------------

# The GIN index improvement.0002 creates is on this very expression; the
# query must spell it the same way for PostgreSQL to use it.
TEXT_SQL = '("complaints_complaint"."subject" || \' \' || "complaints_complaint"."description")'

_WORD = re.compile(r"\w{4,}", re.UNICODE)


@dataclass(frozen=True)
class Similar:
    complaint: Complaint
    score: float


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text or "")}


def similar_complaints(*, complaint: Complaint, limit: int | None = None) -> list[Similar]:
    """Complaints received in the IMPROVEMENT_SIMILAR_WINDOW_DAYS before this one
    (or after it, up to now) whose subject and description resemble its own.

    PostgreSQL: pg_trgm similarity with the ``%`` operator, served by the GIN
    trigram index, threshold IMPROVEMENT_SIMILAR_THRESHOLD. Elsewhere (SQLite
    in development): complaints sharing a word of four letters or more,
    ranked by the share of words they have in common.
    """
    limit = limit or conf.similar_limit()
    since = complaint.received_at - timedelta(days=conf.similar_window_days())
    candidates = (
        Complaint.objects.filter(received_at__gte=since)
        .exclude(pk=complaint.pk)
        .select_related("category")
        .only(
            "pk",
            "tracking_number",
            "subject",
            "stage",
            "received_at",
            "category__name_tr",
            "category__name_en",
            "category__code",
            "customer_id",
            "description",
        )
    )
    text = f"{complaint.subject} {complaint.description}"
    if connection.vendor == "postgresql":
        return _similar_trigram(candidates, text, limit)
    return _similar_words(candidates, text, limit)


def _similar_trigram(candidates: QuerySet[Complaint], text: str, limit: int) -> list[Similar]:
    with transaction.atomic(), connection.cursor() as cursor:
        # SET LOCAL: this transaction only; `%` compares with this threshold.
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [conf.similar_threshold()])
        rows = list(
            # TEXT_SQL is a constant; the text is a query parameter.
            candidates.filter(RawSQL(f"{TEXT_SQL} %% %s", (text,), output_field=BooleanField()))  # noqa: S611
            .annotate(
                score=RawSQL(  # noqa: S611
                    f"similarity({TEXT_SQL}, %s)", (text,), output_field=FloatField()
                )
            )
            .order_by(F("score").desc(), "-received_at")[:limit]
        )
    return [Similar(complaint=row, score=round(float(row.score), 2)) for row in rows]


def _similar_words(candidates: QuerySet[Complaint], text: str, limit: int) -> list[Similar]:
    words = sorted(_words(text), key=len, reverse=True)[:8]
    if not words:
        return []
    match = Q()
    for word in words:
        match |= Q(subject__icontains=word) | Q(description__icontains=word)
    mine = set(words) | _words(text)
    scored: list[Similar] = []
    # Bounded: the most recent candidates that share a word, not the table.
    for row in candidates.filter(match).order_by("-received_at")[:500]:
        theirs = _words(f"{row.subject} {row.description}")
        union = mine | theirs
        score = len(mine & theirs) / len(union) if union else 0.0
        if score > 0:
            scored.append(Similar(complaint=row, score=round(score, 2)))
    scored.sort(key=lambda s: (-s.score, -s.complaint.received_at.timestamp()))
    return scored[:limit]


def similar_for_page(*, complaint: Complaint) -> dict[str, Any]:
    links = complaint_links(complaint=complaint)
    linked = {link.related_id for link in links} | {link.complaint_id for link in links}
    similar = similar_complaints(complaint=complaint)
    return {
        "links": links,
        "similar": similar,
        "linked_ids": linked,
        "repeat": next(
            (
                link
                for link in links
                if link.kind == LinkKind.REPEAT and link.complaint_id == complaint.pk
            ),
            None,
        ),
    }
