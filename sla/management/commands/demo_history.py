"""Six months of demo history for the dashboards (``demo_data`` runs it; idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sla.demo_history import demo_history_load


class Command(BaseCommand):
    help = "Load six months of demo complaints with their history and SLA figures (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, default=3000)
        parser.add_argument("--days", type=int, default=182)
        parser.add_argument("--seed", type=int, default=10002)
        parser.add_argument("--force", action="store_true", help="also when DEBUG is off")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is for development: refusing with DEBUG off.")
        started = time.monotonic()
        created = demo_history_load(
            count=options["count"], days=options["days"], seed=options["seed"]
        )
        if created:
            self.stdout.write(
                f"Demo history: {created} complaints over {options['days']} days "
                f"({time.monotonic() - started:.1f} s)"
            )
        else:
            self.stdout.write("Demo history: already loaded")
