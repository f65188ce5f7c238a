"""manage.py audit_sample --from YYYY-MM-DD --to YYYY-MM-DD --size N --seed S
[--output DIR] [--language tr|en] (CONTRACT.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improvement.audit.sample import audit_sample_write


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "Draw a reproducible sample of complaints for internal audit and write their dossiers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        parser.add_argument("--size", type=int, required=True)
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument(
            "--output",
            default="",
            help="folder for the dossiers (default: ./audit-sample-<from>-<to>-seed<S>)",
        )
        parser.add_argument("--language", default="tr", choices=["tr", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = _date(options["date_from"]), _date(options["date_to"])
        if date_from > date_to:
            raise CommandError("--from is after --to")
        if options["size"] < 1:
            raise CommandError("--size must be at least 1")
        folder = Path(
            options["output"]
            or f"audit-sample-{date_from.isoformat()}-{date_to.isoformat()}-seed{options['seed']}"
        )
        written = audit_sample_write(
            date_from=date_from,
            date_to=date_to,
            size=options["size"],
            seed=options["seed"],
            folder=folder,
            language=options["language"],
        )
        for path in written:
            self.stdout.write(str(path))
        self.stdout.write(f"{len(written)} dossiers and index.csv in {folder}")
