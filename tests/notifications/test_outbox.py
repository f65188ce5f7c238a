"""The outbox: a notice is written with the change that causes it, sent after
commit, exactly once, retried while a retry can help, and re-queued when the
broker lost it."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from complaints.models import ComplaintEvent
from complaints.services import event_record
from notifications import services
from notifications.errors import PermanentDeliveryError, TemporaryDeliveryError
from notifications.models import Notification, Status
from notifications.tasks import notification_send_task, notifications_requeue_pending
from notifications.transports import transports_override
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db


class FlakyTransport:
    """Stands in for the e-mail transport: fails as scripted, then succeeds."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.sent: list[str] = []

    def deliver(self, notification: Notification) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(notification.recipient)
        return f"<msg-{len(self.sent)}@test>"


@pytest.fixture
def transport():
    """Install a FlakyTransport for e-mail through the transport registry."""
    with ExitStack() as stack:

        def install(*failures: Exception) -> FlakyTransport:
            fake = FlakyTransport(*failures)
            stack.enter_context(transports_override(email=fake))
            return fake

        yield install


def _due(notification: Notification) -> None:
    """Move the next attempt to now, as if the backoff had elapsed."""
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())


def test_the_notice_is_written_in_the_same_transaction_as_its_cause(mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_complaint()
        assert Notification.objects.count() == 1
        raise RuntimeError("the submission fails after the notice was queued")

    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_nothing_is_sent_before_commit(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_complaint()
    notice = Notification.objects.get()
    assert notice.status == Status.PENDING
    assert mailoutbox == []

    for callback in callbacks:
        callback()
    notice.refresh_from_db()
    assert notice.status == Status.SENT
    assert len(mailoutbox) == 1


def test_queuing_the_same_event_twice_keeps_one_row():
    complaint = make_complaint()
    event = complaint.events.get(action="complaints.complaint.received")
    again = services.notification_queue(
        complaint=complaint,
        event=event,
        kind="acknowledgement",
        channel="email",
        recipient=complaint.contact_email,
        language="tr",
    )

    assert Notification.objects.get() == again
    assert again.idempotency_key == f"{event.pk}:acknowledgement:{complaint.contact_email}"


def test_the_send_task_run_twice_sends_once(mailoutbox):
    complaint = make_complaint()
    notice = Notification.objects.get(complaint=complaint)

    assert notification_send_task.delay(notice.pk).get() == "sent"
    assert notification_send_task.delay(notice.pk).get() == "skipped"

    assert len(mailoutbox) == 1
    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.attempts == 1
    assert notice.provider_message_id
    assert ComplaintEvent.objects.filter(action="notifications.notice.sent").count() == 1


def test_our_own_history_rows_cause_no_notices(mailoutbox, django_capture_on_commit_callbacks):
    complaint = make_complaint()
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        for action in (
            "notifications.notice.sent",
            "notifications.notice.failed",
            "notifications.complaint.received",
        ):
            event_record(complaint=complaint, action=action)

    assert Notification.objects.count() == before


def test_a_temporary_failure_is_retried_with_growing_waits(transport, settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    fake = transport(TemporaryDeliveryError("503 busy"), TemporaryDeliveryError("timed out"))
    make_complaint()
    notice = Notification.objects.get()

    started = timezone.now()
    first = services.notification_send(notification_id=notice.pk)
    notice.refresh_from_db()
    assert first.result == "retry" and first.retry_in is not None
    assert notice.status == Status.PENDING and notice.last_error == "503 busy"
    # Equal jitter: between half and the whole of the step (60 s, then 120 s).
    assert 30 <= first.retry_in <= 60
    assert started + timedelta(seconds=29) <= notice.next_attempt_at

    # Not due yet: a duplicate task does not cut the wait short.
    assert services.notification_send(notification_id=notice.pk).result == "skipped"

    _due(notice)
    second = services.notification_send(notification_id=notice.pk)
    assert second.result == "retry" and second.retry_in is not None
    assert 60 <= second.retry_in <= 120

    _due(notice)
    assert services.notification_send(notification_id=notice.pk).result == "sent"
    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.attempts == 3
    assert fake.sent == [notice.recipient]


def test_retries_stop_after_the_time_budget_and_the_notice_shows_as_failed(transport, settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 100
    transport(*[TemporaryDeliveryError("connection refused")] * 10)
    complaint = make_complaint()
    notice = Notification.objects.get()

    outcomes = []
    for _ in range(5):
        outcomes.append(services.notification_send(notification_id=notice.pk).result)
        _due(notice)
        notice.refresh_from_db()
        if notice.status == Status.FAILED:
            break

    assert outcomes[-1] == "failed"
    assert len(outcomes) <= 3
    assert notice.status == Status.FAILED and notice.failed_at is not None
    failed = complaint.events.get(action="notifications.notice.failed")
    assert failed.data["permanent"] is False
    assert "connection refused" in failed.note


def test_a_permanent_failure_is_not_retried(transport):
    fake = transport(PermanentDeliveryError("550 no such user"))
    complaint = make_complaint()
    notice = Notification.objects.get()

    assert services.notification_send(notification_id=notice.pk).result == "failed"
    _due(notice)
    assert services.notification_send(notification_id=notice.pk).result == "skipped"
    assert services.notification_requeue_pending(now=timezone.now() + timedelta(days=1)) == 0

    notice.refresh_from_db()
    assert notice.status == Status.FAILED and notice.attempts == 1
    assert fake.sent == []
    assert complaint.events.get(action="notifications.notice.failed").data["permanent"] is True
    complaint.refresh_from_db()
    assert complaint.stage == "received"  # not acknowledged: staff must phone


def test_a_crashed_workers_claim_is_taken_over_after_the_lease(transport, settings):
    settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = 300
    fake = transport()
    make_complaint()
    notice = Notification.objects.get()
    # A worker claimed it and died before sending.
    claimed_at = timezone.now() - timedelta(seconds=10)
    Notification.objects.filter(pk=notice.pk).update(
        status=Status.SENDING,
        claimed_at=claimed_at,
        claim_token="00000000-0000-0000-0000-000000000001",
    )

    assert services.notification_send(notification_id=notice.pk).result == "skipped"
    Notification.objects.filter(pk=notice.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=301)
    )
    assert services.notification_send(notification_id=notice.pk).result == "sent"
    assert fake.sent == [notice.recipient]


def test_the_requeue_sweep_sends_what_was_left_pending_and_is_safe_to_run_twice(
    transport, settings
):
    settings.NOTIFICATIONS_REQUEUE_GRACE_SECONDS = 60
    fake = transport()
    # Committed, but the task never reached a worker (the broker was down).
    make_complaint(email="a@example.com")
    make_complaint(email="b@example.com")
    assert fake.sent == []

    # Too fresh: the task enqueued at commit may still be on its way.
    assert notifications_requeue_pending.delay().get() == 0

    Notification.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=61))
    assert notifications_requeue_pending.delay().get() == 2
    assert notifications_requeue_pending.delay().get() == 0

    assert sorted(fake.sent) == ["a@example.com", "b@example.com"]
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}


def test_the_requeue_sweep_takes_over_stale_claims(transport, settings):
    settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = 300
    fake = transport()
    make_complaint()
    Notification.objects.update(
        status=Status.SENDING,
        claimed_at=timezone.now() - timedelta(seconds=400),
        claim_token="00000000-0000-0000-0000-000000000002",
    )

    assert services.notification_requeue_pending() == 1
    assert services.notification_requeue_pending() == 0
    assert len(fake.sent) == 1


def test_a_template_that_cannot_render_fails_the_notice_not_the_submission(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    def broken(notification):
        raise ValueError("template missing")

    monkeypatch.setattr(services, "render_notice", broken)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint()

    notice = Notification.objects.get()
    assert notice.status == Status.FAILED
    assert "template missing" in notice.last_error
    assert complaint.pk is not None and mailoutbox == []


def test_backoff_grows_and_is_capped(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 10
    settings.NOTIFICATIONS_RETRY_MAX_DELAY_SECONDS = 100
    waits = [services.backoff_seconds(n) for n in range(1, 10)]

    assert 5 <= waits[0] <= 10
    assert 10 <= waits[1] <= 20
    assert all(50 <= w <= 100 for w in waits[4:])
