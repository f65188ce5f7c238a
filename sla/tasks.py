"""Periodic SLA work. Thin: each task calls one service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from sla import services


@shared_task(name="sla.tasks.sla_sweep", ignore_result=True)
def sla_sweep() -> dict[str, int]:
    """Record the targets that became at risk or breached (beat: every minute).

    Two workers running it at once, or a run repeated after a lost ack, record
    nothing twice: the service claims each event with a conditional UPDATE.
    """
    return services.sla_sweep().as_dict()
