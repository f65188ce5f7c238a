"""The periodic jobs, run in-process when there is no Celery beat (``make run``).

One list of jobs: settings.CELERY_BEAT_SCHEDULE, read here as beat reads it
(number of seconds, timedelta, or a celery schedule such as crontab). Each due
job runs its task's code in a daemon thread of the development server; every
periodic job is safe to run twice, so a beat started next to it does no harm.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery.schedules import BaseSchedule, schedule
from django.conf import settings
from django.db import close_old_connections

from config.celery import app as celery_app

logger = logging.getLogger(__name__)

# Never sleep longer than this, so a stop request is seen quickly.
_MAX_SLEEP = 5.0


@dataclass
class Job:
    name: str
    task: str
    every: BaseSchedule
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] | None = None
    last_run_at: datetime | None = None

    def due_in(self, now: datetime) -> float:
        """Seconds until the job is due (0 when due now)."""
        if self.last_run_at is None:
            return 0.0
        is_due, next_check = self.every.is_due(self.last_run_at)
        return 0.0 if is_due else max(0.0, float(next_check))


def jobs_from_settings(beat_schedule: dict[str, dict[str, Any]] | None = None) -> list[Job]:
    entries = beat_schedule if beat_schedule is not None else settings.CELERY_BEAT_SCHEDULE
    jobs = []
    for name, entry in entries.items():
        every = entry["schedule"]
        if isinstance(every, int | float):
            every = timedelta(seconds=every)
        if isinstance(every, timedelta):
            every = schedule(every, app=celery_app)
        else:
            every.app = celery_app
        jobs.append(
            Job(
                name=name,
                task=entry["task"],
                every=every,
                args=tuple(entry.get("args", ())),
                kwargs=dict(entry.get("kwargs") or {}),
            )
        )
    return jobs


def job_run(job: Job) -> Any:
    """Run one job's task here and now; its failure is logged, never raised."""
    job.last_run_at = celery_app.now()
    try:
        task = _task(job.task)
        # The task's own code, called directly: no broker, no result backend.
        result = task(*job.args, **(job.kwargs or {}))
    except Exception:
        logger.exception("periodic job %s (%s) failed", job.name, job.task)
        return None
    logger.debug("periodic job %s: %s", job.name, result)
    return result


def _task(name: str) -> Any:
    if name not in celery_app.tasks:
        # The apps' tasks modules: Celery imports them lazily, when a worker starts.
        # (Not loader.import_default_modules(): its Django fixup runs django.setup()
        # again, which reconfigures logging.)
        celery_app.autodiscover_tasks(force=True)
    return celery_app.tasks[name]


class InProcessScheduler(threading.Thread):
    """Runs each job when due, until ``stop()``."""

    def __init__(self, jobs: list[Job]) -> None:
        super().__init__(name="periodic-jobs", daemon=True)
        self.jobs = jobs
        self._stop_requested = threading.Event()

    def run(self) -> None:
        while not self._stop_requested.is_set():
            now = celery_app.now()
            for job in self.jobs:
                if self._stop_requested.is_set():
                    return
                if job.due_in(now) <= 0:
                    # This thread's own connection: dropped when broken or too old,
                    # as Django does around each request.
                    close_old_connections()
                    job_run(job)
                    close_old_connections()
            wait = min([job.due_in(celery_app.now()) for job in self.jobs] + [_MAX_SLEEP])
            self._stop_requested.wait(max(wait, 0.2))

    def stop(self) -> None:
        self._stop_requested.set()


def describe(jobs: list[Job]) -> str:
    return ", ".join(f"{job.name} ({_every(job.every)})" for job in jobs)


def _every(every: BaseSchedule) -> str:
    run_every = getattr(every, "run_every", None)
    if isinstance(run_every, timedelta):
        return f"every {run_every.total_seconds():g} s"
    return str(every)
