"""Time the SLA dashboard and the SLA sweep on a PostgreSQL database loaded by
bench/generate.py, and count their queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
        .venv/bin/python bench/run.py --repeat 15

Dashboard: the full view through Django's test client (middleware, session,
permission check, queries, template), logged in as the ``bench-manager`` the
generator creates, with several filter combinations. Each dashboard request
alternates with a request for ``/healthz`` through the same client and a bare
``SELECT 1``, the baselines measured in the same run (these machines are noisy
and differ from each other: compare the ratios). Sweep: first a catch-up
run at the real now (the events that fell due since the load), then a steady
state: one run per simulated minute after it, as beat would run it, then an
idle run with nothing to record.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from complaints.models import Complaint, ComplaintEvent  # noqa: E402
from sla.services import _RULES, sla_sweep  # noqa: E402


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (
        f"median {_ms(statistics.median(ordered))}  p90 {_ms(p90)}  "
        f"min {_ms(ordered[0])}  max {_ms(ordered[-1])}"
    )


def timed(fn: Callable[[], Any]) -> tuple[float, int, Any, list[dict[str, str]]]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
    return elapsed, len(queries.captured_queries), result, list(queries.captured_queries)


def machine() -> str:
    def run(*cmd: str) -> str:
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
            return result.stdout.strip()
        except OSError:
            return "?"

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    return "\n".join(
        [
            f"python {platform.python_version()}, {version} (shared_buffers {buffers})",
            f"nproc: {run('nproc')}",
            run("free", "-h"),
        ]
    )


def bench_dashboard(repeat: int, show_queries: bool) -> None:
    setup_test_environment()  # lets the test client run against this database
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = get_user_model().objects.get(username="bench-manager")
    client = Client()
    client.force_login(user)
    year_ago = (timezone.localdate() - timedelta(days=364)).isoformat()
    scenarios = {
        "default (last 12 weeks)": {},
        "priority=high": {"priority": "high"},
        "channel=email, by category": {"channel": "email", "by": "category"},
        "category=financial": {"category": _category_id("financial")},
        f"one year (from {year_ago}), by channel": {"date_from": year_ago, "by": "channel"},
    }
    print("\n== Dashboard: GET /dashboard/ ==")
    healthz: list[float] = []
    bare: list[float] = []
    for name, params in scenarios.items():
        for _ in range(2):  # warm the caches (PostgreSQL's and the calendar's)
            client.get("/dashboard/", params)
        times, counts = [], set()
        slowest: list[tuple[float, str]] = []
        for _ in range(repeat):
            elapsed, count, response, queries = timed(partial(client.get, "/dashboard/", params))
            assert response.status_code == 200, response.status_code
            times.append(elapsed)
            counts.add(count)
            slowest = sorted(((float(q["time"]), q["sql"]) for q in queries), reverse=True)[:3]
            healthz.append(timed(partial(client.get, "/healthz"))[0])
            bare.append(timed(_select_one)[0])
        ratio = statistics.median(times) / statistics.median(healthz)
        print(f"{name:<42} {_summary(times)}  queries {sorted(counts)}  {ratio:5.0f}x /healthz")
        if show_queries:
            for seconds, sql in slowest:
                print(f"    {seconds * 1000:6.1f} ms  {sql[:160]}")

    print(f"{'baseline: GET /healthz (same client, same run)':<42} {_summary(healthz)}")
    print(f"{'baseline: SELECT 1 (same connection)':<42} {_summary(bare)}")
    elapsed, count, response, _q = timed(
        lambda: b"".join(client.get("/dashboard/breaches.csv").streaming_content)  # type: ignore[attr-defined]
    )
    lines = response.count(b"\n") - 1
    print(
        f"{'CSV breach log, last 12 weeks':<42} {_ms(elapsed)} for {lines:,} rows, queries {count}"
    )


def _select_one() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _category_id(code: str) -> str:
    from complaints.models import Category

    return str(Category.objects.get(code=code).pk)


def bench_sweep(repeat: int, explain: bool) -> None:
    print("\n== Sweep: sla.services.sla_sweep(now=...) ==")
    now = timezone.now()
    elapsed, count, result, _q = timed(lambda: sla_sweep(now=now))
    print(f"catch-up at the real now: {_ms(elapsed)}, {result.total} events, {count} queries")
    times, events, counts = [], [], []
    for minute in range(1, repeat + 1):
        at = now + timedelta(minutes=minute)
        elapsed, count, result, _q = timed(partial(sla_sweep, now=at))
        times.append(elapsed)
        events.append(result.total)
        counts.append(count)
    print(
        f"steady state, one run per minute x{repeat}: {_summary(times)}; "
        f"events per run {min(events)}..{max(events)} (total {sum(events)}), "
        f"queries {min(counts)}..{max(counts)}"
    )
    idle_at = now + timedelta(minutes=repeat)
    idle = []
    for _ in range(repeat):
        elapsed, count, result, _q = timed(lambda: sla_sweep(now=idle_at))
        assert result.total == 0
        idle.append(elapsed)
    print(f"idle (nothing to record): {_summary(idle)}; queries {count}")
    # A burst: everything that turns at risk or breached over the next working
    # day at once, as after a worker outage (at most SLA_SWEEP_BATCH_SIZE of
    # each kind per run; the rest waits for the next run).
    burst_at = now + timedelta(days=1)
    elapsed, count, result, _q = timed(partial(sla_sweep, now=burst_at))
    per_event = elapsed / result.total if result.total else 0.0
    print(
        f"burst (a day's events at once): {_ms(elapsed)}, {result.as_dict()}, "
        f"{count} queries, {per_event * 1000:.2f} ms per event"
    )
    if explain:
        for rule in _RULES:
            queryset = Complaint.objects.filter(rule.pending(idle_at)).order_by(rule.order)[:500]
            plan = queryset.explain(analyze=True)
            print(f"\n-- {rule.action}\n{plan}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--queries", action="store_true", help="show the slowest queries")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the sweep")
    parser.add_argument("--skip-sweep", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/run.py needs PostgreSQL: set DATABASE_URL=postgres://...")

    print(machine())
    total = Complaint.objects.count()
    open_count = Complaint.objects.exclude(stage="closed").count()
    events = ComplaintEvent.objects.count()
    print(f"\n{total:,} complaints ({open_count:,} open), {events:,} history rows")
    bench_dashboard(args.repeat, args.queries)
    if not args.skip_sweep:
        bench_sweep(args.repeat, args.explain)


if __name__ == "__main__":
    main()
