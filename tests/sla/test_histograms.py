"""The histograms of business seconds (issue 15, item 3): the dashboard's medians
and 90th percentiles from counts per bucket, to within the buckets' precision."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from complaints.models import Channel, Complaint, Stage
from sla.histograms import (
    PRECISION,
    SIGNIFICANT_BITS,
    bucket_expression,
    bucket_of,
    bucket_width,
    percentile_of_buckets,
)
from sla.models import ComplaintFigures, DailyHistogram, Span
from sla.rollup import figures_rebuild
from sla.statistics import DashboardFilters, default_period
from sla.timings import timings, timings_exact
from tests.helpers import advance


def _edges() -> list[int]:
    # Every bucket's first and last second, and one past it.
    found = {0, 1, 2**31 - 1}
    low = 0
    while low < 2**31 - 1:
        width = bucket_width(low)
        found.update({low, low + width - 1, low + width})
        low += width
    return sorted(v for v in found if v < 2**31)


def test_a_bucket_holds_its_values_and_is_never_wider_than_the_precision():
    for value in _edges():
        low = bucket_of(value)
        assert low <= value < low + bucket_width(low)
        assert bucket_of(low) == low
        if value >= 2**SIGNIFICANT_BITS:
            assert bucket_width(low) <= PRECISION * low
        else:
            assert bucket_width(low) == 1  # small values are kept exactly


@pytest.mark.django_db
def test_the_database_puts_each_value_in_the_same_bucket_as_python():
    # Any integer column serves: the histogram's own rows, holding each edge.
    edges = _edges()
    DailyHistogram.objects.bulk_create(
        DailyHistogram(
            day=date(2026, 1, 1), target="ack", dimension="all", bucket=i, complaints=value
        )
        for i, value in enumerate(edges)
    )

    found = DailyHistogram.objects.annotate(b=bucket_expression("complaints")).values_list(
        "complaints", "b"
    )

    assert sorted(found) == [(value, bucket_of(value)) for value in edges]


def _exact(values: list[int], fraction: float) -> float:
    values = sorted(values)
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


@given(
    st.lists(st.integers(min_value=0, max_value=2_000_000), min_size=1, max_size=300),
    st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]),
)
def test_a_percentile_from_the_buckets_is_within_a_bucket_of_the_exact_one(values, fraction):
    counts: dict[int, int] = {}
    for value in values:
        counts[bucket_of(value)] = counts.get(bucket_of(value), 0) + 1
    exact = _exact(values, fraction)

    found = percentile_of_buckets(sorted(counts.items()), fraction)

    assert found is not None
    assert abs(found - exact) < max(1, PRECISION * exact)


def test_no_values_have_no_percentile():
    assert percentile_of_buckets([], 0.5) is None


def test_values_kept_exactly_give_the_exact_percentile():
    values = [3, 3, 7, 40, 200]
    counts = sorted({v: values.count(v) for v in values}.items())

    assert percentile_of_buckets(counts, 0.5) == _exact(values, 0.5)
    assert percentile_of_buckets(counts, 0.9) == _exact(values, 0.9)


@pytest.mark.django_db
def test_a_receipt_writes_no_histogram_and_a_met_target_counts_once_per_filter(
    receive, representative
):
    complaint = receive(channel=Channel.EMAIL)
    assert not DailyHistogram.objects.exists()

    advance(complaint, Stage.ACKNOWLEDGED, representative)

    seconds = Complaint.objects.get(pk=complaint.pk).ack_business_seconds
    assert seconds is not None
    rows = {
        (r.span, r.dimension, r.value, r.target, r.bucket, r.complaints)
        for r in DailyHistogram.objects.all()
    }
    assert rows == {
        (span, dimension, value, "ack", bucket_of(seconds), 1)
        for span in Span
        for dimension, value in (
            ("all", ""),
            ("priority", ""),
            ("channel", Channel.EMAIL),
            ("category", "0"),
        )
    }


@pytest.mark.django_db
def test_a_new_priority_moves_the_met_targets_count_in_one_statement(
    receive, classify, representative
):
    from complaints.services import complaint_reprioritize

    complaint = classify(receive())
    figures = ComplaintFigures.objects.get(pk=complaint.pk)
    new = "low" if figures.priority != "low" else "high"

    with CaptureQueriesContext(connection) as queries:
        complaint_reprioritize(
            complaint=complaint, priority=new, reason="Değişti.", actor=representative
        )

    writes = [q["sql"] for q in queries.captured_queries if "sla_dailyhistogram" in q["sql"]]
    assert len(writes) == 1
    by_priority = dict(
        DailyHistogram.objects.filter(span=Span.DAY, dimension="priority")
        .exclude(complaints=0)
        .values_list("value", "complaints")
    )
    assert by_priority == {new: 1}
    assert figures.priority != new


@pytest.mark.django_db
def test_the_dashboards_timings_follow_the_histograms_within_their_precision(receive):
    rng = random.Random(3)
    now = timezone.now()
    complaints = [receive(at=now - timedelta(days=rng.uniform(0, 40))) for _ in range(60)]
    for complaint in complaints:
        Complaint.objects.filter(pk=complaint.pk).update(
            ack_business_seconds=rng.randint(60, 40 * 3600),
            resolution_business_seconds=rng.choice([None, rng.randint(3600, 400 * 3600)]),
            priority=rng.choice(["high", "normal", "low"]),
        )
    figures_rebuild()
    start, end = default_period(timezone.localdate())

    for chosen in (
        DashboardFilters(date_from=start, date_to=end),
        DashboardFilters(date_from=start, date_to=end, priority="normal"),
        DashboardFilters(date_from=end - timedelta(days=17), date_to=end - timedelta(days=2)),
    ):
        found, exact = timings(chosen), timings_exact(chosen)
        for name, hours in exact.items():
            value = found[name]
            assert hours is not None and value is not None
            assert abs(value - hours) <= PRECISION * hours + 0.1 + 1e-9, (chosen, name)


@pytest.mark.django_db
def test_the_dashboard_says_when_its_times_come_from_the_histograms(manager, client):
    client.force_login(manager)

    default = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    combined = client.get(
        "/dashboard/", {"priority": "high", "channel": "email"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "read from histograms of the business hours: within 0.8% of the exact value" in default
    assert "histograms" not in combined
