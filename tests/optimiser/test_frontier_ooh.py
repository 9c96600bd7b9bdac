"""``optimiser frontier --x response`` (out-of-hours): its table and chart, quick, from inline points.

The whole command on lsc-ooh is tested (slow) in ``tests/optimiser/test_options.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from optimiser.commands.frontier_ooh import response_table


def points(cost: list[float], status: list[str]) -> list[dict[str, object]]:
    """Frontier rows, loosest cap first: worst responses 40, 30, 20 and 10 minutes."""
    return [
        {"point": i, "worst_response_minutes": w, "cost": c, "status": s, "gap": 0.0}
        for i, (w, c, s) in enumerate(zip([40.0, 30.0, 20.0, 10.0], cost, status, strict=True))
    ]


def test_a_knee_of_the_response_frontier_is_a_point_of_its_line() -> None:
    """The knee was found among every point with a plan: a cap's solve stopped at its limit, cheap
    (£10,000 for the first minute, £40,000 each after) was the knee, drawn off the line; a
    dominated point hid the bend of the line (£20,000 a minute to 20 minutes, then £60,000)."""
    optimal = ["optimal"] * 4
    stopped = response_table(
        points([1.0e6, 1.1e6, 1.5e6, 1.9e6], ["optimal", "feasible", "optimal", "optimal"])
    )
    assert stopped["knee"].tolist() == [False] * 4  # £25,000 then £40,000 a minute on the line
    dominated = response_table(points([1.0e6, 1.6e6, 1.4e6, 2.0e6], optimal))
    assert dominated["dominated"].tolist() == [False, True, False, False]
    assert dominated["knee"].tolist() == [False, False, True, False]
    plain = response_table(points([1.0e6, 1.1e6, 1.5e6, 1.9e6], optimal))
    assert plain["knee"].tolist() == [False, True, False, False]  # £10,000 then £40,000: on the line


def test_the_response_frontier_line_joins_only_proven_points_no_tighter_cap_beats(tmp_path: Path) -> None:
    """The OOH frontier's chart (frontier.svg), as the SACT one: its line joins the points proven
    optimal that no tighter cap beats on cost; a cap's plan stopped at its limit is a hollow marker
    and a dominated one a cross, off the line, each named in the legend; a cap with no plan is not
    drawn. With every point proven and in cost order, one line through them all and no legend."""
    from optimiser.commands.frontier_ooh import response_chart
    from optimiser.commands.frontier_points import DOMINATED_LABEL, UNPROVEN_LABEL, with_monotone
    from tests.optimiser.test_frontier_worst import frontier_line_points

    table = with_monotone(
        pd.DataFrame(
            {
                "point": range(6),
                "worst_response_minutes": [51.3, 49.6, 32.4, 27.9, 20.0, None],
                "cost": [1.49e6, 2.2e6, 2.0e6, 3.0e6, 4.07e6, None],
                "status": ["optimal", "optimal", "optimal", "feasible", "optimal", "infeasible"],
                "gap": [0.0, 0.0, 0.0, 0.05, 0.0, None],
            }
        )
    ).assign(knee=False)
    assert table["dominated"].tolist() == [False, True, False, False, False, False]
    text = response_chart(table, tmp_path).read_text(encoding="utf-8")
    assert frontier_line_points(text) == [3]  # 51.3, 32.4 and 20 minutes only
    assert '<g id="frontier-unproven">' in text and '<g id="frontier-dominated">' in text
    assert UNPROVEN_LABEL.split(":")[0] in text and DOMINATED_LABEL.split(",")[0] in text
    proven = table.assign(
        status=["optimal"] * 5 + ["infeasible"], cost=[1.49e6, 1.7e6, 2.0e6, 3.0e6, 4.07e6, None]
    )
    plain = response_chart(with_monotone(proven.drop(columns="dominated")), tmp_path).read_text(
        encoding="utf-8"
    )
    assert frontier_line_points(plain) == [5]
    assert "frontier-unproven" not in plain and "frontier-dominated" not in plain and "legend" not in plain


@pytest.mark.slow
def test_caps_proven_infeasible_are_said_to_have_no_plan_not_to_need_more_time(tmp_path: Path) -> None:
    """A generated 6-site instance: no plan meets a 7.1-minute cap (two haematology rotas are
    short of clinicians and 8.9 minutes from a host), nor so any tighter one; its solve proved it.
    The command said 'stopped short of a proven optimum ... give the command a longer
    --time-limit', though more time changes nothing; and it spent a point on a 0-minute cap
    besides, which the 7.1-minute cap already settles (the diagnosis proves both before a solve)."""
    from click.testing import CliRunner

    from optimiser.cli import main

    instance, out = tmp_path / "ooh6", tmp_path / "frontier"
    runner = CliRunner()
    made = runner.invoke(
        main, ["generate", "ooh", "--sites", "6", "--services", "2", "--seed", "1", str(instance)]
    )
    assert made.exit_code == 0, made.output
    # the base's share of a 20-s limit (5 s) found no plan in CI beside other tests: the limit is
    # a ceiling, and every solve here ends in about a second
    args = ["frontier", str(instance), "--x", "response", "--points", "4", "--time-limit", "60"]
    result = runner.invoke(main, [*args, "--workers", "1", "--out", str(out), "--no-report"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "frontier.csv")
    assert table["status"].tolist() == ["optimal", "infeasible"]
    assert table["cap_minutes"].tolist()[1:] == [7.1]
    assert "stopped short" not in result.stderr and "--time-limit" not in result.stderr
    assert "The frontier is complete" in result.stderr
    assert "Proven infeasible (cap-7.1000): no plan meets its bound, nor any tighter one" in result.stderr


def test_the_tightest_cap_solved_is_the_loosest_the_diagnosis_proves_no_plan_meets(tmp_path: Path) -> None:
    """Caps 0, 7.1 and 8.9 minutes of generate ooh --sites 6 --services 2 --seed 1: the diagnosis
    proves no plan meets 0 or 7.1 (rotas short of clinicians within reach), and 8.9 is its base
    plan's worst response; bundled lsc-ooh has a plan at a 0-minute cap, every site its own rota."""
    import numpy as np
    from click.testing import CliRunner

    from optimiser.cli import main
    from optimiser.commands.frontier_ooh import loosest_diagnosed
    from optimiser.commands.instance_path import resolve_instance
    from optimiser.kinds import load_instance

    instance = tmp_path / "ooh6"
    made = CliRunner().invoke(
        main, ["generate", "ooh", "--sites", "6", "--services", "2", "--seed", "1", str(instance)]
    )
    assert made.exit_code == 0, made.output
    loaded = load_instance(instance)
    assert loosest_diagnosed(loaded, np.array([0.0, 7.1, 8.9])) == 7.1
    assert loosest_diagnosed(loaded, np.array([0.0])) == 0.0
    assert loosest_diagnosed(loaded, np.array([8.9, 9.0])) is None
    assert loosest_diagnosed(load_instance(resolve_instance("lsc-ooh")), np.array([0.0, 27.9])) is None


def test_the_response_chart_marks_the_loosest_cap_proven_to_have_no_plan(tmp_path: Path) -> None:
    """frontier.svg drew nothing of the caps no plan meets (7.1 and 0 minutes, proven infeasible),
    as though never solved: a dashed line at the loosest, named in the legend; a cap stopped at its
    limit before any plan (no_solution) is no proof, and draws none."""
    from optimiser.commands.frontier_ooh import response_chart

    caps, worst, cost = [None, 7.1, 0.0], [8.9, None, None], [584_905.2, None, None]
    status = ["optimal", "infeasible", "infeasible"]
    rows = zip(range(3), caps, worst, cost, status, strict=True)
    names = ("point", "cap_minutes", "worst_response_minutes", "cost", "status")
    table = response_table([{**dict(zip(names, row, strict=True)), "gap": 0.0} for row in rows])
    text = response_chart(table, tmp_path).read_text(encoding="utf-8")
    assert '<g id="frontier-no-plan">' in text
    assert "no plan meets a cap of 7.1 minutes or less (proven infeasible)" in text
    stopped = response_chart(table.assign(status=["optimal", "no_solution", "infeasible"]), tmp_path)
    assert "a cap of 0 minutes or less" in stopped.read_text(encoding="utf-8")
    unproven = response_chart(table.assign(status=["optimal", "no_solution", "no_solution"]), tmp_path)
    assert "frontier-no-plan" not in unproven.read_text(encoding="utf-8")
