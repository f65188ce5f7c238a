"""The dotted action codes of the history, declared once.

Every app declares the codes it writes, with their readable names, in its own
``codes.py`` (``codes_declare`` at import time), and writes and reacts to them
through those constants only. Reactions are connected with
``complaints.signals.reactions_connect``, which refuses a table keyed on a code
nobody declared, so a misspelt code fails at start-up instead of never firing.

A code may say that it is an *escalation* (an SLA event that staff must be told
of): the app that notifies staff reacts to that flag, without knowing which
app writes such codes (intake, notifications and sla do not import each other).

A code may also say that it *moves a due date* the customer was told of
(``moves_due_date``; sla's pause, resume and recomputation of the resolution
due date): the app that tells the customer reacts to that flag (issue 10,
item 7). Its row's ``data`` carries ``from`` and ``to`` (the due date moved, ISO
datetimes) or ``due_at`` (a due date put on hold; null when there was none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ActionCode:
    code: str
    label: Any
    escalation: bool = False
    moves_due_date: bool = False

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


def moves_due_date(code: str) -> bool:
    declared = _CODES.get(code)
    return bool(declared and declared.moves_due_date)


def action_label(code: str) -> str:
    """The readable name of a code; an undeclared code is shown as it is."""
    declared = _CODES.get(code)
    return str(declared.label) if declared is not None else code
