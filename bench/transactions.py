"""CPU, context switches and wall time per transaction, with the BEGIN sent on its own
(psycopg's way) and sent in the first statement's message
(common/postgresql/base.py), alternated in the same process (issue 15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
        .venv/bin/python bench/transactions.py [--rounds 9] [--transactions 1000]

Each round runs every shape with each cursor in turn on the same
connection: the baseline is the other cursor in the same round, so the
ratio holds on a machine whose speed moves between runs. Figures are this
process's CPU time (``time.process_time``, user and system), its voluntary
context switches (``getrusage``) and the wall time per transaction, the
median over the rounds, and the median of the rounds' ratios. A round trip
costs the client CPU (the socket calls, the caches cooled by the server's
work) as well as time. Writes to the database it is given
(customer rows it deletes at the end): use a scratch one.
"""

from __future__ import annotations

import argparse
import os
import resource
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
os.environ.setdefault("LOG_LEVEL", "WARNING")

MARK = "bench-transactions"


def _shapes() -> dict[str, Callable[[], object]]:
    from django.db import connection, transaction

    from complaints.models import Customer

    def read() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchall()

    def write() -> None:
        with transaction.atomic():
            Customer.objects.create(name=MARK, language="tr")

    def three() -> None:
        # A submission's shape: a read that holds, a write, a second write.
        with transaction.atomic():
            list(Customer.objects.select_for_update().filter(name=MARK)[:1])
            customer = Customer.objects.create(name=MARK, language="tr")
            Customer.objects.filter(pk=customer.pk).update(phone="")

    return {"read": read, "write": write, "three statements": three}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--transactions", type=int, default=1000, help="per shape, cursor, round")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.db.backends.postgresql import base as django_postgresql

    from common.postgresql.base import BeginInFirstStatementCursor
    from complaints.models import Customer

    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to a PostgreSQL database")
    connection.ensure_connection()
    cursors = {
        "BEGIN on its own": django_postgresql.Cursor,
        "BEGIN joined": BeginInFirstStatementCursor,
    }
    shapes = _shapes()
    figures: dict[tuple[str, str], list[tuple[float, float, float]]] = {
        (shape, name): [] for shape in shapes for name in cursors
    }
    load = os.getloadavg()[0]
    for _round in range(args.rounds):
        for shape, run in shapes.items():
            for name, cursor_class in cursors.items():
                connection.connection.cursor_factory = cursor_class
                for _ in range(50):  # warm
                    run()
                before, cpu = resource.getrusage(resource.RUSAGE_SELF), time.process_time()
                wall = time.perf_counter()
                for _ in range(args.transactions):
                    run()
                wall = time.perf_counter() - wall
                cpu = time.process_time() - cpu
                after = resource.getrusage(resource.RUSAGE_SELF)
                figures[shape, name].append(
                    (
                        cpu / args.transactions * 1e6,
                        (after.ru_nvcsw - before.ru_nvcsw) / args.transactions,
                        wall / args.transactions * 1e6,
                    )
                )
    Customer.objects.filter(name=MARK).delete()
    print(f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after; {args.rounds} rounds")
    print(
        f"{'transaction':<18}{'BEGIN':<18}{'cpu µs':>8}{'switches':>9}{'wall µs':>9}"
        f"{'cpu joined/own':>16}{'wall joined/own':>17}"
    )
    for shape in shapes:
        own = figures[shape, "BEGIN on its own"]
        for name in cursors:
            rows = figures[shape, name]
            ratios = ["", ""]
            if rows is not own:
                pairs = list(zip(rows, own, strict=True))
                ratios = [f"{statistics.median(a[i] / b[i] for a, b in pairs):.2f}" for i in (0, 2)]
            print(
                f"{shape:<18}{name:<18}{statistics.median(r[0] for r in rows):>8.1f}"
                f"{statistics.median(r[1] for r in rows):>9.2f}"
                f"{statistics.median(r[2] for r in rows):>9.1f}{ratios[0]:>16}{ratios[1]:>17}"
            )


if __name__ == "__main__":
    main()
