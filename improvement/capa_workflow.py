"""The corrective-action register's process, declared once, as data.

Every status change goes through ``improvement.services.capa.capa_transition``,
which looks the step up here, checks the actor's permission, applies the
fields the step takes, checks its guards, runs its effects and records the
history row. Read ``TRANSITIONS`` top to bottom to read the process:

    open → in_progress → implemented → verified_effective → closed
                              │      ↘ not_effective → in_progress (rework)
                              │                      ↘ closed
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from .models import CorrectiveAction


class CapaStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("corrective action", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("corrective action", "In progress")
    IMPLEMENTED = "implemented", pgettext_lazy("corrective action", "Implemented")
    VERIFIED_EFFECTIVE = (
        "verified_effective",
        pgettext_lazy("corrective action", "Verified effective"),
    )
    NOT_EFFECTIVE = "not_effective", pgettext_lazy("corrective action", "Not effective")
    CLOSED = "closed", pgettext_lazy("corrective action", "Closed")


# Still to be done by its owner: an overdue one is escalated (once).
ACTIVE_STATUSES: tuple[str, ...] = (CapaStatus.OPEN, CapaStatus.IN_PROGRESS)
VERDICT_STATUSES: tuple[str, ...] = (CapaStatus.VERIFIED_EFFECTIVE, CapaStatus.NOT_EFFECTIVE)

Guard = Callable[["CorrectiveAction"], dict[str, str]]
Effect = Callable[["CorrectiveAction"], Iterable[str]]


def required(*names: str) -> Guard:
    def guard(capa: CorrectiveAction) -> dict[str, str]:
        missing = {}
        for name in names:
            value = getattr(capa, f"{name}_id" if name == "owner" else name)
            if value in (None, "") or (isinstance(value, str) and not value.strip()):
                missing[name] = str(_("This field is required for this step."))
        return missing

    guard.__name__ = f"required({', '.join(names)})"
    return guard


def check_date_after_implementation(capa: CorrectiveAction) -> dict[str, str]:
    implemented = timezone.localdate(capa.implemented_at or timezone.now())
    if capa.effectiveness_check_date and capa.effectiveness_check_date <= implemented:
        return {
            "effectiveness_check_date": str(
                _("The effectiveness check must come after the implementation.")
            )
        }
    return {}


def check_date_reached(capa: CorrectiveAction) -> dict[str, str]:
    """The verdict compares equal periods before and after the implementation:
    the period after must have run its course."""
    if capa.effectiveness_check_date and timezone.localdate() < capa.effectiveness_check_date:
        return {
            "effectiveness_check_date": str(
                _("The effectiveness check is due on %(date)s: judge it then.")
                % {"date": capa.effectiveness_check_date.isoformat()}
            )
        }
    return {}


def has_scope(capa: CorrectiveAction) -> dict[str, str]:
    """Effectiveness is measured on the linked categories and root causes."""
    if capa.pk and (capa.categories.exists() or capa.root_causes.exists()):
        return {}
    return {"categories": str(_("Link a category or a root cause to measure the recurrence."))}


def stamp(name: str) -> Effect:
    def effect(capa: CorrectiveAction) -> Iterable[str]:
        setattr(capa, name, timezone.now())
        return (name,)

    return effect


class Verdict(models.TextChoices):
    EFFECTIVE = "effective", _("Effective")
    NOT_EFFECTIVE = "not_effective", _("Not effective")


def verdict_is(verdict: Verdict) -> Effect:
    def effect(capa: CorrectiveAction) -> Iterable[str]:
        capa.verdict = verdict
        return ("verdict",)

    effect.__name__ = f"verdict_is({verdict})"
    return effect


def measure(capa: CorrectiveAction) -> Iterable[str]:
    # Imported here: the selector needs the models, which import this module.
    from .selectors.capa import capa_recurrence

    before, after, days = capa_recurrence(capa=capa)
    capa.recurrence_before, capa.recurrence_after = before, after
    capa.measurement_period_days = days
    capa.measured_at = timezone.now()
    return ("recurrence_before", "recurrence_after", "measurement_period_days", "measured_at")


@dataclass(frozen=True)
class CapaTransition:
    name: str
    source: CapaStatus
    target: CapaStatus
    label: Any
    permission: str
    fields: tuple[str, ...] = ()
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()

    @property
    def action(self) -> str:
        return f"improvement.capa.{self.name}"


CHANGE = "improvement.change_correctiveaction"
VERIFY = "improvement.verify_correctiveaction"

TRANSITIONS: tuple[CapaTransition, ...] = (
    CapaTransition(
        name="started",
        source=CapaStatus.OPEN,
        target=CapaStatus.IN_PROGRESS,
        label=_("Start the work"),
        permission=CHANGE,
        guards=(required("owner", "due_date"),),
    ),
    CapaTransition(
        name="implemented",
        source=CapaStatus.IN_PROGRESS,
        target=CapaStatus.IMPLEMENTED,
        label=_("Record the implementation"),
        permission=CHANGE,
        fields=("action_taken", "effectiveness_check_date"),
        guards=(
            required("action_taken", "effectiveness_check_date"),
            check_date_after_implementation,
        ),
        effects=(stamp("implemented_at"),),
    ),
    CapaTransition(
        name="verified_effective",
        source=CapaStatus.IMPLEMENTED,
        target=CapaStatus.VERIFIED_EFFECTIVE,
        label=_("Verdict: effective"),
        permission=VERIFY,
        fields=("verdict_note",),
        guards=(check_date_reached, has_scope, required("verdict_note")),
        effects=(measure, verdict_is(Verdict.EFFECTIVE)),
    ),
    CapaTransition(
        name="not_effective",
        source=CapaStatus.IMPLEMENTED,
        target=CapaStatus.NOT_EFFECTIVE,
        label=_("Verdict: not effective"),
        permission=VERIFY,
        fields=("verdict_note",),
        guards=(check_date_reached, has_scope, required("verdict_note")),
        effects=(measure, verdict_is(Verdict.NOT_EFFECTIVE)),
    ),
    CapaTransition(
        name="reworked",
        source=CapaStatus.NOT_EFFECTIVE,
        target=CapaStatus.IN_PROGRESS,
        label=_("Rework the action"),
        permission=CHANGE,
        fields=("due_date",),
        guards=(required("due_date"),),
    ),
    CapaTransition(
        name="closed",
        source=CapaStatus.VERIFIED_EFFECTIVE,
        target=CapaStatus.CLOSED,
        label=_("Close"),
        permission=VERIFY,
        effects=(stamp("closed_at"),),
    ),
    CapaTransition(
        # Not effective and not worth more work: closed with the reason why.
        name="closed_not_effective",
        source=CapaStatus.NOT_EFFECTIVE,
        target=CapaStatus.CLOSED,
        label=_("Close without further action"),
        permission=VERIFY,
        fields=("verdict_note",),
        guards=(required("verdict_note"),),
        effects=(stamp("closed_at"),),
    ),
)

_BY_NAME = {t.name: t for t in TRANSITIONS}
assert len(_BY_NAME) == len(TRANSITIONS), "two CAPA transitions with one name"


def capa_transition_by_name(name: str) -> CapaTransition | None:
    return _BY_NAME.get(name)


def capa_transitions_from(status: str) -> list[CapaTransition]:
    return [t for t in TRANSITIONS if t.source == status]


PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("verify_correctiveaction", "Can judge the effectiveness of a corrective action and close it"),
)
