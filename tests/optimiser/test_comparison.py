"""Tables shown on the terminal by the options-appraisal commands."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from optimiser.commands.parallel import Job
from optimiser.commands.regret import regret_table
from optimiser.comparison import HEADLINE, text_table
from optimiser.scenarios import scenario_row


def test_a_terminal_table_has_no_exponents_and_cuts_long_text() -> None:
    table = pd.DataFrame(
        {
            "site_id": ["A", "B"],
            "cost": [6_289_669.67, float("nan")],
            "regret_share": [0.003295, float("nan")],
            "near_optimal": [True, False],
            "status": ["optimal", "infeasible: " + "x" * 80],
        }
    )
    text = text_table(table, widest=20)
    assert "e+" not in text and "6,289,670" in text and "0.003295" in text
    assert "nan" not in text.lower()
    assert "infeasible: xxxxx..." in text and "x" * 20 not in text  # 20 characters in all
    assert "True" in text and "False" in text


def run_folder_of(tmp_path: Path, name: str, doc: dict[str, object], open_sites: str | None) -> Job:
    """A finished run of sites A and B: its ``summary.json`` ``doc`` and, with a plan, ``sites.csv``
    opening those in ``open_sites``."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / "summary.json").write_text(json.dumps(doc))
    if open_sites is not None:
        pd.DataFrame({"site_id": ["A", "B"], "open": [s in open_sites for s in "AB"]}).to_csv(
            folder / "sites.csv", index=False
        )
    return Job(name, folder, (), {})


def test_a_forced_change_without_a_plan_keeps_its_whole_explanation_apart(tmp_path: Path) -> None:
    def run(name: str, doc: dict[str, object], open_sites: str | None) -> Job:
        return run_folder_of(tmp_path, name, doc, open_sites)

    why = "access target: at most 92.0% of attendances can be within 30 min " + "of any site " * 30
    optimum = {"costs": {"total": 100.0}}
    jobs = [
        run("optimum", optimum, "AB"),
        run("close-A", {"solver": {"status": "infeasible"}, "explanation": [why]}, None),
        run("close-B", {"costs": {"total": 110.0}, "solver": {"status": "optimal", "gap": 0.0}}, "A"),
    ]
    sites = pd.DataFrame({"site_id": ["A", "B"], "name": ["Alpha", "Beta"], "open": [True, True]})
    table = regret_table(sites, jobs, 0.01, optimum).set_index("site_id")
    assert table.loc["B", "regret"] == 10.0 and pd.isna(table.loc["B", "explanation"])
    assert table.loc["A", "explanation"] == why  # whole, not cut at 300 characters
    assert pd.isna(table.loc["A", "also_opens"])  # no longer holds the explanation
    assert list(table.index) == ["B", "A"]  # cheapest first, no plan last


def test_regret_against_an_unproven_optimum_says_so() -> None:
    from optimiser.commands.regret import unproven_optimum

    assert unproven_optimum({"solver": {"status": "optimal", "gap": 0.0}}) is None
    note = unproven_optimum({"solver": {"status": "feasible", "gap": 0.004192}})
    assert note is not None and "(gap 0.42 %)" in note and "may be higher or lower" in note


def test_comparison_names_quintile_columns_by_the_quintile_number(tmp_path: Path) -> None:
    """comparison.csv's columns read quintile_1.0.within_30 (the quintile read back as a float)."""
    from optimiser.scenarios import compare_runs

    run = tmp_path / "base"
    run.mkdir()
    (run / "summary.json").write_text('{"solver": {"status": "optimal"}}', encoding="utf-8")
    (run / "access_by_quintile.csv").write_text(
        "quintile,attendances,within_30\n1,100.5,0.9\n2,80.0,1.0\n", encoding="utf-8"
    )
    table = compare_runs({"base": run})
    assert {"quintile_1.within_30", "quintile_2.attendances"} <= set(table.columns)
    assert not any(".0." in column for column in table.columns)


def test_a_scenarios_annual_cost_leaves_out_the_unserved_penalty(tmp_path: Path) -> None:
    """The comparison's cost column is what the plan costs a year; the objective's penalty on
    unserved attendances is its own column (growth-68 showed £274,555,292, £267,179,120 of it
    penalty)."""
    (tmp_path / "summary.json").write_text(
        json.dumps(
            {
                "solver": {"status": "optimal", "gap": 0.0},
                "costs": {"total": 274_555_292.0, "unserved_penalty": 267_179_120.0},
                "unserved_attendances": 26_717.9,
            }
        )
    )
    row = scenario_row("growth-68", tmp_path)
    assert row["annual_cost"] == 7_376_172.0
    assert HEADLINE.index("annual_cost") < HEADLINE.index("costs.unserved_penalty")
    assert "costs.total" not in HEADLINE


def test_an_infeasible_runs_findings_stay_apart_and_whole_in_the_tables(tmp_path: Path) -> None:
    """regret's close-PR29HT row read '... raise drug_stability_minutes complex regimens need ...':
    the findings, clauses without a full stop, were joined by a space; the scenarios' comparison
    also cut them at 500 characters, mid-word."""
    first = "no aseptic hub can open (PR29HT: closed), so no site can be supplied " + "x" * 400
    second = "complex regimens need 63,813 chair hours a year"
    doc = {"solver": {"status": "infeasible"}, "explanation": [first, second]}
    (tmp_path / "summary.json").write_text(json.dumps(doc))
    assert scenario_row("close-PR29HT", tmp_path)["explanation"] == f"{first}; {second}"
    sites = pd.DataFrame({"site_id": ["A"], "name": ["Alpha"], "open": [True]})
    jobs = [Job("optimum", tmp_path / "none", (), {}), Job("close-A", tmp_path, (), {})]
    table = regret_table(sites, jobs, 0.01, {"costs": {"total": 100.0}})
    assert table.loc[0, "explanation"] == f"{first}; {second}"


def test_plan_differences_keep_chairs_whole_when_a_scenario_removes_a_site(tmp_path: Path) -> None:
    """A scenario with remove: [LA144LF] has no row for it: the outer join made every chair count
    of that scenario a float, and differences.csv read 'BB23HH chairs 31 -> 29.0'."""
    from optimiser.scenarios import plan_differences

    for name, rows in (("base", "A,True,31\nB,True,10\n"), ("no-b", "A,True,29\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "sites.csv").write_text("site_id,open,chairs\n" + rows)
    table = plan_differences("sact", {n: tmp_path / n for n in ("base", "no-b")})
    written = tmp_path / "differences.csv"
    table.to_csv(written, index=False)
    assert "no-b,base,A,chairs,31,29\n" in written.read_text()
    assert "no-b,base,B,chairs,10,\n" in written.read_text()


def test_the_differences_sheet_holds_numbers_and_ids_stay_as_written(tmp_path: Path) -> None:
    """comparison.xlsx's differences sheet held chairs as text ("31"), which a spreadsheet does
    not sum: numbers are numbers there, and an id that only looks like one ("007") stays text."""
    from openpyxl import load_workbook

    from optimiser.exports.workbook import write_workbook
    from optimiser.scenarios import plan_differences

    for name, rows in (("base", "A,True,31\nB,True,10.5\n"), ("no-b", "A,True,29\nB,False,007\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "sites.csv").write_text("site_id,open,chairs\n" + rows)
    table = plan_differences("sact", {n: tmp_path / n for n in ("base", "no-b")})
    write_workbook(tmp_path / "c.xlsx", {"differences": table})
    sheet = load_workbook(tmp_path / "c.xlsx")["differences"]
    cells = [[cell.value for cell in row[2:]] for row in sheet.iter_rows(min_row=2)]
    assert cells == [["A", "chairs", 31, 29], ["B", "open", "True", "False"], ["B", "chairs", 10.5, "007"]]


def test_roll_out_scenarios_name_their_plan_differences_by_site_and_year(tmp_path: Path) -> None:
    """lsc-sact-rollout's growth scenarios open different sites in different years, and their
    differences.csv was empty: a roll-out had no plan table to compare."""
    from optimiser.scenarios import plan_differences

    header = "site_id,name,year,open,chairs,chairs_added,chairs_removed,event\n"
    plans = {
        "growth-40": "A,Alpha,2026,True,8,0,0,\nB,Beta,2026,False,0,0,0,\nB,Beta,2027,False,0,0,0,\n",
        "growth-90": "A,Alpha,2026,True,9,1,0,grows\nB,Beta,2026,False,0,0,0,\nB,Beta,2027,True,4,4,0,opens\n",
    }
    for name, rows in plans.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "schedule.csv").write_text(header + rows)
    table = plan_differences("rollout", {n: tmp_path / n for n in plans})
    assert table[["key", "what", "reference_value", "scenario_value"]].values.tolist() == [
        ["A|2026", "chairs", 8, 9],
        ["B|2027", "open", "False", "True"],
        ["B|2027", "chairs", 0, 4],
    ]


def test_a_first_scenario_without_a_plan_leaves_the_next_as_reference_and_map(tmp_path: Path) -> None:
    """scenarios whose first (blackpool-up) was infeasible wrote an empty differences.csv and a
    report with no map, though base and the rest had plans: nothing was compared or drawn."""
    from optimiser.report.context import _first_run
    from optimiser.scenarios import plan_differences

    runs = {name: tmp_path / "runs" / name for name in ("growth", "base", "keep-b")}
    for name, rows in (("base", "A,True,3\nB,False,0\n"), ("keep-b", "A,True,2\nB,True,1\n")):
        runs[name].mkdir(parents=True)
        (runs[name] / "sites.csv").write_text("site_id,open,chairs\n" + rows)
    runs["growth"].mkdir(parents=True)
    (runs["growth"] / "summary.json").write_text(json.dumps({"plan_found": False}))
    for folder in runs.values():
        (folder / "run.json").write_text(json.dumps({"kind": "sact"}))
    table = plan_differences("sact", runs)
    assert set(table["reference"]) == {"base"} and set(table["scenario"]) == {"keep-b"}
    assert len(table) == 3  # A's chairs, B open, B's chairs
    comparison = pd.DataFrame({"scenario": list(runs)})
    assert _first_run(tmp_path, comparison) == runs["base"]


def test_regret_columns_keep_their_order_when_the_first_site_has_no_plan(tmp_path: Path) -> None:
    """syb-sact's first site, Weston Park, cannot close: its row (no cost, an explanation) came
    first and moved status and explanation before regret_share in regret.csv."""

    def run(name: str, doc: dict[str, object], open_sites: str | None) -> Job:
        return run_folder_of(tmp_path, name, doc, open_sites)

    optimum = {"costs": {"total": 100.0}}
    jobs = [
        run("optimum", optimum, "AB"),
        run("close-A", {"solver": {"status": "infeasible"}, "explanation": ["no hub"]}, None),
        run("close-B", {"costs": {"total": 110.0}, "solver": {"status": "optimal", "gap": 0.0}}, "A"),
    ]
    sites = pd.DataFrame({"site_id": ["A", "B"], "name": ["Alpha", "Beta"], "open": [True, True]})
    table = regret_table(sites, jobs, 0.01, optimum)
    assert list(table.columns) == [
        "site_id", "name", "optimum", "forced", "scenario", "cost", "regret", "regret_share",
        "also_opens", "also_closes", "status", "gap", "check", "near_optimal", "explanation",
    ]  # fmt: skip


def test_the_comparison_checks_in_the_words_of_the_frontier_and_regret_tables(tmp_path: Path) -> None:
    """comparison.csv read 'not run' in the check column of a cap proven infeasible, where
    frontier.csv, in the same folder, reads 'no plan' (and regret.csv); and 'failed' where they read
    'FAILED' of a plan that broke a rule: one vocabulary (check_word) for the three tables."""
    from optimiser.scenarios import check_word

    checks = {"infeasible": None, "passed": {"passed": True}, "broken": {"passed": False}}
    words = {}
    for name, check in checks.items():
        doc = {"solver": {"status": "infeasible" if check is None else "optimal"}, "check": check}
        (tmp_path / name).mkdir()
        (tmp_path / name / "summary.json").write_text(json.dumps(doc))
        words[name] = scenario_row(name, tmp_path / name)["check"]
        assert words[name] == check_word(doc)
    assert words == {"infeasible": "no plan", "passed": "passed", "broken": "FAILED"}


def test_counts_stay_whole_numbers_when_a_run_has_no_plan(tmp_path: Path) -> None:
    """A frontier point without a plan made comparison.csv read sites_open 11.0 and chairs 102.0
    (a blank in a column of whole numbers made it a float column); frontier.csv the same."""
    from optimiser.commands.frontier import worst_frontier_table
    from optimiser.comparison import write_comparison

    doc = {"solver": {"status": "optimal", "gap": 0.0}, "check": {"passed": True}, "plan_found": True}
    doc |= {"costs": {"total": 1500.5}, "sites_open": 11, "chairs": 102, "access": {"worst_minutes": 30.0}}
    plan, none = run_folder_of(tmp_path, "plan", doc, "AB"), run_folder_of(tmp_path, "none", {}, None)
    runs = {"plan": plan.folder, "none": none.folder}
    write_comparison(tmp_path / "out", "sact", runs, title="Counts", report=False)
    written = pd.read_csv(tmp_path / "out" / "comparison.csv", dtype=str, keep_default_na=False)
    assert written.loc[0, ["sites_open", "chairs"]].tolist() == ["11", "102"]
    assert written.loc[1, ["sites_open", "chairs"]].tolist() == ["", ""]
    markdown = (tmp_path / "out" / "comparison.md").read_text()
    assert "| 11 " in markdown and "102" in markdown and "102.0" not in markdown and "<NA>" not in markdown
    sheet = pd.read_excel(tmp_path / "out" / "comparison.xlsx", sheet_name="comparison")
    assert sheet.loc[0, "chairs"] == 102 and pd.isna(sheet.loc[1, "chairs"])
    frontier = worst_frontier_table([plan, none], [40.0, 20.0])
    frontier.to_csv(tmp_path / "frontier.csv", index=False)
    assert "11,102" in (tmp_path / "frontier.csv").read_text()
