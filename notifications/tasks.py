"""Thin tasks: each takes ids, calls a service, and is safe to run twice.

services.py never imports this module: it enqueues by the task's name
(services.SEND_TASK), so the dependency goes one way only.
"""

from __future__ import annotations

from celery import shared_task

from .services import (
    SEND_TASK,
    notification_enqueue,
    notification_requeue_pending,
    notification_send,
)


@shared_task(name=SEND_TASK, ignore_result=True)
def notification_send_task(notification_id: int) -> str:
    outcome = notification_send(notification_id=notification_id)
    if outcome.retry_in is not None and not notification_send_task.app.conf.task_always_eager:
        # The next attempt, at its backoff time. Without a broker (tasks run
        # in-process) it is left to the re-queue sweep instead of retrying inline.
        notification_enqueue(notification_id=notification_id, countdown=outcome.retry_in)
    return outcome.result


@shared_task(name="notifications.tasks.notifications_requeue_pending", ignore_result=True)
def notifications_requeue_pending() -> int:
    return notification_requeue_pending()
