"""Acknowledged, but left in `received` (issue 8, item 3): marking the
acknowledgement sent and moving the complaint to `acknowledged` happen in one
transaction, so a failure or a killed worker between the two steps can never
leave the notice recorded as sent and the complaint in `received`; the row
stays claimable and the next attempt completes both."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from complaints import codes as complaint_codes
from complaints import handlers as complaint_handlers
from complaints.models import Complaint, Stage
from notifications import codes, services
from notifications.models import Notification, Status
from notifications.transports import transports_override
from tests.factories import make_complaint

STEPS = (codes.NOTICE_SENT, complaint_codes.ACKNOWLEDGEMENT_SENT, complaint_codes.ACKNOWLEDGED)


class WorkerKilled(BaseException):
    """Stands for the process dying mid-step: no ``except Exception`` stops it."""


class Accepting:
    """A provider that takes every notice."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def deliver(self, notification: Notification) -> str:
        self.sent.append(notification.recipient)
        return f"<{len(self.sent)}@accepted.test>"


def _failing_after(exc: BaseException) -> Callable[..., Any]:
    """complaint_transition that does all its work, then fails before the commit."""
    real = complaint_handlers.complaint_transition

    def transition(**kwargs: Any) -> Any:
        real(**kwargs)
        raise exc

    return transition


def _recorded(complaint: Complaint) -> dict[str, int]:
    return {code: complaint.events.filter(action=code).count() for code in STEPS}


def _assert_neither_step_happened(notice: Notification) -> None:
    notice.refresh_from_db()
    complaint = Complaint.objects.get(pk=notice.complaint_id)
    assert notice.status != Status.SENT and notice.sent_at is None
    assert complaint.stage == Stage.RECEIVED
    assert _recorded(complaint) == dict.fromkeys(STEPS, 0)


def _assert_both_steps_happened_once(notice: Notification) -> None:
    notice.refresh_from_db()
    complaint = Complaint.objects.get(pk=notice.complaint_id)
    assert notice.status == Status.SENT
    assert complaint.stage == Stage.ACKNOWLEDGED
    assert _recorded(complaint) == dict.fromkeys(STEPS, 1)


@pytest.mark.django_db
def test_the_acknowledgement_is_reported_to_complaints_which_moves_the_complaint_on(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint()

    notice = Notification.objects.get(complaint=complaint)
    _assert_both_steps_happened_once(notice)
    reported = complaint.events.get(action=complaint_codes.ACKNOWLEDGEMENT_SENT)
    assert reported.data["notification"] == notice.pk
    acknowledged = complaint.events.get(action=complaint_codes.ACKNOWLEDGED)
    assert acknowledged.note == reported.note
    assert str(notice.get_channel_display()) in reported.note
    assert acknowledged.actor is None and reported.id < acknowledged.id


@pytest.mark.django_db
def test_a_failure_between_marking_sent_and_acknowledging_undoes_both_and_a_retry_does_both(
    monkeypatch, django_capture_on_commit_callbacks
):
    provider = Accepting()
    monkeypatch.setattr(
        complaint_handlers, "complaint_transition", _failing_after(RuntimeError("db hiccup"))
    )
    with transports_override(email=provider), django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint()

    notice = Notification.objects.get(complaint=complaint)
    _assert_neither_step_happened(notice)
    assert notice.status == Status.PENDING  # given back at once, for a later attempt
    assert "sent, but not recorded" in notice.last_error and "db hiccup" in notice.last_error
    assert provider.sent == [notice.recipient]

    monkeypatch.undo()
    Notification.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now())
    with transports_override(email=provider):
        assert services.notification_send(notification_id=notice.pk).result == "sent"

    _assert_both_steps_happened_once(notice)
    # The price: the customer got the acknowledgement twice (one Message-ID).
    assert provider.sent == [notice.recipient] * 2


@pytest.mark.django_db
def test_a_worker_killed_between_the_two_steps_leaves_the_row_to_the_requeue_sweep(
    monkeypatch, settings
):
    settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = 300
    provider = Accepting()
    complaint = make_complaint()  # committed; its send task has not run
    notice = Notification.objects.get(complaint=complaint)
    monkeypatch.setattr(complaint_handlers, "complaint_transition", _failing_after(WorkerKilled()))

    with transports_override(email=provider), pytest.raises(WorkerKilled):
        services.notification_send(notification_id=notice.pk)

    _assert_neither_step_happened(notice)
    assert notice.status == Status.SENDING  # the dead worker's claim

    monkeypatch.undo()
    Notification.objects.filter(pk=notice.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=301)
    )
    with transports_override(email=provider):
        assert services.notification_requeue_pending() == 1
        assert services.notification_requeue_pending() == 0

    _assert_both_steps_happened_once(notice)
    assert provider.sent == [notice.recipient] * 2


# A worker process that sends the acknowledgement and dies (os._exit: no
# cleanup, no commit) once the complaint has been moved on, before the commit.
KILLED_WORKER = """
import os, sys
import django

django.setup()
from complaints import handlers
from notifications import services
from notifications.transports import transports_override

real = handlers.complaint_transition

def transition(**kwargs):
    real(**kwargs)
    sys.stdout.flush()
    os._exit(137)

handlers.complaint_transition = transition

class Accepting:
    def deliver(self, notification):
        return "<killed@accepted.test>"

with transports_override(email=Accepting()):
    services.notification_send(notification_id=int(sys.argv[1]))
os._exit(0)
"""


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_process_killed_before_the_commit_leaves_the_complaint_to_be_acknowledged(
    monkeypatch, settings
):
    settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = 300
    # The row is committed but its task waits for the worker we start below.
    monkeypatch.setattr(services, "notification_enqueue", lambda **kwargs: True)
    complaint = make_complaint()
    notice = Notification.objects.get(complaint=complaint)
    env = {**os.environ, "DATABASE_URL": _database_url()}
    env.pop("REDIS_URL", None)

    worker = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", KILLED_WORKER, str(notice.pk)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert worker.returncode == 137, worker.stderr
    _assert_neither_step_happened(notice)
    assert notice.status == Status.SENDING and notice.attempts == 1

    monkeypatch.undo()
    Notification.objects.filter(pk=notice.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=301)
    )
    provider = Accepting()
    with transports_override(email=provider):
        assert services.notification_requeue_pending() == 1

    _assert_both_steps_happened_once(notice)
    assert provider.sent == [notice.recipient]
