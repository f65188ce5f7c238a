"""The dashboard's daily figures (issue 15, item 3): kept current by the events,
equal to a recomputation from the complaints, and giving the same dashboard."""

from __future__ import annotations

import random
from datetime import timedelta
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from complaints.models import Answer, Category, Channel, Complaint, Kind, RootCause, Stage
from complaints.services import (
    complaint_recategorize,
    complaint_record_answer,
    complaint_reprioritize,
    complaint_transition,
)
from complaints.workflow import STAGE_ORDER
from sla import selectors, statistics
from sla.histograms import PRECISION
from sla.models import ComplaintFigures, DailyFigures, DailyHistogram, DailyRootCause, Span
from sla.rollup import figures_rebuild, figures_refresh
from sla.rollup_receipt import figures_receive
from sla.rollup_sql import block_of, spans_of
from sla.selectors import dashboard_get
from sla.services import sla_sweep
from sla.statistics import DashboardFilters, default_period
from sla.targets import sla_time_zone
from sla.timings import timings
from tests.sla.reference import (
    compliance_from_complaints,
    root_causes_from_complaints,
    timings_from_complaints,
)

pytestmark = pytest.mark.django_db


def figures_rows() -> dict[str, set[tuple[Any, ...]]]:
    """The three tables' non-empty rows, without their ids."""
    daily = {
        tuple(v for k, v in row.items() if k != "id")
        for row in DailyFigures.objects.filter(received__gt=0).values()
    }
    causes = {
        tuple(v for k, v in row.items() if k != "id")
        for row in DailyRootCause.objects.filter(complaints__gt=0).values()
    }
    shares = {tuple(row.values()) for row in ComplaintFigures.objects.values()}
    histograms = {
        tuple(v for k, v in row.items() if k != "id")
        for row in DailyHistogram.objects.filter(complaints__gt=0).values()
    }
    return {
        "daily": daily,
        "root_causes": causes,
        "complaints": shares,
        "histograms": histograms,
    }


# --- A random sequence of events ----------------------------------------------------------


FIELDS = {
    Stage.TRACKING: lambda rng, actor: {"assignee": actor},
    Stage.DECISION_NOTIFIED: lambda rng, actor: {"decision": "Karar verildi."},
}


def _step(rng: random.Random, complaint: Complaint, actor) -> None:
    """One thing that can happen to this complaint next, drawn at random."""
    stage = Stage(complaint.stage)
    if stage == Stage.DECISION_NOTIFIED:
        complaint_record_answer(
            complaint=complaint,
            answer=rng.choice([Answer.ACCEPTED, Answer.REJECTED]),
            channel=Channel.PHONE,
            reason="Olmadı.",
            actor=actor,
        )
        return
    if stage not in (Stage.RECEIVED, Stage.ACKNOWLEDGED) and rng.random() < 0.25:
        if rng.random() < 0.5:
            current = complaint.priority
            complaint_reprioritize(
                complaint=complaint,
                priority=rng.choice([p for p in ("high", "normal", "low") if p != current]),
                reason="Durum değişti.",
                actor=actor,
            )
        else:
            complaint_recategorize(
                complaint=complaint,
                category=rng.choice(list(Category.objects.exclude(pk__in=[complaint.category_id]))),
                reason="Yeniden değerlendirildi.",
                actor=actor,
            )
        return
    to = STAGE_ORDER[STAGE_ORDER.index(stage) + 1]
    fields: dict[str, Any] = {}
    if to == Stage.CLASSIFIED:
        fields = {"category": rng.choice(list(Category.objects.all()))}
    elif to == Stage.TRACKING:
        fields = {"assignee": actor}
    elif to == Stage.RESPONDED:
        fields = {
            "root_cause": rng.choice(list(RootCause.objects.all())),
            "root_cause_analysis": "Analiz.",
            "solution_proposal": "Öneri.",
        }
    elif to == Stage.DECISION_NOTIFIED:
        fields = {"decision": "Karar."}
    complaint_transition(complaint=complaint, to=to, actor=actor, fields=fields)


def random_history(rng: random.Random, receive, actor, *, steps: int) -> None:
    now = timezone.now()
    for _ in range(steps):
        open_ones = list(Complaint.objects.exclude(stage=Stage.CLOSED).order_by("pk"))
        draw = rng.random()
        if draw < 0.25 or not open_ones:
            receive(
                at=now - timedelta(days=rng.uniform(0, 30)),
                channel=rng.choice(list(Channel.values)),
                kind=rng.choice(list(Kind.values)),
                phone="+905321112233",
            )
        elif draw < 0.3:
            sla_sweep(now=now + timedelta(hours=rng.uniform(0, 72)))
        else:
            _step(rng, rng.choice(open_ones), actor)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_after_a_random_sequence_of_events_the_figures_equal_a_rebuild_from_the_rows(
    seed, receive, representative
):
    random_history(random.Random(seed), receive, representative, steps=70)
    kept = figures_rows()
    assert kept["daily"]
    assert kept["histograms"]

    figures_rebuild()

    assert figures_rows() == kept


@pytest.mark.parametrize("seed", [5, 6])
def test_the_dashboard_reads_the_same_figures_from_the_rollup_as_from_the_complaints(
    seed, receive, representative
):
    random_history(random.Random(seed), receive, representative, steps=60)
    start, end = default_period(timezone.localdate())
    moments = [timezone.now() + timedelta(hours=h) for h in (-30, 0, 5, 30, 200)]
    filters = [
        DashboardFilters(date_from=start, date_to=end),
        DashboardFilters(date_from=start, date_to=end, priority="high"),
        DashboardFilters(date_from=start, date_to=end, channel=Channel.EMAIL),
        DashboardFilters(
            date_from=end - timedelta(days=9),
            date_to=end,
            category_id=Category.objects.values_list("pk", flat=True)[0],
        ),
        # Two filters: no histogram for their combination, the exact percentiles.
        DashboardFilters(date_from=start, date_to=end, priority="high", channel=Channel.EMAIL),
    ]
    categories = selectors.categories_by_id()
    for now in moments:
        for chosen in filters:
            assert statistics.compliance(chosen, now, categories) == compliance_from_complaints(
                chosen, now, categories
            ), (now, chosen)
            with translation.override("tr"):
                assert selectors._root_causes(chosen) == root_causes_from_complaints(chosen)
            assert_timings_close(timings(chosen), timings_from_complaints(chosen, rounded=False))
            if chosen.single_filter() is None:
                assert timings(chosen) == timings_from_complaints(chosen)


def assert_timings_close(found: dict[str, float | None], exact: dict[str, float | None]) -> None:
    """Read from the histograms: within PRECISION of the exact value, then rounded."""
    assert found.keys() == exact.keys()
    for name, hours in exact.items():
        if hours is None:
            assert found[name] is None, name
        else:
            value = found[name]
            assert value is not None, name
            assert abs(value - hours) <= PRECISION * hours + 0.05 + 1e-9, (name, hours)


def test_an_unmet_target_counts_as_decided_once_its_due_date_has_passed(receive):
    complaint = receive()
    start, end = default_period(timezone.localdate())
    period = DashboardFilters(date_from=start, date_to=end)

    before = dashboard_get(filters=period, now=complaint.ack_due_at - timedelta(minutes=1))
    after = dashboard_get(filters=period, now=complaint.ack_due_at)

    assert (before.overall["ack"].decided, before.overall["ack"].on_time) == (0, 0)
    assert (after.overall["ack"].decided, after.overall["ack"].on_time) == (1, 0)


def test_each_event_moves_only_its_complaints_share(receive, classify):
    first = classify(receive(), "financial")
    receive()
    financial = Category.objects.get(code="financial")

    row = DailyFigures.objects.get(span=Span.DAY, category=financial.pk)
    assert (row.received, row.ack_met) == (1, 1)
    assert DailyFigures.objects.get(span=Span.DAY, category=0).received == 1
    assert ComplaintFigures.objects.get(pk=first.pk).resolution_open_due == first.resolution_due_at


def test_a_refresh_with_nothing_new_changes_nothing(receive, classify):
    complaint = classify(receive())

    assert figures_refresh(complaint_id=complaint.pk) is False


def test_a_second_receipt_of_the_same_complaint_is_not_counted_twice(receive):
    complaint = receive()

    figures_receive(complaint_id=complaint.pk, received_at=complaint.received_at)

    assert DailyFigures.objects.get(span=Span.DAY).received == 1
    assert DailyFigures.objects.get(span=Span.WEEK).received == 1


def _figures_emptied() -> None:
    for model in (DailyHistogram, DailyRootCause, DailyFigures, ComplaintFigures):
        model.objects.all().delete()


def test_a_receipt_writes_its_share_and_its_days_figures_in_one_statement_on_postgresql(receive):
    complaint = receive()
    kept = figures_rows()
    _figures_emptied()

    with CaptureQueriesContext(connection) as statements:
        figures_receive(complaint_id=complaint.pk, received_at=complaint.received_at)

    # PostgreSQL: one data-modifying WITH; SQLite: the share, then the upsert.
    assert len(statements) == (1 if connection.vendor == "postgresql" else 2)
    assert figures_rows() == kept
    day = ComplaintFigures.objects.get(pk=complaint.pk).day
    assert {(row.span, row.day, row.received) for row in DailyFigures.objects.all()} == {
        (span, start, 1) for span, start in spans_of(day)
    }


@pytest.mark.parametrize(
    "utc", ["2026-03-02T20:59:59+00:00", "2026-03-02T21:00:00+00:00", "2026-03-08T21:00:01+00:00"]
)
def test_a_receipt_around_midnight_counts_on_the_day_of_the_sla_calendar(utc, receive):
    # Istanbul is UTC+3: 21:00 UTC is the next day; 8 March 2026 ends a week.
    from datetime import datetime

    complaint = receive(at=datetime.fromisoformat(utc))

    counted = figures_rows()
    figures_rebuild()
    assert figures_rows() == counted
    local_day = timezone.localtime(complaint.received_at, sla_time_zone()).date()
    assert DailyFigures.objects.get(span=Span.DAY).day == local_day


def test_a_receipt_whose_day_the_caller_guessed_wrong_is_still_counted_once(receive):
    complaint = receive()
    kept = figures_rows()
    _figures_emptied()

    # Ten days off: none of the days given matches the share's, so the daily
    # figures are written after the share rather than with it.
    figures_receive(
        complaint_id=complaint.pk, received_at=complaint.received_at + timedelta(days=10)
    )

    assert figures_rows() == kept


def test_a_receipt_with_a_cause_and_business_seconds_writes_those_figures_too(receive):
    # Not what a submission sends, but what figures_receive must handle: the
    # one statement answers that the share needs more than its daily rows,
    # and the root-cause rows and the histograms follow.
    complaint = receive()
    Complaint.objects.filter(pk=complaint.pk).update(
        root_cause=RootCause.objects.get(code="technical"),
        ack_met_at=complaint.received_at + timedelta(hours=1),
        ack_business_seconds=3600,
    )
    figures_rebuild()
    kept = figures_rows()
    assert kept["root_causes"] and kept["histograms"]
    _figures_emptied()

    figures_receive(complaint_id=complaint.pk, received_at=complaint.received_at)

    assert figures_rows() == kept


def test_a_complaint_cannot_be_deleted_so_its_figures_stay(receive, classify):
    # KVKK / ISO 10002: the record is kept (complaints.privacy_guard refuses the
    # DELETE at the database), so no figure ever has to be taken back out.
    from django.db import DatabaseError, IntegrityError, transaction
    from django.db.models import ProtectedError

    complaint = classify(receive())
    with pytest.raises((DatabaseError, IntegrityError, ProtectedError)), transaction.atomic():
        complaint.delete()
    assert list(ComplaintFigures.objects.values_list("pk", flat=True)) == [complaint.pk]


def test_the_rebuild_command_recomputes_the_figures_and_is_safe_to_run_twice(receive, classify):
    classify(receive())
    receive()
    kept = figures_rows()
    DailyFigures.objects.all().delete()
    ComplaintFigures.objects.all().delete()

    for _ in range(2):
        out = StringIO()
        call_command("sla_rollup_rebuild", stdout=out)
        assert figures_rows() == kept
    assert "2 complaints" in out.getvalue()


def test_the_dashboards_period_queries_do_not_read_the_complaints(receive, manager, client):
    receive()
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboard/").status_code == 200
    period_tables = " ".join(q["sql"] for q in queries.captured_queries if "sla_daily" in q["sql"])
    assert "sla_dailyfigures" in period_tables
    assert "sla_dailyrootcause" in period_tables


def test_the_backfill_counts_the_targets_it_fills(receive, classify, representative):
    from tests.helpers import advance

    advance(classify(receive()), Stage.DECISION_NOTIFIED, representative)
    kept = figures_rows()
    Complaint.objects.update(
        ack_due_at=None, ack_met_at=None, resolution_due_at=None, resolution_met_at=None
    )
    figures_rebuild()
    assert figures_rows() != kept

    call_command("sla_backfill", stdout=StringIO())

    assert figures_rows() == kept


@pytest.mark.parametrize("span", [Span.WEEK, Span.FOUR_WEEKS])
def test_each_week_and_four_week_row_is_the_sum_of_its_days(span, receive, representative):
    random_history(random.Random(9), receive, representative, steps=40)
    sums: dict[tuple, list[int]] = {}
    for stored in DailyFigures.objects.filter(span=Span.DAY).values():
        row: dict[str, Any] = dict(stored)
        start = dict(spans_of(row["day"]))[span]
        key = (start, row["priority"], row["channel"], row["category"])
        found_sums = sums.setdefault(key, [0, 0, 0])
        for i, name in enumerate(("received", "ack_met", "resolution_on_time")):
            found_sums[i] += row[name]

    found = {
        (r["day"], r["priority"], r["channel"], r["category"]): [
            r["received"],
            r["ack_met"],
            r["resolution_on_time"],
        ]
        for r in DailyFigures.objects.filter(span=span).values()
    }
    assert found
    assert {k: v for k, v in found.items() if any(v)} == {k: v for k, v in sums.items() if any(v)}


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        ("2026-11-02", "2026-11-29"),  # whole weeks only (one whole block)
        ("2026-11-04", "2026-11-26"),  # days around two whole weeks
        ("2026-11-04", "2026-11-07"),  # inside one week
        ("2026-11-29", "2026-11-30"),  # a Sunday and the next Monday
        ("2026-09-09", "2026-12-02"),  # days, weeks, a block, weeks, days
        ("2025-12-03", "2026-12-06"),  # the one-year view: eleven blocks and more
        ("2026-10-12", "2026-11-08"),  # four whole weeks astride two blocks
    ],
)
def test_a_period_counts_each_day_once_whatever_its_edges(date_from, date_to):
    from datetime import date

    filters = DashboardFilters(
        date_from=date.fromisoformat(date_from), date_to=date.fromisoformat(date_to)
    )
    days = (filters.date_to - filters.date_from).days + 1
    # Each day adds 1 to its row of each span, as the events write them.
    for offset in range(-40, days + 40):
        for span, start in spans_of(filters.date_from + timedelta(days=offset)):
            row, _ = DailyFigures.objects.get_or_create(
                span=span, day=start, channel="web", defaults={"received": 0}
            )
            DailyFigures.objects.filter(pk=row.pk).update(received=row.received + 1)

    def counted(q) -> int:
        return sum(DailyFigures.objects.filter(q).values_list("received", flat=True))

    assert counted(filters.rollup_q()) == days
    assert counted(filters.weekly_rollup_q()) == days
    assert not DailyFigures.objects.filter(filters.weekly_rollup_q(), span=Span.FOUR_WEEKS)


def test_four_week_blocks_start_on_mondays_every_28_days():
    from datetime import date

    day = date(2026, 1, 1)
    starts = set()
    for offset in range(400):
        start = block_of(day + timedelta(days=offset))
        assert start.weekday() == 0
        assert 0 <= (day + timedelta(days=offset) - start).days < 28
        starts.add(start)
    ordered = sorted(starts)
    assert {(b - a).days for a, b in pairwise(ordered)} == {28}


def test_the_migration_fills_the_four_week_rows_the_events_keep(receive, representative):
    import importlib
    from types import SimpleNamespace

    random_history(random.Random(11), receive, representative, steps=40)
    kept = figures_rows()
    for model in (DailyFigures, DailyRootCause, DailyHistogram):
        model.objects.filter(span=Span.FOUR_WEEKS).delete()
    assert figures_rows() != kept

    migration = importlib.import_module("sla.migrations.0009_four_week_spans")
    # What the migration uses of its schema editor: the connection.
    migration.fill_blocks(None, SimpleNamespace(connection=connection))

    assert figures_rows() == kept


def test_the_shares_by_one_dimension_are_those_of_the_full_figures(receive, representative):
    random_history(random.Random(12), receive, representative, steps=40)
    start, end = default_period(timezone.localdate())
    period = DashboardFilters(date_from=start, date_to=end)
    categories = selectors.categories_by_id()
    now = timezone.now()
    weeks, every, overall, *totals = statistics.compliance(period, now, categories)

    for dimension, _label in statistics.DIMENSIONS:
        found = statistics.compliance(period, now, categories, (dimension,))

        assert found[0] == weeks
        assert found[1] == {t: {dimension: every[t][dimension]} for t in every}
        assert found[2] == overall
        assert list(found[3:]) == totals
