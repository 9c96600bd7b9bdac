"""``optimiser solve --start RUN_FOLDER`` on the hand-solved tiny instance (optimum 37,000)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from optimiser.cli import main
from tests.conftest import TINY_OPTIMUM


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_solve_starts_from_an_earlier_run(tiny_instance: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert run("solve", str(tiny_instance), "--out", str(first)).exit_code == 0
    result = run("solve", str(tiny_instance), "--out", str(second), "--start", str(first))
    assert result.exit_code == 0, result.output
    doc = json.loads((second / "summary.json").read_text())
    assert doc["warm_start"] == f"warm start used: 2 sites and their chairs, objective {TINY_OPTIMUM:,.2f}"
    assert doc["costs"]["total"] == TINY_OPTIMUM and doc["check"]["passed"]


def test_a_start_without_a_plan_is_refused(tiny_instance: Path, tmp_path: Path) -> None:
    result = run("solve", str(tiny_instance), "--out", str(tmp_path / "x"), "--start", str(tmp_path))
    assert result.exit_code == 2
    assert "is not a run folder with a plan" in result.output
