"""A row and a child row pointing at it, written in one statement on PostgreSQL
(common.db.insert_with_child_unless_conflict): the submission's complaint and
its first history row. A clash on a unique index writes neither."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from common.db import insert_with_child_unless_conflict
from complaints import codes
from complaints.models import Complaint, ComplaintEvent, Stage
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db


def _copy_of(complaint: Complaint, tracking_number: str) -> Complaint:
    copy = Complaint.objects.get(pk=complaint.pk)
    copy.pk = None
    copy._state.adding = True
    copy.tracking_number = tracking_number
    return copy


def _received(complaint: Complaint) -> ComplaintEvent:
    return ComplaintEvent(
        complaint=complaint,
        action=codes.RECEIVED,
        to_stage=Stage.RECEIVED,
        data={"channel": "web"},
    )


def test_both_rows_are_written_and_the_child_points_at_the_new_row():
    first = make_complaint()
    complaint = _copy_of(first, "TEST-NEW-0001")
    event = _received(complaint)

    with CaptureQueriesContext(connection) as captured:
        returned = insert_with_child_unless_conflict(complaint, event, link="complaint")

    assert returned == (complaint.pk,)
    assert complaint.pk is not None and complaint.pk != first.pk
    assert event.pk is not None and event.complaint_id == complaint.pk
    stored = ComplaintEvent.objects.get(pk=event.pk)
    assert stored.complaint_id == complaint.pk
    assert stored.action == codes.RECEIVED and stored.data == {"channel": "web"}
    assert Complaint.objects.get(pk=complaint.pk).tracking_number == "TEST-NEW-0001"
    expected = 1 if connection.vendor == "postgresql" else 2
    assert len(captured.captured_queries) == expected
    with CaptureQueriesContext(connection) as after:
        assert event.complaint is complaint  # no query to find it again
    assert after.captured_queries == []


def test_a_clash_on_a_unique_index_writes_neither_row_and_the_transaction_goes_on():
    first = make_complaint()
    events = ComplaintEvent.objects.count()
    clash = _copy_of(first, first.tracking_number)

    with transaction.atomic():
        assert insert_with_child_unless_conflict(clash, _received(clash), link="complaint") is None
        # Still usable (PostgreSQL aborts a transaction on an IntegrityError).
        assert Complaint.objects.filter(tracking_number=first.tracking_number).count() == 1

    assert ComplaintEvent.objects.count() == events
    assert clash.pk is None


def test_a_submission_writes_its_complaint_and_received_row_in_one_statement():
    with CaptureQueriesContext(connection) as captured:
        complaint = make_complaint(email="yeni@example.com")

    [received] = complaint.events.filter(action=codes.RECEIVED)
    assert received.to_stage == Stage.RECEIVED
    inserts = [
        q["sql"]
        for q in captured.captured_queries
        if '"complaints_complaintevent"' in q["sql"] and "INSERT" in q["sql"]
    ]
    if connection.vendor == "postgresql":
        [statement] = inserts
        assert statement.startswith('WITH parent AS (INSERT INTO "complaints_complaint"')
