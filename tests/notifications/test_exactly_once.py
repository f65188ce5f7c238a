"""Exactly once when workers race (PostgreSQL) and through a real Celery
worker on Redis."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from django.db import connection

from notifications import services
from notifications.models import Notification, Status
from notifications.transports import transports_override
from tests.factories import make_complaint


@pytest.fixture
def seeded(transactional_db):
    """The category and root cause the happy path needs (restored by
    serialized_rollback after an earlier transactional test's flush; made here
    too so the test does not depend on that)."""
    from complaints.models import Category, RootCause

    Category.objects.get_or_create(
        code="financial",
        defaults={"name_tr": "Finansal", "name_en": "Financial", "default_priority": "normal"},
    )
    RootCause.objects.get_or_create(
        code="process", defaults={"name_tr": "Süreç", "name_en": "Process"}
    )


class SlowCountingTransport:
    """Takes a while to send, so racing workers overlap, and counts real sends."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.lock = threading.Lock()

    def deliver(self, notification: Notification) -> str:
        time.sleep(0.3)
        with self.lock:
            self.sent.append(notification.recipient)
            return f"<{len(self.sent)}@test>"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_racing_on_the_same_row_send_it_once(monkeypatch):
    # The row is committed but its task has not run (as if the broker were slow).
    monkeypatch.setattr(services, "notification_enqueue", lambda **kwargs: True)
    make_complaint()
    notice = Notification.objects.get()
    transport = SlowCountingTransport()

    workers = 8
    barrier = threading.Barrier(workers)
    results: list[str] = []

    def worker() -> None:
        try:
            barrier.wait()
            outcome = services.notification_send(notification_id=notice.pk)
            results.append(outcome.result)
        finally:
            connection.close()

    with transports_override(email=transport):
        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)

    assert sorted(results) == ["sent"] + ["skipped"] * (workers - 1)
    assert transport.sent == [notice.recipient]
    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.attempts == 1
    assert notice.complaint.events.filter(action="notifications.notice.sent").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_customers_clicks_spend_the_link_once(monkeypatch, seeded):
    from complaints.models import Stage
    from notifications.answers import AnswerLinkError, answer_token_make, decision_answer_record
    from tests.factories import UserFactory
    from tests.helpers import advance

    representative = UserFactory(username="rep", groups=["Representative"])
    monkeypatch.setattr(services, "notification_enqueue", lambda **kwargs: True)
    complaint = advance(make_complaint(), Stage.DECISION_NOTIFIED, representative)
    notice = Notification.objects.get(complaint=complaint, kind="decision")
    token = answer_token_make(notification=notice)

    barrier = threading.Barrier(2)
    results: list[str] = []

    def click(answer: str) -> None:
        try:
            barrier.wait()
            decision_answer_record(token=token, answer=answer, reason="Olmadı.")
            results.append(answer)
        except AnswerLinkError as exc:
            results.append(exc.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(a,)) for a in ("accepted", "rejected")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(results) == 2 and sum(r in ("accepted", "rejected") for r in results) == 1
    complaint.refresh_from_db()
    assert complaint.stage in (Stage.CLOSED, Stage.IN_ANALYSIS)


@pytest.fixture
def celery_worker_on_own_queue():
    """A real Celery worker (in a thread) consuming a queue of its own on the
    Redis broker, so that workers of other test runs sharing the broker cannot
    take our tasks."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    queue = f"notifications-test-{uuid.uuid4().hex[:8]}"
    previous_routes = app.conf.task_routes
    app.conf.task_routes = {"notifications.tasks.*": {"queue": queue}}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    assert not app.conf.task_always_eager, "REDIS_URL must make tasks go through the broker"
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30
        ) as worker:
            yield worker
    finally:
        app.conf.task_routes = previous_routes
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)
        with app.connection_for_write() as conn:
            channel: Any = conn.default_channel
            channel.queue_delete(queue)
            channel.exchange_delete(queue)
        # The worker narrowed the app's queues to ours: consume from all again.
        setattr(app.amqp.queues, "_consume_from", None)  # noqa: B010
        app.amqp.queues.pop(queue, None)


def _wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_the_acknowledgement_exactly_once(
    smtp, client, celery_worker_on_own_queue
):
    from notifications.tasks import notification_send_task

    response = client.post(
        "/submit/",
        {
            "name": "Zeynep Kaya",
            "email": "zeynep@example.com",
            "phone": "",
            "kind": "complaint",
            "subject": "Hız düşük",
            "description": "Akşamları hız 2 Mbps'e düşüyor.",
            "submission_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    notice = Notification.objects.get()

    assert _wait_for(lambda: Notification.objects.get(pk=notice.pk).status == Status.SENT)

    # The same task delivered again, and the sweep: nothing more goes out.
    notification_send_task.delay(notice.pk)
    services.notification_requeue_pending()
    time.sleep(1.0)

    assert len(smtp.messages) == 1
    assert notice.complaint.tracking_number in smtp.messages[0]["Subject"]
    assert _wait_for(lambda: notice.complaint.events.filter(to_stage="acknowledged").exists())
