"""manage.py management_review --from YYYY-MM-DD --to YYYY-MM-DD --format pdf|xlsx
--output FILE [--language tr|en] (CONTRACT.md)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improvement.review.output import review_to_path


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "Write the management-review pack of a period (PDF or XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", dest="fmt", required=True, choices=["pdf", "xlsx"])
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument("--language", default="tr", choices=["tr", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = _date(options["date_from"]), _date(options["date_to"])
        if date_from > date_to:
            raise CommandError("--from is after --to")
        path = Path(options["output"])
        if not path.parent.exists():
            raise CommandError(f"no such directory: {path.parent}")
        started = time.monotonic()
        review_to_path(
            date_from=date_from,
            date_to=date_to,
            fmt=options["fmt"],
            path=path,
            language=options["language"],
        )
        self.stdout.write(
            f"{path} ({path.stat().st_size:,} bytes) in {time.monotonic() - started:.1f} s"
        )
