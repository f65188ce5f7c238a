"""The broker is down when the transaction commits: the customer's request
still succeeds, and the re-queue sweep sends the notice once it is back."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from complaints.models import Complaint
from config.celery import app
from notifications.models import Notification, Status
from notifications.services import notification_requeue_pending

from .smtp_server import free_port

pytestmark = pytest.mark.django_db

# Reaching into Celery's connection caches, which its type stubs do not show.
celery_app: Any = app


def _reset_connections() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    _reset_connections()
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous
    _reset_connections()


def test_a_submission_succeeds_while_the_broker_is_down_and_the_sweep_sends_later(
    client, broker_down, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/submit/",
            {
                "name": "Mehmet Demir",
                "email": "mehmet@example.com",
                "phone": "",
                "kind": "complaint",
                "subject": "Modem arızası",
                "description": "Modem sürekli yeniden başlıyor.",
                "submission_id": str(uuid.uuid4()),
            },
        )
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 10  # the customer is not kept waiting on the broker
    complaint = Complaint.objects.get()
    notice = Notification.objects.get()
    assert notice.status == Status.PENDING
    assert mailoutbox == []
    assert "re-queue sweep will send it" in caplog.text

    # The broker is back (tasks in-process again); beat runs the sweep.
    celery_app.conf.task_always_eager = True
    assert notification_requeue_pending(now=timezone.now() + timedelta(minutes=5)) == 1

    notice.refresh_from_db()
    assert notice.status == Status.SENT
    (message,) = mailoutbox
    assert complaint.tracking_number in message.body
