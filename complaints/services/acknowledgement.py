"""The acknowledgement (PROCESS.md stage 2) after the complaint has moved on.

Normally the acknowledgement is the notice with the tracking number (its
sending is reported as ``complaints.acknowledgement.sent`` and moves the
complaint to ``acknowledged``) or staff giving it during the contact. When the
provider reports afterwards that the notice never arrived (issue 10, item 5),
the acknowledgement target is not met any more and staff are asked to give the
acknowledgement themselves: by phone or in person. This module holds the one
rule that says whether an acknowledgement by staff stands, and the step that
records one.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .. import codes
from ..models import Channel, Complaint, ComplaintEvent, Stage
from ..permissions import Actor, actor_require
from .errors import GuardFailed
from .events import event_record
from .transitions import complaint_transition

PERMISSION = "complaints.acknowledge_complaint"

# How staff give the acknowledgement themselves (the notices are the other way).
STAFF_ACKNOWLEDGEMENT_CHANNELS = (Channel.PHONE, Channel.IN_PERSON)


def acknowledgement_given_by_staff(*, complaint: Complaint) -> bool:
    """Whether a staff member gave the acknowledgement themselves, at any time.

    Such an acknowledgement (the ``acknowledged`` step taken by a person, or
    one recorded with ``complaint_acknowledgement_give``) reached the customer
    during the contact: a notice reported undelivered later does not undo it.
    The automatic step (taken when the notice is sent) has no actor.
    """
    return ComplaintEvent.objects.filter(
        Q(action=codes.ACKNOWLEDGED) | Q(action=codes.ACKNOWLEDGEMENT_SENT),
        complaint_id=complaint.pk,
        actor__isnull=False,
    ).exists()


def complaint_acknowledgement_give(
    *, complaint: Complaint, channel: str, actor: Actor, note: str = ""
) -> ComplaintEvent:
    """Staff told the customer the tracking number by phone or in person.

    Still ``received``: that is the ``acknowledged`` step itself. Later (the
    notice that acknowledged it bounced), the complaint stays where it is and
    the acknowledgement is recorded (``complaints.acknowledgement.sent`` with
    the actor); the sla app meets the target again. Raises PermissionDenied or
    GuardFailed (a channel other than phone or in person).
    """
    actor_require(actor, PERMISSION)
    if channel not in STAFF_ACKNOWLEDGEMENT_CHANNELS:
        raise GuardFailed({"channel": _("Acknowledge by phone or in person.")})
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        label = Channel(channel).label
        text = note or _("Acknowledgement with the tracking number given by %(channel)s.") % {
            "channel": label
        }
        if locked.stage == Stage.RECEIVED:
            complaint_transition(complaint=locked, to=Stage.ACKNOWLEDGED, actor=actor, note=text)
            event = ComplaintEvent.objects.filter(
                complaint=locked, action=codes.ACKNOWLEDGED
            ).latest("id")
        else:
            event = event_record(
                complaint=locked,
                action=codes.ACKNOWLEDGEMENT_SENT,
                actor=actor,
                note=text,
                data={"channel": channel, "by_staff": True},
            )
    return event
