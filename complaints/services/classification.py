"""Classification after the fact: a new priority or category, with its reason."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .. import codes
from ..models import Category, Complaint, Priority, Stage
from ..permissions import Actor, actor_require
from ..workflow import transition_for
from .errors import GuardFailed, TransitionNotAllowed
from .events import describe, event_record
from .transitions import complaint_transition


def _lock_classified_open(complaint: Complaint, message: str) -> Complaint:
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not locked.is_open or not locked.priority:
        raise TransitionNotAllowed(message)
    return locked


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise GuardFailed({"priority_override_reason": _("Give a reason for the change.")})
    return reason


def _priority_change(
    *, locked: Complaint, priority: str, override_reason: str, note: str, actor: Actor
) -> None:
    # One history row per priority change: the sla app moves the resolution
    # due date when it sees it.
    previous = locked.priority
    locked.priority = priority
    locked.priority_override_reason = override_reason
    locked.save(update_fields=["priority", "priority_override_reason", "updated_at"])
    event_record(
        complaint=locked,
        action=codes.REPRIORITIZED,
        actor=actor,
        note=note,
        data={"from": previous, "to": priority},
    )


def complaint_reprioritize(
    *, complaint: Complaint, priority: str, reason: str, actor: Actor
) -> Complaint:
    """Change the priority of a classified, open complaint; the reason is recorded."""
    actor_require(actor, "complaints.reprioritize_complaint")
    if priority not in Priority.values:
        raise GuardFailed({"priority": _("Choose high, normal or low.")})
    reason = _reason_required(reason)
    with transaction.atomic():
        locked = _lock_classified_open(
            complaint, _("Only a classified, open complaint can change its priority.")
        )
        if locked.priority != priority:
            _priority_change(
                locked=locked, priority=priority, override_reason=reason, note=reason, actor=actor
            )
    return locked


def complaint_recategorize(
    *, complaint: Complaint, category: Category, reason: str, actor: Actor
) -> Complaint:
    """Move a classified, open complaint to another category, the reason recorded.

    Some criteria are known only after evaluation (PROCESS.md: "the company is
    not at fault"). The priority follows the new category's default unless
    staff had overridden it; a priority that changes is recorded as such, so
    the resolution due date follows it.
    """
    actor_require(actor, "complaints.classify_complaint")
    reason = _reason_required(reason)
    if not category.active:
        raise GuardFailed({"category": _("This category is no longer in use.")})
    with transaction.atomic():
        locked = _lock_classified_open(
            complaint, _("Only a classified, open complaint can change its category.")
        )
        previous = locked.category
        if previous is not None and previous.pk == category.pk:
            return locked
        followed_default = previous is None or locked.priority == previous.default_priority
        locked.category = category
        locked.save(update_fields=["category", "updated_at"])
        event_record(
            complaint=locked,
            action=codes.RECATEGORIZED,
            actor=actor,
            note=reason,
            data={"from": describe(previous), "to": describe(category)},
        )
        if followed_default and locked.priority != category.default_priority:
            _priority_change(
                locked=locked,
                priority=category.default_priority,
                override_reason="",
                note=reason,
                actor=actor,
            )
        elif locked.priority == category.default_priority and locked.priority_override_reason:
            # The override now agrees with the category: nothing left to explain.
            locked.priority_override_reason = ""
            locked.save(update_fields=["priority_override_reason", "updated_at"])
    return locked


def complaint_classify(
    *,
    complaint: Complaint,
    actor: Actor,
    category: Category | None = None,
    priority: str | None = None,
    reason: str = "",
    note: str = "",
) -> Complaint:
    """Stage 3, whichever it is now: the classification of a complaint not yet
    classified (the `classified` transition, or its refusal from a stage that
    cannot be classified), else a change of category and/or of priority, each
    with its reason (``reason``, else ``note``)."""
    if transition_for(complaint.kind, complaint.stage, Stage.CLASSIFIED) or not complaint.priority:
        fields: dict[str, Any] = {}
        if category is not None:
            fields["category"] = category
        if priority is not None:
            fields["priority"] = priority
        if reason:
            fields["priority_override_reason"] = reason
        return complaint_transition(
            complaint=complaint, to=Stage.CLASSIFIED, actor=actor, note=note, fields=fields
        )
    reason = reason or note
    changes_category = category is not None and category.pk != complaint.category_id
    if not changes_category and priority is None:
        raise GuardFailed({"priority": _("Give the new priority.")})
    with transaction.atomic():
        if category is not None and changes_category:
            complaint = complaint_recategorize(
                complaint=complaint, category=category, reason=reason, actor=actor
            )
        if priority is not None:
            complaint = complaint_reprioritize(
                complaint=complaint, priority=priority, reason=reason, actor=actor
            )
    return complaint
