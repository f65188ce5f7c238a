"""The SLA dashboard's daily figures: pre-aggregated, kept current by the events.

Four sla-owned tables (sla.models):

* ``DailyFigures``: per day of receipt (and per week and per four weeks: the
  sums of their days, so that a period reads its whole weeks and blocks of
  four weeks from fewer rows), priority, channel and category, the
  complaints received and, per target, how many are met and met on time,
  plus how many got a decision and how many of those were re-opened;
* ``DailyRootCause``: the same days and dimensions, by root cause;
* ``ComplaintFigures``: one row per complaint, its share as last counted, and
  the due dates of its targets still unmet (a target unmet past its due date
  counts as decided: the only figure that the clock changes on its own);
* ``DailyHistogram``: the same days, by one dimension at a time, the met
  targets counted per bucket of business seconds (sla.histograms).

A complaint's share is defined once, as SQL over its row (``share_expressions``),
and used both by ``figures_refresh`` (one complaint, from sla.handlers, inside
the transaction of the history row that changed it) and by ``figures_rebuild``
(every complaint, ``manage.py sla_rollup_rebuild``). The refresh applies the
difference between the stored share and the current one with upserts
(INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n), so concurrent
transactions add up instead of overwriting each other. A receipt writes a
new complaint's share straight from its row (sla.rollup_receipt).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from complaints.models import Answer, Complaint, Stage
from complaints.workflow import NEEDS_RESOLUTION
from sla.histograms import histograms_apply, histograms_rebuild
from sla.models import ComplaintFigures, DailyFigures, DailyHistogram, DailyRootCause, Span
from sla.rollup_sql import blocks_fill, insert_select, spans_of, upsert_adding
from sla.targets import TARGETS, SlaState, sla_state_q, sla_time_zone

__all__ = [
    "CLOSURE_COUNTED",
    "COUNTED",
    "KEY",
    "SHARES_COUNTED",
    "SHARE_FIELDS",
    "RebuildResult",
    "figures_apply",
    "figures_forget",
    "figures_rebuild",
    "figures_refresh",
    "share_expressions",
]

KEY: tuple[str, ...] = ("day", "priority", "channel", "category")
# The time-and-closure panel's counts (sla.closure_figures), in share order.
CLOSURE_COUNTED: tuple[str, ...] = (
    "waited",
    "paused_seconds",
    "resolution_timed",
    "accepted",
    "no_answer",
    "awaiting_answer",
    "reminded",
    "ack_not_met",
    "ack_undelivered",
    "ack_met_again",
)
# The on-time shares' counts (sla.statistics), per target met and met on time.
SHARES_COUNTED: tuple[str, ...] = (
    *(f"{t.name}_{what}" for t in TARGETS for what in ("met", "on_time")),
    "decided",
    "reopened",
)
COUNTED: tuple[str, ...] = (*SHARES_COUNTED, *CLOSURE_COUNTED)
SHARE_FIELDS: tuple[str, ...] = (
    *KEY,
    "root_cause",
    *COUNTED,
    *(f"{t.name}_open_due" for t in TARGETS),
    *(f"{t.name}_seconds" for t in TARGETS),
)


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(1)),
        default=Value(0),
        output_field=models.PositiveSmallIntegerField(),
    )


def share_expressions() -> dict[str, Any]:
    """A complaint's share of the daily figures, as expressions over its row.

    The dashboard's rules (sla.statistics): a target counts once decided (met,
    or past its due date) and on time when met by its due date
    (``sla_state_q(MET)``); "decided" means the decision was notified, and
    "re-opened" a decided complaint that the customer sent back.
    """
    # MET does not depend on the instant; sla_state_q only asks for one.
    now = timezone.now()
    share: dict[str, Any] = {
        "day": TruncDate("received_at", tzinfo=sla_time_zone()),
        "priority": F("priority"),
        "channel": F("channel"),
        "category": Coalesce(F("category_id"), Value(0)),
        "root_cause": Coalesce(F("root_cause_id"), Value(0)),
    }
    for t in TARGETS:
        share[f"{t.name}_met"] = _flag(Q(**{f"{t.met}__isnull": False, f"{t.due}__isnull": False}))
        share[f"{t.name}_on_time"] = _flag(sla_state_q(target=t, state=SlaState.MET, now=now))
    share["decided"] = _flag(Q(decision_notified_at__isnull=False))
    share["reopened"] = _flag(Q(decision_notified_at__isnull=False, reopen_count__gt=0))
    share.update(closure_share())
    for t in TARGETS:
        share[f"{t.name}_open_due"] = Case(
            When(Q(**{f"{t.met}__isnull": True, f"{t.due}__isnull": False}), then=F(t.due)),
            default=Value(None),
            output_field=models.DateTimeField(),
        )
    for t in TARGETS:
        share[f"{t.name}_seconds"] = F(t.business_seconds)
    assert tuple(share) == SHARE_FIELDS
    return share


def closure_share() -> dict[str, Any]:
    """The time-and-closure panel's part of a complaint's share: PROCESS.md's
    waiting on the customer (paused time apart), answers to decisions ("no
    answer" never with the acceptances; feedback awaits none) and the
    acknowledgement target by how it ended (met, met again after a bounce,
    not met, undelivered)."""
    answers = Q(kind__in=NEEDS_RESOLUTION)
    ack = Q(ack_due_at__isnull=False)
    share: dict[str, Any] = {
        "waited": _flag(Q(resolution_paused_seconds__gt=0)),
        "paused_seconds": F("resolution_paused_seconds"),
        "resolution_timed": _flag(Q(resolution_business_seconds__isnull=False)),
        "accepted": _flag(answers & Q(customer_answer=Answer.ACCEPTED)),
        "no_answer": _flag(answers & Q(customer_answer=Answer.NO_ANSWER)),
        "awaiting_answer": _flag(answers & Q(stage=Stage.DECISION_NOTIFIED)),
        "reminded": _flag(answers & Q(answer_reminded_at__isnull=False)),
        "ack_not_met": _flag(ack & Q(ack_met_at__isnull=True, ack_undelivered_at__isnull=True)),
        "ack_undelivered": _flag(
            ack & Q(ack_met_at__isnull=True, ack_undelivered_at__isnull=False)
        ),
        "ack_met_again": _flag(ack & Q(ack_met_at__isnull=False, ack_undelivered_at__isnull=False)),
    }
    assert tuple(share) == CLOSURE_COUNTED
    return share


# --- One complaint ---------------------------------------------------------------------


def figures_refresh(*, complaint_id: int) -> bool:
    """Bring the daily figures up to date with one complaint; True when they changed.

    Idempotent: it compares the complaint's current share with the one stored
    and applies the difference, so it may run for any event, in any order.
    The complaint's row is locked first (it already is when a transition or
    a priority change calls this): two refreshes of one complaint never both
    read the same stored share.
    """
    share = share_expressions()
    with transaction.atomic(savepoint=False):
        # One query: the current share, the stored one (LEFT JOIN) and the lock.
        # A model query, not values(): only then does "OF" limit the lock to the
        # complaint, which PostgreSQL requires beside an outer join.
        found = list(
            Complaint.objects.select_for_update(of=("self",))
            .filter(pk=complaint_id)
            .annotate(
                **{f"new_{name}": expression for name, expression in share.items()},
                **{f"old_{name}": F(f"sla_figures__{name}") for name in SHARE_FIELDS},
            )
            .only("pk")
        )
        if not found:
            return False
        row = found[0]
        new = {name: getattr(row, f"new_{name}") for name in SHARE_FIELDS}
        old = (
            None
            if row.__dict__["old_day"] is None
            else {name: getattr(row, f"old_{name}") for name in SHARE_FIELDS}
        )
        if old == new:
            return False
        if old is None:
            ComplaintFigures.objects.create(complaint_id=complaint_id, **new)
        else:
            ComplaintFigures.objects.filter(pk=complaint_id).update(**new)
        figures_apply(old=old, new=new)
    return True


# What figures_apply writes beyond a share's daily rows, and when: the
# root-cause rows for a share with a cause (not 0), the histograms
# (sla.histograms) for one with business seconds recorded. A share with
# neither, as every new complaint's, writes its daily rows only: the receipt
# asks the database this in its one statement (sla.rollup_receipt) rather
# than reading the whole share back.
BEYOND_DAILY_UNLESS_ZERO: tuple[str, ...] = ("root_cause",)
BEYOND_DAILY_UNLESS_NULL: tuple[str, ...] = tuple(f"{t.name}_seconds" for t in TARGETS)


def figures_forget(*, share: Mapping[str, Any]) -> None:
    """Take a deleted complaint's share out of the daily figures."""
    figures_apply(old=share, new=None)


def figures_apply(
    *,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    daily_written: bool = False,
) -> None:
    """Add ``new`` to the figures and take ``old`` out; ``daily_written``: the
    daily figures have it already (a receipt on PostgreSQL), the rest not."""
    daily: dict[tuple[Any, ...], list[int]] = {}
    causes: dict[tuple[Any, ...], list[int]] = {}
    for share, sign in ((old, -1), (new, 1)):
        if share is None:
            continue
        day: date = share["day"]
        rest = tuple(share[name] for name in KEY[1:])
        # The day's row and its week's row.
        for span, start in spans_of(day):
            key = (span, start, *rest)
            counts = daily.setdefault(key, [0] * (1 + len(COUNTED)))
            counts[0] += sign
            for index, name in enumerate(COUNTED, start=1):
                counts[index] += sign * share[name]
            if share["root_cause"]:
                causes.setdefault((*key, share["root_cause"]), [0])[0] += sign
    # Sorted, so that two transactions touching the same rows lock them in the
    # same order and cannot deadlock on each other.
    keys = ("span", *KEY)
    if not daily_written:
        upsert_adding(DailyFigures, keys, ("received", *COUNTED), sorted(daily.items()))
    upsert_adding(DailyRootCause, (*keys, "root_cause"), ("complaints",), sorted(causes.items()))
    histograms_apply(old=old, new=new)


# --- Every complaint -------------------------------------------------------------------


@dataclass(frozen=True)
class RebuildResult:
    complaints: int
    daily_rows: int
    root_cause_rows: int
    histogram_rows: int


def figures_rebuild() -> RebuildResult:
    """Recompute the four tables from the complaints, in one transaction.

    Set-based (INSERT ... SELECT): at 1M complaints on PostgreSQL about a
    minute for the daily figures and three more for the histograms (a loaded
    2-core machine). On PostgreSQL the tables are locked against writes for the
    duration, so events that arrive meanwhile wait and then apply on top of
    the rebuilt figures instead of being lost.
    """
    with transaction.atomic():
        models_ = (ComplaintFigures, DailyFigures, DailyRootCause, DailyHistogram)
        tables = [m._meta.db_table for m in models_]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
            for table in reversed(tables):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
        share = share_expressions()
        complaints = (
            Complaint.objects.order_by()
            .annotate(**{f"share_{name}": expression for name, expression in share.items()})
            .values_list("pk", *(f"share_{name}" for name in SHARE_FIELDS))
        )
        insert_select(ComplaintFigures, ["complaint", *SHARE_FIELDS], complaints)
        figures = ComplaintFigures.objects.order_by()
        sums = {"s_received": Count("pk"), **{f"s_{name}": Sum(name) for name in COUNTED}}
        week = Cast(TruncWeek("day"), models.DateField())
        dimensions = KEY[1:]
        # Columns in the SELECT's order: values()'s, then the later annotations.
        insert_select(
            DailyFigures,
            [*KEY, "span", "received", *COUNTED],
            figures.values(*KEY).annotate(s_span=Value(Span.DAY.value), **sums),
        )
        insert_select(
            DailyFigures,
            ["day", *dimensions, "span", "received", *COUNTED],
            figures.annotate(s_week=week)
            .values("s_week", *dimensions)
            .annotate(s_span=Value(Span.WEEK.value), **sums),
        )
        causes = figures.exclude(root_cause=0)
        insert_select(
            DailyRootCause,
            [*KEY, "root_cause", "span", "complaints"],
            causes.values(*KEY, "root_cause").annotate(
                s_span=Value(Span.DAY.value), s_n=Count("pk")
            ),
        )
        insert_select(
            DailyRootCause,
            ["day", *dimensions, "root_cause", "span", "complaints"],
            causes.annotate(s_week=week)
            .values("s_week", *dimensions, "root_cause")
            .annotate(s_span=Value(Span.WEEK.value), s_n=Count("pk")),
        )
        # The four-week rows: sums of the week rows just written.
        keys = ("span", *KEY)
        blocks_fill(DailyFigures, keys, ("received", *COUNTED))
        blocks_fill(DailyRootCause, (*keys, "root_cause"), ("complaints",))
        histograms_rebuild()
    return RebuildResult(
        complaints=ComplaintFigures.objects.count(),
        daily_rows=DailyFigures.objects.count(),
        root_cause_rows=DailyRootCause.objects.count(),
        histogram_rows=DailyHistogram.objects.count(),
    )
