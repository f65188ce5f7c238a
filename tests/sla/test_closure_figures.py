"""The dashboard's figures of the time and closure rules (issue 10): paused time
reported apart and left out of the time to decision."""

import pytest

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
