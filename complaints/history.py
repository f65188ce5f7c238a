"""Readable names for the dotted action codes of the history.

Each app names the codes it writes (complaints here, the others in their
``apps.py``), so the complaint page and the audit log show words, not codes;
an unnamed code is shown as it is.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .workflow import TRANSITIONS

_LABELS: dict[str, Any] = {}


def action_label_register(code: str, label: Any) -> None:
    _LABELS[code] = label


def action_label(code: str) -> str:
    return str(_LABELS.get(code, code))


action_label_register("complaints.complaint.received", _("Received"))
for _transition in TRANSITIONS:
    # A stage change reads as the stage reached (the buttons say the verb).
    action_label_register(
        _transition.action, _("Re-opened") if _transition.is_reopening else _transition.target.label
    )
action_label_register("complaints.complaint.assigned", _("Assigned"))
action_label_register("complaints.complaint.reprioritized", _("Priority changed"))
action_label_register("complaints.complaint.recategorized", _("Category changed"))
action_label_register("complaints.message.from_customer", _("Message from the customer"))
action_label_register("complaints.message.from_staff", _("Message from staff"))
action_label_register("complaints.message.internal_note", _("Internal note"))
