"""The history codes the sla app writes (see complaints.history).

At-risk and breach events are declared as escalations: the app that tells
staff reacts to that flag, not to these names.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints.history import ActionCode, codes_declare

ACK_AT_RISK = "sla.ack.at_risk"
ACK_BREACHED = "sla.ack.breached"
RESOLUTION_AT_RISK = "sla.resolution.at_risk"
RESOLUTION_BREACHED = "sla.resolution.breached"
# A recomputed resolution due date (after a priority change).
DUE_CHANGED = "sla.resolution.due_changed"
# Waiting on the customer stopped the resolution clock, and started it again
# (``data``: the business seconds it stood still, the due date moved).
RESOLUTION_PAUSED = "sla.resolution.paused"
RESOLUTION_RESUMED = "sla.resolution.resumed"
# The open targets' due dates recomputed after a calendar override or a
# settings change (``data``: ``reason``, and per target moved its ``from`` /
# ``to`` due dates and at-risk points).
DUE_DATES_RECOMPUTED = "sla.due_dates.recomputed"
# The notice that met the acknowledgement target was reported undelivered
# (issue 10, item 5): the target is not met any more; and a later
# acknowledgement (staff on the phone, the notice sent again) met it again.
ACK_UNDELIVERED = "sla.ack.undelivered"
ACK_MET_AGAIN = "sla.ack.met_again"

codes_declare(
    ActionCode(ACK_AT_RISK, _("Acknowledgement at risk"), escalation=True),
    ActionCode(ACK_BREACHED, _("Acknowledgement target breached"), escalation=True),
    ActionCode(RESOLUTION_AT_RISK, _("Resolution at risk"), escalation=True),
    ActionCode(RESOLUTION_BREACHED, _("Resolution target breached"), escalation=True),
    # The customer is told when these move the due date (complaints.history).
    ActionCode(DUE_CHANGED, _("Resolution due date changed"), moves_due_date=True),
    ActionCode(RESOLUTION_PAUSED, _("Resolution clock paused"), moves_due_date=True),
    ActionCode(RESOLUTION_RESUMED, _("Resolution clock resumed"), moves_due_date=True),
    ActionCode(DUE_DATES_RECOMPUTED, _("Due dates recomputed"), moves_due_date=True),
    ActionCode(ACK_UNDELIVERED, _("Acknowledgement target no longer met (not delivered)")),
    ActionCode(ACK_MET_AGAIN, _("Acknowledgement target met again")),
)
