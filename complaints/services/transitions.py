"""The state machine: the one function that changes a complaint's stage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from ..models import Answer, Complaint, Stage
from ..permissions import Actor, actor_require
from ..workflow import CUSTOMER_ANSWERS, WAITING_STAGES, Transition, transition_for
from .errors import GuardFailed, TransitionNotAllowed
from .events import describe, event_record
from .waiting import WaitEnd, complaint_wait_end


def complaint_transition(
    *,
    complaint: Complaint,
    to: str,
    actor: Actor,
    note: str = "",
    fields: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> Complaint:
    """Move a complaint to stage ``to``: the one way the stage ever changes.

    Locks the row, finds the transition declared in complaints.workflow, checks
    the actor's permission, applies ``fields`` (only those the transition takes),
    checks the guards, saves with update_fields and appends the history row, all
    in one transaction. Raises TransitionNotAllowed, PermissionDenied or
    GuardFailed and changes nothing when it refuses.

    ``data`` is added to the history row's data, for the reactions of the other
    apps (how the step was taken, e.g. the decision given on a phone call).
    """
    fields = dict(fields or {})
    with transaction.atomic():
        # Two staff members acting on the same complaint at once: the lock makes
        # the second one see the stage the first one left, and fail cleanly.
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        transition = transition_for(locked.kind, locked.stage, to, fields)
        if transition is None:
            raise TransitionNotAllowed(
                _("This application is in stage “%(source)s” and cannot move to “%(target)s”.")
                % {
                    "source": Stage(locked.stage).label,
                    "target": Stage(to).label if to in Stage.values else to,
                }
            )
        actor_require(actor, transition.permission)
        changed = _apply_fields(locked, transition, fields)
        for default in transition.defaults:
            changed.update(default(locked))
        errors: dict[str, str] = {}
        for guard in transition.guards:
            errors.update(guard(locked))
        if errors:
            raise GuardFailed(errors)
        if locked.waiting_on_customer_since and transition.target not in WAITING_STAGES:
            # PROCESS.md: the wait is for information needed to decide; once the
            # decision goes out it is over. Recorded before the step, so the
            # clock restarts (sla) before the decision meets the target.
            complaint_wait_end(
                complaint=locked, reason=WaitEnd.STEP, actor=actor, step=transition.name
            )
        for effect in transition.effects:
            changed.update(effect(locked))
        source = locked.stage
        locked.stage = transition.target
        changed.update({"stage", "updated_at"})
        locked.save(update_fields=sorted(changed))
        event_record(
            complaint=locked,
            action=transition.action,
            actor=actor,
            from_stage=source,
            to_stage=transition.target,
            note=note,
            data={
                **(data or {}),
                **{name: describe(getattr(locked, name)) for name in sorted(fields)},
            },
        )
    return locked


def _apply_fields(
    complaint: Complaint, transition: Transition, fields: Mapping[str, Any]
) -> set[str]:
    unknown = set(fields) - set(transition.fields)
    if unknown:
        raise GuardFailed(
            {name: _("This step does not take this field.") for name in sorted(unknown)}
        )
    for name, value in fields.items():
        setattr(complaint, name, "" if value is None and _is_text(name) else value)
    names = set(fields)
    if names:
        exclude = [f.name for f in Complaint._meta.concrete_fields if f.name not in names]
        try:
            # Choices, lengths and types of what the caller passed; blanks are the guards' job.
            complaint.clean_fields(exclude=exclude)
        except ValidationError as exc:
            real = {
                name: [m for e in errors if e.code not in {"blank", "null"} for m in e.messages]
                for name, errors in exc.error_dict.items()
            }
            real = {name: messages for name, messages in real.items() if messages}
            if real:
                raise GuardFailed(real) from exc
    return names


def _is_text(name: str) -> bool:
    field = Complaint._meta.get_field(name)
    return isinstance(field, models.CharField | models.TextField)


def complaint_record_answer(
    *,
    complaint: Complaint,
    answer: str,
    channel: str,
    reason: str = "",
    actor: Actor = None,
) -> Complaint:
    """The customer's answer to the decision (PROCESS.md stage 8).

    Accepted: the complaint is closed. Rejected: it goes back to analysis to be
    re-evaluated (a re-opening, counted).
    """
    if answer not in CUSTOMER_ANSWERS:
        raise GuardFailed({"customer_answer": _("Choose accepted or rejected.")})
    target = Stage.CLOSED if answer == Answer.ACCEPTED else Stage.IN_ANALYSIS
    return complaint_transition(
        complaint=complaint,
        to=target,
        actor=actor,
        note=reason,
        fields={
            "customer_answer": answer,
            "customer_answer_channel": channel,
            "customer_answer_reason": reason,
        },
    )
