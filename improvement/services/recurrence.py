"""Recurrence: flag repeats at classification, let staff link similar
complaints, and record the weeks above their control limit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.permissions import Actor, actor_require, actor_user
from complaints.services import event_record

from .. import codes, conf
from ..models import ComplaintLink, LinkKind, RecurrenceSignal, SignalDimension
from ..selectors.recurrence import c_chart_limit, complaint_repeat_of, data_since, weekly_counts
from ..weeks import day_start, local_date, week_start

LINK_PERMISSION = "improvement.add_complaintlink"


def complaint_repeat_flag(*, complaint: Complaint) -> ComplaintLink | None:
    """PROCESS.md: the same customer with the same category within 90 days is a
    repeat. Linked to the latest such complaint when classified (or moved to
    another category); recorded once per pair."""
    previous = complaint_repeat_of(complaint=complaint)
    if previous is None:
        return None
    with transaction.atomic():
        link, created = ComplaintLink.objects.get_or_create(
            complaint=complaint, related=previous, kind=LinkKind.REPEAT
        )
        if created:
            event_record(
                complaint=complaint,
                action=codes.REPEAT_FLAGGED,
                note=_("Same customer and category as %(number)s.")
                % {"number": previous.tracking_number},
                data={"related": previous.pk, "tracking_number": previous.tracking_number},
            )
    return link


def complaint_link_add(*, complaint: Complaint, related: Complaint, actor: Actor) -> ComplaintLink:
    """Staff link a complaint to a similar one (from the similar-complaints panel)."""
    actor_require(actor, LINK_PERMISSION)
    if related.pk == complaint.pk:
        raise ValidationError(_("A complaint cannot be linked to itself."))
    with transaction.atomic():
        existing = ComplaintLink.objects.filter(
            complaint=related, related=complaint, kind=LinkKind.SIMILAR
        ).first()
        if existing is not None:
            return existing  # already linked the other way round
        try:
            with transaction.atomic():
                link, created = ComplaintLink.objects.get_or_create(
                    complaint=complaint,
                    related=related,
                    kind=LinkKind.SIMILAR,
                    defaults={"created_by": actor_user(actor)},
                )
        except IntegrityError:
            return ComplaintLink.objects.get(
                complaint=complaint, related=related, kind=LinkKind.SIMILAR
            )
        if created:
            event_record(
                complaint=complaint,
                action=codes.LINK_ADDED,
                actor=actor,
                note=related.tracking_number,
                data={"related": related.pk, "tracking_number": related.tracking_number},
            )
    return link


def recurrence_signals_detect(*, today: date | None = None) -> list[RecurrenceSignal]:
    """Record the recurring-problem signals of the last complete weeks.

    For each category and root cause, a week's count of complaints received
    is held against the c-chart limit of the IMPROVEMENT_SIGNAL_BASELINE_WEEKS
    weeks before it (mean + 3√mean); above it, with at least
    IMPROVEMENT_SIGNAL_MIN_COUNT complaints, it is a signal. The last
    IMPROVEMENT_SIGNAL_LOOKBACK_WEEKS complete weeks are examined at each run
    (a root cause is found days after receipt). Each (week, key) is stored
    once: a unique constraint, so two runs at once, or a run repeated, add
    nothing. Returns the signals created by this run. Two queries per
    dimension plus the inserts.
    """
    today = today or local_date(timezone.now())
    baseline = conf.signal_baseline_weeks()
    lookback = conf.signal_lookback_weeks()
    last_complete = week_start(today) - timedelta(weeks=1)
    first_examined = last_complete - timedelta(weeks=lookback - 1)
    first_week = first_examined - timedelta(weeks=baseline)
    # A baseline before the first complaint ever recorded is no baseline.
    since = data_since()
    if since is None:
        return []
    created: list[RecurrenceSignal] = []
    for dimension in SignalDimension:
        counts = weekly_counts(
            first_week=first_week, weeks=baseline + lookback, dimension=dimension
        )
        field = "category_id" if dimension == SignalDimension.CATEGORY else "root_cause_id"
        for key, series in counts.items():
            for offset in range(lookback):
                index = baseline + offset
                week = first_week + timedelta(weeks=index)
                if week - timedelta(weeks=baseline) < since:
                    continue
                mean, limit = c_chart_limit(series[index - baseline : index])
                count = series[index]
                if count <= limit or count < conf.signal_min_count():
                    continue
                try:
                    with transaction.atomic():
                        signal, is_new = RecurrenceSignal.objects.get_or_create(
                            week=week,
                            dimension=dimension,
                            **{field: key},
                            defaults={
                                "count": count,
                                "mean": round(mean, 3),
                                "limit": round(limit, 3),
                            },
                        )
                except IntegrityError:
                    continue  # a concurrent run stored it
                if is_new:
                    created.append(signal)
    return created


def signal_week_bounds(signal: RecurrenceSignal) -> tuple[datetime, datetime]:
    return day_start(signal.week), day_start(signal.week + timedelta(weeks=1))
