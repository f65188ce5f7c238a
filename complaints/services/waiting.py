"""Waiting on the customer (PROCESS.md "Waiting on the customer").

Staff ask the customer for information that only the customer can give: the
question is a staff message to the customer, and the complaint is *waiting on
the customer* from then on. The wait ends when the customer answers on any
channel (complaints.handlers reacts to their message), when staff resume, or
when the complaint steps past the stages where it may wait (the decision is
notified: complaint_transition ends the wait first).

This module records the process fact (``waiting_on_customer_since`` and the
history rows ``complaints.waiting.started`` / ``.ended``); the sla app reacts
to those rows to stop and restart the resolution clock, and counts the
business time in between.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import codes
from ..models import Complaint, ComplaintMessage, Stage
from ..permissions import Actor, actor_require
from ..workflow import WAITING_STAGES
from .errors import GuardFailed, TransitionNotAllowed
from .events import describe, event_record
from .messages import complaint_message_add

PERMISSION = "complaints.ask_customer_complaint"


class WaitEnd(models.TextChoices):
    """Why a wait ended (the ``reason`` of the ``complaints.waiting.ended`` row)."""

    CUSTOMER_ANSWERED = "customer_answered", gettext_lazy("The customer answered")
    STAFF_RESUMED = "staff_resumed", gettext_lazy("Staff resumed the work")
    STEP = "step", gettext_lazy("The complaint moved on")


def complaint_wait_for_customer(
    *, complaint: Complaint, question: str, actor: Actor, channel: str = ""
) -> ComplaintMessage:
    """Ask the customer ``question`` and wait for the answer.

    The question is a staff message to the customer (marked ``question``); the
    first question starts the wait (``complaints.waiting.started``), a further
    one while waiting is only another message. Raises PermissionDenied,
    TransitionNotAllowed (the complaint is past the stages where it may wait)
    or GuardFailed (no question).
    """
    actor_require(actor, PERMISSION)
    with transaction.atomic():
        # Locked: a customer's answer arriving at the same moment either ends
        # this wait or comes before it, never leaves a half-started one.
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.stage not in WAITING_STAGES:
            raise TransitionNotAllowed(
                _("A complaint in stage “%(stage)s” does not wait on the customer.")
                % {"stage": Stage(locked.stage).label}
            )
        if not (question or "").strip():
            raise GuardFailed({"question": _("Write the question for the customer.")})
        message = complaint_message_add(
            complaint=locked,
            body=question,
            author_kind=ComplaintMessage.Author.STAFF,
            channel=channel or locked.channel,
            actor=actor,
            question=True,
        )
        if locked.waiting_on_customer_since is None:
            now = timezone.now()
            Complaint.objects.filter(pk=locked.pk).update(
                waiting_on_customer_since=now, updated_at=now
            )
            locked.waiting_on_customer_since = now
            event_record(
                complaint=locked,
                action=codes.WAITING_STARTED,
                actor=actor,
                data={"message": message.pk},
            )
    complaint.waiting_on_customer_since = locked.waiting_on_customer_since
    return message


def complaint_wait_resume(*, complaint: Complaint, actor: Actor, note: str = "") -> bool:
    """Staff end the wait themselves (the answer came another way, or it is not
    needed any more). False when the complaint was not waiting."""
    actor_require(actor, PERMISSION)
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        ended = complaint_wait_end(
            complaint=locked, reason=WaitEnd.STAFF_RESUMED, actor=actor, note=note
        )
    complaint.waiting_on_customer_since = locked.waiting_on_customer_since
    return ended


def complaint_wait_end(
    *, complaint: Complaint, reason: str, actor: Actor = None, note: str = "", **data: object
) -> bool:
    """End the wait, if there is one: the one place that does.

    For callers that hold the row (the transition, the customer's message
    inside its own transaction); staff go through complaint_wait_resume. The
    conditional UPDATE makes two ends at once (the customer's reply and a
    staff member's resume) record one row.
    """
    # The row, not the instance: the caller's copy may predate the wait.
    since = (
        Complaint.objects.filter(pk=complaint.pk)
        .values_list("waiting_on_customer_since", flat=True)
        .first()
    )
    complaint.waiting_on_customer_since = None
    if since is None:
        return False
    now = timezone.now()
    ended = Complaint.objects.filter(pk=complaint.pk, waiting_on_customer_since=since).update(
        waiting_on_customer_since=None, updated_at=now
    )
    if ended != 1:
        return False
    event_record(
        complaint=complaint,
        action=codes.WAITING_ENDED,
        actor=actor,
        note=note,
        data={"since": describe(since), "reason": reason, **data},
    )
    return True
