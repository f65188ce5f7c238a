"""``make run``'s server: runserver, the periodic jobs in-process, the demo logins last.

Without Redis there is no Celery beat; the jobs of settings.CELERY_BEAT_SCHEDULE
(the SLA sweep, the outbox re-queue, ...) run in a thread of the serving process
instead (config/scheduler.py), so at-risk warnings and escalations happen while
you watch. With a broker configured, beat does that job and the thread is off
unless asked for.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.runserver_nostatic.management.commands.runserver import (
    Command as RunserverCommand,
)

from complaints.management.commands.demo_data import demo_logins_text
from config.scheduler import InProcessScheduler, describe, jobs_from_settings


class Command(RunserverCommand):
    help = "runserver, with the periodic jobs in-process (no Redis needed) and the demo logins."

    scheduler: InProcessScheduler | None = None

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--scheduler",
            dest="scheduler",
            action="store_true",
            default=None,
            help="run the periodic jobs in-process (the default without REDIS_URL)",
        )
        group.add_argument(
            "--no-scheduler",
            dest="scheduler",
            action="store_false",
            help="leave the periodic jobs to Celery beat",
        )

    def inner_run(self, *args: Any, **options: Any) -> None:
        # The serving process (the autoreloader's child): each reload starts afresh.
        wanted = options.get("scheduler")
        if wanted is None:
            wanted = not getattr(settings, "REDIS_URL", "")
        if wanted:
            self.scheduler = InProcessScheduler(jobs_from_settings())
        super().inner_run(*args, **options)

    def on_bind(self, server_port: int) -> None:
        super().on_bind(server_port)
        lines = [""]
        if self.scheduler is not None:
            lines.append(f"Periodic jobs in-process: {describe(self.scheduler.jobs)}")
        else:
            lines.append("Periodic jobs: left to Celery beat (REDIS_URL is set)")
        outbox = getattr(settings, "NOTIFICATIONS_DEV_OUTBOX_DIR", "")
        if outbox:
            lines.append(f"Notices (e-mail .eml, SMS .txt) are written to {outbox}/")
        lines.append(demo_logins_text())
        self.stdout.write("\n".join(lines))
        if self.scheduler is not None:
            # Once the server listens, so that its start-up lines come first.
            self.scheduler.start()
