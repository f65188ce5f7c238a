"""``manage.py sla_sweep``: the SLA sweep, for the embedded default (no beat) or cron."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from sla.services import sla_sweep
from sla.unanswered import unanswered_sweep


class Command(BaseCommand):
    help = (
        "Record the SLA targets that became at risk or breached since the last run, and "
        "remind or close (no answer) the decisions left unanswered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            help="Sweep as of this ISO 8601 instant with its offset (default: now).",
        )
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        now: datetime | None = None
        if options["now"]:
            now = parse_datetime(options["now"])
            if now is None or now.tzinfo is None:
                raise CommandError("--now must be an ISO 8601 datetime with an offset.")
        result = sla_sweep(now=now, batch_size=options["batch_size"])
        answers = unanswered_sweep(now=now, batch_size=options["batch_size"])
        for action, count in (*result.counts.items(), *answers.counts.items()):
            self.stdout.write(f"{action}: {count}")
        self.stdout.write(self.style.SUCCESS(f"{result.total + answers.total} event(s) recorded."))
