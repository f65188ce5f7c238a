"""sla holds no personal data; its history rows carry dates, priorities and
ids only, and anonymisation keeps them (complaints.privacy)."""

from __future__ import annotations

from complaints.privacy import history_data_keep


def register() -> None:
    history_data_keep(
        "due_at", "met_at", "at_risk_after", "priority", "business_days", "assignee", "from", "to"
    )
