"""What the services raise when the process refuses a change."""

from __future__ import annotations

from collections.abc import Mapping


class ComplaintError(Exception):
    """A request to change a complaint that the process does not allow."""


class TransitionNotAllowed(ComplaintError):
    """No transition leads from the complaint's stage to the one asked for."""


class GuardFailed(ComplaintError):
    """The transition exists but the complaint lacks what it needs; ``errors`` says what."""

    def __init__(self, errors: Mapping[str, str | list[str]]):
        self.errors = {k: v if isinstance(v, list) else [v] for k, v in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))
