"""``optimiser frontier --x worst``: cost against the longest journey, on an instance solved by hand.

Two zones, three sites, every site free of chair cost (£0.01 a patient-minute of travel):

=====  ===  ===  ===   Z1 has 100 attendances, Z2 50; fixed costs S1 £100, S2 £100, S3 £150.
zone    S1   S2   S3
=====  ===  ===  ===
Z1      10   40   20
Z2      50   10   30
=====  ===  ===  ===

Least cost with every journey at most epsilon (travel in pounds = minutes x attendances / 100):

* 50: S1 alone, 100 + (1000 + 2500)/100 = 135 (S2 alone 145, S3 alone 185); longest 50.
* 40: Z2 can no longer reach S1: S2 alone, 100 + (4000 + 500)/100 = 145; longest 40.
* 30: Z1 loses S2: S3 alone, 150 + (2000 + 1500)/100 = 185; longest 30.
* 20: Z2 reaches only S2 and Z1 only S1 or S3: S1 + S2, 200 + (1000 + 500)/100 = 215; longest 10.
* 10: S1 + S2, 215; longest 10 (the least any plan reaches: the p-centre optimum).

Minutes saved against 50: 0, 10, 20, 40, 40; cost per minute saved 1, 4, 1.5: the knee is point 1.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import models.sact as sact
from optimiser.cli import main
from optimiser.commands.frontier_points import chunk_tops, spread, uncovered, with_monotone
from optimiser.kinds import load_instance
from optimiser.overrides import Overrides

YAML = """\
kind: sact
name: worst-tiny
description: two zones, three sites; cost against the longest journey worked out by hand
parameters:
  complex_share: 0.0
  require_aseptic_supply: false
  travel_cost_per_minute: 0.01
  trips_per_attendance: 1.0
"""
ZONES = "zone_id,name,population,attendances,quintile\nZ1,West,0,100,1\nZ2,East,0,50,2\n"
SITES = (
    "site_id,name,trust,type,existing,current_chairs,min_chairs,max_chairs,fixed_cost,chair_cost\n"
    "S1,One,T1,cancer_centre,true,1,1,5,100,0\n"
    "S2,Two,T1,cancer_centre,true,1,1,5,100,0\n"
    "S3,Three,T1,cancer_centre,false,0,1,5,150,0\n"
)
TRAVEL = "zone_id,site_id,minutes\nZ1,S1,10\nZ1,S2,40\nZ1,S3,20\nZ2,S1,50\nZ2,S2,10\nZ2,S3,30\n"
BY_HAND = {  # max_travel_minutes: (cost, longest journey)
    50.0: (135.0, 50.0),
    40.0: (145.0, 40.0),
    30.0: (185.0, 30.0),
    20.0: (215.0, 10.0),
    10.0: (215.0, 10.0),
}


@pytest.fixture
def worst_tiny(tmp_path: Path) -> Path:
    folder = tmp_path / "worst-tiny"
    folder.mkdir()
    for name, text in (
        ("instance.yaml", YAML),
        ("zones.csv", ZONES),
        ("sites.csv", SITES),
        ("travel.csv", TRAVEL),
    ):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_spread_keeps_both_ends_largest_first() -> None:
    levels = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    assert spread(levels, 15) == [50.0, 40.0, 30.0, 20.0, 10.0]
    assert spread(levels, 3) == [50.0, 30.0, 10.0]
    assert spread(levels, 2) == [50.0, 10.0]


def test_only_proven_points_in_cost_order_are_called_monotone() -> None:
    """A frontier at short time limits (lsc-sact, 6 points in 25 s): every point stopped at its
    limit and two without a plan, each labelled monotone True; now a point is monotone only when
    proven and in cost order with every other point (beyond their gaps), and a point a tighter
    target beats on cost is marked dominated."""
    table = pd.DataFrame(
        {
            "cost": [100.0, 130.0, None, 120.0, 140.0, 150.0, 150.01],
            "status": ["optimal", "optimal", "no_solution", "optimal", "feasible", "optimal", "optimal"],
            "gap": [0.0, 0.0, None, 0.0, 0.05, 1e-4, 1e-4],
        }
    )
    marked = with_monotone(table)
    assert marked["monotone"].tolist() == [True, False, False, False, False, True, True]
    assert marked["dominated"].tolist() == [False, True, False, False, False, False, False]


def test_a_knee_is_marked_among_the_points_on_the_line_only() -> None:
    """Knees were found among every point with a plan: a plan stopped at its limit, cheap, made a
    knee of itself (£0.05M, then £0.2M a point), drawn off the line; and a dominated one hid the
    bend of the line (£0.1M a point to 94 %, then £0.3M). Now they are found on the line's points
    alone (proven, not dominated), the points frontier.svg joins."""
    from optimiser.commands.frontier import knees

    achieved = [0.90, 0.92, 0.94, 0.96]
    stopped = pd.DataFrame(
        {
            "point": range(4),
            "achieved": achieved,
            "cost": [5.6e6, 5.7e6, 6.1e6, 6.5e6],
            "status": ["optimal", "feasible", "optimal", "optimal"],
            "gap": [0.0, 0.05, 0.0, 0.0],
        }
    )
    assert knees(with_monotone(stopped)) == []  # £0.125M then £0.2M a point on the line
    dominated = with_monotone(stopped.assign(cost=[5.6e6, 6.2e6, 6.0e6, 6.6e6], status="optimal", gap=0.0))
    assert dominated["dominated"].tolist() == [False, True, False, False]
    assert knees(dominated) == [2]
    saved = dominated.assign(minutes_saved=[0.0, 10.0, 20.0, 30.0])
    assert knees(saved, x="minutes_saved", per=1.0) == [2]


def test_each_round_solves_the_top_of_every_unsettled_run() -> None:
    """60 reached 45 (settles 45, 60), 30 reached 25 (settles 25), 10 reached 10: the runs left
    are 35-40 and 20, longest first; a plan at 40 reaching 20 settles both."""
    candidates = np.array([10.0, 20.0, 25.0, 35.0, 40.0, 45.0, 60.0])
    solved = {60.0: 45.0, 30.0: 25.0, 10.0: 10.0}
    assert chunk_tops(candidates, solved) == [40.0, 20.0]
    assert chunk_tops(candidates, {**solved, 40.0: 20.0}) == []


def test_levels_a_solved_plan_settles_need_no_solve() -> None:
    """The plan at 50 reaches 35: it is the optimum for 40 too; 30 and 20 stay open; 10 solved."""
    candidates = np.array([10.0, 20.0, 30.0, 35.0, 40.0, 50.0])
    assert uncovered(candidates, {50.0: 35.0, 10.0: 10.0}).tolist() == [20.0, 30.0]
    assert uncovered(candidates, {50.0: None}).tolist() == [10.0, 20.0, 30.0, 35.0, 40.0]


@pytest.mark.parametrize(("level", "expected"), sorted(BY_HAND.items()))
def test_each_point_is_the_hand_optimum(
    worst_tiny: Path, level: float, expected: tuple[float, float]
) -> None:
    loaded = load_instance(worst_tiny, overrides=Overrides(set={"max_travel_minutes": level}))
    data = loaded.model_input.input
    plan = sact.solve(data)
    assert sact.check(data, plan).passed
    assert (plan.costs["total"], plan.access["worst_minutes"]) == pytest.approx(expected)


def test_the_least_longest_journey_is_ten_minutes(worst_tiny: Path) -> None:
    loaded = load_instance(worst_tiny, overrides=Overrides(set={"objective": "worst"}))
    data = loaded.model_input.input
    plan = sact.solve(data)
    assert sact.check(data, plan).passed
    assert plan.figures()["objective_figures"]["worst_minutes"] == pytest.approx(10.0)
    assert sorted(plan.sites.loc[plan.sites["open"], "site_id"]) == ["S1", "S2"]


@pytest.mark.slow
def test_frontier_worst_command_writes_the_hand_frontier(worst_tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "frontier"
    args = ["frontier", str(worst_tiny), "--x", "worst", "--points", "5", "--out", str(out), "--no-report"]
    result = CliRunner().invoke(main, [*args, "--time-limit", "30"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "frontier.csv")
    assert table["max_travel_minutes"].tolist() == list(BY_HAND)
    assert table["cost"].tolist() == pytest.approx([cost for cost, _ in BY_HAND.values()])
    assert table["achieved"].tolist() == pytest.approx([worst for _, worst in BY_HAND.values()])
    assert table["check"].eq("passed").all() and table["monotone"].all()
    assert table.loc[table["knee"], "point"].tolist() == [1]
    assert (out / "frontier.svg").is_file()


@pytest.mark.slow
def test_frontier_worst_of_an_instance_on_the_priced_path(worst_tiny: Path, tmp_path: Path) -> None:
    """lsc-sact sets solve_method: priced, which solves cost and travel only: its least-worst end
    (objective=worst) was refused in a traceback and the frontier ended 'No plan for an end of the
    frontier' naming a folder never written. The ends solve whole; the points stay priced."""
    yaml = worst_tiny / "instance.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "  solve_method: priced\n", encoding="utf-8")
    out = tmp_path / "frontier"
    args = ["frontier", str(worst_tiny), "--x", "worst", "--points", "5", "--out", str(out), "--no-report"]
    result = CliRunner().invoke(main, [*args, "--time-limit", "30"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "frontier.csv")
    assert table["cost"].tolist() == pytest.approx([cost for cost, _ in BY_HAND.values()])


def test_the_share_within_the_standard_counts_unserved_demand_once(tmp_path: Path) -> None:
    """A run's summary counts every attendance, unserved ones included, in ``access.attendances``:
    60 of 100 within 30 minutes is 0.6 when 20 are unserved (was 60 / 120 = 0.5)."""
    import json

    from optimiser.commands.frontier import within_standard

    pd.DataFrame({"zone_id": ["a", "b"], "attendances": [60.0, 20.0], "minutes": [25.0, 40.0]}).to_csv(
        tmp_path / "allocation.csv", index=False
    )
    summary = {"access": {"attendances": 100.0}, "unserved_attendances": 20.0}
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    assert within_standard(tmp_path, 30) == (pytest.approx(0.6), pytest.approx(0.6))
    (tmp_path / "summary.json").write_text(json.dumps({"unserved_attendances": 20.0}))  # no access figures
    assert within_standard(tmp_path, 30)[0] == pytest.approx(0.6)


def test_the_share_within_the_standard_is_the_summarys_unrounded_band_when_it_has_one(tmp_path: Path) -> None:
    """``allocation.csv`` rounds minutes to 4 decimals: a journey of 30.00004 min reads 30.0 there,
    but the summary's ``within_30`` was worked out on the unrounded minutes."""
    import json

    from optimiser.commands.frontier import within_standard

    pd.DataFrame({"zone_id": ["a", "b"], "attendances": [60.0, 40.0], "minutes": [25.0, 30.0]}).to_csv(
        tmp_path / "allocation.csv", index=False
    )
    summary = {"access": {"attendances": 100.0, "within_30": 0.6}, "unserved_attendances": 0.0}
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    assert within_standard(tmp_path, 30)[0] == pytest.approx(0.6)
    assert within_standard(tmp_path, 35)[0] == pytest.approx(1.0)  # no such band: from the table


def test_a_standard_off_the_bands_reads_the_runs_within_access_standard_overall_and_by_quintile(
    tmp_path: Path,
) -> None:
    """A 40-minute standard is no band (30/45/60): the run's ``within_access_standard`` is read,
    not the 30- or 45-minute band; a quintile table without it gives an unknown worst share."""
    import json

    from optimiser.commands.frontier import within_standard

    pd.DataFrame({"zone_id": ["a", "b"], "attendances": [60.0, 40.0], "minutes": [25.0, 42.0]}).to_csv(
        tmp_path / "allocation.csv", index=False
    )
    access = {"attendances": 100.0, "within_30": 0.6, "within_45": 1.0, "within_access_standard": 0.7}
    (tmp_path / "summary.json").write_text(json.dumps({"access": {**access, "standard_minutes": 40.0}}))
    quintiles = pd.DataFrame(
        {
            "quintile": [1, 2],
            "within_30": [0.5, 0.7],
            "within_45": [1.0, 1.0],
            "within_access_standard": [0.55, 0.8],
        }
    )
    quintiles.to_csv(tmp_path / "access_by_quintile.csv", index=False)
    assert within_standard(tmp_path, 40) == (pytest.approx(0.7), pytest.approx(0.55))
    quintiles.drop(columns="within_access_standard").to_csv(tmp_path / "access_by_quintile.csv", index=False)
    share, worst = within_standard(tmp_path, 40)
    assert share == pytest.approx(0.7) and math.isnan(worst)  # was the overall 0.7 under its name


def test_with_unserved_demand_the_share_within_the_standard_is_of_the_served_attendances(
    tmp_path: Path,
) -> None:
    """With ``allow_unserved`` a point's ``access_target`` is a share of the served attendances, so
    its achieved share is too: 60 of the 80 served within 30 minutes is 0.75 (0.6 of all 100),
    and the worst quintile's the least of the served shares."""
    import json

    from optimiser.commands.frontier import within_standard

    pd.DataFrame({"zone_id": ["a", "b"], "attendances": [60.0, 20.0], "minutes": [25.0, 40.0]}).to_csv(
        tmp_path / "allocation.csv", index=False
    )
    access = {
        "attendances": 100.0,
        "within_30": 0.6,
        "within_access_standard": 0.6,
        "served_within_access_standard": 0.75,
        "standard_minutes": 30.0,
    }
    (tmp_path / "summary.json").write_text(json.dumps({"access": access, "unserved_attendances": 20.0}))
    quintiles = pd.DataFrame(
        {
            "quintile": [1, 2],
            "within_30": [0.5, 0.7],
            "within_access_standard": [0.5, 0.7],
            "served_within_access_standard": [0.625, 0.875],
        }
    )
    quintiles.to_csv(tmp_path / "access_by_quintile.csv", index=False)
    assert within_standard(tmp_path, 30) == (0.75, 0.625)
    (tmp_path / "summary.json").write_text(json.dumps({"access": access, "unserved_attendances": 0.0}))
    assert within_standard(tmp_path, 30) == (0.6, 0.5)  # every attendance served: the same base


@pytest.mark.parametrize("axis", ["access", "worst"])
def test_a_point_stopped_at_its_limit_is_drawn_hollow_and_said_to_be(axis: str, tmp_path: Path) -> None:
    """frontier.svg marks a point whose solve stopped ``feasible`` (its cost a plan's, within its
    gap) and says so under the axis; with every point optimal, neither mark nor words."""
    from optimiser.commands.frontier import frontier_chart
    from optimiser.commands.frontier_points import UNPROVEN_LABEL

    table = pd.DataFrame(
        {
            "achieved": [0.90, 0.93, 0.96],
            "cost": [5.6e6, 5.8e6, 6.0e6],
            "knee": [False, True, False],
            "status": ["optimal", "feasible", "optimal"],
        }
    )
    text = frontier_chart(table, tmp_path, axis).read_text(encoding="utf-8")
    assert UNPROVEN_LABEL.split(",")[0] in text
    proven = frontier_chart(table.assign(status="optimal"), tmp_path, axis).read_text(encoding="utf-8")
    assert UNPROVEN_LABEL.split(",")[0] not in proven


def frontier_line_points(svg: str) -> list[int]:
    """The number of points of each line drawn in the frontier's blue (#005EB8) in ``svg``."""
    import re

    lines = re.finditer(r'<g id="[^"]+">\s*<path d="([^"]*)"[^>]*style="([^"]*)"', svg)
    blue = [m for m in lines if "fill: none; stroke: #005eb8" in m.group(2)]
    return [len(re.findall(r"[ML] ", m.group(1))) for m in blue]


@pytest.mark.parametrize("axis", ["access", "worst"])
def test_the_frontier_line_joins_only_proven_points_no_tighter_target_beats(
    axis: str, tmp_path: Path
) -> None:
    """frontier.svg drew its line through every point with a plan, a dominated one (a tighter
    target's plan costs less) and one stopped at its limit among them, though frontier.csv marks
    them: the line now joins the proven, non-dominated points alone, and the others are markers of
    their own, each named in the legend."""
    from optimiser.commands.frontier import frontier_chart

    table = pd.DataFrame(
        {
            "achieved": [0.90, 0.92, 0.94, 0.96, 0.98],
            "cost": [5.6e6, 6.1e6, 5.9e6, 6.3e6, 6.5e6],
            "knee": [False] * 5,
            "status": ["optimal", "optimal", "optimal", "feasible", "optimal"],
            "dominated": [False, True, False, False, False],
        }
    )
    text = frontier_chart(table, tmp_path, axis).read_text(encoding="utf-8")
    assert frontier_line_points(text) == [3]  # 5.6, 5.9 and 6.5 million only
    assert '<g id="frontier-unproven">' in text and '<g id="frontier-dominated">' in text
    assert "stopped at its limit, not proven optimal" in text
    assert "dominated: a tighter target's plan costs less" in text
    proven = frontier_chart(table.assign(status="optimal", dominated=False), tmp_path, axis)
    plain = proven.read_text(encoding="utf-8")
    assert frontier_line_points(plain) == [5]
    assert "dominated:" not in plain and "legend" not in plain


def test_a_frontier_of_unproven_points_is_not_called_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every level had a point, each solve stopped at its limit with a feasible plan only: 'The
    frontier is complete: every one of the travel times between its ends is settled' was said,
    though an unproven plan settles nothing (a bound between may cost less)."""
    import json

    from optimiser.commands import frontier_points
    from optimiser.commands.parallel import Job

    def solve(
        levels: list[float], args: tuple, out: Path, batch: tuple, bound: object, later: int = 0
    ) -> list:
        jobs = []
        for level in levels:
            folder = out / "runs" / f"within-{level:.4f}"
            folder.mkdir(parents=True)
            (folder / "summary.json").write_text(json.dumps({"solver": {"status": "feasible"}}))
            (folder / "reached").write_text(str(level))
            jobs.append(Job(folder.name, folder, (), {}))
        return jobs

    monkeypatch.setattr(frontier_points, "_solve_levels", solve)
    bound = frontier_points.Bound(
        "max_travel_minutes", "within", lambda f: float((f / "reached").read_text())
    )
    frontier_points.settle_levels(np.array([10.0, 20.0]), 2, (), tmp_path, (30.0, 100.0, 1, None), bound)
    said = capsys.readouterr().err
    assert "is complete" not in said
    assert "2 of their solves stopped short of a proven optimum (within-20.0000, within-10.0000)" in said


def test_a_bound_proven_infeasible_settles_every_tighter_one_and_is_not_called_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No plan meets 20 (proven infeasible), so none meets 15 or 10 either: 15 was solved again
    (the solve was wasted) and both were said to have 'stopped short of a proven optimum ... give
    the command a longer --time-limit', though more time changes nothing."""
    import json

    from optimiser.commands import frontier_points
    from optimiser.commands.parallel import Job

    asked: list[float] = []

    def solve(
        levels: list[float], args: tuple, out: Path, batch: tuple, bound: object, later: int = 0
    ) -> list:
        asked.extend(levels)
        jobs = []
        for level in levels:
            folder = out / "runs" / f"within-{level:.4f}"
            folder.mkdir(parents=True)
            (folder / "summary.json").write_text(json.dumps({"solver": {"status": "infeasible"}}))
            jobs.append(Job(folder.name, folder, (), {}))
        return jobs

    monkeypatch.setattr(frontier_points, "_solve_levels", solve)
    bound = frontier_points.Bound("max_travel_minutes", "within", lambda f: None)
    levels, _ = frontier_points.settle_levels(
        np.array([10.0, 15.0, 20.0, 30.0]), 3, (), tmp_path, (30.0, 100.0, 2, None), bound, {30.0: 30.0}
    )  # two workers solve both ends at once
    said = capsys.readouterr().err
    assert asked == levels == [20.0, 10.0]
    assert uncovered(np.array([10.0, 15.0, 20.0]), {20.0: -np.inf}).tolist() == []
    assert "stopped short" not in said and "--time-limit" not in said
    assert "The frontier is complete" in said
    one = frontier_points.completeness_line(0, [], "travel times", ["within-20.0000"])
    assert "Proven infeasible (within-20.0000): no plan meets its bound, nor any tighter one" in one
    assert (
        "Proven infeasible (within-20.0000, within-10.0000): no plan meets their bound, nor any tighter"
        in said
    )


@pytest.mark.parametrize(
    ("axis", "level", "words"),
    [
        ("worst", "max_travel_minutes", "no plan keeps every journey to 20 minutes or less"),
        ("access", "target", "no plan reaches a share of 97.00 % or more"),
        ("worst_quintile", "target", "no plan reaches the worst quintile's share of 97.00 % or more"),
    ],
)
def test_the_frontier_chart_marks_the_loosest_target_proven_to_have_no_plan(
    axis: str, level: str, words: str, tmp_path: Path
) -> None:
    """frontier.svg drew nothing of a point proven infeasible, as though never solved: a dashed line
    at the loosest target no plan meets (the least share, the longest journey bound), named."""
    from optimiser.commands.frontier import frontier_chart

    bounds = [30.0, 25.0, 20.0, 10.0] if axis == "worst" else [0.90, 0.95, 0.98, 0.97]
    table = pd.DataFrame(
        {
            level: bounds,
            "achieved": [0.90, 0.95, None, None] if axis != "worst" else [30.0, 25.0, None, None],
            "cost": [5.6e6, 5.8e6, None, None],
            "knee": [False] * 4,
            "status": ["optimal", "optimal", "infeasible", "infeasible"],
        }
    )
    text = frontier_chart(table, tmp_path, axis).read_text(encoding="utf-8")
    assert '<g id="frontier-no-plan">' in text and f"{words} (proven infeasible)" in text
    proven = frontier_chart(table.assign(status="optimal"), tmp_path, axis).read_text(encoding="utf-8")
    assert "frontier-no-plan" not in proven


def test_a_bound_with_no_plan_is_not_said_to_have_failed_its_check(tmp_path: Path) -> None:
    """frontier.csv of --x worst read 'failed or none' in the check column of a bound proven
    infeasible, as of a plan that broke a rule; --x access and regret say 'no plan' (check_word),
    and 'FAILED' only of a plan the independent check failed."""
    import json

    from optimiser.commands.frontier import worst_frontier_table
    from optimiser.commands.parallel import Job

    docs = {
        "within-30.0000": {
            "plan_found": True,
            "access": {"worst_minutes": 30.0},
            "costs": {"total": 5.6e6},
            "solver": {"status": "optimal", "gap": 0.0},
            "check": {"passed": True},
        },
        "within-25.0000": {
            "plan_found": True,
            "access": {"worst_minutes": 25.0},
            "costs": {"total": 5.8e6},
            "solver": {"status": "optimal", "gap": 0.0},
            "check": {"passed": False},
        },
        "within-20.0000": {"plan_found": False, "solver": {"status": "infeasible"}, "check": None},
    }
    jobs = []
    for name, doc in docs.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "summary.json").write_text(json.dumps(doc))
        jobs.append(Job(name, tmp_path / name, (), {}))
    table = worst_frontier_table(jobs, [30.0, 25.0, 20.0])
    assert table["check"].tolist() == ["passed", "FAILED", "no plan"]
    assert table["status"].tolist() == ["optimal", "optimal", "infeasible"]


def test_with_one_worker_a_looser_end_proven_infeasible_settles_the_tighter_without_a_solve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """frontier --x response --workers 1 on generate ooh --sites 10 --services 2 --seed 2: both
    ends, 20.5 and 0 minutes, were solved one after the other and both proven infeasible, though
    the first settles the second (no plan meets a tighter cap); with one worker the ends are solved
    in turn, the looser first, and the tighter only while unsettled."""
    import json

    from optimiser.commands import frontier_points
    from optimiser.commands.parallel import Job

    asked: list[list[float]] = []
    reach: dict[float, float | None] = {20.0: None, 30.0: 25.0, 0.0: 0.0}  # None: infeasible

    def solve(
        levels: list[float], args: tuple, out: Path, batch: tuple, bound: object, later: int = 0
    ) -> list:
        asked.append(list(levels))
        jobs = []
        for level in levels:
            folder = out / "runs" / f"within-{level:.4f}"
            folder.mkdir(parents=True)
            status = "infeasible" if reach[level] is None else "optimal"
            (folder / "summary.json").write_text(json.dumps({"solver": {"status": status}}))
            (folder / "reached").write_text(json.dumps(reach[level]))
            jobs.append(Job(folder.name, folder, (), {}))
        return jobs

    monkeypatch.setattr(frontier_points, "_solve_levels", solve)
    bound = frontier_points.Bound(
        "max_travel_minutes", "within", lambda f: json.loads((f / "reached").read_text())
    )
    one = (30.0, 100.0, 1, None)
    levels, _ = frontier_points.settle_levels(
        np.array([0.0, 10.0, 20.0, 30.0]), 3, (), tmp_path, one, bound, {30.0: 30.0}
    )
    assert asked == [[20.0]] and levels == [20.0]
    assert "Proven infeasible (within-20.0000): no plan meets its bound" in capsys.readouterr().err
    asked.clear()
    reach[20.0] = 20.0  # a looser end with a plan leaves the tighter end to solve, still next
    levels, _ = frontier_points.settle_levels(
        np.array([0.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0]), 3, (), tmp_path / "b", one, bound, {40.0: 40.0}
    )
    assert asked == [[30.0], [0.0], [20.0]] and levels == [30.0, 20.0, 0.0]


def test_a_point_killed_above_the_memory_limit_is_not_said_to_need_more_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A frontier whose 10-minute point was killed above --memory-limit (no summary.json): the
    completeness line called it 'stopped short of a proven optimum ... (give the command a longer
    --time-limit)', just before the command's last lines said to give it a larger --memory-limit."""
    import json

    from optimiser.commands import frontier_points
    from optimiser.commands.batch import BatchProgress, start_clock
    from optimiser.commands.parallel import Job, JobOutcome

    def solve(
        levels: list[float], args: tuple, out: Path, batch: tuple, bound: object, later: int = 0
    ) -> list:
        jobs = []
        for level in levels:
            folder = out / "runs" / f"within-{level:.4f}"
            folder.mkdir(parents=True)
            job = Job(folder.name, folder, (), {})
            if level == 10.0:
                note = "killed: resident memory 304.2 MB above the limit of 300 MB"
                BatchProgress([job], 1)(JobOutcome(job.name, "killed", None, 1.0, 304.2, note), 1, 1)
            else:
                (folder / "summary.json").write_text(json.dumps({"solver": {"status": "optimal"}}))
            jobs.append(job)
        return jobs

    start_clock(600.0)
    monkeypatch.setattr(frontier_points, "_solve_levels", solve)
    bound = frontier_points.Bound("max_travel_minutes", "within", lambda f: 20.0 if "20" in f.name else None)
    frontier_points.settle_levels(np.array([10.0, 20.0]), 2, (), tmp_path, (30.0, 300.0, 2, None), bound)
    said = capsys.readouterr().err
    assert "--time-limit" not in said and "stopped short" not in said and "is complete" not in said
    assert "Killed above the memory limit (within-10.0000): its bound is not settled" in said
    assert "give the command a larger --memory-limit" in said
    start_clock(600.0)  # the next command's outcomes are its own


@pytest.mark.parametrize("axis", ["access", "worst"])
def test_a_knee_is_ringed_and_the_legend_says_what_the_ring_is(axis: str, tmp_path: Path) -> None:
    """lsc-sact-districts' frontier (--points 4) ringed point 1, its knee, in red with no legend:
    nothing on the chart said what the ring meant.  A knee's ring is named in the legend; a
    frontier without a knee draws neither."""
    from optimiser.commands.frontier import frontier_chart
    from optimiser.commands.frontier_points import KNEE_LABEL

    table = pd.DataFrame(
        {
            "achieved": [0.9523, 0.9648, 0.9709, 0.9796],
            "cost": [6.269014e6, 6.276237e6, 6.317354e6, 6.363571e6],
            "knee": [False, True, False, False],
            "status": ["optimal"] * 4,
        }
    )
    text = frontier_chart(table, tmp_path, axis).read_text(encoding="utf-8")
    assert '<g id="frontier-knee">' in text and KNEE_LABEL.split(",")[1] in text and "legend" in text
    plain = frontier_chart(table.assign(knee=False), tmp_path, axis).read_text(encoding="utf-8")
    assert "frontier-knee" not in plain and "legend" not in plain
