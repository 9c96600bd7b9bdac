"""``optimiser solve --start RUN_FOLDER`` on the hand-solved tiny instance (optimum 37,000)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimiser.cli import main
from optimiser.warm_start import read_start
from tests.conftest import TINY_OPTIMUM, with_clinic


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


def test_an_ignored_start_is_said_on_the_terminal_too(tiny_instance: Path, tmp_path: Path) -> None:
    """The start opens B, which --close B forbids: the start is ignored, and the terminal says so
    as well as summary.json."""
    first, second = tmp_path / "first", tmp_path / "second"
    assert run("solve", str(tiny_instance), "--out", str(first)).exit_code == 0
    result = run("solve", str(tiny_instance), "--out", str(second), "--close", "B", "--start", str(first))
    assert result.exit_code == 0, result.output
    why = "its sites break the instance's limits at B"
    assert json.loads((second / "summary.json").read_text())["warm_start"] == f"warm start ignored: {why}"
    assert f"\nWarm start ignored: {why} (--start).\n" in result.output


def test_a_start_without_a_plan_is_refused(tiny_instance: Path, tmp_path: Path) -> None:
    result = run("solve", str(tiny_instance), "--out", str(tmp_path / "x"), "--start", str(tmp_path))
    assert result.exit_code == 2
    assert "is not a run folder with a plan" in result.output


def test_a_start_for_a_roll_out_is_refused_for_its_kind(tiny_instance: Path, tmp_path: Path) -> None:
    """solve lsc-sact-rollout --start with a roll-out's own run said 'is not a run folder with a
    plan': the folder was read before the kind, which takes no warm start, was looked at."""
    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(yaml.read_text().replace("kind: sact", "kind: rollout"))
    (tiny_instance / "years.csv").write_text("year,demand_factor\n2026,1.0\n")
    first = tmp_path / "first"
    assert run("solve", str(tiny_instance), "--out", str(first)).exit_code == 0
    result = run("solve", str(tiny_instance), "--out", str(tmp_path / "x"), "--start", str(first))
    assert result.exit_code == 2
    assert "--start is for sact instances, not 'rollout'" in result.output
    assert "not a run folder" not in result.output


@pytest.mark.slow
@pytest.mark.parametrize(("workers", "warm"), [("1", [True, True, True]), ("2", [True, False, True])])
def test_frontier_warm_starts_each_point_from_the_next_higher(
    tiny_instance: Path, tmp_path: Path, workers: str, warm: list[bool]
) -> None:
    """From the highest target down, one chain per worker: with one worker point 1 starts from
    point 2 and point 0 from point 1; with two, point 0 from point 2.  Point 2, the top, starts
    from the most-coverage plan (``runs/top``), which meets it.  Costs as solved cold."""
    out = tmp_path / "frontier"
    instance = str(with_clinic(tiny_instance))
    result = run(
        "frontier", instance, "--points", "3", "--out", str(out), "--workers", workers, "--no-report"
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "frontier.csv")
    assert table["warm_started"].tolist() == warm
    assert table["cost"].tolist() == pytest.approx([37000.0, 59000.0, 59000.0])
    assert (table["solve_seconds"] >= 0).all() and set(table["check"]) == {"passed"}


@pytest.mark.slow
def test_a_cold_frontier_starts_no_point(tiny_instance: Path, tmp_path: Path) -> None:
    out = tmp_path / "frontier"
    instance = str(with_clinic(tiny_instance))
    result = run("frontier", instance, "--points", "3", "--out", str(out), "--cold", "--no-report")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "frontier.csv")
    assert not table["warm_started"].any()
    assert table["cost"].tolist() == pytest.approx([37000.0, 59000.0, 59000.0])


def test_a_start_reads_site_ids_back_as_they_were_before_the_run_made_them_formula_safe(
    tmp_path: Path,
) -> None:
    sites = pd.DataFrame({"site_id": ["'+S1", "S2"], "open": ["True", "False"], "chairs": [4, 0]})
    sites.to_csv(tmp_path / "sites.csv", index=False)
    (tmp_path / "allocation.csv").write_text("zone_id,site_id\n")
    start = read_start(tmp_path)
    assert start.values.tolist() == [["+S1", True, 4], ["S2", False, 0]]
