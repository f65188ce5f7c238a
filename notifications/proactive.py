"""Proactive notices (issue 10, item 7): the customer is told, unasked, when the
complaint is classified (with its due date), when its due date moves (waiting
on the customer pauses or resumes the clock, a recomputation), and when staff
ask them something. NOTIFICATIONS_PROACTIVE says which of these are told.

**Coalescing.** Events within NOTIFICATIONS_PROACTIVE_COALESCE_SECONDS of each
other go out as one notice. The first event writes an outbox row that is
*held*: pending, with ``next_attempt_at`` at the end of the window, so no
worker can claim it yet (the claim needs ``next_attempt_at <= now``). A later
event in the window is *merged*: it locks the held row, links itself to it and
moves the end of the window on (never past MAX_WINDOWS windows after the
first event). The text is rendered when the row is sent, from every event
linked to it and the complaint as it is then (its current due date).

**Exactly once, nothing lost.** Each event gets one ProactiveEvent row (unique
on the event): it is told in one notice, either the one it opened or the one it
joined, and the row is written in the transaction of the event itself, so a
rollback or a crash takes both or neither. A row only takes new events while
it was never attempted (``attempts = 0``: nothing rendered yet) and is still
held; a worker that claimed it first leaves the merge to open a new row. The
send is the outbox's (claim, then record), so the notice goes out once; a
held row whose task the broker lost is re-queued by the sweep once due.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from complaints import codes
from complaints.history import moves_due_date
from complaints.models import Complaint, ComplaintEvent

from . import conf
from .models import Kind, Notification, Proactive, ProactiveEvent, Status
from .notices import customer_contact
from .services import notification_enqueue

# The kinds a proactive notice has: a question, if it carries one, else an update.
PROACTIVE_KINDS = (Kind.UPDATE, Kind.QUESTION)

# A window moves on with each event, but a stream of events every few seconds
# must not hold the notice for ever: at most this many windows after the first.
MAX_WINDOWS = 5


def proactive_what(event: ComplaintEvent) -> str | None:
    """What ``event`` tells the customer, or None (nothing they are told of)."""
    if event.action == codes.CLASSIFIED:
        return Proactive.CLASSIFIED
    if event.action == codes.MESSAGE_FROM_STAFF:
        return Proactive.QUESTION if event.data.get("question") else None
    if moves_due_date(event.action):
        data = event.data
        if "to" in data:
            return Proactive.DUE_MOVED if data.get("to") != data.get("from") else None
        return Proactive.DUE_MOVED if data.get("due_at") else None
    return None


def proactive_wanted(what: str) -> bool:
    return what in conf.proactive()


def notice_proactive_queue(*, complaint: Complaint, event: ComplaintEvent) -> Notification | None:
    """Tell the customer of ``event`` in a notice of its own or the one held for
    the window (inside the event's transaction); None when there is nothing to
    tell, it is switched off, or the customer has no address or number."""
    what = proactive_what(event)
    if what is None or not proactive_wanted(what):
        return None
    contact = customer_contact(complaint=complaint)
    if contact is None:
        return None
    linked = ProactiveEvent.objects.filter(event=event).select_related("notification").first()
    if linked is not None:
        return linked.notification  # the reaction ran twice: told already
    channel, recipient = contact
    window = conf.proactive_coalesce_seconds()
    now = timezone.now()
    with transaction.atomic():
        held = _held(complaint=complaint, channel=channel, recipient=recipient, now=now)
        if held is None:
            return _open(complaint, event, what, channel, recipient, now, window)
        return _merge(held, event, what, now, window)


def _held(
    *, complaint: Complaint, channel: str, recipient: str, now: datetime
) -> Notification | None:
    # Locked: a second event of the same complaint merging at the same moment
    # waits for this one. A worker's claim (an UPDATE ... WHERE next_attempt_at
    # <= now) waits too, and then finds the window moved on; or it claimed the
    # row first, which is then no longer pending and not found here.
    return (
        Notification.objects.select_for_update()
        .filter(
            complaint=complaint,
            kind__in=PROACTIVE_KINDS,
            channel=channel,
            recipient=recipient,
            status=Status.PENDING,
            attempts=0,
            next_attempt_at__gt=now,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def _open(
    complaint: Complaint,
    event: ComplaintEvent,
    what: str,
    channel: str,
    recipient: str,
    now: datetime,
    window: float,
) -> Notification:
    send_at = now + timedelta(seconds=window)
    notification, created = Notification.objects.get_or_create(
        idempotency_key=f"{event.pk}:proactive:{recipient}",
        defaults={
            "complaint": complaint,
            "event": event,
            "kind": Kind.QUESTION if what == Proactive.QUESTION else Kind.UPDATE,
            "channel": channel,
            "recipient": recipient,
            "language": complaint.language,
            "next_attempt_at": send_at,
            "give_up_at": send_at + timedelta(seconds=conf.retry_max_seconds()),
        },
    )
    ProactiveEvent.objects.get_or_create(
        event=event, defaults={"notification": notification, "what": what}
    )
    if created:
        _enqueue_at_commit(notification.pk, window)
    return notification


def _merge(
    held: Notification, event: ComplaintEvent, what: str, now: datetime, window: float
) -> Notification:
    ProactiveEvent.objects.create(event=event, notification=held, what=what)
    latest = held.created_at + timedelta(seconds=window * MAX_WINDOWS)
    send_at = max(held.next_attempt_at, min(now + timedelta(seconds=window), latest))
    values: dict[str, object] = {
        "next_attempt_at": send_at,
        "give_up_at": send_at + timedelta(seconds=conf.retry_max_seconds()),
        "updated_at": now,
    }
    if what == Proactive.QUESTION:
        values["kind"] = Kind.QUESTION  # its subject asks for the answer
    Notification.objects.filter(pk=held.pk).update(**values)
    for name, value in values.items():
        setattr(held, name, value)
    _enqueue_at_commit(held.pk, (send_at - now).total_seconds())
    return held


def _enqueue_at_commit(notification_id: int, countdown: float) -> None:
    # The task arrives when the window has passed; a task that arrives early
    # (tasks run in-process, or the window moved on) finds the row not due and
    # does nothing, and the last one enqueued, or the re-queue sweep, sends it.
    transaction.on_commit(
        partial(
            notification_enqueue,
            notification_id=notification_id,
            countdown=countdown if countdown > 0 else None,
        )
    )
