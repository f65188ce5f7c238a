"""The dotted action codes of the history, declared once.

Every app declares the codes it writes, with their readable names, in its own
``codes.py`` (``codes_declare`` at import time), and writes and reacts to them
through those constants only. Reactions are connected with
``complaints.signals.reactions_connect``, which refuses a table keyed on a code
nobody declared, so a misspelt code fails at start-up instead of never firing.

A code may say that it is an *escalation* (an SLA event that staff must be told
of): the app that notifies staff reacts to that flag, without knowing which
app writes such codes (intake, notifications and sla do not import each other).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ActionCode:
    code: str
    label: Any
    escalation: bool = False

    def __str__(self) -> str:
        return self.code


_CODES: dict[str, ActionCode] = {}


def codes_declare(*codes: ActionCode) -> None:
    for declared in codes:
        existing = _CODES.get(declared.code)
        if existing is not None and existing != declared:
            raise ValueError(f"action code {declared.code!r} declared twice, differently")
        _CODES[declared.code] = declared


def code_get(code: str) -> ActionCode | None:
    return _CODES.get(code)


def code_is_declared(code: str) -> bool:
    return code in _CODES


def codes_declared() -> tuple[ActionCode, ...]:
    return tuple(_CODES.values())


def is_escalation(code: str) -> bool:
    declared = _CODES.get(code)
    return bool(declared and declared.escalation)


def action_label(code: str) -> str:
    """The readable name of a code; an undeclared code is shown as it is."""
    declared = _CODES.get(code)
    return str(declared.label) if declared is not None else code
