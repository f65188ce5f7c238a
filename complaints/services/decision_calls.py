"""A decision given by phone (PROCESS.md stage 7: "sent to the customer by
e-mail or phone"), as a record: the number called, the time, who called, the
outcome and the customer's answer when they gave it on the call.

PROCESS.md "When the SLA is met": the resolution target is met when the
decision has been communicated to the customer. A call that reached them is
that communication: the complaint moves to ``decision_notified`` through the
same transition as a decision sent in writing (so the sla app meets the target
at the call, through the same reaction). A call that did not reach them is not
a notification: it is recorded, and nothing else changes.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import codes
from ..contacts import normalize_phone
from ..models import Channel, Complaint, DecisionCall, Stage
from ..models.decision_call import CallOutcome
from ..permissions import Actor, actor_require, actor_user
from ..workflow import CUSTOMER_ANSWERS, DECISION_CALL_STAGES
from .errors import GuardFailed, TransitionNotAllowed
from .events import event_record
from .transitions import complaint_record_answer, complaint_transition

PERMISSION = "complaints.add_decisioncall"

# The transitions name the answer's fields after the complaint's; a call's
# input names them after the call.
_FIELD_NAMES = {"customer_answer": "answer", "customer_answer_reason": "reason"}


def decision_call_record(
    *,
    complaint: Complaint,
    outcome: str,
    actor: Actor,
    phone: str = "",
    decision: str = "",
    answer: str = "",
    reason: str = "",
    note: str = "",
) -> DecisionCall:
    """Record a call to the customer about the decision, and what it implies.

    ``phone`` defaults to the number given with the complaint. Reached, while
    the decision is ready (``responded``): the decision (``decision``, required
    then) is notified by this call. Reached, with ``answer`` (accepted or
    rejected, with ``reason``): the answer is recorded through the same service
    as the customer's own links and page (closed, or re-opened). Not reached:
    the call's history row, and nothing else.

    All in one transaction: a refusal (PermissionDenied, GuardFailed,
    TransitionNotAllowed) records no call.
    """
    actor_require(actor, PERMISSION)
    caller = actor_user(actor)
    if caller is None:
        # The system places no calls: someone has to have talked to the customer.
        raise PermissionDenied(_("A call is recorded by the member of staff who made it."))
    decision, reason, note = decision.strip(), reason.strip(), note.strip()
    errors: dict[str, str] = {}
    if outcome not in CallOutcome.values:
        errors["outcome"] = _("Say whether the call reached the customer.")
    if answer and answer not in CUSTOMER_ANSWERS:
        errors["answer"] = _("Choose accepted or rejected, or leave it empty.")
    elif answer and outcome != CallOutcome.REACHED:
        errors["answer"] = _("Only a customer who was reached can have answered.")
    # The number given with this complaint, never the customer record's
    # (unverified, and perhaps someone else's: complaints.identity).
    number = phone.strip() or complaint.contact_phone
    try:
        number = normalize_phone(number)
    except ValidationError as exc:
        errors["phone"] = " ".join(exc.messages)
    if not number and "phone" not in errors:
        errors["phone"] = _("Give the number you called.")
    if errors:
        raise GuardFailed(errors)

    with transaction.atomic():
        # Two calls recorded at once (or a call and the written decision): the
        # lock makes the second see the stage the first one left.
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.stage not in DECISION_CALL_STAGES:
            raise TransitionNotAllowed(
                _("A decision call is for a decision ready or notified; this one is “%(stage)s”.")
                % {"stage": Stage(locked.stage).label}
            )
        if locked.stage == Stage.DECISION_NOTIFIED and decision and decision != locked.decision:
            raise GuardFailed(
                {"decision": _("The decision was notified already: a call cannot change it.")}
            )
        call = DecisionCall.objects.create(
            complaint=locked,
            phone=number,
            called_at=timezone.now(),
            caller=caller,
            outcome=outcome,
            answer=answer,
            answer_reason=reason if answer else "",
            note=note,
        )
        reached = outcome == CallOutcome.REACHED
        event_record(
            complaint=locked,
            action=codes.DECISION_CALL_REACHED if reached else codes.DECISION_CALL_NOT_REACHED,
            actor=actor,
            note=note,
            data={"call": call.pk, "outcome": outcome, "answer": answer},
        )
        if not reached:
            return call
        try:
            if locked.stage == Stage.RESPONDED:
                locked = complaint_transition(
                    complaint=locked,
                    to=Stage.DECISION_NOTIFIED,
                    actor=actor,
                    fields={"decision": decision or locked.decision},
                    # The written notice's links would answer a decision the
                    # customer has answered already (notifications reads this).
                    data={"decision_call": call.pk, "answered_on_call": answer},
                )
            if answer:
                complaint_record_answer(
                    complaint=locked,
                    answer=answer,
                    channel=Channel.PHONE,
                    reason=reason,
                    actor=actor,
                )
        except GuardFailed as exc:
            raise GuardFailed({_FIELD_NAMES.get(k, k): v for k, v in exc.errors.items()}) from exc
    return call
