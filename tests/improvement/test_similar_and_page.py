"""Similar complaints on the staff page (pg_trgm on PostgreSQL, shared words
elsewhere), linked by staff; the managers' improvement page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent
from improvement import codes
from improvement.models import ComplaintLink
from improvement.selectors.recurrence import similar_complaints
from improvement.services.recurrence import recurrence_signals_detect
from tests.factories import category, make_complaint

from .conftest import bulk_complaints

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Europe/Istanbul")


@pytest.fixture
def texts():
    mine = make_complaint(
        subject="Modem sürekli yeniden başlıyor",
        description="Fiber modemim her akşam kendiliğinden yeniden başlıyor, bağlantı kopuyor.",
    )
    alike = make_complaint(
        email="b@example.com",
        subject="Modem kendiliğinden yeniden başlıyor",
        description="Fiber modem akşamları yeniden başlıyor ve internet bağlantısı kopuyor.",
    )
    unrelated = make_complaint(
        email="c@example.com",
        subject="Fatura adresi değişikliği",
        description="Fatura adresimin yeni ofisimize taşınmasını istiyorum.",
    )
    old = make_complaint(
        email="d@example.com",
        subject="Modem sürekli yeniden başlıyor",
        description="Fiber modemim her akşam kendiliğinden yeniden başlıyor, bağlantı kopuyor.",
    )
    Complaint.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=120))
    return mine, alike, unrelated, old


def test_similar_complaints_of_the_last_90_days_come_first_and_unrelated_ones_not_at_all(texts):
    mine, alike, unrelated, old = texts
    found = [s.complaint.pk for s in similar_complaints(complaint=mine)]
    assert found[:1] == [alike.pk]
    assert unrelated.pk not in found
    assert old.pk not in found  # older than the window


@pytest.mark.postgres
def test_on_postgresql_the_trigram_index_serves_the_similar_query(texts):
    from improvement.selectors.recurrence import TEXT_SQL

    mine = texts[0]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM complaints_complaint WHERE {TEXT_SQL} %% %s",  # noqa: S608
            [f"{mine.subject} {mine.description}"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "improvement_complaint_text_trgm" in plan


def test_the_staff_page_lists_similar_complaints_and_links_one(client, representative, texts):
    mine, alike, _unrelated, _old = texts
    client.force_login(representative)
    page = client.get(f"/admin/complaints/complaint/{mine.pk}/change/")
    html = page.content.decode()
    assert "Benzer şikâyetler (son 90 gün)" in html
    assert alike.tracking_number in html
    assert f'action="/improvement/complaints/{mine.pk}/link/"' in html

    response = client.post(f"/improvement/complaints/{mine.pk}/link/", {"related": alike.pk})
    assert response.status_code == 302
    link = ComplaintLink.objects.get(complaint=mine, related=alike)
    assert (link.kind, link.created_by) == ("similar", representative)
    assert ComplaintEvent.objects.filter(
        complaint=mine, action=codes.LINK_ADDED, actor=representative
    ).exists()
    # shown on both pages, and linking again (either way) adds nothing
    client.post(f"/improvement/complaints/{alike.pk}/link/", {"related": mine.pk})
    assert ComplaintLink.objects.count() == 1
    assert (
        mine.tracking_number
        in client.get(f"/admin/complaints/complaint/{alike.pk}/change/").content.decode()
    )


def test_linking_is_refused_without_the_permission(client, outsider, texts):
    mine, alike, *_ = texts
    client.force_login(outsider)
    response = client.post(f"/improvement/complaints/{mine.pk}/link/", {"related": alike.pk})
    assert response.status_code == 403
    assert not ComplaintLink.objects.exists()


def test_linking_needs_a_login_and_a_post(client, representative, texts):
    mine, alike, *_ = texts
    assert client.post(f"/improvement/complaints/{mine.pk}/link/", {"related": alike.pk})[
        "Location"
    ].startswith("/admin/login/")
    client.force_login(representative)
    assert client.get(f"/improvement/complaints/{mine.pk}/link/").status_code == 405
    assert (
        client.post(f"/improvement/complaints/{mine.pk}/link/", {"related": "x"}).status_code == 302
    )
    assert not ComplaintLink.objects.exists()


def _signals(n_categories: int) -> None:
    last_week = date(2026, 11, 9)
    codes_ = ["financial", "communication", "contract-breach", "staff-behaviour"][:n_categories]
    rows = []
    for code in codes_:
        for offset in range(13):
            monday = last_week - timedelta(weeks=12 - offset)
            n = 12 if offset == 12 else 4
            at = datetime.combine(monday + timedelta(days=1), time(10), tzinfo=IST)
            rows += [{"received_at": at, "category": category(code)}] * n
    bulk_complaints(rows)
    recurrence_signals_detect(today=date(2026, 11, 18))


def _page(client, **params):
    return client.get(
        "/improvement/", {"date_from": "2026-09-01", "date_to": "2026-11-30", **params}
    )


def test_the_improvement_page_shows_each_signal_with_its_chart_and_opens_an_action(client, manager):
    _signals(2)
    client.force_login(manager)
    response = _page(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img" class="chart"') == 2
    assert html.count("/admin/improvement/correctiveaction/add/?signal=") == 2
    assert 'role="img"' in html


def test_the_improvement_page_makes_the_same_number_of_queries_whatever_the_signals(
    client, manager
):
    client.force_login(manager)
    _page(client)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as none:
        _page(client)
    _signals(1)
    with CaptureQueriesContext(connection) as one:
        _page(client)
    _signals(4)
    with CaptureQueriesContext(connection) as four:
        _page(client)
    assert len(one) == len(four)
    assert len(none) <= len(one)


def test_the_improvement_page_is_refused_without_the_permission(client, outsider, agent):
    assert client.get("/improvement/")["Location"].startswith("/admin/login/")
    for user in (outsider, agent):
        client.force_login(user)
        assert client.get("/improvement/").status_code == 403


def test_the_sla_dashboard_links_to_the_improvement_page_for_managers(client, manager):
    client.force_login(manager)
    assert 'href="/improvement/"' in client.get("/dashboard/").content.decode()
