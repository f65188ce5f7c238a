"""Redis, Celery (the broker, the task options and the beat schedule) and the
cache: read from the environment like the rest of config/settings.py, which
imports these names."""

from __future__ import annotations

import environ
from celery.schedules import crontab

env = environ.Env()

__all__ = [
    "CACHES",
    "CELERY_BEAT_SCHEDULE",
    "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP",
    "CELERY_BROKER_TRANSPORT_OPTIONS",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ACKS_LATE",
    "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_TASK_EAGER_PROPAGATES",
    "CELERY_TASK_IGNORE_RESULT",
    "CELERY_TASK_REJECT_ON_WORKER_LOST",
    "CELERY_TIMEZONE",
    "CELERY_WORKER_PREFETCH_MULTIPLIER",
    "REDIS_URL",
]

REDIS_URL = env.str("REDIS_URL", default="")

CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Without Redis nothing is sent to a broker (tasks run eagerly); the host name
# only keeps kombu from warning "No hostname was supplied" on every publish.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hang a web request: the outbox row is already
# committed and the re-queue sweep will send it later.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_TIMEZONE = env.str("TIME_ZONE", default="Europe/Istanbul")
# Periodic jobs; each is safe to run twice and when two run at once.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "sla-sweep": {
        "task": "sla.tasks.sla_sweep",
        "schedule": env.float("SLA_SWEEP_INTERVAL_SECONDS", default=60.0),
        # Runs missed while workers were down are dropped: the next one catches up.
        "options": {"expires": 55},
    },
    # PROCESS.md "An unanswered decision": reminders and "no answer" closures.
    "sla-unanswered-sweep": {
        "task": "sla.tasks.unanswered_sweep",
        "schedule": env.float("SLA_ANSWER_SWEEP_INTERVAL_SECONDS", default=300.0),
        "options": {"expires": 250},
    },
    "notifications-requeue": {
        "task": "notifications.tasks.notifications_requeue_pending",
        "schedule": env.float("NOTIFICATIONS_REQUEUE_INTERVAL_SECONDS", default=60.0),
    },
    # Recurring-problem signals of the last complete weeks (stored once per week and key).
    "improvement-recurrence": {
        "task": "improvement.tasks.recurrence_signals_detect",
        "schedule": env.float("IMPROVEMENT_RECURRENCE_INTERVAL_SECONDS", default=3600.0),
        "options": {"expires": 3000},
    },
    # Overdue corrective actions, escalated once each.
    "improvement-capa-overdue": {
        "task": "improvement.tasks.capa_escalate_overdue",
        "schedule": env.float("IMPROVEMENT_CAPA_OVERDUE_INTERVAL_SECONDS", default=3600.0),
        "options": {"expires": 3000},
    },
    # KVKK: anonymise what is past its retention period, monthly (the deletion
    # regulation allows at most six months between runs); docs/privacy.md.
    "retention-sweep": {
        "task": "complaints.tasks.retention_sweep",
        "schedule": crontab(
            minute=30,
            hour=3,
            day_of_month=env.str("PERSONAL_DATA_RETENTION_SWEEP_DAY", default="1"),
        ),
    },
}

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, with one client per pool (common/cache.py: issue 15).
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sikayet",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
