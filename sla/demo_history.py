"""Six months of demo history, so that every dashboard panel shows a real shape.

A few thousand complaints received over the last 26 weeks, through every
channel, of every kind, priority and category: acknowledged, classified,
followed, answered and closed; some late, some re-opened after the customer
rejected the decision; the recent ones still open in every stage, some of them
at risk or past their due date. Each row holds what the application would have
stored: stage dates, history rows with their dotted codes (the workflow's and
sla.targets'), and the SLA columns computed by sla.calendar and sla.targets,
the rules the live handlers use. Built in memory and written with bulk_create
in one transaction: seconds, not minutes, and loading it twice adds nothing.

It writes rows directly instead of replaying the services, so it sends no
notice and escalates nothing; the complaints it leaves open are swept from
now on like any other.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints import codes, tracking
from complaints.models import (
    Answer,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    Customer,
    Kind,
    RootCause,
    Stage,
)
from complaints.workflow import OPEN_STAGES, STAGE_ORDER, transition_for
from sla.calendar import acknowledgement_due
from sla.demo_tables import (
    CATEGORY_WEIGHTS,
    CHANNELS,
    FIRST_NAMES,
    KINDS,
    LAST_NAMES,
    REJECTION,
    SUBJECTS,
)
from sla.demo_targets import (
    Life,
    cycle_open,
    event_add,
    message_add,
    target_met,
    targets_swept,
)
from sla.targets import (
    ACK,
    RESOLUTION,
    at_risk_after,
    business_instant_after,
    business_seconds,
    resolution_days_for,
    sla_time_zone,
)

# The customers' e-mail domain marks the data set (and makes loading idempotent).
DOMAIN = "demo-history.example.com"
HOUR = 3600.0


def demo_history_exists() -> bool:
    return Customer.objects.filter(email__endswith="@" + DOMAIN).exists()


def demo_history_load(
    *, count: int = 3000, days: int = 182, seed: int = 10002, now: datetime | None = None
) -> int:
    """Load the history unless it is there already; returns the complaints created."""
    if demo_history_exists():
        return 0
    now = now or timezone.now()
    # Seeded on purpose: the same demo on every machine (not for anything secret).
    builder = _Builder(rng=random.Random(seed), now=now)  # noqa: S311
    with transaction.atomic():
        customers = Customer.objects.bulk_create(
            [
                Customer(
                    name=builder.name(i),
                    email=f"musteri{i}@{DOMAIN}",
                    phone=f"+90532{i:07d}",
                    language="en" if i % 10 == 0 else "tr",
                    created_at=now - timedelta(days=days + 1),
                )
                for i in range(max(1, int(count / 1.4)))
            ]
        )
        receipts = sorted(builder.received_at(days) for _ in range(count))
        lives = [builder.build(received, builder.rng.choice(customers)) for received in receipts]
        Complaint.objects.bulk_create([life.complaint for life in lives], batch_size=500)
        for life in lives:
            for event in life.events:
                event.complaint = life.complaint
            for message in life.messages:
                message.complaint = life.complaint
        ComplaintEvent.objects.bulk_create(
            [e for life in lives for e in life.events], batch_size=1000
        )
        ComplaintMessage.objects.bulk_create(
            [m for life in lives for m in life.messages], batch_size=1000
        )
    return len(lives)


class _Builder:
    def __init__(self, *, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.tz = sla_time_zone()
        self.categories = {c.code: c for c in Category.objects.filter(active=True)}
        self.codes = [c for c in CATEGORY_WEIGHTS if c in self.categories] or list(self.categories)
        self.weights = [CATEGORY_WEIGHTS.get(c, 1) for c in self.codes]
        self.root_causes = list(RootCause.objects.filter(active=True))
        staff = get_user_model().objects.filter(
            Q(groups__name__in=["Agent", "Representative"]) | Q(is_superuser=True),
            is_active=True,
        )
        self.staff: list[Any] = list(staff.distinct().order_by("pk")) or [None]
        self.pace = 1.0
        self.hold: Stage | None = None

    # --- drawing ---------------------------------------------------------------

    def pick(self, table: tuple[tuple[Any, int], ...]) -> Any:
        return self.rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]

    def name(self, i: int) -> str:
        return f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i // 9) % len(LAST_NAMES)]}"

    def received_at(self, days: int) -> datetime:
        rng = self.rng
        while True:
            # Some of the last days' complaints are still in every stage: the open queue.
            back = rng.uniform(0, 6) if rng.random() < 0.08 else rng.uniform(0, days)
            local = (self.now - timedelta(days=back)).astimezone(self.tz)
            if local.weekday() >= 5 and rng.random() > 0.3:
                continue  # fewer at weekends
            hour = rng.uniform(9, 18) if rng.random() < 0.85 else rng.uniform(0, 24)
            midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
            at = midnight + timedelta(hours=hour)
            if at < self.now:
                return at

    def later(self, start: datetime, low: float, high: float) -> datetime:
        """Some business hours after ``start`` (more for the slow ones)."""
        return business_instant_after(start, self.rng.uniform(low, high) * self.pace * HOUR)

    # --- one complaint -----------------------------------------------------------

    def build(self, received: datetime, customer: Customer) -> Life:
        rng = self.rng
        # A few wait long at every step; and some of the last days' complaints wait
        # in one stage (the long tail waits in analysis): there is a queue at each.
        self.pace = 4.0 if rng.random() < 0.1 else 1.0
        recent = self.now - received < timedelta(days=10)
        self.hold = None
        if recent and rng.random() < 0.15:
            self.hold = rng.choice(OPEN_STAGES)
        elif rng.random() < 0.01:
            self.hold = Stage.IN_ANALYSIS
        kind = self.pick(KINDS)
        channel = self.pick(CHANNELS)
        by_phone = channel in (Channel.PHONE, Channel.IN_PERSON, Channel.SMS, Channel.WHATSAPP)
        category = self.categories[rng.choices(self.codes, weights=self.weights)[0]]
        c = Complaint(
            tracking_number=tracking.generate(),
            kind=kind,
            channel=channel,
            customer=customer,
            contact_email="" if by_phone else customer.email,
            contact_phone=customer.phone if by_phone else "",
            language=customer.language,
            subject=rng.choice(SUBJECTS),
            description="Ayrıntılar müşteri tarafından iletildi.",
            received_at=received,
            stage=Stage.RECEIVED,
        )
        life = Life(complaint=c)
        event_add(life, codes.RECEIVED, received, to=Stage.RECEIVED)

        # Stage 2: during the contact for phone and in person, else the same day (mostly).
        c.ack_due_at = acknowledgement_due(received)
        c.ack_at_risk_after = at_risk_after(received, c.ack_due_at)
        if channel in (Channel.PHONE, Channel.IN_PERSON):
            acked = received + timedelta(minutes=1)
        else:
            # Mostly well within the day; one in ten after the closing hour.
            window = business_seconds(received, c.ack_due_at) or 0
            late = rng.random() < 0.1
            share = rng.uniform(1.05, 3) if late else rng.uniform(0.02, 0.9)
            acked = business_instant_after(received, max(window * share, 600))
        if not self.step(life, Stage.ACKNOWLEDGED, acked):
            return self.finish(life)
        c.acknowledged_at = acked
        target_met(life, ACK, received, c.ack_due_at, c.ack_at_risk_after, acked)

        # Stage 3: the category's priority, now and then overridden with a reason.
        classified = self.later(acked, 0.1, 3)
        if not self.reaches(Stage.CLASSIFIED, classified):
            return self.finish(life)
        c.category = category
        c.priority = category.default_priority
        if rng.random() < 0.05:
            c.priority = rng.choice([p for p in ("high", "normal", "low") if p != c.priority])
            c.priority_override_reason = "Müşterinin durumu nedeniyle öncelik değiştirildi."
        self.step(life, Stage.CLASSIFIED, classified)
        c.classified_at = classified
        days = resolution_days_for(kind=kind, priority=c.priority)

        start = received
        tracked = self.later(classified, 0.1, 2)
        if days is not None:
            cycle_open(c, start, days)
        if not self.reaches(Stage.TRACKING, tracked):
            return self.finish(life)
        c.assignee = rng.choice(self.staff)
        self.step(life, Stage.TRACKING, tracked)
        analysis = self.later(tracked, 0.1, 4)
        if not self.step(life, Stage.IN_ANALYSIS, analysis):
            return self.finish(life)
        while True:
            if days is not None and c.resolution_due_at is not None:
                total = business_seconds(start, c.resolution_due_at) or 0
                late = rng.random() < 0.1
                share = rng.uniform(1.02, 2.5) if late else 0.2 + 0.77 * rng.random() ** 1.6
                decided = business_instant_after(start, total * share)
            else:
                decided = self.later(analysis, 2, 30)
            # Whatever the target, the decision follows the analysis it comes from.
            decided = max(decided, self.later(analysis, 0.3, 2))
            responded = analysis + (decided - analysis) * 0.85
            if not self.reaches(Stage.RESPONDED, responded):
                return self.finish(life)
            if kind != Kind.FEEDBACK or rng.random() < 0.5:
                c.root_cause = rng.choice(self.root_causes) if self.root_causes else None
                c.root_cause_analysis = "Kök neden analizi yapıldı: süreç adımı atlanmış."
            c.solution_proposal = "Hatalı tutar iade edilecek, süreç düzeltildi."
            self.step(life, Stage.RESPONDED, responded)
            if not self.reaches(Stage.DECISION_NOTIFIED, decided):
                return self.finish(life)
            c.decision = "Fark bir sonraki faturadan düşülecek."
            self.step(life, Stage.DECISION_NOTIFIED, decided, data={"decision": c.decision})
            c.decision_notified_at = decided
            if days is not None:
                target_met(
                    life,
                    RESOLUTION,
                    start,
                    c.resolution_due_at,
                    c.resolution_at_risk_after,
                    decided,
                )
            answered = self.later(decided, 1, 27) if kind != Kind.FEEDBACK else decided
            if not self.reaches(Stage.CLOSED, answered):
                return self.finish(life)
            if kind != Kind.FEEDBACK and c.reopen_count == 0 and rng.random() < 0.07:
                # Stage 8: not satisfied, so evaluated and investigated again.
                message_add(life, answered, REJECTION)
                c.reopen_count += 1
                self.step(
                    life,
                    Stage.IN_ANALYSIS,
                    answered,
                    note=REJECTION,
                    data={"customer_answer": Answer.REJECTED, "customer_answer_channel": "phone"},
                )
                start = analysis = answered
                if days is not None:
                    cycle_open(c, start, days)
                continue
            if kind != Kind.FEEDBACK:
                c.customer_answer = Answer.ACCEPTED
                c.customer_answer_channel = Channel.PHONE if by_phone else Channel.EMAIL
                c.customer_answered_at = answered
            self.step(life, Stage.CLOSED, answered)
            c.closed_at = answered
            return self.finish(life)

    def reaches(self, stage: Stage, at: datetime) -> bool:
        if at > self.now:
            return False
        # Held: waits in its stage (a re-opening goes back to analysis, and is allowed).
        return self.hold is None or STAGE_ORDER.index(stage) <= STAGE_ORDER.index(self.hold)

    def step(
        self,
        life: Life,
        stage: Stage,
        at: datetime,
        *,
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> bool:
        """Move to ``stage`` at ``at``, with its history row; False if that is still to come."""
        if not self.reaches(stage, at):
            return False
        c = life.complaint
        transition = transition_for(c.kind, c.stage, stage)
        assert transition is not None, (c.kind, c.stage, stage)
        actor = None if transition.is_reopening else (c.assignee or self.rng.choice(self.staff))
        event_add(
            life, transition.action, at, source=c.stage, to=stage, note=note, data=data, actor=actor
        )
        c.stage = stage
        return True

    def finish(self, life: Life) -> Life:
        """Open targets: the markers the sweep would have recorded until now."""
        targets_swept(life, until=self.now)
        life.events.sort(key=lambda e: e.created_at)
        return life
