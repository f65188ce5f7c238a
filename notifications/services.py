"""The outbox: queue a notice with the change that causes it, send it once,
retry what may succeed later, re-queue what the broker lost, and let staff
send a failed one again. (What providers report afterwards: delivery.py.)"""

from __future__ import annotations

import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.batch import insert_unless_conflict_send
from complaints.codes import ACKNOWLEDGEMENT_SENT
from complaints.models import Complaint, ComplaintEvent
from complaints.permissions import actor_require
from complaints.services import Actor, event_record

from . import codes, conf
from .content import render_notice
from .errors import DeliveryError, PermanentDeliveryError
from .models import Kind, Notification, Status
from .publish import task_publish
from .transports import transport_for

logger = logging.getLogger(__name__)

_random = secrets.SystemRandom()

# Enqueuing happens in the request that committed the row: with the broker
# down, give up quickly (the re-queue sweep sends the row later) rather than
# keep the customer waiting.
_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}

# Looked up by name in the Celery app's registry when enqueuing, so that this
# module never imports tasks.py (which imports it); eager mode still applies.
SEND_TASK = "notifications.tasks.notification_send"

RETRY_PERMISSION = "notifications.retry_notification"


@dataclass(frozen=True)
class SendOutcome:
    """What one run of the send did: ``sent``, ``retry`` (in ``retry_in``
    seconds), ``failed``, or ``skipped`` (someone else holds or finished it)."""

    result: str
    retry_in: float | None = None


SKIPPED = SendOutcome("skipped")


def notification_queue(
    *,
    complaint: Complaint,
    event: ComplaintEvent,
    kind: str,
    channel: str,
    recipient: str,
    language: str,
    recipient_user: Any = None,
) -> Notification:
    """Write the outbox row (inside the caller's transaction) and send it after commit.

    Queuing the same (event, kind, recipient) again returns the existing row.
    The text is rendered by the send, outside the request: a broken template
    cannot fail the change that caused the notice, and the notice sees what the
    other apps did in the same transaction (the due dates the sla app sets).
    """
    now = timezone.now()
    notification = Notification(
        complaint=complaint,
        event=event,
        kind=kind,
        channel=channel,
        recipient=recipient,
        recipient_user=recipient_user,
        language=language,
        idempotency_key=f"{event.pk}:{kind}:{recipient}",
        next_attempt_at=now,
        give_up_at=now + timedelta(seconds=conf.retry_max_seconds()),
    )
    # One statement, no savepoint: a row queued already under this key, perhaps
    # by a concurrent transaction that the INSERT waits for, is returned as is.
    # In a batch (common.batch: the submission's) it runs when the batch is sent.
    found: list[Notification] = []

    def answered(inserted: tuple[Any, ...] | None) -> None:
        if inserted is not None:  # sent once committed: a rollback sends nothing
            transaction.on_commit(partial(notification_enqueue, notification_id=notification.pk))
            return
        found.extend(Notification.objects.filter(idempotency_key=notification.idempotency_key)[:1])
        if not found:  # not a clash of keys (SQLite's OR IGNORE also skips a failed CHECK)
            raise IntegrityError("the notification was not inserted")

    insert_unless_conflict_send(notification, then=answered)
    return found[0] if found else notification


def notification_enqueue(*, notification_id: int, countdown: float | None = None) -> bool:
    """Hand the send task to the broker; False (logged) when the broker is unreachable.

    Never raises: the row is committed already and the re-queue sweep
    (``notifications_requeue_pending``) picks it up later.
    """
    try:
        options: dict[str, Any] = {"retry": True, "retry_policy": _PUBLISH_RETRY_POLICY}
        if countdown is not None:
            options["countdown"] = countdown
        # Celery's message, published on a client kept per process (publish.py).
        task_publish(SEND_TASK, (notification_id,), **options)
    except Exception:
        logger.warning(
            "could not enqueue notification %s; the re-queue sweep will send it",
            notification_id,
            exc_info=True,
        )
        return False
    return True


def _claimable(now: datetime) -> Q:
    stale = now - timedelta(seconds=conf.claim_timeout_seconds())
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_at__lt=stale
    )


def notification_send(*, notification_id: int) -> SendOutcome:
    """Send one outbox row, at most once however many times it is called.

    Safe to call twice, from two workers at once, or for a row already sent.
    """
    now = timezone.now()
    token = uuid.uuid4()
    # The claim closes the race between two workers (or a task delivered twice):
    # a conditional UPDATE that only one of them can win. On PostgreSQL the
    # loser blocks on the row lock, then re-reads it as `sending` with a fresh
    # claim and matches nothing. A claim older than the lease belongs to a
    # worker that died mid-send; taking it over may send a second copy, which
    # is the one case where "exactly once" becomes "at least once".
    claimed = Notification.objects.filter(_claimable(now), pk=notification_id).update(
        status=Status.SENDING,
        claimed_at=now,
        claim_token=token,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    if claimed != 1:
        return SKIPPED
    notification = Notification.objects.select_related("complaint").get(pk=notification_id)
    try:
        if not notification.body_text:
            _render(notification)
        message_id = _transmit(notification)
    except DeliveryError as exc:
        if isinstance(exc, PermanentDeliveryError):
            _mark_failed(notification, token, str(exc), permanent=True)
            return SendOutcome("failed")
        return _after_temporary_failure(notification, token, str(exc))
    try:
        recorded = _record_sent(notification, token, message_id)
    except Exception as exc:
        return _after_unrecorded_send(notification, token, exc)
    return SendOutcome("sent") if recorded else SKIPPED


def _record_sent(notification: Notification, token: uuid.UUID, message_id: str) -> bool:
    """Mark the row sent, on a new database connection if the old one was lost.

    The provider has the notice already: a row left ``sending`` is sent again
    once its lease runs out. A connection that dropped during the send (an idle
    timeout, a fail-over) is the commonest way to get there, so it is retried
    (the claim token makes a retry of a write that did commit a no-op).
    """
    for attempt in range(3):
        try:
            return _mark_sent(notification, token, message_id)
        except (OperationalError, InterfaceError):
            # Inside a caller's transaction a new connection would lose its work.
            if attempt == 2 or connection.in_atomic_block:
                raise
            logger.warning(
                "notification %s: sent, but the database failed; retrying", notification.pk
            )
            connection.close()
            time.sleep(0.2 * (attempt + 1))
    return False


def _render(notification: Notification) -> None:
    # Rendered once, on the first attempt; retries send the very same text.
    try:
        content = render_notice(notification)
    except Exception as exc:
        logger.exception("notification %s: could not render", notification.pk)
        raise PermanentDeliveryError(f"could not render the notice: {exc}") from exc
    notification.subject = content.subject[:255]
    notification.body_text = content.text
    notification.body_html = content.html
    # The version of "where else you can go" this very text carries.
    notification.recourse_text = content.recourse
    notification.save(
        update_fields=["subject", "body_text", "body_html", "recourse_text", "updated_at"]
    )


def _transmit(notification: Notification) -> str:
    return transport_for(notification.channel).deliver(notification)


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with "equal jitter": half the step fixed, half random,
    so retries after a provider outage do not arrive all at once."""
    step = min(
        conf.retry_max_delay_seconds(),
        conf.retry_base_seconds() * (2 ** max(attempts - 1, 0)),
    )
    return step / 2 + _random.uniform(0, step / 2)


def _after_temporary_failure(
    notification: Notification, token: uuid.UUID, error: str
) -> SendOutcome:
    now = timezone.now()
    delay = backoff_seconds(notification.attempts)
    if now + timedelta(seconds=delay) > notification.give_up_at:
        _mark_failed(notification, token, error, permanent=False)
        return SendOutcome("failed")
    released = Notification.objects.filter(
        pk=notification.pk, status=Status.SENDING, claim_token=token
    ).update(
        status=Status.PENDING,
        next_attempt_at=now + timedelta(seconds=delay),
        claimed_at=None,
        claim_token=None,
        last_error=error[:2000],
        updated_at=now,
    )
    logger.info(
        "notification %s: temporary failure (%s), next attempt in %.0fs",
        notification.pk,
        error,
        delay,
    )
    return SendOutcome("retry", retry_in=delay) if released else SKIPPED


def event_data(notification: Notification, **extra: Any) -> dict[str, Any]:
    return {
        "notification": notification.pk,
        "kind": notification.kind,
        "channel": notification.channel,
        "recipient": notification.recipient,
        "attempts": notification.attempts,
        **extra,
    }


def _mark_sent(notification: Notification, token: uuid.UUID, message_id: str) -> bool:
    """Record the notice as sent and report it, in one transaction.

    An acknowledgement is reported to complaints, whose reaction moves the
    complaint on (complaints.handlers) inside this same transaction: either
    the notice is recorded as sent *and* the complaint acknowledged, or
    neither is and the row can be claimed again (issue 8, item 3).
    """
    now = timezone.now()
    message_id = message_id[:255]
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, status=Status.SENDING, claim_token=token
        ).update(
            status=Status.SENT,
            sent_at=now,
            provider_message_id=message_id,
            # A new sending (staff sent a failed one again): the provider's
            # reports about it start over, so its own bounce counts again.
            delivery_status="",
            delivery_updated_at=None,
            claimed_at=None,
            claim_token=None,
            last_error="",
            updated_at=now,
        )
        if updated != 1:
            # Our lease ran out mid-send and another worker took the row over.
            logger.warning("notification %s: claim lost while sending", notification.pk)
            return False
        data = event_data(notification, message_id=message_id)
        event_record(complaint=notification.complaint, action=codes.NOTICE_SENT, data=data)
        if notification.kind == Kind.ACKNOWLEDGEMENT:
            event_record(
                complaint=notification.complaint,
                action=ACKNOWLEDGEMENT_SENT,
                note=_("Acknowledgement with the tracking number sent by %(channel)s.")
                % {"channel": notification.get_channel_display()},
                data=data,
            )
    return True


def _after_unrecorded_send(
    notification: Notification, token: uuid.UUID, exc: Exception
) -> SendOutcome:
    """The provider took the notice but recording it failed (and rolled back):
    the row is still ours and not sent. Give it back for a later attempt, which
    sends it again (receivers that de-duplicate by Message-ID show it once) and
    records both. If even that fails, the lease runs out and the re-queue sweep
    takes the row over."""
    logger.exception("notification %s: sent, but could not record it", notification.pk)
    try:
        return _after_temporary_failure(
            notification, token, f"sent, but not recorded: {type(exc).__name__}: {exc}"
        )
    except Exception:
        logger.exception("notification %s: left to the re-queue sweep", notification.pk)
        return SendOutcome("retry")


def _mark_failed(
    notification: Notification, token: uuid.UUID, error: str, *, permanent: bool
) -> None:
    now = timezone.now()
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, status=Status.SENDING, claim_token=token
        ).update(
            status=Status.FAILED,
            failed_at=now,
            claimed_at=None,
            claim_token=None,
            last_error=error[:2000],
            updated_at=now,
        )
        if updated != 1:
            return
        logger.warning("notification %s failed: %s", notification.pk, error)
        event_record(
            complaint=notification.complaint,
            action=codes.NOTICE_FAILED,
            note=error[:500],
            data=event_data(notification, permanent=permanent),
        )


def notification_retry(*, notification: Notification, actor: Actor) -> bool:
    """Staff send a failed notice again (with a fresh time budget). False when
    it is not failed (any more)."""
    actor_require(actor, RETRY_PERMISSION)
    now = timezone.now()
    with transaction.atomic():
        updated = Notification.objects.filter(pk=notification.pk, status=Status.FAILED).update(
            status=Status.PENDING,
            next_attempt_at=now,
            give_up_at=now + timedelta(seconds=conf.retry_max_seconds()),
            failed_at=None,
            updated_at=now,
        )
        if updated != 1:
            return False
        event_record(
            complaint=notification.complaint,
            action=codes.NOTICE_RETRIED,
            actor=actor,
            data=event_data(notification),
        )
        transaction.on_commit(partial(notification_enqueue, notification_id=notification.pk))
    return True


def notification_requeue_pending(*, now: datetime | None = None) -> int:
    """Enqueue again the rows nobody is working on: pending past their time (the
    broker was down at commit, or lost a scheduled retry) and claims past their
    lease (a worker died). Running it twice, or alongside the workers, is
    harmless: each send claims its row first."""
    now = now or timezone.now()
    due = now - timedelta(seconds=conf.requeue_grace_seconds())
    stale = now - timedelta(seconds=conf.claim_timeout_seconds())
    ids = list(
        Notification.objects.filter(
            Q(status=Status.PENDING, next_attempt_at__lte=due)
            | Q(status=Status.SENDING, claimed_at__lt=stale)
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[: conf.requeue_batch_size()]
    )
    for notification_id in ids:
        notification_enqueue(notification_id=notification_id)
    return len(ids)
