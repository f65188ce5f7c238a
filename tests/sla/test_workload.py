"""The workload view: open complaints per assignee × priority, at risk and breached."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Complaint, Stage
from sla.workload import workload_get
from tests.factories import make_complaint
from tests.helpers import advance

pytestmark = pytest.mark.django_db


def test_counts_open_complaints_per_assignee_and_priority_with_breaches(agent, representative):
    mine = advance(make_complaint(), Stage.TRACKING, agent)
    late = advance(make_complaint(), Stage.TRACKING, agent)
    Complaint.objects.filter(pk=late.pk).update(
        resolution_due_at=timezone.now() - timedelta(hours=1), resolution_met_at=None
    )
    advance(make_complaint(), Stage.CLOSED, representative)
    make_complaint()  # received, unassigned
    rows = {row.name if row.assignee_id else None: row for row in workload_get()}
    assert rows["agent"].total == 2
    assert rows["agent"].by_priority == {mine.priority: 2}
    assert rows["agent"].breached == 1
    assert "rep" not in rows  # only a closed one
    assert rows[None].total == 1


def test_the_query_count_does_not_grow_with_rows(agent):
    for _ in range(3):
        advance(make_complaint(), Stage.TRACKING, agent)
    with CaptureQueriesContext(connection) as few:
        workload_get()
    for _ in range(10):
        advance(make_complaint(), Stage.TRACKING, agent)
    with CaptureQueriesContext(connection) as many:
        workload_get()
    assert len(many) == len(few) == 2


def test_the_page_is_refused_without_the_permission(client, outsider, representative):
    client.force_login(outsider)
    assert client.get("/dashboard/workload/").status_code == 403
    client.force_login(representative)
    response = client.get("/dashboard/workload/")
    assert response.status_code == 200
    assert b'id="workload"' in response.content
