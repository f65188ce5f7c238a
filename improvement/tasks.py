"""Thin periodic tasks: each calls a service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .services.capa import capa_escalate_overdue as _capa_escalate_overdue
from .services.recurrence import recurrence_signals_detect as _recurrence_signals_detect


@shared_task(name="improvement.tasks.recurrence_signals_detect", ignore_result=True)
def recurrence_signals_detect() -> int:
    return len(_recurrence_signals_detect())


@shared_task(name="improvement.tasks.capa_escalate_overdue", ignore_result=True)
def capa_escalate_overdue() -> int:
    return len(_capa_escalate_overdue())
