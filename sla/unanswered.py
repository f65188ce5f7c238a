"""An unanswered decision (PROCESS.md "An unanswered decision").

After the decision is notified the customer answers: accepted (closed) or
rejected (re-evaluated). When no answer has come:

* ``SLA_ANSWER_REMINDER_DAYS`` (5) business days after the decision, the
  customer is reminded once (history ``complaints.decision.reminder``; the
  notifications app sends the reminder with the same ways to answer);
* ``SLA_ANSWER_CLOSE_DAYS`` (10) business days after the reminder (after the
  decision when there is no reminder), the complaint closes with the answer
  "no answer" (the workflow's ``closed_no_answer`` step, by the system). 0
  turns the automatic closing off.

Stored deadlines plus an indexed sweep, like the SLA targets: the deadlines
are written when the decision is notified (sla.handlers), the sweep claims
each reminder with a conditional UPDATE and each closure with the transition's
own row lock and stage check, so each happens once however often it runs.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import codes as complaint_codes
from complaints.models import Answer, Complaint, Stage
from complaints.services import ComplaintError, complaint_transition, event_record
from complaints.workflow import awaits_answer
from sla import conf
from sla.calendar import add_business_days
from sla.services import SweepResult, _fresh, _write
from sla.targets import iso

logger = logging.getLogger(__name__)

REMINDED = complaint_codes.DECISION_REMINDER
CLOSED = "no_answer_closed"  # the sweep's count of closures (the row is complaints')


def _after(start: datetime, days: int) -> datetime | None:
    return add_business_days(start, days) if days else None


def complaint_answer_deadlines_set(*, complaint: Complaint, decided_at: datetime) -> None:
    """When the decision is notified: when to remind, when to close (a new
    decision after a re-opening starts both again)."""
    row = _fresh(complaint, "kind")
    if not awaits_answer(row["kind"]):
        _write(complaint, answer_reminder_due_at=None, answer_close_due_at=None)
        return
    reminder_days = conf.answer_reminder_days()
    _write(
        complaint,
        answer_reminder_due_at=_after(decided_at, reminder_days),
        answer_reminded_at=None,
        # Without a reminder, the closing period counts from the decision.
        answer_close_due_at=None if reminder_days else _after(decided_at, conf.answer_close_days()),
    )


def unanswered_sweep(*, now: datetime | None = None, batch_size: int | None = None) -> SweepResult:
    """Remind and close the decisions still unanswered whose time has come.

    Safe to run twice and from several workers at once: a reminder is claimed
    with ``UPDATE ... WHERE answer_reminded_at IS NULL AND stage =
    'decision_notified'`` (only one run touches the row), and a closure is the
    transition, which locks the row and re-checks its stage (a customer who
    answers at the same moment wins or loses cleanly; the loser changes nothing).
    """
    now = now or timezone.now()
    batch = batch_size or conf.sweep_batch_size()
    result = SweepResult(now=now)
    result.counts[REMINDED] = _remind(now=now, batch=batch)
    result.counts[CLOSED] = _close(now=now, batch=batch)
    if result.total:
        logger.info("Unanswered decisions at %s: %s", iso(now), result.counts)
    return result


def _remind(*, now: datetime, batch: int) -> int:
    done = 0
    close_days = conf.answer_close_days()
    with transaction.atomic():
        # skip_locked: a second sweep passes over the rows this one holds.
        candidates = list(
            Complaint.objects.select_for_update(skip_locked=True)
            .filter(
                stage=Stage.DECISION_NOTIFIED,
                answer_reminded_at__isnull=True,
                answer_reminder_due_at__lte=now,
            )
            .order_by("answer_reminder_due_at", "pk")[:batch]
        )
        for complaint in candidates:
            close_at = _after(now, close_days)
            claimed = Complaint.objects.filter(
                pk=complaint.pk, stage=Stage.DECISION_NOTIFIED, answer_reminded_at__isnull=True
            ).update(answer_reminded_at=now, answer_close_due_at=close_at)
            if claimed != 1:
                continue
            complaint.answer_reminded_at, complaint.answer_close_due_at = now, close_at
            event_record(
                complaint=complaint,
                action=REMINDED,
                data={
                    "decision_notified_at": iso(complaint.decision_notified_at)
                    if complaint.decision_notified_at
                    else None,
                    "closes_at": iso(close_at) if close_at else None,
                },
            )
            done += 1
    return done


def _close(*, now: datetime, batch: int) -> int:
    done = 0
    with transaction.atomic():
        candidates = list(
            Complaint.objects.select_for_update(skip_locked=True)
            .filter(stage=Stage.DECISION_NOTIFIED, answer_close_due_at__lte=now)
            .order_by("answer_close_due_at", "pk")[:batch]
        )
        for complaint in candidates:
            try:
                complaint_transition(
                    complaint=complaint,
                    to=Stage.CLOSED,
                    actor=None,
                    note=_("No answer to the decision came, the reminder included."),
                    fields={"customer_answer": Answer.NO_ANSWER},
                )
            except ComplaintError:
                # Answered meanwhile (the transition re-read the locked row).
                continue
            logger.info("%s closed without an answer", complaint.tracking_number)
            done += 1
    return done
