"""The benchmark's assumptions about how people behave: mixes and delays.

Everything the application decides (stages, transitions, guards, due dates,
at-risk points, history codes, column names) is read from the code by
bench/gen_life.py; this module holds only what the code cannot know: how
often each kind, channel and category arrives, how long staff and customers
take for each step, and how often a decision is rejected. Delays are keyed by
transition name and checked against ``complaints.workflow.TRANSITIONS`` at
import, so a new step in the workflow fails here until it is given a delay.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from complaints.models import Channel, Kind
from complaints.workflow import TRANSITIONS

HOUR = 3600.0

KIND_WEIGHTS: dict[str, int] = {Kind.COMPLAINT: 70, Kind.REQUEST: 20, Kind.FEEDBACK: 10}
CHANNEL_WEIGHTS: dict[str, int] = {
    Channel.WEB: 35,
    Channel.EMAIL: 25,
    Channel.PHONE: 18,
    Channel.SMS: 5,
    Channel.WHATSAPP: 4,
    Channel.IN_PERSON: 5,
    Channel.API: 12,
}
# By the seeded category codes; a category the seed adds later gets weight 1.
CATEGORY_WEIGHTS: dict[str, int] = {
    "unlawful-practice": 2,
    "operations-stopped": 9,
    "reputation-damage": 2,
    "operations-disrupted": 20,
    "financial": 22,
    "contract-breach": 8,
    "communication": 14,
    "staff-behaviour": 6,
    "customer-regulation-breach": 3,
    "outside-scope": 6,
    "request-against-contract": 4,
    "company-not-at-fault": 4,
}
SUBJECTS: tuple[str, ...] = (
    "İnternet bağlantım sık sık kopuyor",
    "Faturamda fazla ücret var",
    "Modem arızası giderilmedi",
    "Taahhüt dışı ücret yansıtıldı",
    "Çağrı merkezine ulaşamıyorum",
    "Hız paketimden düşük hız alıyorum",
    "Nakil talebim sonuçlanmadı",
    "Teknisyen randevuya gelmedi",
    "İptal talebim işleme alınmadı",
    "Personelin tutumundan memnun değilim",
)

PRIORITY_OVERRIDE_SHARE = 0.05  # staff override the category's priority
STUCK_SHARE = 0.01  # the long tail that never gets a response
ENGLISH_SHARE = 0.10
WEEKEND_KEEP = 0.3  # share of weekend days kept when drawing receipt days
BUSINESS_HOURS_RECEIPT_SHARE = 0.85
# At decision_notified: the share of customers who reject (a re-opening), once.
REJECTION_SHARE = 0.06
# The decision arrives after this share of the resolution target's business time.
LATE_DECISION_SHARE = 0.12
ON_TIME_DECISION = (0.25, 0.97)
LATE_DECISION = (1.02, 2.5)
# The response is recorded shortly before the decision is notified.
RESPONSE_BEFORE_DECISION = 0.15
# Phone and in-person: acknowledged during the contact, in the same transaction.
ON_CONTACT_SECONDS = 0.0
# The sweep runs every minute: an event is recorded up to this long after it falls due.
SWEEP_PERIOD_SECONDS = 60.0


@dataclass(frozen=True)
class Delay:
    """Business hours a step takes, drawn from weighted uniform ranges."""

    ranges: Sequence[tuple[float, float, float]]  # (weight, low, high)

    def draw(self, rng: random.Random) -> float:
        r = rng.random() * sum(w for w, _lo, _hi in self.ranges)
        for weight, low, high in self.ranges:
            if r < weight:
                return rng.uniform(low, high) * HOUR
            r -= weight
        _w, low, high = self.ranges[-1]
        return rng.uniform(low, high) * HOUR


def _one(low: float, high: float) -> Delay:
    return Delay(((1.0, low, high),))


# Business hours from the previous step, by transition name. "responded" and
# "decision_notified" follow the resolution target instead (see gen_life).
DELAYS: dict[str, Delay] = {
    "acknowledged": Delay(((0.86, 0.1, 5), (0.10, 5, 12), (0.04, 9, 30))),
    "classified": _one(0.1, 3),
    "tracking_started": _one(0.1, 2),
    "analysis_started": _one(0.1, 4),
    "closed": _one(1, 27),
    # Never chosen by the generator (it takes the first way into a stage).
    "closed_no_answer": _one(15, 20),
    "reopened": _one(2, 20),
}
FEEDBACK_CLOSE = _one(1, 1)
TARGET_PACED = frozenset({"responded", "decision_notified"})

_names = {t.name for t in TRANSITIONS}
assert set(DELAYS) | TARGET_PACED == _names, (
    f"bench/gen_mix.py: give a delay to {sorted(_names - set(DELAYS) - TARGET_PACED)}, "
    f"drop {sorted(set(DELAYS) | TARGET_PACED - _names)}"
)


def weighted(weights: dict[str, int]) -> Callable[[random.Random], str]:
    keys, values = list(weights), list(weights.values())

    def pick(rng: random.Random) -> str:
        return rng.choices(keys, weights=values)[0]

    return pick
