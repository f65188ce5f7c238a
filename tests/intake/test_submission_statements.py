"""Issue 15, item 2: a submission through the web form or the API is one
transaction of at most ten SQL statements (BEGIN and COMMIT counted), without
savepoints; the web form's request adds only its session's INSERT. With a
broker the acknowledgement is only enqueued; without one (``make run``) the
request sends it too, in one more transaction, and it is recorded once. A
query added to the submission path makes these tests fail."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from complaints import codes
from complaints.models import Complaint, PrivacyNotice, Stage
from complaints.privacy import privacy_notice_version_of
from config.celery import app
from notifications.models import Notification, Status
from tests.factories import make_complaint
from tests.wire import sent

LIMIT = 10
# On PostgreSQL the receipt writes the complaint with its history row, and the
# share with its daily figures, one statement each (data-modifying WITH); the
# notice, the figures and the idempotency keys (web form only) go in one
# message (common.batch): BEGIN, the customer (matched and held), the
# complaint, the three, COMMIT; a new customer's INSERT is one more.
ON_POSTGRESQL = {"web": 5, "api": 5}


def _on_postgresql(edge: str, customer: str) -> int:
    return ON_POSTGRESQL[edge] + (customer == "a new customer")


# Real transactions (BEGIN ... COMMIT), not the test's savepoints.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

celery_app: Any = app


@pytest.fixture
def broker():
    """Tasks go to an in-memory broker that no worker reads: nothing is sent in the request."""
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://localhost/"
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _transactions(sql: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for statement in sql:
        if statement.upper().startswith("BEGIN"):
            current = [statement]
        elif current is not None:
            current.append(statement)
            if statement.upper().startswith(("COMMIT", "ROLLBACK")):
                blocks.append(current)
                current = None
    return blocks


def _captured(send: Any) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = send()
    return response, [q["sql"] for q in captured.captured_queries]


def _submission(sql: list[str]) -> list[list[str]]:
    """The request's transactions other than Django's session save (web form only)."""
    return [block for block in _transactions(sql) if not any("django_session" in s for s in block)]


def _form(**overrides: str) -> dict[str, str]:
    return {
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.com",
        "phone": "",
        "kind": "complaint",
        "subject": "Fatura hatası",
        "description": "Bu ay iki kez ücret alındı.",
        "submission_id": str(uuid.uuid4()),
        "privacy_notice_version": "1",
        **overrides,
    }


API = {
    "name": "Ayşe Yılmaz",
    "email": "ayse@example.com",
    "kind": "complaint",
    "subject": "Bağlantı kopuyor",
    "description": "Üç gündür akşamları bağlantı kopuyor.",
}


@pytest.fixture(autouse=True)
def _steady_state():
    notice = PrivacyNotice.objects.get(version=1)  # published by a migration
    privacy_notice_version_of(notice.pk)  # the API's answer names it: read once per process
    # A process reads the staff's calendar overrides once, at its first due date
    # (sla.calendar_cache): measured here is every submission after that one.
    make_complaint(name="Mehmet Demir", email="mehmet@example.com")


@pytest.fixture(params=["a new customer", "a known customer"])
def customer(request):
    if request.param == "a known customer":
        make_complaint(name="Ayşe Yılmaz", email="ayse@example.com", description="Önceki.")
    return request.param


def test_a_web_submission_is_one_transaction_of_at_most_ten_statements(client, broker, customer):
    response, sql = _captured(lambda: client.post("/submit/", _form()))

    assert response.status_code == 302
    [submission] = _transactions(sql)  # the request's only transaction
    assert len(submission) <= LIMIT, "\n".join(submission)
    if connection.vendor == "postgresql":
        assert len(submission) == _on_postgresql("web", customer), "\n".join(submission)
    assert not [s for s in sql if s.upper().startswith("SAVEPOINT")]
    # Nothing outside it: the confirmation page's number is in a signed cookie.
    assert [s for s in sql if s not in submission] == []
    assert Notification.objects.latest("id").status == Status.PENDING  # enqueued, not sent


def test_an_api_submission_is_one_transaction_of_at_most_ten_statements(broker, customer):
    api = APIClient()
    response, sql = _captured(lambda: api.post("/api/v1/public/complaints/", API, format="json"))

    assert response.status_code == 201, response.json()
    assert len(sql) <= LIMIT, "\n".join(sql)
    if connection.vendor == "postgresql":
        assert len(sql) == _on_postgresql("api", customer), "\n".join(sql)
    assert len(_transactions(sql)) == 1
    assert not [s for s in sql if s.upper().startswith("SAVEPOINT")]
    body = response.json()
    complaint = Complaint.objects.get(tracking_number=body["tracking_number"])
    assert body["ack_due_at"] is not None
    assert complaint.privacy_notice is not None
    assert body["privacy_notice_version"] == complaint.privacy_notice.version == 1


@pytest.mark.postgres
@pytest.mark.parametrize("edge", ["web", "api"])
def test_a_submission_reaches_postgresql_in_one_message_per_statement_begin_included(
    client, broker, customer, edge
):
    # BEGIN goes with the first statement (common/postgresql/base.py): one
    # round trip each for the customer, the complaint, the batch and COMMIT.
    with sent() as messages:
        if edge == "web":
            response = client.post("/submit/", _form())
        else:
            response = APIClient().post("/api/v1/public/complaints/", API, format="json")
    assert response.status_code in (201, 302)
    assert len(messages) == _on_postgresql(edge, customer) - 1, "\n".join(messages)
    assert messages[0].startswith("BEGIN; SELECT ")
    assert messages[-1] == "COMMIT"


def test_an_api_submission_with_an_idempotency_key_stays_within_ten(broker):
    def send():
        return APIClient().post(
            "/api/v1/public/complaints/", API, format="json", HTTP_IDEMPOTENCY_KEY="order-42"
        )

    response, sql = _captured(send)

    assert response.status_code == 201
    assert len(sql) <= LIMIT, "\n".join(sql)
    assert len(_transactions(sql)) == 1
    again, _sql = _captured(send)
    assert again.status_code == 200
    assert again.json()["tracking_number"] == response.json()["tracking_number"]
    assert Complaint.objects.filter(contact_email="ayse@example.com").count() == 1


def test_the_due_dates_and_the_notice_version_are_written_with_the_complaint(client, broker):
    client.post("/submit/", _form())

    complaint = Complaint.objects.get(contact_email="ayse@example.com")
    assert complaint.ack_due_at is not None and complaint.ack_at_risk_after is not None
    assert complaint.privacy_notice is not None and complaint.privacy_notice.version == 1
    assert complaint.privacy_notice_given == "shown"


def test_without_a_broker_the_request_sends_in_one_more_transaction_and_records_it_once(
    client, mailoutbox
):
    response, sql = _captured(lambda: client.post("/submit/", _form()))

    assert response.status_code == 302
    assert len(_submission(sql)) <= 2, "\n\n".join("\n".join(b) for b in _submission(sql))
    complaint = Complaint.objects.get(contact_email="ayse@example.com")
    assert complaint.stage == Stage.ACKNOWLEDGED
    assert complaint.events.filter(action=codes.ACKNOWLEDGEMENT_SENT).count() == 1
    assert Notification.objects.get(complaint=complaint).status == Status.SENT
    assert [m.to for m in mailoutbox].count(["ayse@example.com"]) == 1
