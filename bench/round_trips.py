"""CPU of one round trip to Redis and to PostgreSQL, in a tight loop and as a
request meets it: after other work has pushed the client's code out of the
processor's caches and the server has gone idle (issue 15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/round_trips.py [--requests 800] [--rounds 3]

Each figure is the median CPU time of the calling thread (``time.thread_time``)
per call; "after other work" runs about 3 ms of plain Python between calls (a
request's worth). The baseline is an empty call measured the same way. The
Redis rows compare redis-py's command path with common/redis_wire.py's (the
same connection settings, the same command); the PostgreSQL row is Django's
cursor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402

from common import redis_wire  # noqa: E402

_JUNK = [list(range(2000)) for _ in range(50)]


def _other_work() -> int:
    total = 0
    for row in _JUNK:
        for value in row:
            total += value
    return total


def _median_us(call: Callable[[], object], requests: int, *, gap: bool) -> float:
    times: list[float] = []
    for _ in range(requests):
        if gap:
            _other_work()
        start = time.thread_time()
        call()
        times.append(time.thread_time() - start)
    return statistics.median(times[20:]) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("set REDIS_URL")
    client = caches["default"]._cache.get_client(write=True)  # type: ignore[attr-defined]
    pool = client.connection_pool
    key = "bench:round-trips"
    calls: dict[str, Callable[[], object]] = {
        "baseline: an empty call": lambda: None,
        "Redis GET, redis-py": lambda: client.get(key),
        "Redis GET, redis_wire": lambda: redis_wire.command(pool, b"GET", key),
        "Redis INCR, redis-py": lambda: client.incr(key),
        "Redis INCR, redis_wire": lambda: redis_wire.command_int(pool, b"INCR", key),
    }
    with connection.cursor() as cursor:
        calls["PostgreSQL SELECT 1, Django's cursor"] = lambda: cursor.execute("SELECT 1")
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in calls}
        for _ in range(args.rounds):
            for name, call in calls.items():
                results[name].append(
                    (
                        _median_us(call, args.requests, gap=False),
                        _median_us(call, args.requests, gap=True),
                    )
                )
    print(f"\n{'CPU µs per call (median of rounds)':42} {'in a loop':>10} {'after work':>11}")
    for name, rows in results.items():
        loop = statistics.median(r[0] for r in rows)
        after = statistics.median(r[1] for r in rows)
        print(f"{name:42} {loop:10.1f} {after:11.1f}")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    client.delete(key)


if __name__ == "__main__":
    main()
