"""Recompute the stored due dates of open complaints after a calendar override
or a settings change (docs/sla.md, "Recomputing due dates").

Due dates are stored when a target starts (sla.services), with the calendar
and settings of that moment. When staff add, change or delete a calendar
override (a bridge day, an extra holiday, a half day), the admin calls
``calendar_override_changed``: after the commit, a Celery task recomputes the
open complaints whose targets run over the dates concerned. After a change of
business hours or targets, ``manage.py sla_recompute`` does the same over
every open complaint. Both go through ``sla_recompute``; the arithmetic and
its rules (met targets untouched, a recorded breach stays, paused time kept)
are sla.due_dates'.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import event_record
from complaints.workflow import OPEN_STAGES
from sla import codes
from sla.calendar_cache import overrides_pinned
from sla.due_dates import RECOMPUTE_FIELDS, DueDatesMove, due_dates_recomputed
from sla.services import _write
from sla.targets import sla_time_zone

logger = logging.getLogger(__name__)

__all__ = [
    "CALENDAR",
    "SETTINGS",
    "RecomputeResult",
    "calendar_override_changed",
    "complaint_due_dates_recompute",
    "recompute_candidates",
    "sla_recompute",
]

# Why the due dates were recomputed (the history row's ``data.reason``).
CALENDAR = "calendar"
SETTINGS = "settings"

DEFAULT_BATCH_SIZE = 500


@dataclass
class RecomputeResult:
    checked: int = 0
    changed: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, int]:
        return {"checked": self.checked, "changed": self.changed}


def recompute_candidates(*, dates: Iterable[date] | None = None) -> QuerySet[Complaint]:
    """Open complaints with a target still to meet; with ``dates``, only those
    whose target runs over one of them.

    A due date depends only on the days from its start to itself: an override
    on a later day cannot move it (adding an open day after it changes
    nothing; removing a closed day after it was never counted), and one on an
    earlier day than the start is not counted either. So a target is touched
    by a date D when its start falls on D or before and its stored due date on
    D or after.
    """
    ack = Q(ack_met_at__isnull=True, ack_due_at__isnull=False)
    resolution = Q(resolution_met_at__isnull=True, resolution_due_at__isnull=False)
    if dates is not None:
        tz = sla_time_zone()
        ack_window, resolution_window = Q(pk__in=[]), Q(pk__in=[])
        for day in set(dates):
            opens = datetime.combine(day, time.min, tzinfo=tz)
            ends = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
            ack_window |= Q(received_at__lt=ends, ack_due_at__gte=opens)
            started = Q(resolution_started_at__lt=ends) | Q(
                resolution_started_at__isnull=True, received_at__lt=ends
            )
            resolution_window |= started & Q(resolution_due_at__gte=opens)
        ack &= ack_window
        resolution &= resolution_window
    return Complaint.objects.filter(Q(stage__in=OPEN_STAGES) & (ack | resolution))


def complaint_due_dates_recompute(
    *,
    complaint_id: int,
    reason: str,
    now: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> DueDatesMove | None:
    """Recompute one open complaint's due dates and record the move; None when nothing moved.

    Writes the new due dates and at-risk points (clearing an at-risk marker the
    new point makes untrue, unless a breach is recorded) and one history row
    ``sla.due_dates.recomputed`` with the old and new dates of each target
    moved. Safe to run twice: the second run finds the dates in place.
    """
    with transaction.atomic():
        # The race: the SLA sweep may be recording this complaint's at-risk or
        # breach event right now (it locks its candidates FOR UPDATE SKIP
        # LOCKED, then claims the marker with UPDATE ... WHERE marker IS NULL).
        # Locking the row first means we decide on what is committed: either
        # the sweep committed before our read, and we see its marker (a
        # recorded breach stays; an at-risk marker is cleared only if the new
        # point is ahead), or it skips our locked row this minute and judges
        # the new dates on its next run. Without the lock, we could clear an
        # at-risk marker, or write dates, from a row read before its claim.
        row = (
            Complaint.objects.select_for_update()
            .only(*RECOMPUTE_FIELDS)
            .filter(pk=complaint_id)
            .first()
        )
        if row is None:
            return None  # deleted meanwhile
        move = due_dates_recomputed(row, now=now or timezone.now())
        if move is None:
            return None
        # The markers as read are part of the claim: SQLite ignores FOR UPDATE,
        # and this makes a write based on a stale row touch nothing.
        markers = Q(
            ack_at_risk_at=row.ack_at_risk_at,
            ack_breached_at=row.ack_breached_at,
            resolution_at_risk_at=row.resolution_at_risk_at,
            resolution_breached_at=row.resolution_breached_at,
        )
        if not _write(row, only_if=markers, **move.values):
            return None
        event_record(
            complaint=row,
            action=codes.DUE_DATES_RECOMPUTED,
            data={"reason": reason, **(data or {}), **move.as_data()},
        )
    logger.info(
        "SLA due dates of %s recomputed (%s): %s", move.tracking_number, reason, move.as_data()
    )
    return move


def sla_recompute(
    *,
    reason: str,
    dates: Iterable[date] | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    batch_size: int | None = None,
    on_change: Callable[[DueDatesMove], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> RecomputeResult:
    """Recompute the due dates of the open complaints (those over ``dates``, or all).

    Streams the candidates in batches of ``batch_size`` by primary key (flat
    memory, one query per batch); each complaint whose dates move is then
    locked, recomputed and written in its own short transaction, so the sweep
    and the staff wait on one row at most, never on the whole run. With
    ``dry_run`` nothing is written: ``on_change`` hears what would change.
    ``on_batch`` hears how many complaints each batch checked (a progress bar).
    """
    size = batch_size or DEFAULT_BATCH_SIZE
    result = RecomputeResult(dry_run=dry_run)
    days = sorted(set(dates)) if dates is not None else None
    extra = {"dates": [d.isoformat() for d in days]} if days is not None else {}
    candidates = recompute_candidates(dates=days).only(*RECOMPUTE_FIELDS).order_by("pk")
    # One copy of the overrides for the whole run: every complaint is judged
    # by the same calendar, and no cache round trip per due date.
    with overrides_pinned():
        last = 0
        while True:
            batch = list(candidates.filter(pk__gt=last)[:size])
            if not batch:
                break
            last = batch[-1].pk
            for row in batch:
                result.checked += 1
                move = due_dates_recomputed(row, now=now or timezone.now())
                if move is not None and not dry_run:
                    # Recomputed again under the row lock: the batch was read without it.
                    move = complaint_due_dates_recompute(
                        complaint_id=row.pk, reason=reason, now=now, data=extra
                    )
                if move is None:
                    continue
                result.changed += 1
                if on_change is not None:
                    on_change(move)
            if on_batch is not None:
                on_batch(len(batch))
    logger.info(
        "SLA recompute (%s%s): %s checked, %s %s",
        reason,
        ", dry run" if dry_run else "",
        result.checked,
        result.changed,
        "would change" if dry_run else "changed",
    )
    return result


def calendar_override_changed(*, dates: Iterable[date]) -> None:
    """A calendar override on ``dates`` was added, changed or deleted (the admin).

    After the commit (the task must read the new override, and a rolled-back
    change must recompute nothing), a Celery task recomputes the open
    complaints running over those dates, so a large recomputation does not
    hold up the admin's request. The change is already saved when the task
    is queued: if the broker cannot be reached, the error log says to run
    ``manage.py sla_recompute``, which does the same over every open complaint.
    """
    days = sorted({d.isoformat() for d in dates})
    if days:
        transaction.on_commit(partial(_recompute_enqueue, dates=days))


def _recompute_enqueue(*, dates: list[str]) -> None:
    from sla import tasks  # sla.tasks imports this module

    try:
        tasks.due_dates_recompute.apply_async(kwargs={"dates": dates})
    except Exception:
        logger.error(
            "the due dates over %s were not recomputed; run manage.py sla_recompute",
            ", ".join(dates),
            exc_info=True,
        )
