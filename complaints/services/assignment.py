"""Assignment (PROCESS.md stage 4): who follows the complaint."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .. import codes
from ..models import Complaint, Stage
from ..permissions import Actor, actor_require
from ..staff import user_is_assignable
from .errors import GuardFailed, TransitionNotAllowed
from .events import describe, event_record
from .transitions import complaint_transition


def complaint_assign(*, complaint: Complaint, assignee: Any, actor: Actor) -> Complaint:
    """Hand the complaint to a representative (any open stage).

    A classified complaint handed to someone starts its follow-up (stage 4),
    wherever the assignment is made: the admin, its bulk action or the API.
    Only the users ``complaints.staff`` names can be assigned.
    """
    actor_require(actor, "complaints.assign_complaint")
    if assignee is not None and not user_is_assignable(assignee):
        raise GuardFailed({"assignee": _("Only Agents and Representatives can be assigned.")})
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.stage == Stage.CLASSIFIED and assignee is not None:
            return complaint_transition(
                complaint=locked, to=Stage.TRACKING, actor=actor, fields={"assignee": assignee}
            )
        if not locked.is_open:
            raise TransitionNotAllowed(_("A closed complaint cannot be reassigned."))
        if locked.assignee_id == getattr(assignee, "pk", None):
            return locked
        previous = locked.assignee
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
        event_record(
            complaint=locked,
            action=codes.ASSIGNED,
            actor=actor,
            data={"from": describe(previous), "to": describe(assignee)},
        )
    return locked
