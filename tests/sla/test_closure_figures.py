"""The dashboard's figures of the time and closure rules (issue 10): paused time
reported apart and left out of the time to decision."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from complaints.models import Channel, ComplaintMessage, Stage
from complaints.services import complaint_message_add, complaint_wait_for_customer
from sla.closure_figures import closure_figures_get
from sla.selectors import dashboard_get
from sla.statistics import DashboardFilters
from tests.helpers import advance
from tests.sla.conftest import ist

pytestmark = pytest.mark.django_db

URL = "/dashboard/"
PERIOD = DashboardFilters(date_from=ist(2026, 11, 1).date(), date_to=ist(2026, 11, 30).date())


@pytest.fixture
def waited_two_hours(clock, receive, classify, representative):
    """Received Monday 2 November 2026 10:00, waited 11:00-13:00, decided Tuesday 10:00."""
    clock.set(ist(2026, 11, 2, 10))
    complaint = classify(receive(at=clock.now))
    clock.set(ist(2026, 11, 2, 11))
    complaint_wait_for_customer(complaint=complaint, question="Seri no?", actor=representative)
    clock.set(ist(2026, 11, 2, 13))
    complaint_message_add(
        complaint=complaint,
        body="AB123",
        author_kind=ComplaintMessage.Author.CUSTOMER,
        channel=Channel.EMAIL,
    )
    clock.set(ist(2026, 11, 3, 10))
    return advance(complaint, Stage.DECISION_NOTIFIED, representative)


def test_paused_time_is_reported_apart(waited_two_hours, clock, receive, representative):
    clock.set(ist(2026, 11, 4, 10))
    still = receive(at=clock.now)
    complaint_wait_for_customer(complaint=still, question="Adres?", actor=representative)

    figures = closure_figures_get(filters=PERIOD, now=ist(2026, 11, 4, 12))

    assert figures.waiting_now == 1
    assert figures.total.received == 2
    assert figures.total.waited == 1
    assert figures.paused_hours == 2.0
    assert figures.paused_hours_per_waited == 2.0
    [web] = figures.channels
    assert (web.channel, web.waited) == (Channel.WEB, 1)


def test_the_time_to_decision_leaves_the_paused_time_out(waited_two_hours):
    # Monday 10:00 to Tuesday 10:00 is nine business hours; two were waiting.
    board = dashboard_get(filters=PERIOD, now=ist(2026, 11, 4, 12))
    assert board.timings["decision_p50"] == 7.0


def test_the_dashboard_shows_the_waiting_panel(client, manager, waited_two_hours):
    client.force_login(manager)
    response = client.get(
        URL, {"date_from": "2026-11-01", "date_to": "2026-11-30"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert 'id="waiting-on-customer"' in body
    assert response.context["closure"].paused_hours == 2.0


# --- The panel's counts come from the daily figures: the same as from the rows ----------


def _closure_from_complaints(filters: DashboardFilters) -> dict[str, dict[str, int]]:
    """The panel's definitions, counted from the complaints themselves."""
    from django.db.models import Count, Q, Sum

    from complaints.models import Answer, Complaint
    from complaints.workflow import NEEDS_RESOLUTION

    answers = Q(kind__in=NEEDS_RESOLUTION)
    ack = Q(ack_due_at__isnull=False)
    rows = (
        Complaint.objects.filter(filters.period_q(), filters.complaint_q())
        .values("channel")
        .annotate(
            received=Count("pk"),
            waited=Count("pk", filter=Q(resolution_paused_seconds__gt=0)),
            paused_seconds=Sum("resolution_paused_seconds"),
            resolution_timed=Count("pk", filter=Q(resolution_business_seconds__isnull=False)),
            accepted=Count("pk", filter=answers & Q(customer_answer=Answer.ACCEPTED)),
            no_answer=Count("pk", filter=answers & Q(customer_answer=Answer.NO_ANSWER)),
            awaiting_answer=Count("pk", filter=answers & Q(stage="decision_notified")),
            reminded=Count("pk", filter=answers & Q(answer_reminded_at__isnull=False)),
            ack_met=Count("pk", filter=ack & Q(ack_met_at__isnull=False)),
            ack_not_met=Count(
                "pk", filter=ack & Q(ack_met_at__isnull=True, ack_undelivered_at__isnull=True)
            ),
            ack_undelivered=Count(
                "pk", filter=ack & Q(ack_met_at__isnull=True, ack_undelivered_at__isnull=False)
            ),
            ack_met_again=Count(
                "pk", filter=ack & Q(ack_met_at__isnull=False, ack_undelivered_at__isnull=False)
            ),
        )
        .order_by()
    )
    counted: dict[str, dict[str, int]] = {}
    for row in rows:
        values: dict[str, Any] = dict(row)
        channel = values.pop("channel")
        counted[channel] = {k: v or 0 for k, v in values.items()}
    return counted


def _closure_from_rollup(filters: DashboardFilters) -> dict[str, dict[str, int]]:
    from dataclasses import asdict

    figures = closure_figures_get(filters=filters, now=timezone.now())
    return {
        row.channel: {k: v for k, v in asdict(row).items() if k not in ("channel", "label")}
        for row in figures.channels
    }


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_the_panel_counts_from_the_daily_figures_what_the_complaints_say(
    seed, clock, receive, representative
):
    import random

    from complaints.models import Complaint, Stage
    from complaints.services import complaint_wait_for_customer, complaint_wait_resume
    from sla.rollup import figures_rebuild
    from sla.statistics import default_period
    from sla.unanswered import unanswered_sweep
    from tests.sla.test_daily_figures import random_history

    # A fixed Wednesday morning: the wait below then spans business hours whatever
    # day the suite runs (from a Friday evening it would span none, and pause nothing).
    now = clock.set(ist(2026, 11, 18, 10))
    rng = random.Random(seed)
    random_history(rng, receive, representative, steps=50)
    # Waiting on the customer, resumed or not, and unanswered decisions reminded
    # and closed by the sweep: the inputs the random history does not touch.
    waiting = list(Complaint.objects.filter(stage__in=[Stage.TRACKING, Stage.IN_ANALYSIS]))
    clock.set(now)
    for complaint in waiting:
        complaint_wait_for_customer(
            complaint=complaint, question="Fatura numaranız nedir?", actor=representative
        )
    clock.set(now + timedelta(hours=30))
    for complaint in waiting[::2]:
        complaint.refresh_from_db()
        complaint_wait_resume(complaint=complaint, actor=representative)
    unanswered_sweep(now=now + timedelta(days=9))
    unanswered_sweep(now=now + timedelta(days=30))
    start, end = default_period(timezone.localdate())
    filters = [
        DashboardFilters(date_from=start, date_to=end),
        DashboardFilters(date_from=start, date_to=end, priority="high"),
        DashboardFilters(date_from=end - timedelta(days=9), date_to=end, channel="email"),
    ]
    counted = [_closure_from_complaints(f) for f in filters]
    assert any(row["waited"] for row in counted[0].values())

    assert [_closure_from_rollup(f) for f in filters] == counted
    figures_rebuild()
    assert [_closure_from_rollup(f) for f in filters] == counted
