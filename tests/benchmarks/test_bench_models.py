"""The families of the OOH rota, oncologist cover and staff rota models, and every bundled kind.

Each generated family expands into named cases with fixed seeds and solves a tiny case (a
second or two) whose plan its independent checker accepts; one runner test takes the three
through case processes and checks the rows and the report; the ``bundled`` family covers every
bundled instance, and leaves out with a note what it cannot solve.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.suite import load_suite, run_suite
from benchmarks.suite.backends import CPSAT, MILP_BACKENDS, unavailable_reason
from benchmarks.suite.registry import Case, CaseResult, Context, get_family
from benchmarks.suite.report import extra_tables
from benchmarks.suite.tasks import COLUMNS, plan_suite
from solvers import SolveOptions, SolveResult, Status

FAST = {"time_limit": 20, "gap": 1e-4, "threads": 1, "wall_limit": 90, "memory_limit_mb": 2000}
OPTIONS = SolveOptions(time_limit=20, gap=1e-4, threads=1)


def test_the_model_families_are_registered_with_their_backends() -> None:
    from models.cover.stages import BACKENDS as COVER_BACKENDS

    assert get_family("ooh-generated").backends == MILP_BACKENDS
    assert get_family("cover-generated").backends == COVER_BACKENDS
    assert get_family("roster-generated").backends == (CPSAT,)
    assert {get_family(n).model for n in ("ooh-generated", "cover-generated", "roster-generated")} == {
        "ooh",
        "cover",
        "rostering",
    }


def test_ooh_cases_one_per_size_seed_and_cross_trust_setting() -> None:
    family = get_family("ooh-generated")
    cases = family.expand(
        {"sizes": ["15x3", "60x6"], "seeds": [0, 1], "cross_trust": [False, True]}, Context()
    )
    assert [c.name for c in cases[:4]] == [
        "ooh-15x3-s0",
        "ooh-15x3-s0-cross",
        "ooh-15x3-s1",
        "ooh-15x3-s1-cross",
    ]
    assert len(cases) == 8 and cases[4].size == "60x6" and cases[4].size_value == 360
    assert cases[1].params == {"sites": 15, "services": 3, "seed": 0, "cross_trust": True}
    assert (cases[0].model, cases[1].model) == ("ooh", "ooh-cross-trust")
    assert Case.from_dict(cases[1].to_dict()) == cases[1]
    assert [c.name for c in family.expand({"sizes": ["5x2"]}, Context())] == ["ooh-5x2-s0"]
    with pytest.raises(ValueError, match="SITESxSERVICES"):
        family.expand({"sizes": ["5x2x1"]}, Context())
    with pytest.raises(ValueError, match="cross_trust"):
        family.expand({"sizes": ["5x2"], "cross_trust": "yes"}, Context())


def test_cover_cases_name_their_size_and_last_stage() -> None:
    family = get_family("cover-generated")
    (two,) = family.expand({"sizes": ["12x3x4x4"]}, Context())
    assert (two.name, two.size, two.size_value) == ("cover-12x3x4x4-s0", "12x3x4x4", 48)
    assert two.params["stages"] == 2
    (three,) = family.expand({"sizes": ["12x3x4x4"], "seeds": [2], "stages": 3, "polish": False}, Context())
    assert three.name == "cover-12x3x4x4-s2-stage3" and three.params["polish"] is False
    with pytest.raises(ValueError, match="ONCOLOGISTSxTRUSTSxTUMOURSITESxWEEKS"):
        family.expand({"sizes": ["12x3x4"]}, Context())
    with pytest.raises(ValueError, match="stages must be 2 or 3"):
        family.expand({"sizes": ["12x3x4x4"], "stages": 1}, Context())


def test_roster_cases_carry_history_and_cpsat_parameters() -> None:
    family = get_family("roster-generated")
    (case,) = family.expand(
        {"sizes": ["10x14"], "seeds": [3], "history_days": 7, "cpsat": {"linearization_level": 2}}, Context()
    )
    assert (case.name, case.size, case.size_value) == ("roster-10x14-s3-h7", "10x14", 140)
    assert case.params["cpsat"] == {"linearization_level": 2} and case.params["history_days"] == 7
    with pytest.raises(ValueError, match="STAFFxDAYS"):
        family.expand({"sizes": ["10-14"]}, Context())
    with pytest.raises(ValueError, match="at least 2 staff"):
        family.expand({"sizes": ["1x14"]}, Context())


def test_tiny_ooh_case_solves_and_is_checked() -> None:
    family = get_family("ooh-generated")
    plain, cross = family.expand({"sizes": ["5x2"], "cross_trust": [False, True]}, Context())
    result = family.solve(plain, "highs", OPTIONS, Context())
    assert isinstance(result, CaseResult) and result.status is Status.OPTIMAL
    assert result.objective == pytest.approx(result.bound) and result.gap == pytest.approx(0, abs=1e-4)
    assert result.extra["check"] == "passed" and result.extra["rotas_after"] <= result.extra["rotas_before"]
    merged = family.solve(cross, "highs", OPTIONS, Context())
    assert merged.objective <= result.objective + 1e-6  # rotas across trusts can only cost less
    if unavailable_reason("pyomo-highs") is None:
        again = family.solve(plain, "pyomo-highs", OPTIONS, Context())
        assert again.objective == pytest.approx(result.objective, rel=1e-4)


def test_tiny_cover_case_reports_its_last_stage() -> None:
    family = get_family("cover-generated")
    (case,) = family.expand({"sizes": ["6x2x3x2"]}, Context())
    result = family.solve(case, "highs", OPTIONS, Context())
    extra = result.extra
    assert result.status is Status.OPTIMAL and extra["last_stage"] == "stage 2: locum and travel cost"
    # objective, bound and gap are stage 2's: the locum and travel cost in pounds
    assert result.objective == extra["stage2_objective"] and result.bound == extra["stage2_bound"]
    assert extra["f2"] == pytest.approx(result.objective, abs=0.05)
    # stage 1 minimises f1 + 1e-6 x f2 (a cost tie-break): its objective is f1 to within 1e-6 x f2
    assert extra["stage1_objective"] == pytest.approx(
        extra["stage1_f1"] + 1e-6 * extra["stage1_f2"], abs=1e-6
    )
    assert extra["stage1_f1"] == pytest.approx(extra["f1"], abs=1e-6)
    assert "stage3_status" not in extra
    assert extra["weekly_solves"] == 4 and extra["weekly_at_limit"] == 0 and extra["check"] == "passed"
    assert extra["baseline_f2"] >= result.objective - 1e-6  # covering across trusts saves locums
    (third,) = family.expand({"sizes": ["6x2x3x2"], "stages": 3}, Context())
    fair = family.solve(third, "highs", OPTIONS, Context())
    assert fair.extra["last_stage"] == "stage 3: fairness and continuity"
    assert fair.objective == fair.extra["stage3_objective"] == pytest.approx(fair.extra["f3"])
    assert fair.extra["stage2_objective"] == pytest.approx(result.objective, rel=1e-6)


def test_tiny_roster_case_solves_with_cpsat_parameters() -> None:
    family = get_family("roster-generated")
    (case,) = family.expand({"sizes": ["4x7"], "cpsat": {"linearization_level": 2}}, Context())
    result = family.solve(case, CPSAT, SolveOptions(time_limit=20, gap=0, threads=1), Context())
    assert result.status is Status.OPTIMAL and result.objective == result.bound
    assert result.extra["check"] == "passed" and result.extra["shifts_assigned"] > 0
    assert result.options["time_limit"] == 20
    assert result.extra["stopped_by"] == "proven optimal" and "deterministic_time" in result.extra
    assert result.extra["full_lp_bound"] is None  # proven by the search: no pass after it
    with pytest.raises(ValueError, match="cpsat only"):
        family.solve(case, "highs", OPTIONS, Context())


def test_a_roster_case_searched_by_lines_is_named_for_it_and_reports_the_columns() -> None:
    family = get_family("roster-generated")
    (case,) = family.expand({"sizes": ["4x7"], "search": "lines"}, Context())
    assert case.name == "roster-4x7-s0-lines" and case.params["search"] == "lines"
    result = family.solve(case, CPSAT, SolveOptions(time_limit=20, gap=0, threads=1), Context())
    assert result.status is Status.OPTIMAL and result.extra["search"] == "lines"
    assert result.extra["cg_rounds"] >= 1 and result.extra["cg_bound"] <= result.objective
    assert 0 <= result.extra["first_rota_seconds"] <= 20
    with pytest.raises(ValueError, match="search 'greedy' must be one of cpsat, lns, lines"):
        family.expand({"sizes": ["4x7"], "search": "greedy"}, Context())


def test_a_curtois_qu_case_by_lines_is_proven_at_the_published_optimum() -> None:
    data = Path(__file__).parents[1] / "data"
    family = get_family("curtois-qu")
    (case,) = family.expand({"instances": ["Instance1"], "search": "lines"}, Context(data))
    assert case.name == "Instance1-lines" and case.published == 607
    result = family.solve(case, CPSAT, SolveOptions(time_limit=30, gap=0, threads=2), Context(data))
    assert result.objective == 607 and result.extra["search"] == "lines"
    assert result.extra["first_rota_seconds"] is not None and result.extra["cg_bound"] is not None


def test_a_plan_the_checker_rejects_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    cover_check = importlib.import_module(
        "models.cover.check"
    )  # models.cover.check is the contract's function
    import models.ooh
    from models.common.contract import CheckReport

    monkeypatch.setattr(models.ooh, "check", lambda *a: CheckReport(violations=("site X uncovered",)))
    monkeypatch.setattr(
        cover_check, "check_cover_plan", lambda *a: cover_check.CoverCheck(("too many PAs",), {}, {})
    )
    for name, size in (("ooh-generated", "5x2"), ("cover-generated", "6x2x3x2")):
        family = get_family(name)
        (case,) = family.expand({"sizes": [size]}, Context())
        with pytest.raises(ValueError, match="independent checker rejects the plan"):
            family.solve(case, "highs", OPTIONS, Context())


@pytest.mark.slow
def test_model_families_through_the_runner(make_suite, tmp_path: Path) -> None:
    suite = make_suite(
        {
            "settings": FAST,
            "backends": ["highs"],
            "cases": [
                {"family": "ooh-generated", "sizes": ["5x2"]},
                {"family": "cover-generated", "sizes": ["6x2x3x2"]},
                {"family": "roster-generated", "sizes": ["4x7"], "backends": ["cpsat"]},
            ],
        }
    )
    out = tmp_path / "out"
    outcome = run_suite(suite, out, context=Context(None), workers=1)
    table = pd.read_csv(out / "results.csv")
    assert list(table.columns) == list(COLUMNS) and outcome.ran == 3
    rows = table.set_index("case")
    assert set(rows["status"]) == {"optimal"}
    assert rows["model"].to_dict() == {
        "ooh-5x2-s0": "ooh",
        "cover-6x2x3x2-s0": "cover",
        "roster-4x7-s0": "rostering",
    }
    assert rows.loc["roster-4x7-s0", "backend"] == "cpsat"
    assert (rows["build_seconds"] > 0).all() and (rows["peak_memory_mb"] > 10).all()
    cover = json.loads(rows.loc["cover-6x2x3x2-s0", "extra"])
    assert cover["stage2_objective"] == pytest.approx(rows.loc["cover-6x2x3x2-s0", "objective"])
    assert all(json.loads(e)["check"] == "passed" for e in rows["extra"])
    report = (out / "report.md").read_text()
    assert "## Further figures" in report and "### cover-generated" in report and "stage2_gap" in report
    assert (out / "scaling-cover.png").is_file()


def test_extra_tables_one_per_family_and_model_with_figures() -> None:
    columns = ["family", "model", "case", "size", "backend", "repeat", "extra"]
    rows = [
        ("a", "m", "c1", "1", "highs", 0, '{"x": 1}'),
        ("a", "m", "c2", "2", "highs", 0, '{"y": true}'),
        ("b", "m", "c3", "3", "highs", 0, ""),
        ("c", "p", "c4", "4", "highs", 0, '{"z": 1}'),
        ("c", "q", "c5", "5", "cpsat", 0, '{"w": 2}'),
    ]
    (title, figures), *others = extra_tables(pd.DataFrame(rows, columns=columns))
    assert title == "a" and list(figures.columns) == ["case", "size", "backend", "repeat", "x", "y"]
    assert [t for t, _ in others] == ["c (p)", "c (q)"]  # a family of several models: one table each
    plain = SolveResult(Status.OPTIMAL, 1.0, 1.0, 0.0, 0.1, 0.2, "highs")
    result = CaseResult.of(plain, value=np.float64(2.5), missing=float("nan"))
    assert result.to_dict()["extra"] == {"value": 2.5, "missing": None}
    assert json.dumps(result.to_dict()) and CaseResult.of(result, more=1).extra["value"] == 2.5


def test_regions_suite_solves_every_bundled_instance_with_its_kinds_backend() -> None:
    from instances import bundled_instances, bundled_path
    from optimiser.instance_files import read_instance
    from optimiser.kinds import KINDS

    plan = plan_suite(load_suite("regions"), Context(None))
    assert not plan.skipped, plan.skipped
    planned = {t.case.name: t for t in plan.tasks}
    kinds = {name: read_instance(bundled_path(name)).kind for name in bundled_instances()}
    solvable = {name for name, kind in kinds.items() if kind in KINDS}
    assert set(planned) == solvable
    for name, task in planned.items():
        assert task.backend in KINDS[kinds[name]].backend_names
    assert {"sact", "ooh", "roster"} <= {kinds[n] for n in planned}
    if "cover" in KINDS and "lsc-cover" in kinds:
        assert planned["lsc-cover"].case.model == "cover"
    else:
        assert any("cover" in note for note in plan.notes)


def test_every_bundled_kind_reports_through_the_contract() -> None:
    """One path for every kind: the package's solve, its check, the plan's figures in ``extra``."""
    import models.cover
    import models.ooh
    import models.roster
    from benchmarks.suite.cases_sact import contract_result
    from instances import bundled_path
    from instances.generators.cover import generate as generate_cover
    from instances.generators.rostering import generate as generate_roster
    from optimiser.kinds import load_instance

    loaded = load_instance(bundled_path("lsc-ooh"))
    plan = models.ooh.solve(loaded.model_input.input, loaded.model_input.parameters, options=OPTIONS)
    ooh = contract_result(models.ooh, loaded.model_input.input, plan, "bundled/lsc-ooh")
    assert ooh.status is Status.OPTIMAL and ooh.extra["check"] == "passed"
    inst, params = generate_cover(6, 2, 3, 2, seed=0), models.cover.Parameters(run_stage3=False)
    cover_plan = models.cover.solve(inst, params, options=OPTIONS)
    cover = contract_result(models.cover, inst, cover_plan, "generated/cover")
    assert cover.extra["check"] == "passed" and cover.objective == pytest.approx(cover_plan.result.objective)
    rota_input = generate_roster(4, 7, 0)
    rota = models.roster.solve(rota_input, options=SolveOptions(time_limit=20, gap=0, threads=1))
    roster = contract_result(models.roster, rota_input, rota, "generated/roster")
    assert roster.status is Status.OPTIMAL and roster.extra["check"] == "passed"
    assert roster.extra["solve_seed"] == 0 and roster.extra["solve_workers"] == 1
    assert roster.extra["solve_deterministic_limit"] == 8.0 and roster.extra["solve_stopped_by"]
    assert "solve_seed" not in ooh.extra


def test_a_record_in_a_plans_solve_section_reaches_extra_field_by_field() -> None:
    """A rota's ``polish`` (a record, not a scalar) is kept as ``solve_polish_<field>``: the
    roster-bundled report showed no polish at all while every run was polished 577 -> 557."""
    from types import SimpleNamespace

    from benchmarks.suite.cases_sact import contract_result

    result = SolveResult(Status.FEASIBLE, 557.0, 539.0, 0.03, 0.1, 45.0, "cpsat", "")
    solve = {"seed": 0, "polish": {"from": 577.0, "to": 557.0, "ended_by": "units"}}
    plan = SimpleNamespace(result=result, found=False, figures=lambda: {"name": "r", "solve": solve})
    extra = contract_result(None, None, plan, "bundled/r").extra
    assert (extra["solve_seed"], extra["solve_polish_from"], extra["solve_polish_to"]) == (0, 577.0, 557.0)
    assert extra["solve_polish_ended_by"] == "units" and "solve_polish" not in extra


def test_roster_bundled_suite_runs_each_bundled_rota_five_times_reproducibly() -> None:
    from instances import bundled_instances, bundled_path
    from optimiser.instance_files import read_instance

    suite = load_suite("roster-bundled")
    plan = plan_suite(suite, Context(None))
    rotas = {name for name in bundled_instances() if read_instance(bundled_path(name)).kind == "roster"}
    assert {t.case.name for t in plan.tasks} == rotas and len(plan.tasks) == 5 * len(rotas)
    assert all(t.backend == "cpsat" for t in plan.tasks)
    assert suite.settings.threads == 2 and suite.settings.seed == 0 and suite.settings.time_limit == 60


def test_an_unsolvable_kind_or_an_absent_one_is_a_note(
    tiny_instance: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import instances

    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "instance.yaml").write_text("kind: nosuch\nname: odd\ndescription: a kind nobody solves\n")
    (odd / "things.csv").write_text("a\n1\n")
    folders = {"tiny": tiny_instance, "odd": odd}
    monkeypatch.setattr(instances, "bundled_instances", lambda: sorted(folders))
    monkeypatch.setattr(instances, "bundled_path", folders.get)
    suite_data = {
        "settings": FAST,
        "backends": ["highs"],
        "cases": [{"family": "bundled"}, {"family": "bundled", "kinds": ["cover"]}],
    }
    from benchmarks.suite.definition import parse_suite

    plan = plan_suite(parse_suite(suite_data, "t"), Context(None))
    assert [t.case.name for t in plan.tasks] == ["tiny"]
    assert any("odd is of kind 'nosuch', which this version cannot solve" in n for n in plan.notes)
    assert any("no bundled instance of kind 'cover'" in n for n in plan.notes)
