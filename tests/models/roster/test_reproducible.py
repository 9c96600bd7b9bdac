"""Same seed and workers, same rota: CP-SAT counts the time limit in deterministic time."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import models.roster
from instances import bundled_path
from instances.generators.rostering import generate
from models.common.contract import ModelInputError
from models.roster.solve import short_of_budget, solver_options
from optimiser.cli import main
from solvers import SolveOptions


def test_options_count_deterministic_time_when_the_workers_are_named() -> None:
    params = models.roster.Parameters(time_limit=30.0)
    fixed = solver_options(params, SolveOptions(threads=2, seed=4))
    assert (fixed.time_limit, fixed.threads, fixed.seed) == (90.0, 2, 4)  # the wall-clock backstop: 3 x
    assert fixed.extra == {  # 0.4 units a second; one full-problem subsolver, as two racing workers run
        "max_deterministic_time": 12.0,
        "interleave_search": True,
        "subsolvers": ["default_lp"],
        "interleave_batch_size": 2,
    }
    racing = solver_options(params, SolveOptions(seed=4))  # --time-limit alone: two workers race
    assert (racing.time_limit, racing.threads, racing.extra) == (30.0, 2, {})
    one = solver_options(params, SolveOptions(threads=1))  # one worker interleaves too, a task at a time
    assert one.extra == {
        "max_deterministic_time": 12.0,
        "interleave_search": True,
        "subsolvers": ["default_lp"],
        "interleave_batch_size": 1,
    }
    off = solver_options(models.roster.Parameters(reproducible=False), SolveOptions(time_limit=5, threads=2))
    assert (off.time_limit, off.extra) == (5, {})
    full_lp = models.roster.Parameters(time_limit=30.0, subsolvers=("default_lp", "max_lp"))
    assert solver_options(full_lp, SolveOptions(threads=2)).extra["subsolvers"] == ["default_lp", "max_lp"]
    given = SolveOptions(threads=2, extra={"subsolvers": ["no_lp"]})  # the caller's option wins
    assert solver_options(full_lp, given).extra["subsolvers"] == ["no_lp"]
    assert "subsolvers" not in solver_options(full_lp, SolveOptions(seed=4)).extra  # racing: CP-SAT's own


@pytest.mark.parametrize("subsolvers", [("max_lp", "bogus"), (), "default_lp"])
def test_subsolvers_cp_sat_would_refuse_are_refused_with_the_instance(subsolvers: object) -> None:
    """CP-SAT answers MODEL_INVALID to an unknown subsolver: the parameters say so first."""
    with pytest.raises(ModelInputError, match="subsolvers"):
        models.roster.Parameters(subsolvers=subsolvers)  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize("workers", [2, 1])
def test_two_solves_with_a_seed_and_the_same_workers_give_the_same_rota(workers: int) -> None:
    inp = generate(5, 7, 2)  # stopped by the limit before optimality, so the search path matters
    options = SolveOptions(time_limit=5.0, threads=workers, seed=7, gap=0)  # 1 unit of deterministic time
    loose = models.roster.Parameters(work_per_second=0.2, wall_clock_factor=30.0)  # never cut, however busy
    first, second = (models.roster.solve(inp, loose, options=options) for _ in range(2))
    assert first.found and second.found
    assert first.result.objective == second.result.objective
    solve = first.figures()["solve"]
    assert {k: solve[k] for k in ("seed", "workers", "reproducible", "deterministic_limit")} == {
        "seed": 7, "workers": workers, "reproducible": True, "deterministic_limit": 1.0,
    }  # fmt: skip
    assert solve["stopped_by"] in ("deterministic limit", "proven optimal")
    assert 0 < solve["deterministic_time"] < 2  # CP-SAT checks the limit between batches of work
    assert second.figures()["solve"] == solve
    pd.testing.assert_frame_equal(first.assignments, second.assignments)


@pytest.mark.slow
def test_a_rota_run_records_its_seed_workers_and_what_stopped_it(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    runner = CliRunner()
    made = runner.invoke(main, ["generate", "roster", "--staff", "4", "--days", "7", str(folder)])
    assert made.exit_code == 0, made.output
    metas = {}
    for threads in ([], ["--threads", "2"]):
        out = tmp_path / f"run{len(threads)}"
        args = ["solve", str(folder), "--time-limit", "30", "--seed", "3", "--out", str(out), *threads]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        assert "Search: cpsat, seed 3, 2 workers, stopped by" in result.output
        meta = json.loads((out / "run.json").read_text())["solve"]
        summary = json.loads((out / "summary.json").read_text())
        assert summary["solve"] == {k: v for k, v in meta.items() if k != "threads"}
        metas[len(threads)] = meta
    racing, fixed = metas[0], metas[2]
    assert (racing["time_limit"], racing["seed"], racing["threads"], racing["workers"]) == (30.0, 3, None, 2)
    assert racing["reproducible"] is False and racing["deterministic_limit"] is None
    assert racing["stopped_by"] in ("wall clock", "proven optimal")
    assert (fixed["threads"], fixed["workers"], fixed["reproducible"]) == (2, 2, True)
    assert fixed["deterministic_limit"] == 12.0  # 0.4 units a second of the limit
    assert fixed["stopped_by"] in ("deterministic limit", "proven optimal")
    args = ["solve", str(folder), "--time-limit", "30", "--threads", "1", "--out", str(tmp_path / "one")]
    one = runner.invoke(main, args)
    assert one.exit_code == 0 and "seed 0, 1 worker, stopped by" in one.output  # "1 workers" before


def test_a_rota_run_records_the_time_limit_its_instance_sets(tmp_path: Path) -> None:
    """Without ``--time-limit`` the instance's own limit applies, and ``run.json`` names it."""
    folder = tmp_path / "g"
    runner = CliRunner()
    made = runner.invoke(main, ["generate", "roster", "--staff", "4", "--days", "7", str(folder)])
    assert made.exit_code == 0, made.output
    yaml_file = folder / "instance.yaml"
    yaml_file.write_text(
        yaml_file.read_text().replace("parameters:\n", "parameters:\n  time_limit: 7.0\n", 1)
    )
    out = tmp_path / "run"
    result = runner.invoke(main, ["solve", str(folder), "--threads", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "run.json").read_text())["solve"]
    assert meta["time_limit"] == 7.0 and meta["deterministic_limit"] == pytest.approx(2.8)


def test_a_rota_run_diagnosed_before_solving_records_the_limit_it_had(tmp_path: Path) -> None:
    """Three charge nurses on leave leave Friday's cover short before any search: the run records
    its own 15 s, not the 45 s wall-clock backstop of the deterministic search it never ran."""
    folder = tmp_path / "n"
    shutil.copytree(bundled_path("lsc-sact-nurses"), folder)
    with (folder / "leave.csv").open("a") as leave:
        leave.writelines(f"{s},2025-03-14,annual leave,7.5\n" for s in ("N01", "N02", "N03"))
    out = tmp_path / "run"
    args = ["solve", str(folder), "--time-limit", "15", "--threads", "1", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["solver"]["message"] == "diagnosed before solving"
    assert summary["solver"]["options"]["time_limit"] == 15.0
    assert summary["solve"]["time_limit"] == 15.0
    assert json.loads((out / "run.json").read_text())["solve"]["time_limit"] == 15.0


def test_a_search_short_of_its_deterministic_limit_was_stopped_by_the_wall_clock() -> None:
    """The nurses' rota at load 4-8 ended at 3.8-6.3 of 12 deterministic seconds, cut by CP-SAT's
    own clock a little before ours, and was reported as stopped by the deterministic limit."""
    assert short_of_budget(12.0, 6.11) and short_of_budget(2.0, 1.2)
    assert not short_of_budget(12.0, 12.14) and not short_of_budget(12.0, 11.95)  # at the limit
    assert not short_of_budget(None, 3.0) and not short_of_budget(12.0, None)  # no limit, no count
    inp = generate(10, 28, 0)
    busy = models.roster.Parameters(work_per_second=1000.0, wall_clock_factor=1.0)  # the wall cuts first
    plan = models.roster.solve(inp, busy, options=SolveOptions(time_limit=2.0, threads=2, seed=0))
    solve = plan.figures()["solve"]
    assert solve["deterministic_limit"] == 2000.4 and solve["deterministic_time"] < 2000.0  # 0.4 to polish
    assert solve["stopped_by"] in ("wall clock", "proven optimal")


@pytest.mark.slow
def test_the_summary_never_promises_the_same_rota_from_column_generation() -> None:
    from dataclasses import replace

    from optimiser.kinds.roster_summary import summary

    params = models.roster.Parameters(search="lines")
    plan = models.roster.solve(generate(4, 7, 0), params, options=SolveOptions(time_limit=20, threads=2))
    assert plan.found and not plan.reproducible and plan.search == "lines"
    raced = replace(plan, stopped_by="wall clock")
    assert "column generation runs on the wall clock; a rerun may give another rota." in summary(raced)
    assert "name --threads" not in summary(raced)
    windows = replace(raced, search="windows")  # a long rota improved window by window
    assert "the window-by-window search runs on the wall clock" in summary(windows)
    assert "name --threads" not in summary(windows)
    cpsat = replace(raced, parameters=models.roster.Parameters(), search="cpsat")
    assert "workers raced the clock; name --threads for the same rota" in summary(cpsat)
    mip = replace(raced, search="mip")  # HiGHS has no deterministic limit, whatever --threads says
    assert "HiGHS's branch and cut runs on the wall clock; a rerun may give another rota." in summary(mip)
    assert "name --threads" not in summary(mip)


def test_the_summary_names_a_wall_clock_search_after_the_deterministic_limit_was_spent() -> None:
    """The registrars at --time-limit 8: both phases spent their 3.2 units with no rota, a search
    by the wall clock found one, and the summary said "the time ran out before the deterministic
    limit" beside "3.2 of 3.2 deterministic s"."""
    from dataclasses import replace

    from optimiser.kinds.roster_summary import summary

    plan = models.roster.solve(generate(4, 7, 0), options=SolveOptions(time_limit=20, threads=2, seed=0))
    assert plan.reproducible and plan.deterministic_limit is not None
    spent = replace(plan, stopped_by="wall clock", deterministic_time=plan.deterministic_limit)
    assert "the deterministic limit was spent, but part of the search ran by the wall clock" in summary(spent)
    assert "ran out before the deterministic limit" not in summary(spent)
    short = replace(spent, deterministic_time=plan.deterministic_limit / 2)
    assert "the time ran out before the deterministic limit" in summary(short)


def test_the_plan_names_the_search_auto_chose() -> None:
    from models.roster.search import auto_search

    inp = generate(4, 7, 0)
    plan = models.roster.solve(
        inp, models.roster.Parameters(search="auto"), options=SolveOptions(time_limit=10)
    )
    assert plan.search == auto_search(inp) and plan.search in ("lines", "cpsat")
    assert plan.figures()["solve"]["search"] == plan.search


@pytest.mark.slow
def test_a_lines_run_reports_its_own_workers_and_no_optimal_word_it_did_not_prove() -> None:
    """A lines search through ``solve`` names the run's workers, seed and limit (not those of the
    one-worker solve that held its rota), and a rota built from lines is not called "optimal"
    unless its bound proves it (the summary once read "feasible (optimal; ...)" with 1 worker)."""
    from optimiser.kinds.roster_summary import summary

    params = models.roster.Parameters(search="lines")
    plan = models.roster.solve(
        generate(12, 28, 3), params, options=SolveOptions(time_limit=8, threads=2, seed=4)
    )
    solve = plan.figures()["solve"]
    assert solve["workers"] == 2 and solve["seed"] == 4 and solve["time_limit"] == 8
    result = plan.result
    if result.status.name != "OPTIMAL":
        # "optimal" as a word: "stopped at its limit before proving optimality" is honest
        assert re.search(r"\boptimal\b", (result.message or "").split(";")[0]) is None
        assert "Status: feasible (optimal" not in summary(plan)
