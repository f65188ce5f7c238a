"""The history codes the improvement app writes (see complaints.history).

The invitation itself is recorded with complaints' generic
``complaints.customer.invited`` (and a low score with
``complaints.staff.alerted``): the app that delivers messages reacts to those
without knowing this app exists. The codes below say what happened here.
Corrective actions are not complaints: their history has its own table
(improvement.models.CapaEvent) with the ``improvement.capa.*`` codes.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints.history import ActionCode, codes_declare

SURVEY_NOT_INVITED = "improvement.survey.not_invited"
SURVEY_ANSWERED = "improvement.survey.answered"
SURVEY_OPTED_OUT = "improvement.survey.opted_out"
REPEAT_FLAGGED = "improvement.repeat.flagged"
LINK_ADDED = "improvement.link.added"
CAPA_LINKED = "improvement.capa.linked"

# The history of a corrective action (CapaEvent.action).
CAPA_OPENED = "improvement.capa.opened"
CAPA_CHANGED = "improvement.capa.changed"
CAPA_ESCALATED = "improvement.capa.overdue_escalated"
CAPA_MEASURED = "improvement.capa.effectiveness_measured"

codes_declare(
    ActionCode(SURVEY_NOT_INVITED, _("No survey invitation")),
    ActionCode(SURVEY_ANSWERED, _("Survey answered")),
    ActionCode(SURVEY_OPTED_OUT, _("Opted out of surveys")),
    ActionCode(REPEAT_FLAGGED, _("Repeat complaint")),
    ActionCode(LINK_ADDED, _("Linked to a similar complaint")),
    ActionCode(CAPA_LINKED, _("Linked to a corrective action")),
)

# The CAPA history's readable names (the steps' codes come from the table).
codes_declare(
    ActionCode(CAPA_OPENED, _("Corrective action opened")),
    ActionCode(CAPA_CHANGED, _("Corrective action edited")),
    ActionCode(CAPA_ESCALATED, _("Overdue corrective action escalated")),
    ActionCode(CAPA_MEASURED, _("Effectiveness measured")),
)


def _declare_capa_steps() -> None:
    from .capa_workflow import TRANSITIONS

    codes_declare(*(ActionCode(t.action, t.label) for t in TRANSITIONS))


_declare_capa_steps()
