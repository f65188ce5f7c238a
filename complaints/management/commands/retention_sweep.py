"""``manage.py retention_sweep [--dry-run]``: anonymise in place what is past
``PERSONAL_DATA_RETENTION_DAYS`` (complaints.retention). A progress bar on
stderr, a summary line on stdout. Safe to interrupt and to run again."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from complaints.retention import complaints_retention_sweep


class _Bar:
    """A one-line progress bar (no dependency), redrawn in place."""

    def __init__(self, stream: Any) -> None:
        self.stream, self.started, self.drawn = stream, time.monotonic(), False

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        elapsed = time.monotonic() - self.started
        bar = "#" * int(share * 30)
        self.stream.write(
            f"\ranonymising [{bar:<30}] {share:6.1%} {done:>8,}/{total:,} {elapsed:5.0f}s",
            ending="",
        )
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("")


class Command(BaseCommand):
    help = "Anonymise in place the personal data of complaints closed past the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be anonymised and removed; change nothing.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=None, help="Complaints per transaction."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bar = _Bar(self.stderr)
        try:
            result = complaints_retention_sweep(
                dry_run=options["dry_run"],
                batch_size=options["batch_size"],
                progress=None if options["dry_run"] else bar,
            )
        finally:
            bar.close()
        self.stdout.write(result.summary())
