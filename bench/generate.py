"""Load N realistic complaints, with their histories, into a PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
        .venv/bin/python bench/generate.py --count 1000000

Migrates the database, then bulk-loads customers, complaints and their
history rows with COPY (psycopg 3), in chunks, with a progress bar, and
rebuilds the SLA dashboard's daily figures from them.

The rows are derived from the code, not restated (bench/gen_life.py): each
complaint walks ``complaints.workflow``'s transitions with their own
defaults, guards and effects; its due dates, at-risk points, met times,
business seconds and the sweep's markers are computed by ``sla.calendar`` and
``sla.targets``; the history codes are the transitions' and the targets' own;
the columns are the models'. Only the mixes and the delays people take are
the benchmark's assumptions (bench/gen_mix.py). tests/bench checks the
result against the real services.

Run it on a database of its own: it refuses to load into one that already
holds complaints unless given ``--append``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection  # noqa: E402

from bench import gen_load  # noqa: E402
from complaints.models import Complaint  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=156, help="span of receipt dates")
    parser.add_argument("--chunk", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=10002)
    parser.add_argument("--append", action="store_true", help="load into a non-empty database")
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        sys.exit("bench/generate.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", interactive=False, verbosity=0)
    if Complaint.objects.exists() and not args.append:
        sys.exit("The database already holds complaints; use a fresh one or --append.")
    started = time.monotonic()
    loaded = gen_load.load(count=args.count, weeks=args.weeks, chunk=args.chunk, seed=args.seed)
    loaded_at = time.monotonic()
    if "sla_rollup_rebuild" in get_commands():
        sys.stderr.write("sla_rollup_rebuild ...\n")
        call_command("sla_rollup_rebuild")
    sys.stderr.write("VACUUM ANALYZE ...\n")
    gen_load.analyze()
    print(
        f"loaded {loaded.complaints:,} complaints, {loaded.customers:,} customers, "
        f"{loaded.events:,} history rows in {loaded_at - started:.0f} s "
        f"({time.monotonic() - started:.0f} s with the rollup and VACUUM ANALYZE)"
    )


if __name__ == "__main__":
    main()
