"""The CLI end to end: exit codes, outputs, no overwrite, clear errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimiser import __version__
from optimiser.cli import main
from tests.conftest import TINY_OPTIMUM


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version_and_help() -> None:
    assert __version__ in run("--version").output
    for command in (["solve"], ["validate"], ["generate", "sact"], ["import", "sact"], ["instances"]):
        result = run(*command, "--help")
        assert result.exit_code == 0, command
        assert "Usage" in result.output


def test_solve_writes_plan_and_summary(tiny_instance: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = run("solve", str(tiny_instance), "--out", str(out))
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["solver"]["status"] == "optimal"
    assert summary["solver"]["objective"] == pytest.approx(TINY_OPTIMUM)
    assert summary["costs"]["total"] == pytest.approx(TINY_OPTIMUM)
    sites = (out / "sites.csv").read_text()
    assert "B,Community" in sites
    assert {p.name for p in out.iterdir()} >= {"sites.csv", "allocation.csv", "summary.json", "run.json"}
    assert "Annual cost" in result.output
    assert "summary.json, run.json to " in result.output  # every file written is named, run.json too


@pytest.mark.parametrize("method", ["direct", "priced"])
def test_solve_method_parameter_reaches_the_same_optimum(
    tiny_instance: Path, tmp_path: Path, method: str
) -> None:
    """``solve_method: priced`` (the large-instance path) and ``direct`` agree on the tiny optimum."""
    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(yaml.read_text().replace("parameters:\n", f"parameters:\n  solve_method: {method}\n", 1))
    out = tmp_path / "run"
    result = run("solve", str(tiny_instance), "--out", str(out))
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["solver"]["objective"] == pytest.approx(TINY_OPTIMUM)
    assert summary["solver"]["bound"] <= TINY_OPTIMUM + 1e-6
    yaml.write_text(yaml.read_text().replace(f"solve_method: {method}", "solve_method: fastest"))
    bad = run("validate", str(tiny_instance))
    assert bad.exit_code == 2
    assert (
        "parameters.solve_method" in bad.output and "not one of: auto, direct, priced, radius" in bad.output
    )


def test_solve_never_overwrites_without_force(tiny_instance: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "mine.txt").write_text("the user's own file")
    result = run("solve", str(tiny_instance), "--out", str(out))
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert (out / "mine.txt").read_text() == "the user's own file"
    result = run("solve", str(tiny_instance), "--out", str(out), "--force")
    assert result.exit_code == 2  # --force replaces only run folders the engine wrote
    assert (out / "mine.txt").read_text() == "the user's own file"
    assert not (out / "summary.json").exists()


@pytest.mark.parametrize("backend", ["pyomo-highs"])
def test_solve_with_pyomo_backend(tiny_instance: Path, tmp_path: Path, backend: str) -> None:
    result = run("solve", str(tiny_instance), "--solver", backend, "--out", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "r" / "summary.json").read_text())["solver"]["objective"] == pytest.approx(
        TINY_OPTIMUM
    )


def test_unknown_solver_is_a_usage_error(tiny_instance: Path, tmp_path: Path) -> None:
    result = run("solve", str(tiny_instance), "--solver", "gurobi", "--out", str(tmp_path / "r"))
    assert result.exit_code == 2
    assert "gurobi" in result.output
    assert not (tmp_path / "r").exists()


def test_infeasible_instance_exits_1_with_explanation(tiny_instance: Path, tmp_path: Path) -> None:
    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(yaml.read_text() + "  max_travel_minutes: 8\n")
    result = run("solve", str(tiny_instance), "--out", str(tmp_path / "r"))
    assert result.exit_code == 1
    assert "zone Z2" in result.output and "travel limit" in result.output
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["solver"]["status"] == "infeasible"
    assert any("Z2" in line for line in summary["explanation"])


def test_validate_lists_every_problem_with_file_row_column(tiny_instance: Path) -> None:
    (tiny_instance / "sites.csv").write_text(
        "site_id,name,trust,type,existing,current_chairs,min_chairs,max_chairs,fixed_cost,chair_cost,must_open,colour\n"
        "A,Centre,T1,cancer_centre,true,2,1,3,10000,5000,true,red\n"
        "A,Community,T1,hospice,maybe,0,1,2,-4000,5000,false,blue\n"
    )
    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(yaml.read_text() + "  utilisaton: 0.9\n")
    result = run("validate", str(tiny_instance))
    assert result.exit_code == 2
    out = result.output
    assert "Traceback" not in out
    assert "sites.csv, column 'colour': unknown column" in out
    assert "sites.csv, row 3, column 'site_id': duplicate id 'A' (first at row 2)" in out
    assert "sites.csv, row 3, column 'type': 'hospice' is not one of" in out
    assert "sites.csv, row 3, column 'existing': 'maybe' is not true or false" in out
    assert "sites.csv, row 3, column 'fixed_cost': -4000 is below the minimum 0" in out
    assert "unknown parameter 'utilisaton' (did you mean 'utilisation'?)" in out


def test_a_site_that_must_close_stays_shut_and_the_plan_costs_what_that_leaves(
    tiny_instance: Path, tmp_path: Path
) -> None:
    """B closed in the sites file: only A may open, the conftest's other plan (47,000)."""
    sites = tiny_instance / "sites.csv"
    lines = sites.read_text().splitlines()
    sites.write_text("\n".join([lines[0] + ",must_close", lines[1] + ",false", lines[2] + ",true"]) + "\n")
    result = run("solve", str(tiny_instance), "--out", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["solver"]["objective"] == pytest.approx(47000.0)
    assert "must close" in summary["check"]["checked"] and summary["check"]["passed"]


def test_a_site_that_must_both_open_and_close_is_refused(tiny_instance: Path) -> None:
    sites = tiny_instance / "sites.csv"
    lines = sites.read_text().splitlines()
    sites.write_text("\n".join([lines[0] + ",must_close", lines[1] + ",true", lines[2] + ",false"]) + "\n")
    result = run("validate", str(tiny_instance))
    assert result.exit_code == 2
    assert "sites.csv, row 2, column 'must_close': must_open and must_close are both true" in result.output


def test_validate_and_solve_list_the_first_problems_and_count_the_rest(
    tiny_instance: Path, tmp_path: Path
) -> None:
    """A column broken all the way down is listed to the first 50 problems and the rest counted,
    by validate and solve alike, where hundreds of lines were printed; validate --all lists all."""
    from optimiser.errors import PROBLEMS_SHOWN

    rows = "".join(f"Z{i},A,x\n" for i in range(PROBLEMS_SHOWN + 30))
    (tiny_instance / "travel.csv").write_text("zone_id,site_id,minutes\n" + rows)
    every = run("validate", str(tiny_instance), "--all").output
    listed = [line for line in every.splitlines() if line.startswith("  ") and "travel.csv" in line]
    assert len(listed) > PROBLEMS_SHOWN + 20 and f"has problems ({len(listed)})" in every
    for command in (
        ["validate", str(tiny_instance)],
        ["solve", str(tiny_instance), "--out", str(tmp_path / "r")],
    ):
        result = run(*command)
        assert result.exit_code == 2
        lines = result.output.splitlines()
        assert [line for line in lines if line.startswith("  ") and "travel.csv" in line] == listed[
            :PROBLEMS_SHOWN
        ]
        more = len(listed) - PROBLEMS_SHOWN
        assert f"  ... and {more} more: optimiser validate {tiny_instance} --all lists them all" in lines
    assert not (tmp_path / "r").exists()


def test_validate_reports_unknown_reference_and_missing_travel(tiny_instance: Path) -> None:
    (tiny_instance / "travel.csv").write_text("zone_id,site_id,minutes\nZ1,A,10\nZ9,A,5\n")
    result = run("validate", str(tiny_instance))
    assert result.exit_code == 2
    assert "travel.csv, row 3, column 'zone_id': 'Z9' is not a known zones zone_id" in result.output
    (tiny_instance / "travel.csv").write_text("zone_id,site_id,minutes\nZ1,A,10\n")
    result = run("validate", str(tiny_instance))
    assert result.exit_code == 2
    assert (
        "travel minutes missing from zone Z2 to site A, and no coordinates to compute them" in result.output
    )


def test_validate_reports_references_beside_cell_problems_and_says_what_is_left(tiny_instance: Path) -> None:
    """A wrong cell in one table does not hide an unknown id in another; the list says which
    checks wait for these to be fixed, so a planner does not take it for complete."""
    (tiny_instance / "travel.csv").write_text("zone_id,site_id,minutes\nZ1,A,-10\nZ9,A,5\nZ2,A,x\n")
    out = run("validate", str(tiny_instance)).output
    assert "travel.csv, row 2, column 'minutes': -10 is below the minimum 0" in out
    assert "travel.csv, row 3, column 'zone_id': 'Z9' is not a known zones zone_id" in out
    assert "Not yet checked: the checks that need every cell right" in out
    # a wrong id cell is reported once, as what it is, not again as an unknown reference
    zones = tiny_instance / "zones.csv"
    rows = zones.read_text().splitlines()
    zones.write_text("\n".join([rows[0], rows[1], "," + rows[2].split(",", 1)[1], *rows[3:]]) + "\n")
    out = run("validate", str(tiny_instance)).output
    assert out.count("column 'zone_id'") == 1  # the blank id; travel's Z2 is not called unknown
    (tiny_instance / "travel.csv").write_text("zone_id,site_id,minutes\nZ1,A,10\n")
    zones.write_text("\n".join(rows) + "\n")
    out = run("validate", str(tiny_instance)).output
    assert "Not yet checked" not in out


def test_bad_yaml_and_missing_folder_exit_2(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "no such instance folder" in result.output
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "instance.yaml").write_text("kind: sact\nparameters: [1, 2\n")
    result = run("validate", str(folder))
    assert result.exit_code == 2 and "not valid YAML" in result.output


def test_missing_table_and_unknown_kind(tiny_instance: Path) -> None:
    (tiny_instance / "zones.csv").unlink()
    result = run("validate", str(tiny_instance))
    assert result.exit_code == 2 and "required table 'zones' is missing" in result.output
    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(yaml.read_text().replace("kind: sact", "kind: sakt"))
    result = run("validate", str(tiny_instance))
    assert result.exit_code == 2 and "unknown kind 'sakt'" in result.output


def test_workbook_instance_matches_csv(tiny_instance: Path, tmp_path: Path) -> None:
    import pandas as pd

    book = tmp_path / "wb"
    book.mkdir()
    (book / "instance.yaml").write_text((tiny_instance / "instance.yaml").read_text())
    with pd.ExcelWriter(book / "tables.xlsx") as writer:
        for table in ("zones", "sites", "travel"):
            pd.read_csv(tiny_instance / f"{table}.csv", dtype=str).to_excel(
                writer, sheet_name=table, index=False
            )
    result = run("solve", str(book), "--out", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "r" / "summary.json").read_text())["solver"]["objective"] == pytest.approx(
        TINY_OPTIMUM
    )


def test_workbook_errors_name_the_sheet(tiny_instance: Path, tmp_path: Path) -> None:
    import pandas as pd

    book = tmp_path / "wb"
    book.mkdir()
    (book / "instance.yaml").write_text((tiny_instance / "instance.yaml").read_text())
    zones = pd.read_csv(tiny_instance / "zones.csv", dtype=str)
    zones.loc[1, "attendances"] = "lots"
    with pd.ExcelWriter(book / "tables.xlsx") as writer:
        zones.to_excel(writer, sheet_name="zones", index=False)
        for table in ("sites", "travel"):
            pd.read_csv(tiny_instance / f"{table}.csv", dtype=str).to_excel(
                writer, sheet_name=table, index=False
            )
    result = run("validate", str(book))
    assert result.exit_code == 2
    assert "tables.xlsx[zones], row 3, column 'attendances': 'lots' is not a number" in result.output


def test_sact_ids_that_look_like_formulas_are_written_as_text(tiny_instance: Path, tmp_path: Path) -> None:
    """A site ``=1+1`` (an aseptic hub) and a zone ``@x`` reach every CSV of the run as text ('-prefixed)."""
    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(yaml.read_text().replace("require_aseptic_supply: false", "require_aseptic_supply: true"))
    sites = (tiny_instance / "sites.csv").read_text().splitlines()
    sites[0] += ",is_hub,hub_capacity"
    sites[1] = sites[1].replace("A,", "=1+1,", 1) + ",true,100000"
    sites[2] += ",false,0"
    (tiny_instance / "sites.csv").write_text("\n".join(sites) + "\n")
    for name in ("zones.csv", "travel.csv"):
        text = (tiny_instance / name).read_text().replace("Z3,", "@x,").replace(",A,", ",=1+1,")
        (tiny_instance / name).write_text(text)
    (tiny_instance / "site_travel.csv").write_text("from_site,to_site,minutes\n=1+1,B,20\n")
    out = tmp_path / "run"
    result = run("solve", str(tiny_instance), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Independent check: passed" in result.output
    written = {p.name: p.read_text() for p in out.glob("*.csv")}
    assert set(written) == {
        "sites.csv",
        "allocation.csv",
        "hub_links.csv",
        "unserved.csv",
        "access_by_quintile.csv",
    }
    for name, text in written.items():
        cells = [cell for line in text.splitlines() for cell in line.split(",")]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@") and not _number(c)], name
    assert "'=1+1,Centre" in written["sites.csv"]
    assert ",'=1+1" in written["sites.csv"]  # supplied_by
    assert "'@x,B,standard" in written["allocation.csv"]
    assert written["hub_links.csv"].count("'=1+1") == 3  # A supplies itself and B
    summary = json.loads((out / "summary.json").read_text())
    assert summary["check"]["passed"] is True
    assert summary["solve_path"] == "direct"


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_sact_summary_puts_headline_figures_first_and_says_what_use_means(
    tiny_instance: Path, tmp_path: Path
) -> None:
    result = run("solve", str(tiny_instance), "--out", str(tmp_path / "run"))
    assert result.exit_code == 0, result.output
    text = result.output[result.output.index("Plan: ") : result.output.index("\nIndependent check")]
    summary = text.strip().splitlines()
    assert summary[0] == "Plan: 2 sites open (1 opened, 1 resized), 2 chairs (today 2); annual cost £37,000"
    assert summary[1] == (
        "Annual cost: sites £14,000 + chairs £10,000 + patient travel £13,000 + drug transport £0 = £37,000"
    )
    assert summary[2] == "Access: 100.0% of attendances within 30 min, 100.0% within 45, 100.0% within 60"
    assert summary[3] == "Journeys: mean 9.3 min, 95th percentile 15.0 min, worst 15.0 min"
    use = next(line for line in summary if line.startswith("Use = "))
    assert "after the 80% utilisation factor" in use
    assert "(2,000 usable hours a chair a year)" in result.output
    assert summary[-1].startswith("Solver: optimal, objective 37,000 (pounds a year)")
    assert len(summary) <= 25


def test_zones_without_population_or_attendances_are_refused(tiny_instance: Path) -> None:
    """Issue 17 item 10: a zones table whose demand columns are dropped is a validation error."""
    zones = tiny_instance / "zones.csv"
    zones.write_text("zone_id,name,quintile\nZ1,North,1\nZ2,Middle,2\nZ3,South,3\n", encoding="utf-8")
    result = run("validate", str(tiny_instance))
    assert result.exit_code == 2
    assert "zones.csv, column 'population': no zone has any demand" in result.output


def test_written_listing_counts_a_folders_files_and_names_the_rest() -> None:
    from optimiser.cli import written_listing

    names = ["rota.csv", "calendars/S001.ics", "rota.ics", "calendars/S002.ics", "summary.json"]
    assert written_listing(names) == "rota.csv, calendars/ (2 .ics files), rota.ics, summary.json"
    assert written_listing(["a.csv", "maps/one.png"]) == "a.csv, maps/one.png"
    assert written_listing(["x/a.png", "x/b.svg"]) == "x/ (2 files)"


def test_generate_names_one_zone_and_one_day_in_the_singular(tmp_path: Path) -> None:
    made = run("generate", "sact", "--zones", "1", "--sites", "1", "--seed", "1", str(tmp_path / "s"))
    assert made.exit_code == 0 and "(1 zone x 1 site, seed 1)" in made.output
    made = run("generate", "roster", "--staff", "3", "--days", "1", "--seed", "1", str(tmp_path / "r"))
    assert made.exit_code == 0 and "(3 staff x 1 day, seed 1)" in made.output


@pytest.mark.parametrize(
    "sizes",
    [
        ["sact", "--zones", "5", "--sites", "3"],
        ["ooh", "--sites", "3", "--services", "2"],
        ["roster", "--staff", "3", "--days", "7"],
        ["cover", "--oncologists", "3", "--trusts", "2", "--tumour-sites", "2", "--weeks", "2"],
    ],
)
def test_generate_refuses_a_negative_seed_with_a_usage_message(sizes: list[str], tmp_path: Path) -> None:
    made = CliRunner().invoke(main, ["generate", *sizes, "--seed", "-1", str(tmp_path / "g")])
    assert made.exit_code == 2
    assert "Invalid value for '--seed': -1 is not in the range x>=0." in made.output
    assert not (tmp_path / "g").exists()


def test_the_instances_own_time_limit_is_the_runs_wall_clock_when_the_command_line_gives_none() -> None:
    """`--set time_limit=5` on a rota ran 6-10 s: the instance's limit reached the search but not
    the run's deadline, which only `--time-limit` set."""
    from instances import bundled_path
    from optimiser.cli import _run_limit
    from optimiser.kinds import load_instance
    from optimiser.overrides import Overrides

    nurses = bundled_path("lsc-sact-nurses")
    assert _run_limit(None, load_instance(nurses)) == 60.0
    assert _run_limit(None, load_instance(nurses, overrides=Overrides(set={"time_limit": 5}))) == 5.0
    assert _run_limit(12.0, load_instance(nurses)) == 12.0


def test_a_negative_seed_is_a_usage_error() -> None:
    result = run("solve", "lsc-sact", "--seed", "-1")
    assert result.exit_code == 2 and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        (
            ["sact", "--zones", "1000001", "--sites", "3"],
            "'--zones': 1000001 is not in the range 1<=x<=1000000",
        ),
        (["sact", "--zones", "5", "--sites", "10001"], "'--sites': 10001 is not in the range 1<=x<=10000"),
        (["ooh", "--sites", "2001", "--services", "2"], "'--sites': 2001 is not in the range 1<=x<=2000"),
        (
            ["cover", "--oncologists", "3", "--trusts", "501", "--tumour-sites", "2", "--weeks", "2"],
            "'--trusts': 501 is not in the range 1<=x<=500",
        ),
    ],
)
def test_generate_refuses_a_size_it_cannot_hold_with_a_usage_message(
    sizes: list[str], message: str, tmp_path: Path
) -> None:
    """generate ooh --sites 100000 and cover --trusts 100000 ended in numpy's MemoryError traceback
    (every pair of sites' minutes at once), as did sact --sites 1000000 (every site's to every hub)."""
    made = CliRunner().invoke(main, ["generate", *sizes, str(tmp_path / "g")])
    assert made.exit_code == 2
    assert message in made.output
    assert not (tmp_path / "g").exists()


def test_a_site_with_lat_and_no_lon_is_named_in_sites_csv(tmp_path: Path) -> None:
    """Half a coordinate is named at its row, not only as the travel minutes it leaves missing."""
    import shutil

    folder = tmp_path / "districts"
    shutil.copytree(Path(__file__).resolve().parents[2] / "instances" / "lsc-sact-districts", folder)
    sites = folder / "sites.csv"
    sites.write_text(sites.read_text().replace("53.66609,-2.63645", "53.66609,"))
    result = run("validate", str(folder))
    assert result.exit_code == 2
    assert "sites.csv, row 3, column 'lon': no lon beside its lat" in result.output


def test_validate_checks_the_folders_own_scenario_file(tiny_instance: Path) -> None:
    """scenarios.yaml, read by solve --scenario and scenarios without being named, is checked too:
    a folder whose scenario opened an unknown site was called valid, exit 0."""
    scenarios = tiny_instance / "scenarios.yaml"
    scenarios.write_text("scenarios:\n  base: {}\n  no-b: {close: [B]}\n", encoding="utf-8")
    good = run("validate", str(tiny_instance))
    assert good.exit_code == 0 and "scenarios.yaml: 2 scenarios, each a valid instance" in good.output
    scenarios.write_text("scenarios:\n  base: {}\n  typo: {open: [NOPE]}\n", encoding="utf-8")
    bad = run("validate", str(tiny_instance))
    assert bad.exit_code == 2
    assert "Its scenarios.yaml has problems (1)" in bad.output
    assert "scenarios.yaml: scenario 'typo', column 'open': unknown site 'NOPE'" in bad.output
