"""One complaint's life, derived from the code it benchmarks.

* The path: ``complaints.workflow.transitions_from(kind, stage)`` from
  ``received`` on; each step fills the fields its transition takes, runs the
  transition's own defaults, guards (a failing guard is a bug here) and
  effects on an unsaved ``Complaint``, so the row holds what
  ``complaint_transition`` would have saved. Timestamps an effect sets are
  moved to the simulated instant.
* The history codes: each transition's ``.action``, the receipt code and the
  SLA targets' at-risk / breach codes (``sla.targets``).
* The SLA bookkeeping: what ``sla.handlers`` makes ``sla.services`` store on
  each code, computed with ``sla.calendar`` and ``sla.targets`` themselves
  (``acknowledgement_due``, ``add_business_days``, ``at_risk_after``,
  ``business_seconds``, ``resolution_days_for``); the sweep's markers follow
  ``Target.at_risk_pending`` / ``breach_pending`` for a sweep run every minute.

Only the delays people take are the benchmark's own (bench/gen_mix.py); they
are spent in business hours on a day table read from ``sla.calendar``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import models

from bench import gen_mix as mix
from bench.gen_clock import BusinessClock
from complaints.models import CONTACT_CHANNELS, Answer, Channel, Complaint, Priority
from complaints.workflow import NEEDS_RESOLUTION, TRANSITIONS, Stage, Transition, transitions_from
from sla import calendar, conf
from sla.targets import (
    ACK,
    RESOLUTION,
    Target,
    at_risk_after,
    business_seconds,
    resolution_days_for,
    sla_time_zone,
)

try:  # issue 14 declares every code as a constant
    from complaints.codes import RECEIVED  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - before complaints.codes exists
    RECEIVED = "complaints.complaint.received"


def _into(stage: Stage) -> Transition:
    return next(t for t in TRANSITIONS if t.target == stage and not t.is_reopening)


# The codes sla.handlers reacts to, as the workflow names them.
ACKNOWLEDGED = _into(Stage.ACKNOWLEDGED).action
CLASSIFIED = _into(Stage.CLASSIFIED).action
DECISION_NOTIFIED = _into(Stage.DECISION_NOTIFIED).action
REOPENED = next(t for t in TRANSITIONS if t.is_reopening).action
SLA_CODES = (RECEIVED, ACKNOWLEDGED, CLASSIFIED, DECISION_NOTIFIED, REOPENED)


@dataclass
class Context:
    """What the loader read from the database once."""

    categories: list[Any]  # Category instances
    category_weights: list[int]
    assignees: list[Any]  # User instances: the guards read complaint.assignee
    root_causes: list[int]


@dataclass
class Life:
    complaint: Complaint
    events: list[tuple[str, str, str, float]] = field(default_factory=list)  # code, from, to, at


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class Lives:
    """Draws complaints' lives; one instance per load (holds the clock and the mixes)."""

    def __init__(self, *, clock: BusinessClock, now: float, rng: random.Random, ctx: Context):
        self.clock, self.now, self.rng, self.ctx = clock, now, rng, ctx
        self.pick_kind = mix.weighted(mix.KIND_WEIGHTS)
        self.pick_channel = mix.weighted(mix.CHANNEL_WEIGHTS)
        self.tz = sla_time_zone()
        self.days = conf.resolution_days()
        self._pace: tuple[tuple[float, str] | None, float] = (None, 0.0)
        self._by_stage: dict[tuple[str, str], tuple[list[Transition], list[Transition]]] = {}
        self.is_relation = {
            f.name: f.is_relation for f in Complaint._meta.concrete_fields if f.is_relation
        }

    # --- Receipt -----------------------------------------------------------------

    def received_at(self, span_days: int) -> float:
        rng = self.rng
        while True:
            local = datetime.fromtimestamp(self.now - rng.randrange(span_days) * 86400.0, self.tz)
            if local.weekday() >= 5 and rng.random() > mix.WEEKEND_KEEP:
                continue  # fewer complaints at weekends
            midnight = datetime(local.year, local.month, local.day, tzinfo=self.tz).timestamp()
            in_hours = rng.random() < mix.BUSINESS_HOURS_RECEIPT_SHARE
            hour = rng.uniform(9, 18) if in_hours else rng.uniform(0, 24)
            ts = midnight + hour * mix.HOUR
            if ts < self.now:
                return ts

    def build(self, *, pk: int, customer_id: int, received: float) -> Life:
        rng = self.rng
        kind = self.pick_kind(rng)
        channel = self.pick_channel(rng)
        on_contact = channel in CONTACT_CHANNELS
        subject = rng.choice(mix.SUBJECTS)
        complaint = Complaint(
            id=pk,
            kind=kind,
            channel=channel,
            customer_id=customer_id,
            contact_email="" if on_contact else f"bench{customer_id}@example.com",
            contact_phone="+905320000000" if on_contact else "",
            language="en" if rng.random() < mix.ENGLISH_SHARE else "tr",
            subject=subject,
            description=f"Açıklama: {subject}.",
            received_at=_dt(received),
            created_at=_dt(received),
        )
        life = Life(complaint)
        book = SlaBook(complaint, now=self.now, rng=rng, life=life)
        life.events.append((RECEIVED, "", Stage.RECEIVED, received))
        book.react(RECEIVED, received)
        self._walk(life, book, received, stuck=rng.random() < mix.STUCK_SHARE)
        book.close()
        life.events.sort(key=lambda e: e[3])
        complaint.updated_at = _dt(life.events[-1][3])
        return life

    # --- The path through the workflow -----------------------------------------------

    def _walk(self, life: Life, book: SlaBook, at: float, *, stuck: bool) -> None:
        c, rng = life.complaint, self.rng
        category = rng.choices(self.ctx.categories, weights=self.ctx.category_weights)[0]
        override = ""
        if rng.random() < mix.PRIORITY_OVERRIDE_SHARE:
            override = rng.choice([p for p in Priority.values if p != category.default_priority])
        cycle_start, analysis_at, reopened = at, at, False
        while True:
            reopening, others = self._options(c.kind, c.stage)
            if not others and not reopening:
                return  # closed
            if reopening and not reopened and rng.random() < mix.REJECTION_SHARE:
                transition = reopening[0]
            else:
                transition = others[0]
            when = self._when(transition, c, at, cycle_start, analysis_at, stuck)
            if when is None or when > self.now:
                return
            self._apply(transition, c, when, category=category, override=override)
            life.events.append((transition.action, transition.source, transition.target, when))
            book.react(transition.action, when)
            if transition.target == Stage.IN_ANALYSIS:
                analysis_at = when
            if transition.is_reopening:
                reopened, cycle_start = True, when
            at = when

    def _options(self, kind: str, stage: str) -> tuple[list[Transition], list[Transition]]:
        """The transitions out of ``stage`` for ``kind``: (re-openings, the others)."""
        key = (kind, stage)
        found = self._by_stage.get(key)
        if found is None:
            options = transitions_from(kind, stage)
            found = self._by_stage[key] = (
                [t for t in options if t.is_reopening],
                [t for t in options if not t.is_reopening],
            )
        return found

    def _when(
        self,
        t: Transition,
        c: Complaint,
        at: float,
        cycle_start: float,
        analysis_at: float,
        stuck: bool,
    ) -> float | None:
        rng, clock = self.rng, self.clock
        if t.target == Stage.ACKNOWLEDGED and c.channel in CONTACT_CHANNELS:
            return at + mix.ON_CONTACT_SECONDS  # the tracking number given during the contact
        if t.name not in mix.TARGET_PACED:
            delay = (
                mix.FEEDBACK_CLOSE
                if (t.name == "closed" and c.kind not in NEEDS_RESOLUTION)
                else mix.DELAYS[t.name]
            )
            return clock.after(at, delay.draw(rng))
        if stuck:
            return None
        # The decision lands at a share of the resolution target's business time
        # (the priority's days, for feedback that has no target).
        due = self._pace_due(cycle_start, c.priority)
        late = rng.random() < mix.LATE_DECISION_SHARE
        share = rng.uniform(*(mix.LATE_DECISION if late else mix.ON_TIME_DECISION))
        decision = clock.after(cycle_start, clock.between(cycle_start, due) * share)
        if t.target == Stage.DECISION_NOTIFIED:
            return max(decision, at + 1.0)
        return max(decision - (decision - analysis_at) * mix.RESPONSE_BEFORE_DECISION, at + 1.0)

    def _pace_due(self, cycle_start: float, priority: str) -> float:
        # Both paced steps of a cycle ask for the same date: compute it once.
        key = (cycle_start, priority)
        if self._pace[0] != key:
            due = calendar.add_business_days(_dt(cycle_start), self.days[priority])
            self._pace = (key, due.timestamp())
        return self._pace[1]

    def _apply(
        self, t: Transition, c: Complaint, when: float, *, category: Any, override: str
    ) -> None:
        """complaint_transition on an unsaved row: fields, defaults, guards, effects."""
        for name in t.fields:
            value = self._value(name, t, c, category=category, override=override)
            if self.is_relation.get(name) and not isinstance(value, models.Model):
                setattr(c, f"{name}_id", value)
            else:
                setattr(c, name, value)
        for default in t.defaults:
            default(c)
        errors: dict[str, str] = {}
        for guard in t.guards:
            errors.update(guard(c))
        if errors:
            raise RuntimeError(f"bench: {t.name} refused by its guards: {errors}")
        stamped = _dt(when)
        for effect in t.effects:
            for name in effect(c):
                if isinstance(getattr(c, name), datetime):
                    setattr(c, name, stamped)
        c.stage = t.target

    def _value(
        self, name: str, t: Transition, c: Complaint, *, category: Any, override: str
    ) -> Any:
        rng, answers = self.rng, c.kind in NEEDS_RESOLUTION
        if name == "category":
            return category
        if name == "priority":
            return override
        if name == "priority_override_reason":
            return "Müşterinin durumu nedeniyle öncelik değiştirildi." if override else ""
        if name == "assignee":
            return rng.choice(self.ctx.assignees)
        if name == "root_cause":
            return rng.choice(self.ctx.root_causes) if answers else None
        if name == "root_cause_analysis":
            return "Kök neden analizi yapıldı." if answers else ""
        if name == "solution_proposal":
            return "Çözüm önerisi müşteriye iletildi."
        if name == "decision":
            return "Fark bir sonraki faturaya yansıtılacak."
        if name == "customer_answer":
            if t.is_reopening:
                return Answer.REJECTED
            return Answer.ACCEPTED if answers else ""
        if name == "customer_answer_channel":
            return Channel.PHONE if (answers or t.is_reopening) else ""
        if name == "customer_answer_reason":
            return "Çözüm yeterli değil." if t.is_reopening else ""
        raise RuntimeError(f"bench/gen_life.py: no value for the field {name!r} of {t.name}")


class SlaBook:
    """What sla.handlers has sla.services store for each code, on the unsaved row."""

    def __init__(self, complaint: Complaint, *, now: float, rng: random.Random, life: Life):
        self.c, self.now, self.rng, self.life = complaint, now, rng, life
        self.reactions = {
            RECEIVED: self._received,
            ACKNOWLEDGED: self._acknowledged,
            CLASSIFIED: self._classified,
            DECISION_NOTIFIED: self._decision_notified,
            REOPENED: self._reopened,
        }

    def react(self, code: str, at: float) -> None:
        reaction = self.reactions.get(code)
        if reaction is not None:
            reaction(_dt(at))

    def _received(self, at: datetime) -> None:
        c = self.c
        c.ack_due_at = calendar.acknowledgement_due(c.received_at)
        c.ack_at_risk_after = at_risk_after(c.received_at, c.ack_due_at)

    def _acknowledged(self, at: datetime) -> None:
        c = self.c
        if c.ack_met_at is None:
            c.ack_met_at = at
            c.ack_business_seconds = business_seconds(c.received_at, at)

    def _resolution_start(self, start: datetime) -> None:
        c = self.c
        days = resolution_days_for(kind=c.kind, priority=c.priority)
        if days is None:
            return
        c.resolution_started_at = start
        c.resolution_due_at = calendar.add_business_days(start, days)
        c.resolution_at_risk_after = at_risk_after(start, c.resolution_due_at)

    def _classified(self, at: datetime) -> None:
        self._resolution_start(self.c.resolution_started_at or self.c.received_at)

    def _decision_notified(self, at: datetime) -> None:
        c = self.c
        if c.resolution_due_at is not None and c.resolution_met_at is None:
            c.resolution_met_at = at
            start = c.resolution_started_at or c.received_at
            c.resolution_business_seconds = business_seconds(start, at)

    def _reopened(self, at: datetime) -> None:
        c = self.c
        self._markers(RESOLUTION)  # the finished cycle's events stay in the history
        for name in ("met", "at_risk_at", "breached_at", "business_seconds"):
            setattr(c, getattr(RESOLUTION, name), None)
        self._resolution_start(at)

    def close(self) -> None:
        for target in (ACK, RESOLUTION):
            self._markers(target)

    def _markers(self, target: Target) -> None:
        """The sweep's markers of one target cycle, as a sweep run every minute records them."""
        c = self.c
        due: datetime | None = getattr(c, target.due)
        if due is None:
            return
        met: datetime | None = getattr(c, target.met)
        risk: datetime | None = getattr(c, target.at_risk_after)
        due_ts = due.timestamp()
        until = met.timestamp() if met is not None else self.now
        period = mix.SWEEP_PERIOD_SECONDS
        if risk is not None:
            noticed = risk.timestamp() + self.rng.uniform(1.0, period)
            # at_risk_pending: unmet, not recorded, and not yet past due.
            if noticed < min(until, due_ts):
                setattr(c, target.at_risk_at, _dt(noticed))
                self.life.events.append((target.at_risk_action, "", "", noticed))
        breached: float | None = None
        noticed = due_ts + self.rng.uniform(1.0, period)
        if met is not None and met.timestamp() > due_ts:
            # Met late: the sweep saw it first, or the met service recorded it.
            breached = min(noticed, met.timestamp())
        elif met is None and noticed <= self.now:
            breached = noticed
        if breached is not None:
            setattr(c, target.breached_at, _dt(breached))
            c.breach_count += 1
            self.life.events.append((target.breached_action, "", "", breached))
