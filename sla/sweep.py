"""The SLA sweep: records every target that became at risk or breached
(PROCESS.md "When the SLA is met"), once, however many sweeps run."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import event_record
from sla import conf
from sla.services import _claim
from sla.targets import ACK, RESOLUTION, Target, iso

logger = logging.getLogger("sla.services")


# --- The sweep -------------------------------------------------------------------------


@dataclass
class SweepResult:
    """Events recorded by one sweep, by history code."""

    now: datetime
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, int]:
        return dict(self.counts)


@dataclass(frozen=True)
class _Rule:
    target: Target
    kind: str  # "at_risk" or "breached"

    @property
    def action(self) -> str:
        return self.target.at_risk_action if self.kind == "at_risk" else self.target.breached_action

    @property
    def marker(self) -> str:
        return self.target.at_risk_at if self.kind == "at_risk" else self.target.breached_at

    @property
    def order(self) -> str:
        return self.target.at_risk_after if self.kind == "at_risk" else self.target.due

    def pending(self, now: datetime) -> Q:
        if self.kind == "at_risk":
            return self.target.at_risk_pending(now)
        return self.target.breach_pending(now)


# Breaches first: when both are due in one run, the breach (the more urgent
# escalation) goes out first; the at-risk rule skips targets already past due.
_RULES: tuple[_Rule, ...] = (
    _Rule(ACK, "breached"),
    _Rule(RESOLUTION, "breached"),
    _Rule(ACK, "at_risk"),
    _Rule(RESOLUTION, "at_risk"),
)


def sla_sweep(*, now: datetime | None = None, batch_size: int | None = None) -> SweepResult:
    """Record every target that became at risk or breached and is not recorded yet.

    For each event: claim it with a conditional UPDATE of its marker, append
    the history row (``sla.ack.at_risk``, ``sla.ack.breached``,
    ``sla.resolution.at_risk``, ``sla.resolution.breached``; the notifications
    app escalates on these codes) and log it. Safe to run twice and from
    several workers at once: a claimed event is never recorded again. Its
    queries follow the number of events (each rule is one indexed SELECT of
    at most ``batch_size`` rows, then two writes per event), not the number of
    open complaints.
    """
    now = now or timezone.now()
    batch = batch_size or conf.sweep_batch_size()
    result = SweepResult(now=now)
    for rule in _RULES:
        result.counts[rule.action] = _sweep_rule(rule=rule, now=now, batch=batch)
    if result.total:
        logger.info("SLA sweep at %s recorded %s", iso(now), result.counts)
    return result


def _sweep_rule(*, rule: _Rule, now: datetime, batch: int) -> int:
    recorded = 0
    with transaction.atomic():
        # skip_locked: a second sweep running at the same moment passes over the
        # rows this one holds instead of waiting for them, then finds them
        # marked. (SQLite ignores it and serialises writers; the claim below
        # still makes every event count once.)
        candidates = list(
            Complaint.objects.select_for_update(skip_locked=True)
            .filter(rule.pending(now))
            .order_by(rule.order, "pk")[:batch]
        )
        for complaint in candidates:
            if not _claim(complaint.pk, rule.marker, now, count_breach=rule.kind == "breached"):
                continue
            setattr(complaint, rule.marker, now)
            due: datetime = getattr(complaint, rule.target.due)
            event_record(
                complaint=complaint,
                action=rule.action,
                data=_event_data(complaint, rule, due),
            )
            # Until the notifications app escalates on the history code, this
            # log line is the escalation.
            logger.warning(
                "SLA %s: %s %s (due %s, assignee %s)",
                rule.action,
                complaint.tracking_number,
                complaint.priority or "-",
                iso(due),
                complaint.assignee_id or "-",
            )
            recorded += 1
    return recorded


def _event_data(complaint: Complaint, rule: _Rule, due: datetime) -> Mapping[str, Any]:
    data: dict[str, Any] = {"due_at": iso(due), "priority": complaint.priority}
    if rule.kind == "at_risk":
        data["at_risk_after"] = iso(getattr(complaint, rule.target.at_risk_after))
    if complaint.assignee_id:
        data["assignee"] = complaint.assignee_id
    return data
