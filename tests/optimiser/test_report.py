"""The HTML report: self-contained, offline, and shown by a real headless browser with its map."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from optimiser.cli import main
from optimiser.report import write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


@pytest.fixture(scope="module")
def sact_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A solved generated SACT instance (coordinates on every zone and site)."""
    root = tmp_path_factory.mktemp("report")
    runner = CliRunner()
    made = runner.invoke(
        main, ["generate", "sact", "--zones", "40", "--sites", "6", "--seed", "3", str(root / "inst")]
    )
    assert made.exit_code == 0, made.output
    solved = runner.invoke(
        main, ["solve", str(root / "inst"), "--out", str(root / "run"), "--time-limit", "30"]
    )
    assert solved.exit_code in (0, 1), solved.output
    assert (root / "run" / "sites.csv").is_file(), solved.output
    return root / "run"


def test_report_is_self_contained(sact_run: Path) -> None:
    html = write_report(sact_run).read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    fetched = re.findall(r"""(?:src|href)\s*=\s*["']?(https?:)""", html)
    assert fetched == []
    assert html.count("<circle") == 40  # one mark per zone
    assert len(re.findall(r'class="site site-', html)) >= 1
    assert "Headline figures" in html and "Annual cost" in html


def test_report_escapes_names_from_the_instance(sact_run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "run"
    shutil.copytree(sact_run, copy)
    sites = copy / "sites.csv"
    sites.write_text(sites.read_text(encoding="utf-8").replace(",", ",<b>x</b>", 1), encoding="utf-8")
    html = write_report(copy).read_text(encoding="utf-8")
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_report_shows_the_notes_on_the_input(sact_run: Path, tmp_path: Path) -> None:
    """``input_notes`` of ``summary.json`` (rows the model ignored) are shown, escaped."""
    copy = tmp_path / "run"
    shutil.copytree(sact_run, copy)
    summary = json.loads((copy / "summary.json").read_text(encoding="utf-8"))
    assert summary["input_notes"] == []
    summary["input_notes"] = ["leave.csv: 1 of 3 leave rows <b>ignored</b>."]
    (copy / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    html = write_report(copy).read_text(encoding="utf-8")
    assert "Note on the input: leave.csv: 1 of 3 leave rows &lt;b&gt;ignored&lt;/b&gt;." in html


def test_years_to_map_apply_to_a_roll_out_run_only(sact_run: Path) -> None:
    with pytest.raises(ValueError, match="years apply to a roll-out run; run is a sact run"):
        write_report(sact_run, years=[1])


def test_report_command_refuses_a_folder_without_a_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "neither a run" in result.output


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package chromium)")
def test_report_opens_in_a_headless_browser(sact_run: Path, tmp_path: Path) -> None:
    report = write_report(sact_run)
    shot = tmp_path / "report.png"
    profile = tmp_path / "profile"
    run = subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--window-size=1300,1400",
            f"--screenshot={shot}",
            report.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.is_file() and shot.stat().st_size > 20_000, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    dom = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", report.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert dom.count("<circle") == 40 and 'class="map"' in dom


def test_report_of_an_ooh_run_shows_today_the_plan_and_the_saving(tmp_path: Path) -> None:
    """An OOH summary gives each cost as today / plan / saving; the report once failed on it with a
    traceback (float() of a dict)."""
    runner = CliRunner()
    made = runner.invoke(
        main, ["generate", "ooh", "--sites", "4", "--services", "2", "--seed", "1", str(tmp_path / "inst")]
    )
    assert made.exit_code == 0, made.output
    solved = runner.invoke(main, ["solve", str(tmp_path / "inst"), "--out", str(tmp_path / "run")])
    assert solved.exit_code == 0, solved.output
    result = runner.invoke(main, ["report", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    for label, key in (("Annual cost", "after"), ("Today", "before"), ("Saving a year", "saving")):
        assert label in html and f"£{summary['costs']['total'][key]:,.0f}" in html
    rotas = summary["rotas"]
    assert f"{rotas['before']} -&gt; {rotas['after']}" in html
    # the grey marks of sites covered from elsewhere are in the legend
    assert 'class="site site-not open"' in html and "no rota based here</span>" in html
    assert (
        "rota cover (from a rota base to a site it covers)</span>" in html
        and "aseptic supply</span>" not in html
    )


def test_headline_of_a_cover_run_gives_its_cost_uncovered_pas_and_mdts() -> None:
    from optimiser.report.context import headline

    summary = {
        "solver": {"status": "optimal", "gap": 0.0, "objective": 165757.0},
        "check": {"passed": True},
        "total_cost": {"plan": 165682.5, "baseline": 129365.0},
        "uncovered_pas": {"plan": 112.5, "baseline": 433.0},
        "mdts": {"meetings": 808, "quorate": 798, "not_quorate": 10},
    }
    items = dict(headline(summary))
    assert items["Locum and travel cost"] == "£165,682" and items["Baseline"] == "£129,365"
    assert items["Uncovered PAs"] == "112.5" and items["MDT meetings not quorate"] == "10"
    assert "Objective" not in items


def test_headline_of_a_sact_run_with_unserved_demand_gives_the_cost_without_the_penalty() -> None:
    """growth-68 of lsc-sact-districts: the objective prices 26,718 unserved attendances at £10,000
    each; the plan costs £7,376,172 a year, not the £274,555,292 of the objective."""
    from optimiser.report.context import headline

    summary = {
        "solver": {"status": "optimal", "gap": 0.0},
        "check": {"passed": True},
        "costs": {"total": 274_555_292.0, "unserved_penalty": 267_179_120.0},
    }
    items = dict(headline(summary))
    assert items["Annual cost"] == "£7,376,172"
    assert items["Unserved penalty (objective only)"] == "£267,179,120"
    summary["costs"] = {"total": 6_269_014.0, "unserved_penalty": 0.0}
    items = dict(headline(summary))
    assert items["Annual cost"] == "£6,269,014" and "Unserved penalty (objective only)" not in items


def test_headline_of_a_roll_out_gives_its_present_value_in_pounds() -> None:
    """lsc-sact-rollout's headline read 'Objective 68,471,968', a number without its unit."""
    from optimiser.report.context import headline

    summary = {
        "solver": {"status": "optimal", "gap": 0.0001, "objective": 68_471_968.2},
        "check": {"passed": True},
        "discounted_total": 68_471_968.2,
        "capital_total": 3_600_000.0,
    }
    items = dict(headline(summary))
    assert items["Present value of costs"] == "£68,471,968" and items["Capital"] == "£3,600,000"
    assert "Objective" not in items


def test_report_never_writes_through_a_symbolic_link(sact_run: Path, tmp_path: Path) -> None:
    """A report.html that is a link to a user's file (anywhere) once had that file overwritten."""
    run = tmp_path / "run"
    shutil.copytree(sact_run, run)
    (run / "report.html").unlink(missing_ok=True)
    users = tmp_path / "thesis.html"
    users.write_text("my own work", encoding="utf-8")
    (run / "report.html").symlink_to(users)
    result = CliRunner().invoke(main, ["report", str(run)])
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert users.read_text(encoding="utf-8") == "my own work"


def test_report_never_replaces_a_report_html_of_yours(sact_run: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(sact_run, run)
    meta = json.loads((run / "run.json").read_text(encoding="utf-8"))  # as the run wrote it, before
    meta["files"] = [f for f in meta["files"] if f != "report.html"]  # any report (module fixture)
    (run / "run.json").write_text(json.dumps(meta), encoding="utf-8")
    (run / "report.html").write_text("the board paper", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(run)])
    assert result.exit_code == 2 and "did not write" in result.output
    assert (run / "report.html").read_text(encoding="utf-8") == "the board paper"
    (run / "report.html").unlink()
    assert CliRunner().invoke(main, ["report", str(run)]).exit_code == 0
    assert CliRunner().invoke(main, ["report", str(run)]).exit_code == 0  # its own report: replaced


def test_solve_force_leaves_no_report_of_the_replaced_plan(tiny_instance: Path, tmp_path: Path) -> None:
    """``solve --force`` over a run with a report once kept the old plan's report.html beside the
    new plan's files (it was not among the files run.json lists), so a board read the old plan."""
    run = tmp_path / "run"
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(tiny_instance), "--out", str(run)]).exit_code == 0
    assert runner.invoke(main, ["report", str(run)]).exit_code == 0
    assert "report.html" in json.loads((run / "run.json").read_text(encoding="utf-8"))["files"]
    (run / "notes.txt").write_text("mine", encoding="utf-8")
    again = runner.invoke(main, ["solve", str(tiny_instance), "--out", str(run), "--force"])
    assert again.exit_code == 0, again.output
    assert not (run / "report.html").exists()
    assert (run / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_comparison_maps_its_first_scenario_not_the_first_by_name(tmp_path: Path) -> None:
    """scenarios' report mapped 'access-90' (first by name) beside a table led by 'base'; a kind
    with no map names none ('map: base' stood over an OOH or cover comparison with no map)."""
    from optimiser.report.context import _first_run, comparison_context

    (tmp_path / "comparison.csv").write_text(
        "scenario,status,check\nbase,optimal,passed\naccess-90,optimal,passed\n"
    )
    for name in ("base", "access-90"):
        (tmp_path / "runs" / name).mkdir(parents=True)
        (tmp_path / "runs" / name / "run.json").write_text('{"kind": "cover", "files": []}')
    table = pd.read_csv(tmp_path / "comparison.csv")
    assert _first_run(tmp_path, table) == tmp_path / "runs" / "base"
    assert comparison_context(tmp_path)["subtitle"] == "2 solves compared"
    assert comparison_context(tmp_path)["title"] == tmp_path.name  # no comparison.md: the folder
    (tmp_path / "comparison.md").write_text("# Scenarios of lsc-cover\n\n| scenario |\n", encoding="utf-8")
    assert comparison_context(tmp_path)["title"] == "Scenarios of lsc-cover"  # the markdown's heading


def test_a_regret_bar_of_a_forced_solve_stopped_at_its_limit_is_hatched(tmp_path: Path) -> None:
    """A forced solve that stopped ``feasible`` gives an upper bound on its site's regret: its bar
    is hatched and the axis says why; with every forced solve optimal, nothing is hatched."""
    from optimiser.report.context import _regret_chart

    regret = pd.DataFrame(
        {
            "name": ["Site A", "Site B"],
            "forced": ["open", "closed"],
            "regret": [1200.0, 5400.0],
            "status": ["optimal", "feasible"],
        }
    )
    svg = _regret_chart(regret, tmp_path)
    assert svg is not None and "hatch" in svg and "stopped at its limit" in svg
    proven = _regret_chart(regret.assign(status="optimal"), tmp_path)
    assert proven is not None and "hatch" not in proven and "stopped at its limit" not in proven


def test_a_regret_chart_never_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    """``optimiser report`` of a regret folder whose regret.svg was a link drew the chart over the
    file it pointed to, a user's, anywhere."""
    from optimiser.report.context import _regret_chart

    users = tmp_path / "board-paper.txt"
    users.write_text("my own work", encoding="utf-8")
    (tmp_path / "regret.svg").symlink_to(users)
    regret = pd.DataFrame({"name": ["Site A"], "forced": ["open"], "regret": [1200.0], "status": ["optimal"]})
    assert _regret_chart(regret, tmp_path) is not None
    assert users.read_text(encoding="utf-8") == "my own work"
    assert not (tmp_path / "regret.svg").is_symlink()


def test_regret_bars_against_an_unproven_optimum_are_not_called_upper_bounds(tmp_path: Path) -> None:
    """When the optimum's own solve stopped at its limit, a regret is the difference of two plans'
    costs, neither proven: the axis says a bar may be higher or lower, and no longer calls a hatched
    bar "at most this"."""
    from optimiser.report.context import _regret_chart

    regret = pd.DataFrame(
        {"name": ["Site A"], "forced": ["open"], "regret": [1200.0], "status": ["feasible"]}
    )
    proven = _regret_chart(regret, tmp_path)
    assert proven is not None and "at most this" in proven and "higher or lower" not in proven
    unproven = _regret_chart(regret, tmp_path, optimum_proven=False)
    assert unproven is not None and "at most this" not in unproven and "higher or lower" in unproven


def test_a_rota_grid_shows_each_day_of_leave(tmp_path: Path) -> None:
    """Leave was a blank cell, like a day off: it is grey, 'lv', its reason on hover."""
    from instances import bundled_path
    from optimiser.report.context import rota_grid

    (tmp_path / "assignments.csv").write_text(
        "staff_id,date,shift_id\nN01,2025-03-04,L\nN02,2025-03-17,E\n", encoding="utf-8"
    )
    grid = rota_grid(tmp_path, bundled_path("lsc-sact-nurses"))
    assert grid is not None
    n01 = grid.split("<tr><th>N01</th>")[1].split("</tr>")[0]
    assert n01.count("<td") == 6 and n01.count('class="leave" title="annual leave"') == 5  # 17-21 March
    assert "lv</td>" not in grid.split("<tr><th>N02</th>")[1]
    assert 'class="leave"' not in (rota_grid(tmp_path) or "")  # no instance: the shifts alone


def test_headline_says_the_check_failed_only_of_a_plan_that_failed_it() -> None:
    """A rota diagnosed infeasible has no plan to check: its headline read "FAILED or not run"."""
    from optimiser.report.context import headline

    summary: dict = {"solver": {"status": "infeasible"}, "check": None}
    assert dict(headline(summary))["Independent check"] == "not run: no plan"
    summary["check"] = {"passed": False, "violations": [{"rule": "leave"}]}
    assert dict(headline(summary))["Independent check"] == "FAILED"
    summary["check"] = {"passed": True}
    assert dict(headline(summary))["Independent check"] == "passed"


def test_headline_of_a_sact_run_serving_no_one_says_so() -> None:
    """allow_unserved with unserved_penalty 0 served no one: summary.json's mean journey is null,
    and optimiser report ended in a TypeError traceback formatting it."""
    from optimiser.report.context import headline

    summary = {
        "solver": {"status": "optimal", "gap": 0.0},
        "check": {"passed": True},
        "costs": {"total": 936000.0, "unserved_penalty": 0.0},
        "unserved_attendances": 84355.9,
        "access": {"attendances": 84355.9, "mean_minutes": None, "within_30": 0.0, "within_45": 0.0,
                   "within_60": 0.0, "served_within_access_standard": None, "standard_minutes": 30.0},
    }  # fmt: skip
    items = dict(headline(summary))
    assert items["Mean travel of served attendances"] == "none served"


def test_the_headline_says_what_the_run_was_asked() -> None:
    """A board reading a plan solved with ``--set`` or a scenario saw nothing of it in the report."""
    from optimiser.report.context import asked

    request = {
        "solver": "highs",
        "scenario": "growth",
        "overrides": {"set": {"budget": 1e9}, "close": ["RXN02"], "scale_demand": {"Z1": 1.1}},
        "instance_sha256": "97366a33ec4b518607d5",
    }
    assert asked(request) == [
        ("Solved with", "scenario growth; --set budget=1000000000.0; --close RXN02; demand scaled Z1 x1.1 "
         "(highs, instance files 97366a33ec4b)")
    ]  # fmt: skip
    plain = {"solver": "cpsat", "overrides": {}, "instance_sha256": ""}
    assert asked(plain) == [("Solved with", "the instance as it is (cpsat)")]
    assert asked(None) == []  # a run written before run.json recorded its request


def test_the_headline_names_the_backend_that_solved_where_it_is_not_the_one_asked() -> None:
    """A rota searched by ``search: mip`` (HiGHS) read "(cpsat, ...)": the run asked ``cpsat``."""
    from optimiser.report.context import asked

    request = {"solver": "cpsat", "overrides": {"set": {"search": "mip"}}, "instance_sha256": ""}
    assert asked(request, "highs") == [("Solved with", "--set search=mip (solved by highs, asked cpsat)")]
    assert asked(request, "cpsat") == [("Solved with", "--set search=mip (cpsat)")]
    assert asked({**request, "solver": ""}, "highs") == [("Solved with", "--set search=mip (highs)")]


def test_a_reports_headline_names_the_overrides_of_its_run(tiny_instance: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    args = ["solve", str(tiny_instance), "--out", str(run), "--open", "B"]
    assert CliRunner().invoke(main, args, catch_exceptions=False).exit_code == 0
    assert CliRunner().invoke(main, ["report", str(run)], catch_exceptions=False).exit_code == 0
    assert "Solved with" in (html := (run / "report.html").read_text(encoding="utf-8"))
    assert "--open B (highs, instance files" in html


def test_a_comparisons_headline_tells_solves_proven_infeasible_from_those_stopped(tmp_path: Path) -> None:
    """The headline of frontier --x response's report (generate ooh --sites 6 --services 2 --seed 1)
    read 'Solves 3, Checked 1' and left the two caps no plan meets unexplained, alike with solves
    stopped before a plan: it counts the solves proven to have no plan apart from those stopped
    short of an answer, and says neither when there is none."""
    from optimiser.report.context import comparison_context

    (tmp_path / "comparison.csv").write_text(
        "scenario,status,check\nbase,optimal,passed\ncap-7.1000,infeasible,no plan\n"
        "cap-0.0000,infeasible,no plan\ncap-3.0000,no_solution,no plan\ncap-5.0000,feasible,passed\n"
        "cap-6.0000,not run,\n"
    )
    headline = dict(comparison_context(tmp_path)["headline"])
    assert headline == {
        "Solves": "6",
        "Checked": "2",
        "No plan exists (proven infeasible)": "2",
        "Stopped short of a proven answer": "2",
        "Not run": "1",
    }
    (tmp_path / "comparison.csv").write_text("scenario,status,check\nbase,optimal,passed\n")
    assert dict(comparison_context(tmp_path)["headline"]) == {"Solves": "1", "Checked": "1"}


def test_a_maps_zones_give_the_runs_attendances_not_the_instances(tmp_path: Path) -> None:
    """Solved with demand doubled (--set demand_growth=1.0): the map's zones read the instance's
    attendances, half the run's, beside tables giving the run's."""
    runner = CliRunner()
    args = ["generate", "sact", "--zones", "12", "--sites", "4", "--seed", "3", str(tmp_path / "inst")]
    assert runner.invoke(main, args).exit_code == 0
    run = tmp_path / "run"
    args = ["solve", str(tmp_path / "inst"), "--out", str(run), "--set", "demand_growth=1.0"]
    args += ["--set", "allow_unserved=true", "--time-limit", "30"]
    assert runner.invoke(main, args, catch_exceptions=False).exit_code == 0
    html = write_report(run).read_text(encoding="utf-8")
    allocation = pd.read_csv(run / "allocation.csv", dtype={"zone_id": str})
    unserved = pd.read_csv(run / "unserved.csv", dtype={"zone_id": str})
    planned = pd.concat([allocation, unserved]).groupby("zone_id")["attendances"].sum()
    shown = {
        z: float(a.replace(",", "")) for z, a in re.findall(r"\((\w+)\): ([\d,]+) attendances a year", html)
    }
    assert shown and set(shown) == set(planned.index)
    assert all(shown[z] == pytest.approx(planned[z], abs=0.5) for z in shown)


def test_a_rota_grid_keeps_leave_on_days_nobody_works_and_staff_without_shifts(tmp_path: Path) -> None:
    """The grid's columns were the days someone works and its rows the staff with a shift: N11's
    bank holiday on Good Friday (no shift that day), N04 (on leave all week, no shift) and N13 (no
    shift) were missing from the report, where rota.xlsx shows them."""
    from instances import bundled_path
    from optimiser.report.context import rota_grid

    (tmp_path / "assignments.csv").write_text(
        "staff_id,date,shift_id\nN01,2025-04-17,E\nN11,2025-04-17,L\n", encoding="utf-8"
    )
    (tmp_path / "staff_summary.csv").write_text(
        "staff_id,name\nN01,a\nN04,b\nN11,c\nN13,d\n", encoding="utf-8"
    )
    (tmp_path / "summary.json").write_text(
        '{"horizon": {"first_date": "2025-04-14", "last_date": "2025-04-19"}}', encoding="utf-8"
    )
    grid = rota_grid(tmp_path, bundled_path("lsc-sact-nurses"))
    assert grid is not None and "<th>Fri 18 Apr</th>" in grid and "<th>Mon 21 Apr</th>" not in grid
    n04 = grid.split("<tr><th>N04</th>")[1].split("</tr>")[0]
    n11 = grid.split("<tr><th>N11</th>")[1].split("</tr>")[0]
    assert n04.count('title="annual leave"') == 5 and 'title="bank holiday"' in n11
    columns = grid.split("</tr>")[0].count("<th>") - 1  # Mon 14 to Wed 16 April (N04's leave) and 17-18
    assert columns == 5 and f"<tr><th>N13</th>{'<td></td>' * columns}</tr>" in grid


def test_a_report_returns_every_file_it_wrote_and_the_command_names_them(tmp_path: Path) -> None:
    """A regret comparison's report draws regret.svg beside report.html: the report's writer lists
    both (comparison's "Wrote" line had guessed at the chart from the folder), ``optimiser
    report`` names both, and a comparison without a regret draws no chart."""
    from click.testing import CliRunner

    from optimiser.cli import main
    from optimiser.report import write_report_files

    table = pd.DataFrame({"scenario": ["optimum", "open-A"], "status": ["optimal"] * 2, "cost": [1e6, 1.2e6]})
    table.to_csv(tmp_path / "comparison.csv", index=False)
    assert write_report_files(tmp_path) == [tmp_path / "report.html"]
    assert not (tmp_path / "regret.svg").exists()
    regret = pd.DataFrame({"name": ["Site A"], "forced": ["open"], "regret": [2e5], "status": ["optimal"]})
    regret.to_csv(tmp_path / "regret.csv", index=False)
    assert write_report_files(tmp_path) == [tmp_path / "regret.svg", tmp_path / "report.html"]
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Wrote {tmp_path / 'report.html'} and regret.svg"


def test_a_long_text_cell_wraps_in_its_own_width_and_a_very_long_one_is_shortened(tmp_path: Path) -> None:
    """The scenarios report of lsc-sact drew growth-68's row four lines tall: its explanation (128
    characters) wrapped in a column as narrow as the figures' ('growth-68' broke at its hyphen
    too).  Cells do not wrap; a text over WRAP_TEXT characters wraps in a span of its own width;
    one over LONG_TEXT is cut at a word, ends with an ellipsis and carries the whole text, escaped,
    as its title; short texts and the figures are as they were."""
    from optimiser.report import LONG_TEXT, WRAP_TEXT

    explanation = (
        "demand left unserved: aseptic hubs can prepare 115,000 doses a year; the demand needs 142,941"
    )
    note = "unserved <attendances> at " + ", ".join(f"zone E{n:04d} (12.5 a week)" for n in range(40))
    assert WRAP_TEXT < len(explanation) <= LONG_TEXT < len(note)
    (tmp_path / "comparison.csv").write_text(
        "scenario,status,check,note,cost\nbase,optimal,passed,,1234.5\n"
        f'growth-68,optimal,passed,"{explanation}",2.25\nbig,optimal,passed,"{note}",3\n'
    )
    page = write_report(tmp_path).read_text(encoding="utf-8")
    cells = re.findall(r"<td>(.*?)</td>", page)
    assert cells[:5] == ["base", "optimal", "passed", "", "1,234.50"] and cells[9] == "2.25"
    assert cells[8] == f'<span class="wrap">{explanation}</span>'
    title = re.fullmatch(r'<span class="wrap" title="([^"]*)">([^<]*)</span>', cells[13])
    assert title is not None, cells[13]
    assert title.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'") == note
    visible = title.group(2).replace("&lt;", "<").replace("&gt;", ">")
    assert visible.endswith("\u2026") and len(visible) <= LONG_TEXT and note.startswith(visible[:-1])
    assert "<attendances>" not in page
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None
    assert (
        "table.data td { border-top: 1px solid #e8edee; padding: 3px 6px; white-space: nowrap; }" in style[1]
    )
    assert "table.data td .wrap { display: inline-block; white-space: normal; width: 36em; }" in style[1]


def test_money_in_a_reports_table_is_shown_to_the_penny() -> None:
    """The cover report's travel table showed ONC02's £305.98 as 306 and ONC01's £375.09 as
    375.1 (four significant figures), so its rows did not add up to the figures of the CSV
    files: money columns show pounds and pence, whole pounds without them; other figures as
    they were."""
    from optimiser.report import table_html

    frame = pd.DataFrame(
        {
            "travel_cost": [305.98, 375.09, 10260.0, 1234.5],
            "recharge": [0.1, 2.0, 3.0, 4.0],
            "hours": [20.2667] * 4,
        }
    )
    cells = re.findall(r"<td>(.*?)</td>", table_html(frame))
    assert cells[0::3] == ["305.98", "375.09", "10,260", "1,234.50"]
    assert cells[1::3] == ["0.10", "2", "3", "4"]
    assert cells[2::3] == ["20.27"] * 4


def test_a_small_figure_in_a_reports_table_is_written_out_in_decimals() -> None:
    """The scenarios report of lsc-sact showed keep-blackpool's gap as 8.1e-05, which a board
    does not read: figures below 1,000 keep four significant figures, in decimals."""
    from optimiser.report import table_html

    frame = pd.DataFrame({"gap": [8.064e-05, 0.000327, 0.0, 1.0], "minutes": [21.054, 999.96, 3.0, -2.5e-7]})
    cells = re.findall(r"<td>(.*?)</td>", table_html(frame))
    assert cells[0::2] == ["0.00008064", "0.000327", "0", "1"]
    assert cells[1::2] == ["21.05", "1000", "3", "-0.00000025"]


def test_a_runs_headline_lists_ten_findings_and_a_section_lists_every_one(tmp_path: Path) -> None:
    """lsc-cover's report listed some seventy shortfalls under its headline figures, pushing every
    table and chart off the first screens (the terminal shows five and how many more): the
    headline lists the first ten and says how many more, and a section lists every one."""
    from optimiser.report.context import HEADLINE_FINDINGS

    findings = [f"Trust {n}, Breast, week {n}: 1 of 5 PAs uncovered" for n in range(1, 26)]
    (tmp_path / "run.json").write_text(json.dumps({"kind": "cover", "name": "many", "files": []}))
    (tmp_path / "summary.json").write_text(json.dumps({"kind": "cover", "explanation": findings}))
    page = write_report(tmp_path).read_text(encoding="utf-8")
    headline = page.split('<section id="headline">', 1)[1].split("</section>", 1)[0]
    assert re.findall(r"<li>(.*?)</li>", headline) == findings[:HEADLINE_FINDINGS]
    assert f"... and {25 - HEADLINE_FINDINGS} more" in headline
    section = page.split('<section id="findings">', 1)[1].split("</section>", 1)[0]
    assert "Every finding (25 findings)" in section
    assert re.findall(r"<li>(.*?)</li>", section) == findings
    (tmp_path / "summary.json").write_text(json.dumps({"kind": "cover", "explanation": findings[:3]}))
    (tmp_path / "report.html").unlink()
    page = write_report(tmp_path).read_text(encoding="utf-8")
    assert 'id="findings"' not in page and "more:" not in page
    assert re.findall(r"<li>(.*?)</li>", page) == findings[:3]


def test_regret_bars_of_sites_whose_names_begin_alike_are_told_apart(tmp_path: Path) -> None:
    """The regret chart labelled each bar with the site's name cut at 30 characters ('Royal
    Blackburn Teaching Hospi (closed)' on lsc-sact-districts), so two sites whose names share
    their first 30 characters drew one bar over the other under one label: each label is the
    name cut at a word, with an ellipsis, the site's id and what was forced."""
    from optimiser.report.context import _regret_chart

    regret = pd.DataFrame(
        {
            "site_id": ["RXR20", "RXR21"],
            "name": ["Royal Blackburn Teaching Hospital", "Royal Blackburn Teaching Hospital Annexe"],
            "forced": ["open", "open"],
            "regret": [1200.0, 5400.0],
            "status": ["optimal", "optimal"],
        }
    )
    svg = _regret_chart(regret, tmp_path)
    assert svg is not None
    labels = re.findall(r"<!-- (Royal[^<]*?) -->", svg)
    assert sorted(labels) == [
        "Royal Blackburn Teaching\u2026 (RXR20, open)",
        "Royal Blackburn Teaching\u2026 (RXR21, open)",
    ]
