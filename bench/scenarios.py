"""What bench/public.py and bench/instructions.py share: the scenarios, their
labels, the ``--only`` choice, and this tree beside a checkout of a commit.

Imported from this tree before a worker puts another tree first on sys.path,
so both scripts keep one copy of these however old the tree they measure.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

GIT = shutil.which("git") or "git"
SCENARIOS = ("healthz", "form", "status", "post_form", "post_api")
LABELS = {
    "healthz": "GET /healthz (baseline)",
    "form": "GET /submit/ (the form)",
    "status": "GET /track/<number>/ (status page)",
    "post_form": "POST /submit/ (a complaint stored)",
    "post_api": "POST /api/v1/public/complaints/",
}


def scenarios_asked(parser: argparse.ArgumentParser, only: str) -> tuple[str, ...]:
    """The scenarios of ``--only`` in their order, /healthz (the baseline) always."""
    asked = {name.strip() for name in only.split(",") if name.strip()}
    if unknown := asked - set(SCENARIOS):
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return tuple(name for name in SCENARIOS if name in asked or name == "healthz")


@contextlib.contextmanager
def trees_compared(here: Path, against: str | None) -> Iterator[dict[str, Path]]:
    """{label: tree}: this tree, and a checkout of ``against`` (a temporary git
    worktree, removed after) when given."""
    head = subprocess.run(  # noqa: S603 - git, our arguments
        [GIT, "-C", str(here), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    trees = {f"this tree ({head})": here}
    with tempfile.TemporaryDirectory() as scratch:
        if against is None:
            yield trees
            return
        other = Path(scratch) / "against"
        subprocess.run(  # noqa: S603
            [GIT, "-C", str(here), "worktree", "add", "--detach", str(other), against],
            check=True,
            capture_output=True,
        )
        trees[f"commit {against}"] = other
        try:
            yield trees
        finally:
            subprocess.run(  # noqa: S603
                [GIT, "-C", str(here), "worktree", "remove", "--force", str(other)],
                check=False,
                capture_output=True,
            )
