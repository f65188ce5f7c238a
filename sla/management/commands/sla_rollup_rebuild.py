"""``manage.py sla_rollup_rebuild``: recompute the dashboard's daily figures from the complaints.

The figures are kept current by the events (sla.rollup); run this after
changes that write complaints without a history row (a restore, raw SQL, a
bulk load such as bench/generate.py) or when adding the tables to a database
that already holds complaints. Safe to run twice; on PostgreSQL, events that
arrive meanwhile wait for it and then apply on top.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from sla.rollup import figures_rebuild


class Command(BaseCommand):
    help = "Recompute the SLA dashboard's daily figures from the complaints."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = figures_rebuild()
        self.stdout.write(
            f"Daily figures rebuilt from {result.complaints} complaints: "
            f"{result.daily_rows} daily rows, {result.root_cause_rows} root-cause rows, "
            f"{result.histogram_rows} histogram rows "
            f"({time.monotonic() - started:.1f} s)."
        )
