"""Time the dashboard's medians and 90th percentiles alone: from the histograms
(sla.timings.timings) against the exact percentile_cont over a row per
complaint (sla.timings.timings_exact), alternated in the same run, on a
PostgreSQL database loaded by bench/generate.py (issue 15, item 3).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
        .venv/bin/python bench/dashboard_timings.py --repeat 15

Read-only. Prints the median and p90 of each, and the largest difference
between their figures (hours, as the dashboard shows them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from sla.statistics import DashboardFilters, default_period, reporting_memory  # noqa: E402
from sla.timings import timings, timings_exact  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("needs PostgreSQL: set DATABASE_URL=postgres://...")
    start, end = default_period(timezone.localdate())
    year = timezone.localdate() - timedelta(days=364)
    cases = {
        "default (last 12 weeks)": DashboardFilters(date_from=start, date_to=end),
        "priority=high": DashboardFilters(date_from=start, date_to=end, priority="high"),
        "one year": DashboardFilters(date_from=year, date_to=end),
        "one year, channel=email": DashboardFilters(date_from=year, date_to=end, channel="email"),
    }
    for name, filters in cases.items():
        times: dict[str, list[float]] = {"histograms": [], "exact": []}
        found = {}
        for _ in range(args.repeat + 2):  # the first two warm the caches
            for label, read in (("histograms", timings), ("exact", timings_exact)):
                with reporting_memory():
                    began = time.perf_counter()
                    found[label] = read(filters)
                    times[label].append(time.perf_counter() - began)
        gap = max(
            abs((found["histograms"][k] or 0) - (found["exact"][k] or 0)) for k in found["exact"]
        )
        line = "  ".join(
            f"{label} median {statistics.median(t[2:]) * 1000:6.1f} ms "
            f"p90 {statistics.quantiles(t[2:], n=10)[-1] * 1000:6.1f}"
            for label, t in times.items()
        )
        print(f"{name:<26} {line}  largest difference {gap:.1f} h  {found['histograms']}")


if __name__ == "__main__":
    main()
