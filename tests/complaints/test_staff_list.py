"""The staff list at scale (issue 15): its queries do not grow with the rows
shown, its count is exact while the list is short and an estimate beyond, and
the assignee filter lists who can be assigned without reading every complaint.
The speed itself is measured in bench/staff_list.py, never here."""

from datetime import timedelta

import pytest
from django.contrib.admin.templatetags.admin_list import result_headers
from django.db import connection, transaction
from django.db.models import Max, Min
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.admin import pagination
from complaints.models import Complaint, Stage
from tests.factories import UserFactory, make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/complaints/complaint/"
API = "/api/v1/complaints/"


def make(count: int, representative, start: int = 0) -> None:
    for i in range(start, start + count):
        complaint = make_complaint(email=f"c{i}@example.com", subject=f"Modem {i}")
        if i % 2:  # half classified and assigned (the category and assignee columns), late
            advance(complaint, Stage.TRACKING, representative)
            Complaint.objects.filter(pk=complaint.pk).update(
                resolution_due_at=timezone.now() - timedelta(hours=1)
            )


def queries_of(client, url: str, params: dict[str, str]) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    rows = (
        len(response.json()["results"]) if url == API else len(response.context["cl"].result_list)
    )
    return len(captured.captured_queries), rows


@pytest.mark.parametrize(
    ("who", "url", "params"),
    [
        ("superuser", CHANGELIST, {}),
        ("agent", CHANGELIST, {}),
        ("agent", CHANGELIST, {"queue": "all", "stage__exact": "tracking"}),
        ("superuser", CHANGELIST, {"q": "modem"}),
        ("superuser", CHANGELIST, {"sla": "breached", "overdue": "resolution"}),
        ("agent", API, {"page_size": "100"}),
        ("agent", API, {"search": "modem", "page_size": "100"}),
    ],
)
def test_the_list_asks_as_many_queries_for_50_rows_as_for_5(
    client, request, representative, who, url, params
):
    client.force_login(request.getfixturevalue(who))
    make(5, representative)
    few_queries, few_rows = queries_of(client, url, params)
    make(45, representative, start=5)
    many_queries, many_rows = queries_of(client, url, params)
    assert many_rows > few_rows
    assert many_queries == few_queries


def test_a_short_list_is_counted_exactly(client, superuser, representative):
    client.force_login(superuser)
    make(3, representative)
    response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 3
    assert response.context["cl"].paginator.is_estimate is False
    assert 'class="estimate"' not in response.content.decode()


@pytest.mark.postgres
def test_past_the_cap_postgresql_gives_its_estimate_and_the_page_says_so(
    client, superuser, representative, monkeypatch
):
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 3)
    client.force_login(superuser)
    make(5, representative)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CHANGELIST)
    cl = response.context["cl"]
    assert cl.paginator.is_estimate is True
    assert cl.result_count >= 4
    assert 'class="estimate"' in response.content.decode()
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    # One count, capped: it stops reading at the cap.
    assert len(counts) == 1
    assert "LIMIT 4" in counts[0]


@pytest.mark.postgres
def test_a_rare_words_list_is_counted_by_the_search_not_again(client, superuser, representative):
    client.force_login(superuser)
    make(3, representative)
    make_complaint(subject="Kargo", description="Kutu ezik geldi.", email="k@example.com")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CHANGELIST, {"q": "modem"})
    assert response.context["cl"].result_count == 3
    assert response.context["cl"].paginator.is_estimate is False
    assert not [q for q in captured.captured_queries if "COUNT(*)" in q["sql"]]


@pytest.mark.postgres
def test_a_common_word_past_the_cap_is_estimated_without_counting(
    client, superuser, representative, monkeypatch
):
    from complaints import search

    # The search stopped reading past FEW_MATCHES: the list is longer than the cap.
    monkeypatch.setattr(search, "FEW_MATCHES", 3)
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 3)
    client.force_login(superuser)
    make(5, representative)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CHANGELIST, {"q": "modem"})
    cl = response.context["cl"]
    assert cl.paginator.is_estimate is True
    assert cl.result_count >= 4
    assert len(cl.result_list) == 5
    assert not [q for q in captured.captured_queries if "COUNT(*)" in q["sql"]]


def test_the_assignee_filter_lists_who_can_be_assigned(client, superuser, representative):
    UserFactory(username="left", groups=[])  # staff, in no assignable group
    client.force_login(superuser)
    make(2, representative)
    response = client.get(CHANGELIST)
    spec = next(
        s for s in response.context["cl"].filter_specs if getattr(s, "field_path", "") == "assignee"
    )
    names = [name for _pk, name in spec.lookup_choices]
    assert representative.get_username() in names or representative.get_full_name() in names
    assert "left" not in names


def test_unassigned_complaints_can_be_listed(client, superuser, representative):
    client.force_login(superuser)
    make(4, representative)
    response = client.get(CHANGELIST, {"assignee__isnull": "True"})
    assert {c.assignee_id for c in response.context["cl"].result_list} == {None}
    assert Complaint.objects.filter(assignee__isnull=True).count() == 2


def test_the_date_drill_down_offers_every_year_then_month_between_the_first_and_the_last(
    client, superuser
):
    client.force_login(superuser)
    now = timezone.localtime()
    old = make_complaint()
    Complaint.objects.filter(pk=old.pk).update(received_at=now.replace(year=now.year - 2))
    make_complaint(email="new@example.com")
    with CaptureQueriesContext(connection) as captured:
        page = client.get(CHANGELIST).content.decode()
    for year in (now.year - 2, now.year - 1, now.year):
        assert f"?received_at__year={year}" in page
    # No SELECT DISTINCT over the list's dates: one MIN/MAX answers.
    assert not [
        q
        for q in captured.captured_queries
        if "SELECT DISTINCT" in q["sql"] and "complaints_complaint" in q["sql"]
    ]
    # The level and the choices from the same bounds: one MIN/MAX per view.
    assert (
        len([q for q in captured.captured_queries if 'MIN("complaints_complaint"' in q["sql"]]) == 1
    )
    months = client.get(CHANGELIST, {"received_at__year": now.year}).content.decode()
    assert f"received_at__month={now.month}" in months
    assert f"received_at__month={now.month + 1}" not in months


def test_asking_for_the_count_of_each_filter_option_counts_nothing(client, superuser):
    client.force_login(superuser)
    make_complaint()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CHANGELIST, {"_facets": "True"})
    assert response.status_code == 200
    assert not [q for q in captured.captured_queries if "FILTER (WHERE" in q["sql"]]


def test_only_columns_an_index_sorts_are_offered_and_others_typed_by_hand_are_ignored(
    client, superuser
):
    client.force_login(superuser)
    first = make_complaint(subject="A")
    second = make_complaint(subject="B", email="b@example.com")
    cl = client.get(CHANGELIST).context["cl"]
    sortable = [h for h in result_headers(cl) if h["sortable"]]
    assert len(sortable) == 3  # the tracking number, the due date, the receipt
    # ?o=2 is the subject column: ignored, the list stays newest first.
    assert list(client.get(CHANGELIST, {"o": "2"}).context["cl"].result_list) == [second, first]
    assert list(client.get(CHANGELIST, {"o": "-9"}).context["cl"].result_list) == [second, first]
    assert list(client.get(CHANGELIST, {"o": "9"}).context["cl"].result_list) == [first, second]


def test_each_rows_checkbox_is_the_one_django_would_render(rf, superuser):
    from django.contrib import admin as django_admin

    complaint = make_complaint(subject='Fatura <b>"fazla"</b> & geç')
    model_admin = django_admin.site._registry[Complaint]
    assert model_admin.action_checkbox(complaint) == django_admin.ModelAdmin.action_checkbox(
        model_admin, complaint
    )


def test_the_list_reads_the_categories_of_its_action_form_without_a_server_side_cursor(
    client, superuser
):
    client.force_login(superuser)
    make_complaint()
    with CaptureQueriesContext(connection) as captured:
        page = client.get(CHANGELIST).content.decode()
    assert not [q for q in captured.captured_queries if q["sql"].startswith("DECLARE")]
    from complaints.models import Category

    for category in Category.objects.filter(active=True):
        assert f'<option value="{category.pk}">' in page


@pytest.mark.postgres
def test_the_unassigned_lists_page_and_date_bounds_read_their_own_index(representative):
    make(2, representative)
    unassigned = Complaint.objects.filter(assignee__isnull=True)
    with CaptureQueriesContext(connection) as asked:
        list(unassigned.order_by("-received_at", "-id")[:50])
        unassigned.aggregate(first=Min("received_at"), last=Max("received_at"))
    index = "complaint_unassigned_received"
    # At 1M the planner walked the receipt index from the other end (534 ms). On a
    # table of two rows every index costs about the same and the planner may pick
    # any (the assignee's own index and a sort, say); so each query is explained
    # with the other indexes on the assignee or the receipt time dropped (in a
    # savepoint, rolled back) and with whole-table reads and sorts forbidden,
    # which proves that this index gives each query its rows in the list's order.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'complaints_complaint'"
                " AND indexname <> %s AND (indexdef LIKE '%%assignee_id%%'"
                " OR indexdef LIKE '%%received_at%%')"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [index],
            )
            for (other,) in cursor.fetchall():
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(other)}")
            plans = []
            for query in asked.captured_queries:
                cursor.execute(f"EXPLAIN {query['sql']}")
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        transaction.set_rollback(True)
    assert len(plans) == 2
    for plan in plans:
        assert index in plan, plan
