"""Options appraisal end to end: scenarios, the cost-access frontier and site regret, checked by hand.

Each command solves its variants in their own processes (``python -m optimiser solve``) on an
embedded Dask cluster; these tests use the three-zone instance of ``tests/conftest.py`` so every
number below is worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimiser.cli import main
from tests.conftest import TINY_OPTIMUM, with_clinic


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.slow
def test_regret_ranks_every_site_against_solves_by_hand(tiny_instance: Path, tmp_path: Path) -> None:
    """In the quick suite (seconds, report included), as :func:`test_the_frontier_prices_access_in_the_quick_suite`
    is: the rest of this module is slow, so the quick suite ran no regret or cost-access frontier.
    Optimum: A and B open (37,000). Forcing A closed leaves B alone with 2 chairs:
    4,000 + 2 x 5,000 + 600 x 40 + 300 x 15 + 500 x 5 = 45,000 (regret 8,000); forcing B closed
    leaves A alone: 47,000 (regret 10,000)."""
    out = tmp_path / "regret"
    result = run("regret", str(tiny_instance), "--out", str(out), "--time-limit", "30")
    assert result.exit_code == 0, result.output
    wrote = next(line for line in result.output.splitlines() if line.startswith("Wrote "))
    assert "regret.svg, report.html" in wrote and (out / "regret.svg").is_file()  # the report draws it
    table = pd.read_csv(out / "regret.csv")
    assert table["site_id"].tolist() == ["A", "B"]
    assert table["regret"].tolist() == pytest.approx([8000.0, 10000.0])
    assert table["forced"].tolist() == ["closed", "closed"]
    # nothing else opens or closes with either forced change (B alone or A alone serves everyone)
    assert table[["also_opens", "also_closes"]].isna().all().all()
    comparison = pd.read_csv(out / "comparison.csv")
    assert comparison.loc[comparison["scenario"] == "optimum", "costs.total"].item() == pytest.approx(
        TINY_OPTIMUM
    )
    assert set(comparison["check"]) == {"passed"}


def test_the_frontier_prices_access_in_the_quick_suite(tiny_instance: Path, tmp_path: Path) -> None:
    """The two ends of :func:`test_frontier_prices_access_point_by_point`, without the report: the
    least-cost plan, 37,000 with 1,100 of 1,400 attendances within 12 minutes, and full access
    with C, 59,000; each point proven optimal and passing the independent check."""
    with_clinic(tiny_instance)
    out = tmp_path / "frontier"
    args = ["frontier", str(tiny_instance), "--points", "2", "--out", str(out), "--no-report"]
    result = run(*args, "--time-limit", "20")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "frontier.csv")
    assert table["target"].tolist() == pytest.approx([1100 / 1400, 1.0], abs=1e-6)
    assert table["cost"].tolist() == pytest.approx([37000.0, 59000.0])
    assert table["achieved"].tolist() == pytest.approx([1100 / 1400, 1.0])
    assert table["status"].tolist() == ["optimal", "optimal"]
    assert table["monotone"].all() and table["check"].tolist() == ["passed", "passed"]


@pytest.mark.slow
def test_frontier_prices_access_point_by_point(tiny_instance: Path, tmp_path: Path) -> None:
    """Standard 12 minutes. A third site C next to Z2 (5 min) costs 20,000 + a chair: the optimum
    leaves Z2 at 15 minutes from B (1,100 of 1,400 within 12: 78.6 %). Full access needs C:
    10,000 + 4,000 + 20,000 + 3 x 5,000 + 6,000 + 300 x 5 + 2,500 = 59,000, as does any target
    above 78.6 % (sending all of Z2 to C is cheaper than part)."""
    with_clinic(tiny_instance)
    out = tmp_path / "frontier"
    result = run("frontier", str(tiny_instance), "--points", "3", "--out", str(out), "--time-limit", "30")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "frontier.csv")
    assert table["target"].tolist() == pytest.approx([1100 / 1400, (1100 / 1400 + 1) / 2, 1.0], abs=1e-6)
    assert table["cost"].tolist() == pytest.approx([37000.0, 59000.0, 59000.0])
    assert table["achieved"].tolist() == pytest.approx([1100 / 1400, 1.0, 1.0])
    assert table["monotone"].all() and set(table["check"]) == {"passed"}
    assert (out / "frontier.svg").is_file() and (out / "report.html").is_file()


@pytest.mark.slow
def test_the_frontier_ends_at_the_most_any_plan_reaches_not_at_the_reachable_share(
    tiny_instance: Path, tmp_path: Path
) -> None:
    """Standard 12 minutes; Z2 has 1,200 attendances, and C (5 min from Z2) has one chair (1,000 a
    year). Every attendance has a candidate within 12 minutes (reachable share 1.0), but no plan
    puts more than 1,000 of Z2 within it: the most is (600 + 1,000 + 500) / 2,300 = 91.3 %.
    Least cost: A and B, Z2 to B at 15 min, B 2 chairs: 10,000 + 4,000 + 3 x 5,000 + 6,000 +
    18,000 + 2,500 = 55,500 at 1,100 / 2,300. Any target above needs C (20,000 + a chair), and
    then 1,000 of Z2 go to C (5 min) and 200 to B (15 min), B 1 chair: 65,500."""
    zones = tiny_instance / "zones.csv"
    zones.write_text(zones.read_text().replace("Z2,Middle,1000,300,2", "Z2,Middle,1000,1200,2"))
    with_clinic(tiny_instance)
    out = tmp_path / "frontier"
    result = run("frontier", str(tiny_instance), "--points", "3", "--out", str(out), "--time-limit", "30")
    assert result.exit_code == 0, result.output
    assert "the most any plan reaches is 91.30 %" in result.output.replace("%", " %")
    table = pd.read_csv(out / "frontier.csv")
    low, high = 1100 / 2300, 2100 / 2300
    assert table["target"].tolist() == pytest.approx([low, (low + high) / 2, high], abs=2e-6)
    assert table["status"].tolist() == ["optimal"] * 3
    assert table["cost"].tolist() == pytest.approx([55500.0, 65500.0, 65500.0])
    assert table["achieved"].tolist() == pytest.approx([low, high, high])
    assert set(table["check"]) == {"passed"}


@pytest.mark.slow
def test_scenarios_compare_and_resume(tiny_instance: Path, tmp_path: Path) -> None:
    (tiny_instance / "scenarios.yaml").write_text(
        "scenarios:\n  base: {}\n  no-b: {close: [B]}\n  dearer-travel: {set: {travel_cost_per_minute: 2.0}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "scenarios"
    first = run("scenarios", str(tiny_instance), "--out", str(out), "--time-limit", "30", "--no-report")
    assert first.exit_code == 0, first.output
    table = pd.read_csv(out / "comparison.csv").set_index("scenario")
    assert table.loc["base", "costs.total"] == pytest.approx(TINY_OPTIMUM)
    assert table.loc["no-b", "costs.total"] == pytest.approx(47000.0)
    # twice the travel cost: 37,000 + 15,000 more travel (6,000 + 4,500 + 2,500 at 1.0 a minute)
    assert table.loc["dearer-travel", "costs.total"] == pytest.approx(37000.0 + 13000.0)
    differences = pd.read_csv(out / "differences.csv")
    closed = differences[(differences["scenario"] == "no-b") & (differences["what"] == "open")]
    assert closed["key"].tolist() == ["B"]
    assert (out / "comparison.md").read_text().startswith("# Scenarios of tiny")
    again = run("scenarios", str(tiny_instance), "--out", str(out), "--time-limit", "30", "--no-report")
    assert again.exit_code == 0 and again.output.count("resumed") == 3


@pytest.mark.slow
def test_ooh_frontier_trades_cost_against_the_worst_response(tmp_path: Path) -> None:
    out = tmp_path / "ooh"
    result = run("frontier", "lsc-ooh", "--x", "response", "--points", "5", "--out", str(out), "--no-report")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "frontier.csv")
    assert table.loc[0, "cost"] == pytest.approx(1_494_460.56, abs=0.01)  # the recorded optimum
    assert table["cost"].is_monotonic_increasing and table["monotone"].all()
    assert table["worst_response_minutes"].iloc[-1] == 0.0  # every site its own rota
    assert (table["worst_response_minutes"].iloc[1:] <= table["cap_minutes"].iloc[1:] + 1e-6).all()
    assert set(table["check"]) == {"passed"}
    # each cap just below a known plan: no plan twice, and the 27.9-minute plan that caps evenly
    # spaced between the ends (38.5, 25.7, 12.8, 0) missed while solving the all-local plan thrice
    assert table["worst_response_minutes"].is_unique
    assert table["worst_response_minutes"].tolist() == [51.3, 49.6, 32.4, 27.9, 0.0]
    assert table.loc[3, "cost"] == pytest.approx(4_071_022.1, abs=0.01)


@pytest.mark.slow
def test_a_response_cap_of_zero_keeps_every_site_on_its_own_rota() -> None:
    from dataclasses import replace

    import models.ooh
    from optimiser.cli import resolve_instance
    from optimiser.kinds import load_instance

    case = load_instance(resolve_instance("lsc-ooh")).model_input
    plan = models.ooh.solve(case.input, replace(case.parameters, response_cap_minutes=0.0))
    assert plan.found and (plan.coverage["hub_after"] == plan.coverage["site_id"]).all()
    assert models.ooh.check(case.input, plan).passed


@pytest.mark.slow
def test_a_batch_never_writes_into_a_users_folder(tiny_instance: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run("regret", str(tiny_instance), "--out", str(mine), "--no-report")
    assert result.exit_code == 2 and "holds files optimiser did not write" in result.output
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
