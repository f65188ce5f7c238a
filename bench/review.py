"""Time the management review pack (and the improvement loop's sweeps) on a
PostgreSQL database loaded by bench/generate.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
        .venv/bin/python bench/review.py --prepare --repeat 3

``--prepare`` (once) applies the improvement migrations (the pg_trgm GIN
index, timed) and fills the improvement tables the way the application would
have: one survey invitation per closed complaint, answers for a third of
them, the weekly recurrence signals of the whole history, a few corrective
actions. It writes: run it on a database of its own, never on a shared one.
Then each run times ``review_pack`` and the PDF and XLSX files for the last
year of data (against the year before), the similar-complaints query, the
signal detection and the overdue sweep, and counts their queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from complaints.models import Complaint  # noqa: E402
from improvement.models import CorrectiveAction, RecurrenceSignal  # noqa: E402
from improvement.review.figures import review_pack  # noqa: E402
from improvement.review.output import review_to_path  # noqa: E402
from improvement.selectors.recurrence import similar_complaints  # noqa: E402
from improvement.services.capa import capa_escalate_overdue, capa_open  # noqa: E402
from improvement.services.recurrence import recurrence_signals_detect  # noqa: E402
from improvement.weeks import local_date, week_start  # noqa: E402


def _timed(label: str, func, repeat: int = 1) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    median = statistics.median(samples)
    print(f"{label:<58} {median:8.2f} s  (runs: {', '.join(f'{s:.2f}' for s in samples)})")
    return median


def prepare() -> None:
    assert connection.vendor == "postgresql", "PostgreSQL only"
    _timed(
        "migrate (improvement tables, pg_trgm GIN index)",
        lambda: call_command("migrate", verbosity=0),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM improvement_surveyinvitation")
        if cursor.fetchone()[0] == 0:
            started = time.perf_counter()
            cursor.execute(
                """
                INSERT INTO improvement_surveyinvitation
                    (complaint_id, customer_id, medium, language, created_at, expires_at,
                     responded_at)
                SELECT id, customer_id, 'email', language, closed_at,
                       closed_at + interval '30 days',
                       CASE WHEN id % 3 = 0 THEN closed_at + interval '5 hours' END
                FROM complaints_complaint WHERE closed_at IS NOT NULL AND contact_email <> ''
                """
            )
            cursor.execute(
                """
                INSERT INTO improvement_surveyresponse
                    (invitation_id, ease, informed, timeliness, fairness, overall, comment,
                     language, created_at)
                SELECT id, 1 + (id % 5), 1 + ((id / 3) % 5), 1 + ((id / 7) % 5),
                       1 + ((id / 11) % 5), 1 + ((id / 13) % 5), '', language, responded_at
                FROM improvement_surveyinvitation WHERE responded_at IS NOT NULL
                """
            )
            cursor.execute("ANALYZE improvement_surveyinvitation")
            cursor.execute("ANALYZE improvement_surveyresponse")
            took = time.perf_counter() - started
            print(f"{'survey invitations and answers loaded':<58} {took:8.2f} s")
    first = Complaint.objects.order_by("received_at").values_list("received_at", flat=True).first()
    last = Complaint.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    if not RecurrenceSignal.objects.exists() and first and last:
        day = local_date(first) + timedelta(weeks=17)
        runs = []
        while day <= local_date(last) + timedelta(days=7):
            started = time.perf_counter()
            recurrence_signals_detect(today=day)
            runs.append(time.perf_counter() - started)
            day += timedelta(weeks=4)
        print(
            f"{'signal detection, one run (16 weeks x 2 GROUP BYs)':<58} "
            f"{statistics.median(runs):8.2f} s  ({len(runs)} runs, "
            f"{RecurrenceSignal.objects.count()} signals)"
        )
    if not CorrectiveAction.objects.exists():
        for signal in RecurrenceSignal.objects.order_by("-week")[:20]:
            capa_open(
                title=f"bench {signal}",
                problem_statement="bench",
                actor=None,
                due_date=signal.week + timedelta(days=30),
                categories=[signal.category] if signal.category else [],
                root_causes=[signal.root_cause] if signal.root_cause else [],
                signal=signal,
            )


def run(repeat: int) -> None:
    last = Complaint.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    assert last is not None
    date_to = local_date(last)
    date_from = date_to - timedelta(days=364)
    print(f"period {date_from} .. {date_to}, against the 365 days before")
    print(f"complaints: {Complaint.objects.count():,}")
    with CaptureQueriesContext(connection) as queries:
        review_pack(date_from=date_from, date_to=date_to)
    print(f"{'review_pack queries':<58} {len(queries):8d}")
    _timed(
        "review_pack (figures only)",
        lambda: review_pack(date_from=date_from, date_to=date_to),
        repeat,
    )
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("pdf", "xlsx"):
            path = Path(folder) / f"review.{fmt}"
            _timed(
                f"management_review --format {fmt} (one year, 1 file)",
                lambda fmt=fmt, path=path: review_to_path(
                    date_from=date_from, date_to=date_to, fmt=fmt, path=path, language="tr"
                ),
                repeat,
            )
    complaint = Complaint.objects.order_by("-received_at").first()
    assert complaint is not None
    _timed(
        "similar complaints (pg_trgm, 90 days)",
        lambda: similar_complaints(complaint=complaint),
        repeat,
    )
    _timed(
        "signal detection (last 4 weeks)",
        lambda: recurrence_signals_detect(today=week_start(date_to) + timedelta(days=7)),
        repeat,
    )
    _timed("overdue corrective-action sweep", capa_escalate_overdue, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.prepare:
        prepare()
    run(args.repeat)


if __name__ == "__main__":
    main()
