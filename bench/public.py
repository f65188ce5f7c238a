"""CPU per request of the public pages and the submissions, in-process, each
beside a baseline measured in the same run (issue 15, items 1, 2 and 5).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/public.py [--rounds 7] [--requests 200] [--against COMMIT] \\
            [--only post_form,post_api] [--profile 25]

Production settings (DEBUG off, the cached template loader, the manifest
static files) and a broker: a submission's notice is enqueued to Redis, not
sent in the request (sending is the worker's). Once set up, the process is
made ready as the WSGI entry point makes it (config/web_process.py, in the
trees that have it). The rate limits stay on, raised
so that they count without refusing. Through Django's test client with no
cookies kept between requests (each request is a first visit, as from wrk).

Figures are CPU time of this process (``time.process_time``) per request:
what a web worker spends, robust to other load on a shared machine, though
not to CPU frequency changes. Each round measures every scenario in turn,
/healthz first (the baseline: the same middleware, no view work); a round's
ratios are to that round's /healthz, and the report gives the median over
the rounds. ``--against COMMIT`` runs the same rounds alternately on a
checkout of COMMIT (a temporary git worktree, same database) in a subprocess
of its own, and reports each scenario's CPU against that commit's.
``--only`` measures some scenarios (/healthz always, as the baseline);
``--profile N`` runs each scenario once more under cProfile after the rounds
and prints its N most costly functions by CPU (own time, then cumulative),
for this tree only (``--profile-dump PREFIX`` keeps each profile for pstats).
The report also gives the kernel's share of each figure (system time, to
the clock tick): the part that differs most between machines of one kind.

Writes to the database it is given (complaints, outbox rows) and to the
broker's default queue, which it empties at the end: use scratch ones.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))
from bench.scenarios import LABELS, SCENARIOS, scenarios_asked, trees_compared  # noqa: E402

ROOT = Path(os.environ.get("BENCH_TREE") or HERE)
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
for name, value in {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-not-secret",
    "SECURE_SSL_REDIRECT": "0",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "INTAKE_RATE_LIMIT_SUBMIT": "1000000/m",
    "INTAKE_RATE_LIMIT_TRACK": "1000000/m",
    "LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(name, value)


def _setup() -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not os.environ.get("REDIS_URL"):
        raise SystemExit("set REDIS_URL: submissions are measured with the notice enqueued")
    call_command("migrate", interactive=False, verbosity=0)
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    from intake.services import intake_submit

    # Status pages of several complaints, in turn.
    numbers = [
        intake_submit(
            channel="web",
            kind="complaint",
            subject=f"Bench {i}",
            description=f"Bench complaint {uuid.uuid4().hex}",
            name="Bench Müşteri",
            email=f"bench{i}@example.com",
        ).complaint.tracking_number
        for i in range(10)
    ]
    # The web process as its WSGI entry point leaves it (config/wsgi.py), in
    # the trees that have it: start-up objects frozen out of the collector's reach.
    try:
        from config.web_process import web_process_ready
    except ImportError:
        pass
    else:
        web_process_ready()
    return {"numbers": numbers}


def _requests(numbers: list[str]) -> dict[str, Callable[[int], Any]]:
    from django.test import Client

    shared = Client()

    def client() -> Client:
        shared.cookies.clear()  # no cookies carried over: every request a first visit
        return shared

    form = {
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.com",
        "phone": "",
        "kind": "complaint",
        "subject": "Fatura hatası",
    }

    def post_form(i: int) -> Any:
        return client().post(
            "/submit/",
            {
                **form,
                "description": f"Bu ay iki kez ücret alındı ({uuid.uuid4().hex}).",
                "submission_id": str(uuid.uuid4()),
                "privacy_notice_version": "1",
            },
        )

    def post_api(i: int) -> Any:
        body = {
            "name": "Ayşe Yılmaz",
            "email": "ayse@example.com",
            "kind": "complaint",
            "subject": "Bağlantı kopuyor",
            "description": f"Akşamları bağlantı kopuyor ({uuid.uuid4().hex}).",
        }
        return client().post("/api/v1/public/complaints/", body, content_type="application/json")

    return {
        "healthz": lambda i: client().get("/healthz"),
        "form": lambda i: client().get("/submit/"),
        "status": lambda i: client().get(f"/track/{numbers[i % len(numbers)]}/"),
        "post_form": post_form,
        "post_api": post_api,
    }


_EXPECTED = {"healthz": 200, "form": 200, "status": 200, "post_form": 302, "post_api": 201}


def _statements(run: Callable[[int], Any]) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run(0)
    sql = [q["sql"].split(None, 1)[0].upper() for q in captured.captured_queries]
    return {
        "statements": len(sql),
        "transactions": sql.count("BEGIN"),
        "savepoints": sql.count("SAVEPOINT"),
    }


def _profile(name: str, run: Callable[[int], Any], requests: int, top: int, dump: str = "") -> None:
    # CPU time, as the rounds measure: waiting on the database is not counted.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for i in range(requests):
        run(i)
    profiler.disable()
    if dump:
        profiler.dump_stats(f"{dump}.{name}")  # for pstats: callers, callees
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(top)
        # Times are totals over the requests: the header says how many.
        print(f"\n== profile {LABELS[name]}, {requests} requests, by {order}", file=sys.stderr)
        print(out.getvalue().split("\n", 3)[-1], file=sys.stderr)


def worker(
    rounds: int, requests: int, only: tuple[str, ...], profile: int = 0, dump: str = ""
) -> None:
    """Measure ``rounds`` rounds; one JSON line per round on stdout."""
    state = _setup()
    runs = {name: run for name, run in _requests(state["numbers"]).items() if name in only}
    for name, run in runs.items():
        for i in range(20):  # warm: templates, translations, connections
            status = run(i).status_code
            assert status == _EXPECTED[name], (name, status)
    shape = {name: _statements(run) for name, run in runs.items()}
    print(json.dumps({"statements": shape}), flush=True)
    for _round in range(rounds):
        figures, kernel = {}, {}
        for name in runs:
            run = runs[name]
            started, times = time.process_time(), os.times()
            for i in range(requests):
                run(i)
            figures[name] = (time.process_time() - started) * 1000 / requests
            # The kernel's share (system time: sockets, polls), at the clock
            # tick's resolution: what moves most between machines.
            kernel[name] = (os.times().system - times.system) * 1000 / requests
        print(json.dumps({"cpu_ms": figures, "system_ms": kernel}), flush=True)
    if profile:
        for name, run in runs.items():
            _profile(name, run, requests, profile, dump)
    _empty_the_queue()


def _empty_the_queue() -> None:
    from config.celery import app

    with app.connection_for_write() as connection:
        channel: Any = connection.default_channel
        channel.queue_purge(app.conf.task_default_queue)


def _run_tree(
    tree: Path, rounds: int, requests: int, only: tuple[str, ...], profile: int = 0, dump: str = ""
) -> list[dict[str, Any]]:
    env = {**os.environ, "BENCH_TREE": str(tree)}
    out = subprocess.run(  # noqa: S603 - our own script, our own arguments
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            "--rounds",
            str(rounds),
            "--requests",
            str(requests),
            "--only",
            ",".join(only),
            "--profile",
            str(profile),
            *(["--profile-dump", dump] if dump else []),
        ],
        env=env,
        stdout=subprocess.PIPE,  # the profile goes to stderr, straight through
        text=True,
        check=True,
    )
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def _median(values: list[float]) -> float:
    return statistics.median(values)


def report(results: dict[str, list[dict[str, Any]]], only: tuple[str, ...]) -> None:
    for tree, lines in results.items():
        shape = next(line["statements"] for line in lines if "statements" in line)
        rounds = [line["cpu_ms"] for line in lines if "cpu_ms" in line]
        print(f"\n== {tree}: {len(rounds)} rounds, CPU ms per request (median), ratio to /healthz")
        # An older tree's worker may not report the kernel's share.
        kernel = [line["system_ms"] for line in lines if "system_ms" in line]
        print(
            f"{'':42} {'cpu ms':>8} {'× healthz':>10} {'SQL':>5} {'txn':>4} {'savept':>6}"
            f" {'system ms':>10}"
        )
        for name in only:
            cpu = _median([r[name] for r in rounds])
            ratio = _median([r[name] / r["healthz"] for r in rounds])
            s = shape[name]
            system = f"{_median([k[name] for k in kernel]):10.2f}" if kernel else f"{'':>10}"
            print(
                f"{LABELS[name]:42} {cpu:8.2f} {ratio:9.1f}× {s['statements']:5} "
                f"{s['transactions']:4} {s['savepoints']:6} {system}"
            )
    if len(results) == 2:
        (new, new_lines), (old, old_lines) = results.items()
        new_rounds = [line["cpu_ms"] for line in new_lines if "cpu_ms" in line]
        old_rounds = [line["cpu_ms"] for line in old_lines if "cpu_ms" in line]
        print(f"\n== {new} against {old} (rounds alternated), CPU new / old, median of rounds")
        for name in only:
            pairs = [n[name] / o[name] for n, o in zip(new_rounds, old_rounds, strict=False)]
            print(f"{LABELS[name]:42} {_median(pairs):6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200, help="per scenario and round")
    parser.add_argument("--against", help="a commit to measure alternately (git worktree)")
    parser.add_argument(
        "--only",
        default=",".join(SCENARIOS),
        help=f"scenarios to measure, comma-separated, of {', '.join(SCENARIOS)} "
        "(healthz is always measured)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after the rounds, profile each scenario (this tree only): N top functions",
    )
    parser.add_argument(
        "--profile-dump",
        default="",
        metavar="PREFIX",
        help="with --profile, also write each scenario's profile to PREFIX.<scenario> (pstats)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    only = scenarios_asked(parser, args.only)
    if args.worker:
        worker(args.rounds, args.requests, only, args.profile, args.profile_dump)
        return
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with trees_compared(HERE, args.against) as trees:
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
        # One round per subprocess, alternating, so both see the same load.
        for _round in range(args.rounds):
            last = _round == args.rounds - 1
            for index, (name, tree) in enumerate(trees.items()):
                profile = args.profile if last and index == 0 else 0
                dump = args.profile_dump if profile else ""  # this tree only
                lines = _run_tree(tree, 1, args.requests, only, profile, dump)
                if results[name]:
                    lines = [line for line in lines if "cpu_ms" in line]
                results[name].extend(lines)
    report(results, only)
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
