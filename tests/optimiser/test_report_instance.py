"""A run whose instance has moved: the report says why it has no map, and ``--instance`` restores it."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimiser.cli import main


@pytest.fixture(scope="module")
def moved_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A solved generated SACT run, its instance then moved away: (run folder, new instance place)."""
    root = tmp_path_factory.mktemp("moved")
    runner = CliRunner()
    made = runner.invoke(
        main, ["generate", "sact", "--zones", "30", "--sites", "5", "--seed", "4", str(root / "inst")]
    )
    assert made.exit_code == 0, made.output
    solved = runner.invoke(
        main, ["solve", str(root / "inst"), "--out", str(root / "run"), "--time-limit", "30"]
    )
    assert solved.exit_code == 0, solved.output
    assert json.loads((root / "run" / "run.json").read_text())["instance"] == str((root / "inst").resolve())
    shutil.move(root / "inst", root / "elsewhere")
    return root / "run", root / "elsewhere"


def test_a_report_without_its_instance_says_why_there_is_no_map(moved_run: tuple[Path, Path]) -> None:
    run, _ = moved_run
    result = CliRunner().invoke(main, ["report", str(run)])
    assert result.exit_code == 0, result.output
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "<circle" not in html
    assert "No map: the instance the run was solved from" in html and "it is not there" in html
    assert "--instance PATH" in result.output  # said on the terminal too (stderr is mixed in)


def test_instance_option_draws_the_map_from_the_new_place(moved_run: tuple[Path, Path]) -> None:
    run, elsewhere = moved_run
    result = CliRunner().invoke(main, ["report", str(run), "--instance", str(elsewhere)])
    assert result.exit_code == 0, result.output
    html = (run / "report.html").read_text(encoding="utf-8")
    assert html.count("<circle") == 30
    assert "No map" not in html and "No map" not in result.output


def test_instance_option_is_for_a_run_not_a_comparison(tmp_path: Path, moved_run: tuple[Path, Path]) -> None:
    (tmp_path / "comparison.csv").write_text("scenario,status\na,optimal\n")
    result = CliRunner().invoke(main, ["report", str(tmp_path), "--instance", str(moved_run[1])])
    assert result.exit_code == 2
    assert "apply to a run folder" in result.output


@pytest.mark.parametrize("other", ["lsc-ooh", "lsc-sact"])
def test_an_instance_that_is_not_the_runs_is_refused(moved_run: tuple[Path, Path], other: str) -> None:
    """Another kind's instance crashed the report (a traceback); another instance of the same
    kind drew its zones under the run's plan without a word."""
    from instances import bundled_path

    run, _ = moved_run
    instance = bundled_path(other)
    result = CliRunner().invoke(main, ["report", str(run), "--instance", str(instance)])
    assert result.exit_code == 2, result.output
    kind = "ooh" if other == "lsc-ooh" else "sact"
    assert f"--instance {instance} is the {kind} instance '{other}', but {run} was solved from the sact" in (
        result.output
    )
    assert "Traceback" not in result.output


def _renamed_sites(instance: Path) -> None:
    """The instance's sites under other ids (S1 -> X1, ...), its name and zones kept."""
    sites = instance / "sites.csv"
    lines = sites.read_text(encoding="utf-8").splitlines()
    sites.write_text("\n".join([lines[0], *("X" + line[1:] for line in lines[1:])]) + "\n", encoding="utf-8")


def test_an_instance_of_the_same_name_without_the_plans_sites_draws_no_map(tmp_path: Path) -> None:
    """An ICB imported again (--sites: ODS codes in place of postcodes) keeps its name: the report
    drew the zones with none of the plan's sites, and said nothing; --instance took it too."""
    runner = CliRunner()
    inst, run, other = tmp_path / "inst", tmp_path / "run", tmp_path / "other"
    made = runner.invoke(
        main, ["generate", "sact", "--zones", "30", "--sites", "5", "--seed", "4", str(inst)]
    )
    assert made.exit_code == 0, made.output
    solved = runner.invoke(main, ["solve", str(inst), "--out", str(run), "--time-limit", "30"])
    assert solved.exit_code == 0, solved.output
    shutil.copytree(inst, other)
    _renamed_sites(other)
    result = runner.invoke(main, ["report", str(run), "--instance", str(other)])
    assert result.exit_code == 2, result.output
    assert f"--instance {other} does not hold the sites of {run}'s plan (S1, S2, S3, S4, S5)" in result.output
    _renamed_sites(inst)
    result = runner.invoke(main, ["report", str(run)])
    assert result.exit_code == 0, result.output
    page = html.unescape((run / "report.html").read_text(encoding="utf-8"))
    assert "<circle" not in page
    assert (
        f"No map: the instance at {inst.resolve()} does not hold the plan's sites (S1, S2, S3, S4, S5)"
        in page
    )
