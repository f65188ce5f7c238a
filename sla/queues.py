"""The dashboard's work queues: open complaints whose next target is due today,
at risk or breached, most urgent first, at most SLA_DASHBOARD_LIST_SIZE rows.

A queue is read as plain values (no model instances) and each row carries
its cells ready to print: the labels are translated once per request, not
once per row, and the template only writes strings (docs/performance.md,
"The last step: rendering and queries").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from complaints.models import Channel, Complaint, Priority
from complaints.workflow import OPEN_STAGES, Stage
from sla import conf
from sla.statistics import DashboardFilters
from sla.targets import (
    ACK,
    RESOLUTION,
    TARGETS,
    SlaState,
    Target,
    sla_state_of,
    sla_state_q,
    sla_time_zone,
)

QUEUES = ("due_today", "at_risk", "breached")
SUBJECT_LENGTH = 60  # characters of the subject shown, "…" included


@dataclass
class ListRow:
    pk: int
    tracking_number: str
    subject: str
    stage_label: str
    priority: str
    priority_label: str
    channel_label: str
    category: str
    assignee: str
    target_label: str
    due_at: datetime | None
    state: SlaState
    # Ready to print: the change page, the subject cut, the due time twice.
    href: str = ""
    subject_short: str = ""
    due_iso: str = ""
    due_text: str = ""
    state_label: str = ""


def end_of_today(now: datetime) -> datetime:
    local = now.astimezone(sla_time_zone())
    return datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=sla_time_zone())


def _due_today_q(target: Target, now: datetime) -> Q:
    return Q(
        **{
            f"{target.met}__isnull": True,
            f"{target.due}__gt": now,
            f"{target.due}__lt": end_of_today(now),
        }
    )


def queue_conditions(kind: str, now: datetime) -> dict[Target, Q]:
    if kind == "due_today":
        return {t: _due_today_q(t, now) for t in TARGETS}
    return {t: sla_state_q(target=t, state=kind, now=now) for t in TARGETS}


_COLUMNS = (
    "pk",
    "tracking_number",
    "subject",
    "stage",
    "priority",
    "channel",
    "category_id",
    "assignee__username",
    *(column for t in TARGETS for column in t.state_columns),
)


class _Labels:
    """Everything a row prints that does not depend on the row, computed once."""

    def __init__(self) -> None:
        self.stage = {s.value: str(s.label) for s in Stage}
        self.priority = {p.value: str(p.label) for p in Priority}
        self.channel = {c.value: str(c.label) for c in Channel}
        self.state = {s.value: str(s.label) for s in SlaState}
        self.target = {ACK: _("Acknowledgement"), RESOLUTION: _("Resolution")}
        # The admin change page of complaint 0, split where the pk goes.
        self.href_head, _zero, self.href_tail = reverse(
            "admin:complaints_complaint_change", args=[0]
        ).rpartition("0")


def queue_rows(
    *, filters: DashboardFilters, now: datetime, kind: str, categories: dict[int, str]
) -> list[ListRow]:
    """One work queue, most urgent first: by the due date of the acknowledgement
    when it is in the queue, else of the resolution."""
    conditions = queue_conditions(kind, now)
    size = conf.dashboard_list_size()
    open_ones = Complaint.objects.filter(stage__in=OPEN_STAGES).filter(filters.complaint_q())
    # The queue's order split in two lists, each in the order of one due date's
    # partial index (complaint_open_ack_due, complaint_open_resolution_due), so
    # that each stops after its first rows instead of sorting every queued
    # complaint (10k breached at 1M): the complaints whose acknowledgement is
    # in the queue, by its due date; the others, by the resolution's. Their
    # first rows hold the queue's first rows; the columns shown are read for
    # those only, in the same statement.
    by_ack = open_ones.filter(conditions[ACK]).order_by(ACK.due, "pk").values("pk")[:size]
    by_resolution = (
        open_ones.filter(conditions[RESOLUTION])
        .exclude(conditions[ACK])
        .order_by(RESOLUTION.due, "pk")
        .values("pk")[:size]
    )
    ack_sql, ack_params = by_ack.query.sql_with_params()
    resolution_sql, resolution_params = by_resolution.query.sql_with_params()
    # Each list in a subquery of its own: SQLite allows no LIMIT in the
    # branches of a UNION itself. Both are the ORM's SQL, with their parameters.
    ids = RawSQL(  # noqa: S611
        f"SELECT * FROM ({ack_sql}) a UNION ALL SELECT * FROM ({resolution_sql}) r",  # noqa: S608
        (*ack_params, *resolution_params),
    )
    values = Complaint.objects.filter(pk__in=ids).order_by().values(*_COLUMNS)
    labels = _Labels()
    today_ends = end_of_today(now)

    def matches(row: Any, target: Target) -> bool:
        if kind == "due_today":
            due = getattr(row, target.due)
            met = getattr(row, target.met)
            return met is None and due is not None and now < due < today_ends
        return sla_state_of(complaint=row, target=target, now=now) == kind

    def urgency(row: Any) -> tuple[datetime, int]:
        # The queue's order: the due date of the acknowledgement when it is in
        # the queue, else of the resolution; then the id.
        target = ACK if matches(row, ACK) else RESOLUTION
        return getattr(row, target.due), row.pk

    found = sorted((SimpleNamespace(**v) for v in values), key=urgency)[:size]
    return [_row(row, now, matches, labels, categories) for row in found]


def _row(
    row: Any, now: datetime, matches: Any, labels: _Labels, categories: dict[int, str]
) -> ListRow:
    target = next((t for t in TARGETS if matches(row, t)), RESOLUTION)
    state = sla_state_of(complaint=row, target=target, now=now)
    due_at: datetime | None = getattr(row, target.due)
    # As the template's date filter shows it: in the current time zone.
    local_due = localtime(due_at) if due_at else None
    return ListRow(
        pk=row.pk,
        tracking_number=row.tracking_number,
        subject=row.subject,
        stage_label=labels.stage[row.stage],
        priority=row.priority,
        priority_label=labels.priority.get(row.priority, row.priority),
        channel_label=labels.channel.get(row.channel, row.channel),
        category=categories.get(row.category_id or 0, ""),
        assignee=row.assignee__username or "",
        target_label=labels.target[target],
        due_at=due_at,
        state=state,
        href=f"{labels.href_head}{row.pk}{labels.href_tail}",
        subject_short=truncatechars(row.subject, SUBJECT_LENGTH),
        due_iso=local_due.isoformat() if local_due else "",  # the date filter's "c"
        due_text=date_format(local_due, "SHORT_DATETIME_FORMAT") if local_due else "",
        state_label=labels.state[state],
    )
