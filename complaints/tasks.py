"""Periodic work of the complaints app: thin tasks, each calls one service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from complaints.retention import complaints_retention_sweep


@shared_task(name="complaints.tasks.retention_sweep", ignore_result=True)
def retention_sweep() -> dict[str, object]:
    """Anonymise what is past its retention period (beat: monthly).

    Two runs at once, or a run repeated after a lost ack, anonymise nothing
    twice: each batch claims its complaints with the ``anonymised_at`` marker.
    """
    result = complaints_retention_sweep()
    return {"complaints": result.complaints, "customers": result.customers, **result.purged}
