"""GET /api/v1/complaints/: filters, search, ordering, cursor pagination, no N+1."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Channel, Complaint, Kind, Priority, Stage
from tests.factories import make_complaint
from tests.helpers import advance

URL = "/api/v1/complaints/"

pytestmark = pytest.mark.django_db


def numbers(response) -> set[str]:
    return {row["tracking_number"] for row in response.json()["results"]}


@pytest.fixture
def three(representative):
    """A web complaint in analysis, an SMS request just received, a classified feedback."""
    analysed = advance(make_complaint(), Stage.IN_ANALYSIS, representative)
    fresh = make_complaint(
        kind=Kind.REQUEST, channel=Channel.SMS, email="", phone="0532 123 45 67", name="Mehmet Öz"
    )
    feedback = advance(
        make_complaint(kind=Kind.FEEDBACK, subject="Teşekkürler", email="zeynep@example.com"),
        Stage.CLASSIFIED,
        representative,
    )
    return analysed, fresh, feedback


def test_the_list_shows_every_complaint_to_an_agent(client_for, agent, three):
    response = client_for(agent).get(URL)
    assert response.status_code == 200
    assert numbers(response) == {c.tracking_number for c in three}
    row = next(
        r for r in response.json()["results"] if r["tracking_number"] == three[0].tracking_number
    )
    assert row["stage"] == "in_analysis"
    assert row["category"]["code"] == "financial"
    assert row["assignee"]["username"] == "rep"
    assert row["customer_name"] == "Ayşe Yılmaz"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stage=in_analysis", [0]),
        ("stage=received", [1]),
        ("kind=request", [1]),
        ("kind=feedback", [2]),
        ("channel=sms", [1]),
        ("channel=web", [0, 2]),
        ("priority=normal", [0, 2]),
        ("category=financial", [0, 2]),
        ("assignee=none", [1, 2]),
        ("search=mehmet", [1]),
        ("search=Teşekkür", [2]),
        ("search=zeynep@example", [2]),
        ("search=905321234567", [1]),
        ("stage=in_analysis&kind=feedback", []),
    ],
)
def test_filters_narrow_the_list(client_for, agent, three, query, expected):
    response = client_for(agent).get(f"{URL}?{query}")
    assert response.status_code == 200, response.json()
    assert numbers(response) == {three[i].tracking_number for i in expected}


def test_assignee_filter_takes_an_id_or_me(client_for, representative, three):
    client = client_for(representative)
    by_me = numbers(client.get(f"{URL}?assignee=me"))
    by_id = numbers(client.get(f"{URL}?assignee={representative.pk}"))
    assert by_me == by_id == {three[0].tracking_number}


def test_search_finds_a_complaint_by_its_tracking_number_typed_loosely(client_for, agent, three):
    typed = three[1].tracking_number.replace("-", " ").lower()
    assert numbers(client_for(agent).get(URL, {"search": typed})) == {three[1].tracking_number}


def test_overdue_filter_finds_open_complaints_past_an_unmet_due_date(client_for, agent, three):
    late, on_time, _ = three
    Complaint.objects.filter(pk=late.pk).update(
        resolution_due_at=timezone.now() - timedelta(hours=1)
    )
    Complaint.objects.filter(pk=on_time.pk).update(ack_due_at=timezone.now() + timedelta(hours=1))
    client = client_for(agent)
    assert numbers(client.get(URL, {"overdue": "true"})) == {late.tracking_number}
    assert late.tracking_number not in numbers(client.get(URL, {"overdue": "false"}))
    row = client.get(URL, {"overdue": "true"}).json()["results"][0]
    assert row["is_overdue"] is True


def test_a_bad_filter_value_is_a_400_in_the_error_shape(client_for, agent):
    response = client_for(agent).get(URL, {"stage": "nowhere", "assignee": "someone"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"stage", "assignee"}


def test_cursor_pagination_walks_every_complaint_once(client_for, agent):
    made = {make_complaint(email=f"c{i}@example.com").tracking_number for i in range(7)}
    client = client_for(agent)
    seen: list[str] = []
    url = f"{URL}?page_size=3"
    pages = 0
    while url:
        body = client.get(url).json()
        seen += [row["tracking_number"] for row in body["results"]]
        url = body["next"]
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == made


def test_newest_first_by_default_and_ordering_by_due_date(client_for, agent):
    now = timezone.now()
    older = make_complaint(email="old@example.com", received_at=now - timedelta(days=2))
    newer = make_complaint(email="new@example.com", received_at=now - timedelta(days=1))
    undated = make_complaint(email="none@example.com", received_at=now)
    Complaint.objects.filter(pk=older.pk).update(resolution_due_at=now + timedelta(days=5))
    Complaint.objects.filter(pk=newer.pk).update(resolution_due_at=now + timedelta(days=1))
    Complaint.objects.filter(pk=undated.pk).update(resolution_due_at=None)
    client = client_for(agent)

    def order(**params):
        return [r["tracking_number"] for r in client.get(URL, params).json()["results"]]

    assert order() == [undated.tracking_number, newer.tracking_number, older.tracking_number]
    # Soonest due first; complaints without a due date yet come last.
    assert order(ordering="resolution_due_at") == [
        newer.tracking_number,
        older.tracking_number,
        undated.tracking_number,
    ]
    # The cursor works on the due-date ordering too.
    first = client.get(URL, {"ordering": "resolution_due_at", "page_size": 1}).json()
    second = client.get(first["next"]).json()
    assert second["results"][0]["tracking_number"] == older.tracking_number


def test_the_list_costs_the_same_queries_for_one_row_or_many(client_for, agent, representative):
    client = client_for(agent)
    advance(make_complaint(email="first@example.com"), Stage.TRACKING, representative)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    one = count()
    for i in range(6):
        advance(make_complaint(email=f"more{i}@example.com"), Stage.TRACKING, representative)
    assert count() == one


def test_priority_values_in_the_list_are_the_process_ones(client_for, agent, three):
    rows = client_for(agent).get(URL).json()["results"]
    assert {r["priority"] for r in rows} <= {"", *Priority.values}
