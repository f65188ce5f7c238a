"""bench/instructions.py reads callgrind's dumps: the first holds the setup and
the warm-up, each next one a scenario's stretch, in the worker's order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import instructions


class _Finished:
    """A worker that has exited, as ``subprocess.Popen`` shows it."""

    def __init__(self, order: list[str], returncode: int = 0) -> None:
        self.returncode = returncode
        self._stdout = "valgrind said nothing here\n" + json.dumps({"order": order}) + "\n"

    def communicate(self) -> tuple[str, None]:
        return self._stdout, None


def _dumps(out: Path, totals: list[int]) -> None:
    out.mkdir()
    (out / "cg.out").write_text("")  # the name given: valgrind numbers the parts
    for part, total in enumerate(totals, start=1):
        (out / f"cg.out.{part}").write_text(f"events: Ir\nfn=x\n1 {total}\ntotals: {total}\n")


def test_each_stretch_divided_by_its_requests_the_setup_left_out(tmp_path):
    # Parts 1 (setup), 2 and 3 (the scenarios), 10 (the exit: numbered past 9).
    _dumps(tmp_path / "out", [999_999_999, 40_000_000, 300_000_000, 0, 0, 0, 0, 0, 0, 5])

    figures = instructions.collect(_Finished(["healthz", "post_form"]), tmp_path / "out", 20)

    assert figures == {"healthz": 2_000_000, "post_form": 15_000_000}


def test_too_few_dumps_is_an_error_not_a_figure(tmp_path):
    _dumps(tmp_path / "out", [999, 40])

    with pytest.raises(SystemExit, match="expected 3 dumps"):
        instructions.collect(_Finished(["healthz", "post_form"]), tmp_path / "out", 20)


def test_a_failed_worker_is_an_error(tmp_path):
    _dumps(tmp_path / "out", [999, 40, 300])

    with pytest.raises(SystemExit, match="failed"):
        instructions.collect(_Finished(["healthz"], returncode=1), tmp_path / "out", 20)
