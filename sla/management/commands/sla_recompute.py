"""``manage.py sla_recompute [--dry-run]``: the open complaints' due dates
recomputed after a change of settings (business hours, targets) or of the
calendar made outside the admin (docs/sla.md, "Recomputing due dates")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from sla.due_dates import DueDatesMove
from sla.recompute import DEFAULT_BATCH_SIZE, SETTINGS, recompute_candidates, sla_recompute


def describe(move: DueDatesMove) -> str:
    parts = [f"{m.target.name} {m.as_data()['from']} -> {m.as_data()['to']}" for m in move.moves]
    return f"{move.tracking_number}: " + "; ".join(parts)


class Command(BaseCommand):
    help = (
        "Recompute the due dates and at-risk points of every open complaint with today's "
        "calendar and settings, recording each change. Safe to run twice and while the "
        "SLA sweep runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Write nothing; list the complaints whose due dates would change.",
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        verbosity: int = options["verbosity"]
        with self._progress() as (advance, say):

            def changed(move: DueDatesMove) -> None:
                # A dry run's point is the list; a real run lists with -v 2.
                if dry_run or verbosity > 1:
                    say(describe(move))

            result = sla_recompute(
                reason=SETTINGS,
                dry_run=dry_run,
                batch_size=options["batch_size"],
                on_change=changed,
                on_batch=advance,
            )
        if dry_run:
            summary = (
                f"{result.checked} checked, {result.changed} would change "
                "(dry run: nothing written)."
            )
        else:
            summary = f"{result.checked} checked, {result.changed} changed."
        self.stdout.write(self.style.SUCCESS(summary))

    @contextmanager
    def _progress(
        self,
    ) -> Iterator[tuple[Callable[[int], None], Callable[[str], None]]]:
        """A progress bar on a terminal; plain lines when piped or logged."""
        if not self.stdout.isatty():
            yield (lambda n: None), self.stdout.write
            return
        console = Console(file=cast(IO[str], self.stdout._out))
        progress = Progress(
            TextColumn("Recomputing due dates"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        # One count query for the bar's length; the run itself streams.
        task = progress.add_task("recompute", total=recompute_candidates().count())
        with progress:
            yield (
                lambda n: progress.advance(task, n),
                lambda line: progress.console.print(line, markup=False, highlight=False),
            )
