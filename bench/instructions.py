"""Instructions per request of the public pages and the submissions, counted by
valgrind (callgrind): a figure that does not move with the machine's load
(issue 15, item 5).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sikayet_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/instructions.py [--requests 40] [--against COMMIT] \\
            [--only post_form,post_api]

The CPU figures of bench/public.py move by a third between runs on a shared
machine, and so do their ratios to a 0.4 ms ``/healthz``; a change worth 2%
cannot be seen in them. Instructions executed in user space are the same
from run to run for the same code and inputs, whatever else the machine does.
They are not CPU time: the kernel's part of a round trip (the socket calls)
and the cost of cache misses are not counted. Read them beside
bench/public.py's figures, not instead of them.

Each tree's worker (bench/public.py's setup and requests, taken from that
tree: the same production settings, the broker, the test client with no
cookies) runs once under ``valgrind --tool=callgrind`` with a fixed hash
seed. After the warm-up (20 requests of every scenario) and after each
scenario's ``--requests`` requests the worker calls ``os.getppid()``, and
callgrind dumps its counts before every call of ``getppid``
(``--dump-before``), so each dump holds exactly one stretch. The figure is
a stretch's instructions divided by its requests; the ratio is to
``/healthz`` in the same run. ``--against COMMIT`` counts a checkout of
COMMIT (a temporary git worktree, same database) too, at the same time (the
counts do not depend on the load), and reports each scenario's count against
that commit's.

Writes to the database it is given and to the broker's default queue, which
it empties at the end: use scratch ones. About a minute per tree.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Protocol

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))
from bench.scenarios import LABELS, SCENARIOS, scenarios_asked, trees_compared  # noqa: E402

VALGRIND = shutil.which("valgrind") or "valgrind"
WARM_UP = 20
_TOTALS = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


def worker(requests: int, only: tuple[str, ...]) -> None:
    """Inside valgrind: the setup, the warm-up, then each scenario's stretch."""
    tree = Path(os.environ.get("BENCH_TREE") or HERE)
    # That tree's bench/public.py (its settings, its setup, its requests), by
    # its path: the name ``bench`` is this tree's package already.
    spec = importlib.util.spec_from_file_location("measured_public", tree / "bench/public.py")
    assert spec is not None and spec.loader is not None
    public = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(public)

    state = public._setup()
    runs = {name: run for name, run in public._requests(state["numbers"]).items() if name in only}
    for name, run in runs.items():
        for i in range(WARM_UP):
            status = run(i).status_code
            assert status == public._EXPECTED[name], (name, status)
    os.getppid()  # the dump: setup and warm-up
    for run in runs.values():
        for i in range(requests):
            run(i)
        os.getppid()  # the dump: this scenario's stretch
    public._empty_the_queue()
    print(json.dumps({"order": list(runs)}), flush=True)


def start(tree: Path, requests: int, only: tuple[str, ...], out: Path) -> subprocess.Popen[str]:
    """``tree``'s worker under callgrind, its dumps into ``out``; see ``collect``."""
    out.mkdir(parents=True)
    # bench/public.py's production settings, as its import sets them.
    defaults = {"DEBUG": "0", "SECRET_KEY": "bench-only-not-secret", "SECURE_SSL_REDIRECT": "0"}
    env = {**defaults, **os.environ, "BENCH_TREE": str(tree), "PYTHONHASHSEED": "0"}
    # The static files first, at full speed: compressing them under valgrind
    # (a new worktree has none) takes most of an hour.
    subprocess.run(  # noqa: S603 - our own tree's manage.py
        [sys.executable, str(tree / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=tree,
        check=True,
    )
    return subprocess.Popen(  # noqa: S603 - our own script, our own arguments
        [
            VALGRIND,
            "--tool=callgrind",
            "--dump-before=getppid",
            f"--callgrind-out-file={out}/cg.out",
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            "--requests",
            str(requests),
            "--only",
            ",".join(only),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # valgrind's own report
        text=True,
    )


class Worker(Protocol):
    """What ``collect`` needs of the worker's process (a ``subprocess.Popen``)."""

    @property
    def returncode(self) -> int | Any: ...

    def communicate(self) -> tuple[str, Any]: ...


def collect(process: Worker, out: Path, requests: int) -> dict[str, float]:
    """Each scenario's instructions per request, from the dumps in ``out``."""
    stdout, _ = process.communicate()
    if process.returncode:
        raise SystemExit(f"the worker under valgrind failed ({process.returncode})")
    order = next(json.loads(line) for line in stdout.splitlines() if line.startswith("{"))["order"]
    # cg.out.1, cg.out.2, ...: one per getppid() call, then the rest at exit.
    dumps = sorted(
        (p for p in out.iterdir() if re.fullmatch(r"cg\.out\.\d+", p.name)),
        key=lambda p: int(p.name.rsplit(".", 1)[1]),
    )
    if len(dumps) < len(order) + 1:
        raise SystemExit(f"expected {len(order) + 1} dumps, found {len(dumps)}")
    stretches = dumps[1 : len(order) + 1]
    figures = {}
    for name, dump in zip(order, stretches, strict=True):
        found = _TOTALS.search(dump.read_text())
        if found is None:
            raise SystemExit(f"no totals in {dump}")
        figures[name] = int(found.group(1)) / requests
    return figures


def report(results: dict[str, dict[str, float]], requests: int) -> None:
    for tree, figures in results.items():
        print(f"\n== {tree}: instructions per request ({requests} requests), ratio to /healthz")
        base = figures["healthz"]
        for name, value in figures.items():
            print(f"{LABELS[name]:44} {value / 1e6:8.3f} M {value / base:7.1f}×")
    if len(results) == 2:
        (new_name, new), (old_name, old) = results.items()
        print(f"\n== {new_name} against {old_name}: instructions new / old")
        for name in new:
            print(f"{LABELS[name]:44} {new[name] / old[name]:8.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="per scenario")
    parser.add_argument("--against", help="a commit to count too (git worktree)")
    parser.add_argument(
        "--only",
        default=",".join(SCENARIOS),
        help=f"scenarios, comma-separated, of {', '.join(SCENARIOS)} (healthz always)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    only = scenarios_asked(parser, args.only)
    if args.worker:
        worker(args.requests, only)
        return
    with trees_compared(HERE, args.against) as trees, tempfile.TemporaryDirectory() as scratch:
        # Both at once: the counts do not depend on the load.
        running = {
            name: (start(tree, args.requests, only, Path(scratch) / f"counts{index}"), index)
            for index, (name, tree) in enumerate(trees.items())
        }
        results = {
            name: collect(process, Path(scratch) / f"counts{index}", args.requests)
            for name, (process, index) in running.items()
        }
    report(results, args.requests)


if __name__ == "__main__":
    main()
