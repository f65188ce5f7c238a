"""Periodic SLA work. Thin: each task calls one service and is safe to run twice."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from sla import recompute, services, unanswered


@shared_task(name="sla.tasks.sla_sweep", ignore_result=True)
def sla_sweep() -> dict[str, int]:
    """Record the targets that became at risk or breached (beat: every minute).

    Two workers running it at once, or a run repeated after a lost ack, record
    nothing twice: the service claims each event with a conditional UPDATE.
    """
    return services.sla_sweep().as_dict()


@shared_task(name="sla.tasks.unanswered_sweep", ignore_result=True)
def unanswered_sweep() -> dict[str, int]:
    """Remind once, then close with "no answer", the decisions left unanswered
    (beat: every SLA_ANSWER_SWEEP_INTERVAL_SECONDS). Safe to run twice: each
    reminder is claimed, each closure is a transition that re-checks the stage."""
    return unanswered.unanswered_sweep().as_dict()


@shared_task(name="sla.tasks.due_dates_recompute", ignore_result=True)
def due_dates_recompute(dates: list[str]) -> dict[str, int]:
    """Recompute the open complaints' due dates over ``dates`` (ISO days), queued
    by the admin after a calendar override was added, changed or deleted. Safe to
    run twice: a second run finds the dates already in place and changes nothing."""
    return recompute.sla_recompute(
        reason=recompute.CALENDAR, dates=[date.fromisoformat(d) for d in dates]
    ).as_dict()
