"""``kind: sact`` input: a zone's demand figure (attendances, else population) is never read as none."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from optimiser.cli import main

NEITHER = (
    "population is blank and so is attendances: give one "
    "(attendances blank: population x attendances_per_1000 / 1000)"
)


def validate(folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def write_zones(folder: Path, rows: str) -> None:
    (folder / "zones.csv").write_text(
        "zone_id,name,population,attendances,quintile\n" + rows, encoding="utf-8"
    )


def test_a_zone_with_blank_population_and_attendances_is_refused(tiny_instance: Path) -> None:
    write_zones(tiny_instance, "Z1,North,1000,,1\nZ2,Middle,,,2\nZ3,South,1000,500,3\n")
    code, out = validate(tiny_instance)
    assert code == 2
    assert f"zones.csv, row 3, column 'population': {NEITHER}" in out


def test_population_may_be_blank_where_attendances_is_given(tiny_instance: Path) -> None:
    write_zones(tiny_instance, "Z1,North,,600,1\nZ2,Middle,1000,,2\nZ3,South,0,500,3\n")
    code, out = validate(tiny_instance)
    assert code == 0, out


def test_a_zone_without_attendances_needs_the_population_column(tiny_instance: Path) -> None:
    (tiny_instance / "zones.csv").write_text(
        "zone_id,name,attendances\nZ1,North,600\nZ2,Middle,\nZ3,South,500\n", encoding="utf-8"
    )
    code, out = validate(tiny_instance)
    assert code == 2
    assert f"zones.csv, row 3, column 'population': {NEITHER}" in out


def test_a_workbook_formula_without_a_stored_value_is_not_read_as_no_demand(
    tiny_instance: Path, tmp_path: Path
) -> None:
    """openpyxl writes a formula without its result, as a script or a web export does: read as blank."""
    book = tmp_path / "wb"
    book.mkdir()
    (book / "instance.yaml").write_text((tiny_instance / "instance.yaml").read_text())
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table in ("zones", "sites", "travel"):
        frame = pd.read_csv(tiny_instance / f"{table}.csv", dtype=str, keep_default_na=False)
        if table == "zones":
            frame["attendances"] = ""
            frame.loc[1, "population"] = "=2*500"
        sheet = workbook.create_sheet(table)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append(list(row))
    workbook.save(book / "tables.xlsx")
    code, out = validate(book)
    assert code == 2
    assert f"tables.xlsx[zones], row 3, column 'population': {NEITHER}" in out


def test_a_growth_that_leaves_no_demand_is_refused_naming_it(tiny_instance: Path) -> None:
    """--set demand_growth=-1 (-100 %) was solved: with a safe volume the must-open centre was said
    to have 0 attendances within reach; without one the plan printed 'Access: nan% of attendances'.
    attendances_per_1000=0, which leaves no demand the same way, was already refused."""
    result = CliRunner().invoke(
        main, ["solve", str(tiny_instance), "--set", "demand_growth=-1", "--out", str(tiny_instance / "run")]
    )
    assert result.exit_code == 2
    assert (
        "--set, column 'demand_growth': -1 leaves every zone without demand (-1 is -100 %)" in result.output
    )


def test_a_plan_serving_no_one_says_so_not_nan() -> None:
    """allow_unserved with unserved_penalty 0 left every attendance unserved, and the terminal read
    'Access target: nan% of served attendances' and 'Journeys of served attendances: mean nan min'."""
    from models.sact.input import SactParameters
    from optimiser.kinds.sact import _access_line

    nan = float("nan")
    access = {"within_30": 0.0, "within_45": 0.0, "within_60": 0.0, "within_access_standard": 0.0}
    access |= {
        "served_within_access_standard": nan,
        "mean_minutes": nan,
        "p95_minutes": nan,
        "worst_minutes": nan,
    }
    line = _access_line(access, SactParameters(allow_unserved=True, access_target=0.0))
    assert "nan" not in line
    assert "Access target: no attendance is served (target 0% of served attendances)" in line
    assert line.endswith("Journeys of served attendances: none, no attendance is served")


def test_each_quintiles_own_target_is_printed_beside_its_share() -> None:
    """``--set access_target_q1=0.97`` was checked but the terminal showed only the overall share
    and target; the quintile's own share is of the attendances the checker tests (the served ones
    with allow_unserved), and a quintile without a target or without zones is left out."""
    from models.sact.input import SactParameters
    from optimiser.kinds.sact import _quintile_target_lines

    by_quintile = pd.DataFrame(
        {
            "quintile": [1, 2, 3],
            "within_access_standard": [0.9712, 0.5, 0.8],
            "served_within_access_standard": [0.99, 0.6, float("nan")],
        }
    )
    own = SactParameters(access_target_q1=0.97, access_target_q5=0.9)
    assert _quintile_target_lines(by_quintile, own) == [
        "Quintile targets, of attendances within 30 min: quintile 1 97.12% (target 97%)"
    ]
    every = SactParameters(access_target=0.8, access_by_quintile=True, allow_unserved=True, access_minutes=45)
    assert _quintile_target_lines(by_quintile, every) == [
        "Quintile targets, of served attendances within 45 min: quintile 1 99% (target 80%), "
        "quintile 2 60% (target 80%)"
    ]
    assert _quintile_target_lines(by_quintile, SactParameters(access_target=0.95)) == []


def test_a_quintile_target_of_a_quintile_no_zone_is_in_is_noted(tiny_instance: Path) -> None:
    """--set access_target_q5=0.99 on zones of quintiles 1-3 bound nothing and nothing said so."""
    from optimiser.kinds import load_instance
    from optimiser.overrides import Overrides

    given = Overrides(source="--set", set={"access_target_q5": 0.99, "access_target_q2": 0.5})
    notes = load_instance(tiny_instance, overrides=given).model_input.notes
    assert notes == (
        f"access_target_q5 (99%) binds nothing: no zone of {tiny_instance / 'zones.csv'} is in "
        "deprivation quintile 5",
    )
    assert load_instance(tiny_instance).model_input.notes == ()


def test_the_gap_is_of_the_cost_the_plan_decides_beside_a_huge_must_open_cost(
    tiny_instance: Path,
) -> None:
    """Centre A must open at a fixed £1e12: the solver's relative gap was of the whole cost, so
    lsc-sact so changed stopped 'optimal' with £498,304 open on the £5.4M the plan decides (gap
    0.0000%). The solve leaves the constant out (the tiny optimum: A's £1e12 and its least chair's
    £5,000 in every plan, £22,000 decided), and a plan stopped with £500 open reads its gap of the
    £22,000, in pounds too."""
    from dataclasses import replace

    from models.sact.arrays import prepare
    from models.sact.matrix import build_matrix
    from optimiser.kinds import load_instance
    from optimiser.kinds.sact import summary
    from solvers import SolveOptions, Status

    sites = tiny_instance / "sites.csv"
    sites.write_text(sites.read_text().replace(",10000,5000,true", ",1000000000000,5000,true"))
    loaded = load_instance(tiny_instance)
    data = loaded.model_input.input
    model = build_matrix(prepare(data), data.parameters, without_constant=True)
    assert model.cost[model.variable_blocks["open"].index].tolist() == [0.0, 4000.0]  # A's in every plan
    plan = loaded.kind.model.solve(data, options=SolveOptions(time_limit=20))
    assert plan.result.status is Status.OPTIMAL and plan.result.objective == 1e12 + 27000.0
    assert plan.costs["fixed_in_every_plan"] == 1e12 + 5000.0 and plan.costs["total"] == 1e12 + 27000.0
    stopped = replace(plan, result=replace(plan.result, bound=1e12 + 26500.0, gap=500.0 / 22000.0))
    assert stopped.figures()["decided_gap"] == {
        "absolute": 500.0,
        "decided_cost": 22000.0,
        "gap": 500 / 22000,
    }
    assert "gap 2.27% (£500 of the £22,000 the plan decides; £1,000,000,005,000 is in every plan" in summary(
        stopped
    )


def test_the_cost_every_plan_pays_counts_forced_sites_and_least_chairs(tiny_instance: Path) -> None:
    """With a 25-minute travel limit South (Z3) reaches only B (5 min; A is 30), so every plan
    opens B as it opens the must-open A, each with at least its one chair: £10,000 + £5,000 and
    £4,000 + £5,000, £24,000 in every plan.  fixed_in_every_plan counted A's £10,000 only, so the
    £13,000 the plan decides (the travel: 6,000 + 4,500 + 2,500) read as £27,000 and a plan
    stopped £500 short read its gap of the £27,000 (1.85 %, not 3.85 %).  With unserved demand
    allowed South may go unserved, so B is not forced: A's £15,000 only."""
    from dataclasses import replace

    from models.sact.arrays import prepare
    from models.sact.matrix import build_matrix, fixed_in_every_plan
    from optimiser.kinds import load_instance
    from optimiser.kinds.sact import summary
    from solvers import SolveOptions, Status

    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(yaml.read_text() + "  max_travel_minutes: 25\n")
    loaded = load_instance(tiny_instance)
    data = loaded.model_input.input
    model = build_matrix(prepare(data), data.parameters, without_constant=True)
    assert model.cost[model.variable_blocks["open"].index].tolist() == [0.0, 0.0]  # both in every plan
    assert model.col_lower[model.variable_blocks["chairs"].index].tolist() == [1.0, 1.0]
    assert model.objective_offset == -10_000.0  # the two least chairs, left out with the fixed costs
    plan = loaded.kind.model.solve(data, options=SolveOptions(time_limit=20, gap=0.0))
    assert plan.result.status is Status.OPTIMAL and plan.result.objective == pytest.approx(37_000.0)
    assert plan.costs["fixed_in_every_plan"] == 24_000.0
    stopped = replace(plan, result=replace(plan.result, bound=36_500.0, gap=500.0 / 13_000.0))
    assert stopped.figures()["decided_gap"] == {
        "absolute": pytest.approx(500.0),
        "decided_cost": pytest.approx(13_000.0),
        "gap": pytest.approx(500.0 / 13_000.0),
    }
    assert (
        "gap 3.85% (£500 of the £13,000 the plan decides; £24,000 is in every plan: the fixed cost "
        "and least chairs of the sites every plan opens)"
    ) in summary(stopped)
    unserved = replace(data.parameters, allow_unserved=True)
    assert fixed_in_every_plan(prepare(replace(data, parameters=unserved)), unserved) == 15_000.0


def test_parameters_the_model_refuses_are_exit_2_not_a_traceback(tiny_instance: Path, tmp_path: Path) -> None:
    """lsc-sact (solve_method: priced) with --set objective=worst ended in a ModelInputError
    traceback, exit 1: the priced path solves cost and travel only."""
    out = tmp_path / "run"
    args = ["solve", str(tiny_instance), "--set", "solve_method=priced", "--set", "objective=worst"]
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "solve_method: the priced path solves cost and travel, not worst" in result.output
    assert not out.exists()
