"""Would the SLA bookkeeping be as fast in a one-to-one table? Measured, side by side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
        .venv/bin/python bench/one_to_one.py [--repeat 15] [--keep]

Copies the loaded complaints into a scratch schema ``one_to_one`` split the
other way: ``complaint`` keeps every column the complaints app owns plus the
two due dates the contract names (``ack_due_at``, ``resolution_due_at``);
``sla`` holds the rest of the SLA bookkeeping (met times, at-risk points,
markers, business seconds), one row per complaint. Each table gets the
indexes it can have: a partial index can only name its own table's columns,
so "open" (``stage``) and "unmet" (``*_met_at``) no longer meet in one index.
Then it runs the dashboard's and the sweep's main queries on both layouts,
as raw SQL (EXPLAIN ANALYZE, median execution time of ``--repeat`` runs), and
drops the schema unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from complaints.models import Complaint  # noqa: E402
from complaints.workflow import OPEN_STAGES  # noqa: E402

SCHEMA = "one_to_one"
CONTRACT_COLUMNS = ("ack_due_at", "resolution_due_at")
SLA_COLUMNS = (
    "ack_met_at",
    "resolution_met_at",
    "ack_at_risk_after",
    "resolution_started_at",
    "resolution_at_risk_after",
    "ack_at_risk_at",
    "ack_breached_at",
    "resolution_at_risk_at",
    "resolution_breached_at",
    "breach_count",
    "ack_business_seconds",
    "resolution_business_seconds",
)
OPEN = "(" + ", ".join(f"'{s.value}'" for s in OPEN_STAGES) + ")"


def _build() -> None:
    table = Complaint._meta.db_table
    kept = [str(f.column) for f in Complaint._meta.concrete_fields if f.column not in SLA_COLUMNS]
    statements = [
        f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE",
        f"CREATE SCHEMA {SCHEMA}",
        f"CREATE TABLE {SCHEMA}.complaint AS SELECT {', '.join(kept)} FROM {table} ORDER BY id",
        f"CREATE TABLE {SCHEMA}.sla AS SELECT id AS complaint_id, {', '.join(SLA_COLUMNS)} "
        f"FROM {table} ORDER BY id",
        f"ALTER TABLE {SCHEMA}.complaint ADD PRIMARY KEY (id)",
        f"ALTER TABLE {SCHEMA}.sla ADD PRIMARY KEY (complaint_id)",
        # What complaints.models declares, as far as each table can hold it.
        f"CREATE INDEX ON {SCHEMA}.complaint (received_at DESC)",
        f"CREATE INDEX ON {SCHEMA}.complaint (stage, priority, received_at) WHERE stage IN {OPEN}",
        f"CREATE INDEX ON {SCHEMA}.complaint (ack_due_at) WHERE stage IN {OPEN}",
        f"CREATE INDEX ON {SCHEMA}.complaint (resolution_due_at) WHERE stage IN {OPEN}",
        f"CREATE INDEX ON {SCHEMA}.sla (complaint_id) WHERE ack_met_at IS NULL",
        f"CREATE INDEX ON {SCHEMA}.sla (complaint_id) WHERE resolution_met_at IS NULL",
        f"CREATE INDEX ON {SCHEMA}.sla (ack_at_risk_after) WHERE ack_met_at IS NULL "
        "AND ack_at_risk_at IS NULL AND ack_breached_at IS NULL",
        f"CREATE INDEX ON {SCHEMA}.sla (resolution_at_risk_after) WHERE resolution_met_at IS NULL "
        "AND resolution_at_risk_at IS NULL AND resolution_breached_at IS NULL",
        f"CREATE INDEX ON {SCHEMA}.sla (complaint_id) WHERE ack_met_at IS NULL "
        "AND ack_breached_at IS NULL",
        f"CREATE INDEX ON {SCHEMA}.sla (complaint_id) WHERE resolution_met_at IS NULL "
        "AND resolution_breached_at IS NULL",
        f"VACUUM ANALYZE {SCHEMA}.complaint",
        f"VACUUM ANALYZE {SCHEMA}.sla",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _queries(now: str, end_of_today: str, start: str, end: str) -> dict[str, tuple[str, str]]:
    """(current layout, one-to-one layout) for each of the main queries."""
    t = Complaint._meta.db_table
    both = f"{SCHEMA}.complaint c JOIN {SCHEMA}.sla s ON s.complaint_id = c.id"
    ack_breached = f"ack_met_at IS NULL AND ack_due_at <= '{now}'"
    res_breached = f"resolution_met_at IS NULL AND resolution_due_at <= '{now}'"
    ack_risk = f"ack_met_at IS NULL AND ack_due_at > '{now}' AND ack_at_risk_after <= '{now}'"
    res_risk = (
        f"resolution_met_at IS NULL AND resolution_due_at > '{now}' "
        f"AND resolution_at_risk_after <= '{now}'"
    )
    due_today = (
        f"(ack_met_at IS NULL AND ack_due_at > '{now}' AND ack_due_at < '{end_of_today}') OR "
        f"(resolution_met_at IS NULL AND resolution_due_at > '{now}' "
        f"AND resolution_due_at < '{end_of_today}')"
    )
    summary = (
        "SELECT stage, priority, count(*), "
        f"count(*) FILTER (WHERE {due_today}), "
        f"count(*) FILTER (WHERE ({ack_risk}) OR ({res_risk})), "
        f"count(*) FILTER (WHERE ({ack_breached}) OR ({res_breached})), "
        f"count(*) FILTER (WHERE received_at > timestamptz '{now}' - interval '1 day') "
        "FROM {source} WHERE stage IN " + OPEN + " GROUP BY stage, priority"
    )
    queue = (
        "SELECT id, tracking_number, subject, stage, priority, "
        f"CASE WHEN {ack_breached} THEN ack_due_at ELSE resolution_due_at END AS due "
        "FROM {source} WHERE stage IN " + OPEN + f" AND (({ack_breached}) OR ({res_breached})) "
        "ORDER BY due, id LIMIT 50"
    )
    timings = (
        "SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY ack_business_seconds), "
        "percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY resolution_business_seconds) "
        f"FROM {{source}} WHERE received_at >= '{start}' AND received_at < '{end}'"
    )
    sweep = (
        "SELECT id, tracking_number, priority, assignee_id, ack_due_at FROM {source} "
        f"WHERE ack_met_at IS NULL AND ack_breached_at IS NULL AND ack_due_at <= '{now}' "
        "ORDER BY ack_due_at, id LIMIT 500"
    )
    sweep_risk = (
        "SELECT id, tracking_number, priority, assignee_id, resolution_due_at FROM {source} "
        "WHERE resolution_met_at IS NULL AND resolution_at_risk_at IS NULL "
        f"AND resolution_breached_at IS NULL AND resolution_at_risk_after <= '{now}' "
        f"AND resolution_due_at > '{now}' ORDER BY resolution_at_risk_after, id LIMIT 500"
    )
    found = {}
    for name, sql in (
        ("dashboard: open by stage x priority, queues' sizes", summary),
        ("dashboard: the breached queue (50 rows)", queue),
        ("dashboard: median / p90 business hours, 12 weeks", timings),
        ("sweep: acknowledgement breaches to record", sweep),
        ("sweep: resolution at-risk events to record", sweep_risk),
    ):
        found[name] = (sql.replace("{source}", t), sql.replace("{source}", both))
    return found


def _execution_ms(sql: str, repeat: int) -> tuple[float, str]:
    times = []
    plan = ""
    with connection.cursor() as cursor:
        for _ in range(repeat + 2):
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            document = cursor.fetchone()[0]
            document = json.loads(document) if isinstance(document, str) else document
            times.append(float(document[0]["Execution Time"]))
            plan = document[0]["Plan"]["Node Type"]
    return statistics.median(times[2:]), plan


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the scratch schema")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/one_to_one.py needs PostgreSQL")
    sys.stderr.write(f"building the scratch schema {SCHEMA} ...\n")
    _build()
    now = timezone.now()
    local = timezone.localtime(now)
    end_of_today = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = local.date() - timedelta(days=local.weekday())
    start, end = monday - timedelta(weeks=11), monday + timedelta(days=7)
    queries = _queries(
        now.isoformat(), end_of_today.isoformat(), start.isoformat(), end.isoformat()
    )
    print(f"{'query':<52} {'columns on Complaint':>22} {'one-to-one table':>18}")
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '64MB'")
    for name, (current, split) in queries.items():
        here, here_plan = _execution_ms(current, args.repeat)
        there, there_plan = _execution_ms(split, args.repeat)
        print(
            f"{name:<52} {here:9.1f} ms {here_plan[:10]:>10} {there:8.1f} ms {there_plan[:10]:>10}"
            f"  x{there / here if here else float('nan'):.1f}"
        )
    if not args.keep:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {SCHEMA} CASCADE")


if __name__ == "__main__":
    main()
