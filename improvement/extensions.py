"""What the improvement app adds to the complaint's staff screens, through the
extension points complaints declares (complaints.extensions)."""

from __future__ import annotations


def register() -> None:
    pass
