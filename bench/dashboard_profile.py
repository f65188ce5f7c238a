"""Where one dashboard request spends its time: each SQL query timed, then the
request under cProfile, in-process with the test client (as bench/run.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
        .venv/bin/python bench/dashboard_profile.py [--year] [--explain] [--top 40]

Read-only. ``--explain`` prints EXPLAIN ANALYZE of every data query of the
request (the session, the user and the permissions left out).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

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

from sla import conf  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--year", action="store_true", help="the one-year view, by channel")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()
    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-manager"))
    params: dict[str, str] = {}
    if args.year:
        year_ago = (timezone.localdate() - timedelta(days=364)).isoformat()
        params = {"date_from": year_ago, "by": "channel"}
    for _ in range(2):
        client.get("/dashboard/", params)
    walls: list[float] = []
    per_query: dict[int, list[float]] = {}
    sqls: dict[int, str] = {}
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get("/dashboard/", params)
            walls.append(time.perf_counter() - began)
        assert response.status_code == 200
        for index, query in enumerate(queries.captured_queries):
            per_query.setdefault(index, []).append(float(query["time"]))
            sqls[index] = query["sql"]
    total_sql = sum(statistics.median(t) for t in per_query.values())
    print(f"request median {statistics.median(walls) * 1000:.1f} ms, {len(per_query)} queries,")
    print(f"SQL (sum of the medians as the debug cursor times them) {total_sql * 1000:.1f} ms")
    for index, times in per_query.items():
        print(f"  {statistics.median(times) * 1000:6.1f} ms  {sqls[index][:150]}")
    if args.explain:
        with connection.cursor() as cursor:
            cursor.execute("SET work_mem = %s", [conf.dashboard_work_mem()])
            for sql in sqls.values():
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                if "django_session" in sql or "auth_" in sql:
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                print(f"\n-- {sql[:200]}\n{plan}")
    profiler = cProfile.Profile()
    profiler.enable()
    client.get("/dashboard/", params)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
