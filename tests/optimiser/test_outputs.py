"""Run folders: --force replaces only what the engine wrote; --out and default names stay put.

Issue 17, items 1-3 and 7 (strict summary.json).
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from optimiser.cli import main
from optimiser.outputs import (
    RUN_MARKER,
    OutputExistsError,
    instance_folder,
    run_folder,
    safe_slug,
    write_json,
)


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def solve(instance: Path, out: Path | str, *extra: str) -> object:
    return run("solve", str(instance), "--out", str(out), *extra)


def test_every_run_folder_is_marked_with_its_run_id(tiny_instance: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert solve(tiny_instance, out).exit_code == 0
    meta = json.loads((out / "run.json").read_text())
    assert (out / RUN_MARKER).read_text().strip() == meta["run_id"]
    assert "summary.json" in meta["files"] and "sites.csv" in meta["files"]


def test_run_json_records_what_the_run_was_asked(tiny_instance: Path, tmp_path: Path) -> None:
    """A plan taken to a board traces to what produced it: run.json held the time limit, seed and
    threads, but not ``--set``, ``--open``/``--close``, the solver or the instance's contents, so a
    run with ``--set budget=...`` could not be told from, or solved again as, the base run."""
    out = tmp_path / "run"
    args = ("--set", "max_travel_minutes=45", "--open", "B", "--solver", "highs", "--gap", "0.01")
    assert solve(tiny_instance, out, *args).exit_code == 0
    request = json.loads((out / "run.json").read_text())["request"]
    assert request["solver"] == "highs" and request["gap"] == 0.01 and request["scenario"] is None
    assert request["overrides"] == {"set": {"max_travel_minutes": 45}, "open": ["B"]}
    assert request["start"] is None and len(request["instance_sha256"]) == 64
    again = tmp_path / "again"
    assert solve(tiny_instance, again).exit_code == 0
    plain = json.loads((again / "run.json").read_text())["request"]
    assert plain["overrides"] == {} and plain["instance_sha256"] == request["instance_sha256"]
    (tiny_instance / "zones.csv").write_text((tiny_instance / "zones.csv").read_text().replace("600", "601"))
    edited = tmp_path / "edited"
    assert solve(tiny_instance, edited).exit_code == 0
    assert (
        json.loads((edited / "run.json").read_text())["request"]["instance_sha256"]
        != plain["instance_sha256"]
    )


def test_force_replaces_the_runs_files_and_keeps_the_users(tiny_instance: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert solve(tiny_instance, out).exit_code == 0
    first_id = (out / RUN_MARKER).read_text()
    (out / "notes.txt").write_text("my notes")
    (out / "mine").mkdir()
    (out / "mine" / "a.txt").write_text("kept")
    (out / "sites.csv").write_text("stale")
    result = solve(tiny_instance, out, "--force")
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text() == "my notes"
    assert (out / "mine" / "a.txt").read_text() == "kept"
    assert (out / "sites.csv").read_text().startswith("site_id")
    assert (out / RUN_MARKER).read_text() != first_id
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "tiny"]  # no hidden leftovers


def test_force_refuses_a_folder_the_engine_did_not_write(tiny_instance: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    result = solve(tiny_instance, out, "--force")
    assert result.exit_code == 2
    assert f"has no {RUN_MARKER} file" in result.output
    assert (out / "thesis.docx").read_text() == "years of work"
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]


@pytest.mark.parametrize("where", ["instance", "parent"])
def test_force_never_replaces_the_instance_or_its_parents(tiny_instance: Path, where: str) -> None:
    target = tiny_instance if where == "instance" else tiny_instance.parent
    (target / RUN_MARKER).write_text("forged")  # even a marker does not make it the engine's
    before = sorted(p.name for p in target.iterdir())
    result = solve(tiny_instance, target, "--force")
    assert result.exit_code == 2
    assert "--force never replaces it" in result.output
    assert sorted(p.name for p in target.iterdir()) == before
    assert (tiny_instance / "zones.csv").exists()


@pytest.mark.parametrize("out", [".", ".."])
def test_force_never_replaces_the_working_folder_or_its_parents(
    tiny_instance: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / RUN_MARKER).write_text("forged")
    (work / "notes.txt").write_text("mine")
    monkeypatch.chdir(work)
    result = CliRunner().invoke(main, ["solve", str(tiny_instance), "--out", out, "--force"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "working folder" in result.output
    assert sorted(p.name for p in work.iterdir()) == [RUN_MARKER, "notes.txt"]


def test_out_dot_without_force_is_refused_cleanly(
    tiny_instance: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["solve", str(tiny_instance), "--out", "."])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "working folder" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny"]


def test_an_empty_working_folder_is_used_as_the_batch_commands_use_it(
    tiny_instance: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mkdir results; cd results; --out .: scenarios, frontier, regret and bench wrote into it,
    solve and generate refused it as 'the working folder ... never replaced', with nothing in it;
    the files are moved into it (a shell stays in the folder), and a full one is still refused."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = CliRunner().invoke(main, ["solve", str(tiny_instance), "--out", "."])
    assert result.exit_code == 0, result.output
    assert {"sites.csv", "summary.json", RUN_MARKER} <= {p.name for p in work.iterdir()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny", "work"]  # no temporary folder left
    again = CliRunner().invoke(main, ["solve", str(tiny_instance), "--out", ".", "--force"])
    assert again.exit_code == 2 and "working folder" in again.output
    generated = tmp_path / "generated"
    generated.mkdir()
    monkeypatch.chdir(generated)
    result = CliRunner().invoke(main, ["generate", "sact", "--zones", "3", "--sites", "2", "."])
    assert result.exit_code == 0, result.output
    assert (generated / "instance.yaml").is_file()


def test_a_batch_into_a_solves_run_folder_names_it(tiny_instance: Path, tmp_path: Path) -> None:
    """scenarios --out a folder solve wrote was refused as holding 'files optimiser did not write'."""
    run_folder = tmp_path / "run"
    assert CliRunner().invoke(main, ["solve", str(tiny_instance), "--out", str(run_folder)]).exit_code == 0
    before = sorted(p.name for p in run_folder.iterdir())
    (tiny_instance / "scenarios.yaml").write_text("scenarios:\n  base: {}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["scenarios", str(tiny_instance), "--out", str(run_folder)])
    assert result.exit_code == 2 and f"{run_folder} holds a run of optimiser solve" in result.output
    assert sorted(p.name for p in run_folder.iterdir()) == before


@pytest.mark.parametrize("force", [False, True])
def test_out_naming_a_file_is_refused_before_the_solve(
    tiny_instance: Path, tmp_path: Path, force: bool
) -> None:
    target = tmp_path / "report.pdf"
    target.write_text("a file")
    result = solve(tiny_instance, target, *(["--force"] if force else []))
    assert result.exit_code == 2
    assert "is not a folder" in result.output
    assert "Solving" not in result.output  # refused before the solve started
    assert target.read_text() == "a file"


def test_out_below_a_file_is_refused_before_the_solve(tiny_instance: Path, tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    result = solve(tiny_instance, tmp_path / "f" / "run")
    assert result.exit_code == 2 and "Solving" not in result.output
    assert "is not a folder" in result.output


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("../../escaped", "escaped"),
        ("/tmp/abs name", "tmp-abs-name"),
        ("..", "run"),
        (".hidden", "hidden"),
        ("LSC SACT 2026", "LSC-SACT-2026"),
        ("a\\..\\b", "a-b"),
    ],
)
def test_safe_slug(name: str, slug: str) -> None:
    assert safe_slug(name) == slug


@pytest.mark.parametrize("name", ["../../escaped", "/tmp/escaped-abs", "..\\..\\escaped"])
def test_default_run_folder_stays_under_runs(
    tiny_instance: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(yaml.read_text().replace("name: tiny", f"name: '{name}'"))
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    result = CliRunner().invoke(main, ["solve", str(tiny_instance)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    runs = list((work / "runs").iterdir())
    assert len(runs) == 1 and "escaped" in runs[0].name and "." not in runs[0].name
    assert not (tmp_path / "escaped").exists() and not Path("/tmp/escaped-abs").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "tiny"]


def test_a_clash_with_a_users_file_replaces_nothing(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with run_folder(out, "one") as tmp:
        (tmp / "a.csv").write_text("1")
        write_json(tmp / "run.json", {"files": ["a.csv"]})
    (out / "b.csv").write_text("the user's own b")
    with pytest.raises(OutputExistsError, match="b.csv"), run_folder(out, "two", force=True) as tmp:
        (tmp / "b.csv").write_text("2")
        write_json(tmp / "run.json", {"files": ["b.csv"]})
    assert (out / "b.csv").read_text() == "the user's own b"
    assert (out / "a.csv").read_text() == "1"
    assert sorted(os.listdir(tmp_path)) == ["run"]


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_run_and_instance_folders_get_the_umasks_mode(tmp_path: Path, umask: int) -> None:
    """A run folder shared with a colleague has the mode any new folder gets, not mkdtemp's 0700."""
    old = os.umask(umask)
    try:
        with run_folder(tmp_path / "run", "one") as tmp:
            (tmp / "a.csv").write_text("1")
        with instance_folder(tmp_path / "inst") as tmp:
            (tmp / "instance.yaml").write_text("kind: sact\n")
    finally:
        os.umask(old)
    for folder in ("run", "inst"):
        assert (tmp_path / folder).stat().st_mode & 0o777 == 0o777 & ~umask, folder


def test_a_failed_run_leaves_the_old_one(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with run_folder(out, "one") as tmp:
        (tmp / "a.csv").write_text("1")
    with pytest.raises(RuntimeError), run_folder(out, "two", force=True) as tmp:
        raise RuntimeError("solver crashed")
    assert (out / "a.csv").read_text() == "1" and (out / RUN_MARKER).read_text().strip() == "one"
    assert sorted(os.listdir(tmp_path)) == ["run"]


def test_summary_json_is_strict(tmp_path: Path) -> None:
    write_json(
        tmp_path / "s.json",
        {
            "a": math.inf,
            "b": [np.float64("nan"), -math.inf],
            "c": {"d": np.float32("inf")},
            "e": np.array([1.0, np.nan]),
            "f": 1.5,
        },
    )
    text = (tmp_path / "s.json").read_text()
    doc = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-strict constant {c}"))
    assert doc == {"a": None, "b": [None, None], "c": {"d": None}, "e": [1.0, None], "f": 1.5}


def test_workbook_text_is_a_string_cell_without_apostrophe(tmp_path: Path) -> None:
    """Item 12: in a workbook the cell's type protects text; the apostrophe stays in CSV only."""
    import zipfile

    import openpyxl
    import pandas as pd

    from optimiser.exports.safe import write_csv
    from optimiser.exports.workbook import write_workbook

    frame = pd.DataFrame({"=head": ["=1+1", "@SUM(A1)", "http://evil.example", "-2"], "n": [1, 2.5, -3, 4]})
    write_workbook(tmp_path / "w.xlsx", {"t": frame})
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx")["t"]
    cells = [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]
    assert cells == [
        [("=head", "s"), ("n", "s")],
        [("=1+1", "s"), (1, "n")],
        [("@SUM(A1)", "s"), (2.5, "n")],
        [("http://evil.example", "s"), (-3, "n")],
        [("-2", "s"), (4, "n")],
    ]
    assert all(c.hyperlink is None for row in ws.iter_rows() for c in row)
    with zipfile.ZipFile(tmp_path / "w.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "'=" not in sheet
    write_csv(frame, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().splitlines()[1] == "'=1+1,1.0"


def test_generate_force_replaces_only_an_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``generate --force`` never replaces a user's folder or the working one."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    args = ["generate", "sact", "--zones", "3", "--sites", "2", "--force"]
    result = CliRunner().invoke(main, [*args, str(mine)])
    assert result.exit_code == 2 and "was not written by optimiser generate or import" in result.output
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    first = tmp_path / "inst"
    assert CliRunner().invoke(main, [*args, str(first)]).exit_code == 0
    assert CliRunner().invoke(main, [*args, str(first)]).exit_code == 0  # an instance folder: replaced
    monkeypatch.chdir(first)
    result = CliRunner().invoke(main, [*args, "."])
    assert result.exit_code == 2 and "working folder" in result.output
    assert (first / "instance.yaml").exists()


def test_replacing_never_follows_a_symbolic_link(tmp_path: Path) -> None:
    from optimiser.outputs import replacing

    users = tmp_path / "users.csv"
    users.write_text("mine", encoding="utf-8")
    link = tmp_path / "comparison.csv"
    link.symlink_to(users)
    with replacing(link) as tmp:
        tmp.write_text("engine", encoding="utf-8")
    assert users.read_text(encoding="utf-8") == "mine"
    assert not link.is_symlink() and link.read_text(encoding="utf-8") == "engine"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_replacing_leaves_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    from optimiser.outputs import replacing

    path = tmp_path / "comparison.md"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), replacing(path) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["comparison.md"]


def test_generate_force_never_replaces_an_instance_of_yours(tiny_instance: Path) -> None:
    """An instance a user made (no marker) was once replaced whole by ``generate --force``: its
    tables, README, scenarios and notes deleted."""
    (tiny_instance / "README.md").write_text("our assumptions", encoding="utf-8")
    before = sorted(p.name for p in tiny_instance.iterdir())
    args = ["generate", "sact", "--zones", "3", "--sites", "2", "--force", str(tiny_instance)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "never an instance of yours" in result.output
    assert sorted(p.name for p in tiny_instance.iterdir()) == before
    assert "Z1,North" in (tiny_instance / "zones.csv").read_text(encoding="utf-8")


def test_generate_force_keeps_the_files_you_added(tmp_path: Path) -> None:
    """A generated instance is replaced file by file: what the user added to it stays."""
    inst = tmp_path / "inst"
    args = ["generate", "sact", "--zones", "3", "--sites", "2"]
    assert CliRunner().invoke(main, [*args, "--seed", "1", str(inst)]).exit_code == 0
    (inst / "scenarios.yaml").write_text("scenarios:\n  base: {}\n", encoding="utf-8")
    (inst / "runs" / "first").mkdir(parents=True)
    (inst / "runs" / "first" / "sites.csv").write_text("kept", encoding="utf-8")
    old_zones = (inst / "zones.csv").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, [*args, "--seed", "2", "--force", str(inst)])
    assert result.exit_code == 0, result.output
    assert (inst / "zones.csv").read_text(encoding="utf-8") != old_zones
    assert (inst / "scenarios.yaml").read_text(encoding="utf-8") == "scenarios:\n  base: {}\n"
    assert (inst / "runs" / "first" / "sites.csv").read_text(encoding="utf-8") == "kept"
    assert CliRunner().invoke(main, ["validate", str(inst)]).exit_code == 0


def test_a_batch_refuses_a_run_folder_of_yours_before_solving(tiny_instance: Path, tmp_path: Path) -> None:
    """A batch folder whose runs/base the user made (notes of theirs in it): the base solve was
    refused, request.json was written into the user's folder, and the command said 'No plan found
    in time ... give the command a longer --time-limit', 'base: not run'.  Now exit 2 naming the
    folder, before anything is solved, and the user's folder is left as it was."""
    out = tmp_path / "s"
    mine = out / "runs" / "base"
    mine.mkdir(parents=True)
    (out / ".optimiser-batch").write_text("", encoding="utf-8")
    (mine / "notes.txt").write_text("my notes\n", encoding="utf-8")
    (tiny_instance / "scenarios.yaml").write_text("scenarios:\n  base: {}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["scenarios", str(tiny_instance), "--out", str(out), "--no-report"])
    assert result.exit_code == 2, result.output
    assert str(mine) in result.output and "longer --time-limit" not in result.output
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    assert not (out / "comparison.csv").exists()


@pytest.mark.parametrize("name", ["zones.csv", "instance.yaml", "solver.log"])
def test_log_never_writes_into_the_instance(tiny_instance: Path, tmp_path: Path, name: str) -> None:
    """solve --log inst/zones.csv emptied the instance's own table and filled it with the solver's
    log (the run read it first, so only the next run failed, its data gone); any file in the
    instance folder is refused, exit 2, before anything is solved or written."""
    before = {p.name: p.read_bytes() for p in tiny_instance.iterdir()}
    result = solve(tiny_instance, tmp_path / "run", "--log", str(tiny_instance / name))
    assert result.exit_code == 2, result.output
    assert "--log" in result.output and "instance" in result.output
    assert {p.name: p.read_bytes() for p in tiny_instance.iterdir()} == before
    assert not (tmp_path / "run").exists()


def test_log_never_writes_into_another_instance(tiny_instance: Path, tmp_path: Path) -> None:
    """solve lsc-ooh --log ../lsc-cover/demand.csv emptied the other instance's table: only the
    folder of the instance being solved was refused. A file in any folder holding instance.yaml
    is refused, exit 2, before anything is solved or written."""
    other = Path(shutil.copytree(tiny_instance, tmp_path / "other"))
    before = {p.name: p.read_bytes() for p in other.iterdir()}
    result = solve(tiny_instance, tmp_path / "run", "--log", str(other / "zones.csv"))
    assert result.exit_code == 2, result.output
    assert f"--log {other / 'zones.csv'}: lies in the instance folder {other}" in result.output
    assert {p.name: p.read_bytes() for p in other.iterdir()} == before
    assert not (tmp_path / "run").exists()


def test_a_batch_folder_is_never_taken_over_by_another_command(tmp_path: Path) -> None:
    """regret --out a folder scenarios wrote replaced its comparison.csv, .xlsx, .md and report
    with the regret table and mixed the site runs in with the scenarios': one command's folder
    is refused to another, exit 2, and a rerun of the same command still resumes there."""
    from optimiser.commands.batch import BATCH_MARKER, claim_out

    out = tmp_path / "study"
    assert claim_out(out, "scenarios") == out
    (out / "comparison.csv").write_text("scenario\nbase\n", encoding="utf-8")
    with pytest.raises(SystemExit) as refused:
        claim_out(out, "regret")
    assert refused.value.code == 2
    assert (out / "comparison.csv").read_text(encoding="utf-8") == "scenario\nbase\n"
    assert claim_out(out, "scenarios") == out
    (out / BATCH_MARKER).write_text("written by optimiser scenarios / frontier / regret\n", encoding="utf-8")
    assert claim_out(out, "regret") == out  # a folder marked before the marker named its command


def test_a_batch_out_that_is_a_symbolic_link_is_refused_as_solve_refuses_it(tmp_path: Path) -> None:
    """A batch's --out linked to an empty folder elsewhere was written through the link, where
    solve refuses any link: both refuse it, exit 2, and nothing is written behind it."""
    from optimiser.commands.batch import claim_out

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "study"
    link.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(SystemExit) as refused:
        claim_out(link, "scenarios")
    assert refused.value.code == 2 and list(elsewhere.iterdir()) == []


@pytest.mark.slow
def test_regret_keeps_every_run_inside_its_out_folder(tiny_instance: Path, tmp_path: Path) -> None:
    """A site id 'q/../../../pwn' (site ids are free text) made regret write its forced run at
    <out>/../../pwn, outside --out, and then call it 'not run' ('give the command a longer
    --time-limit'); each run's folder is the site id made a safe name, and the row keeps the id."""
    site = "q/../../../pwn"
    for table in ("sites.csv", "travel.csv"):
        path = tiny_instance / table
        path.write_text(path.read_text().replace("\nB,", f"\n{site},").replace(",B,", f",{site},"))
    out = tmp_path / "deep" / "er" / "reg"
    result = CliRunner().invoke(
        main, ["regret", str(tiny_instance), "--out", str(out), "--workers", "1", "--no-report"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep", "tiny"]
    assert sorted(p.name for p in (out / "runs").iterdir()) == [
        "close-A",
        "close-q~2F..~2F..~2F..~2Fpwn",
        "optimum",
    ]
    regret = pd.read_csv(out / "regret.csv", dtype=str)
    assert site in set(regret["site_id"])


@pytest.mark.slow
def test_regret_matches_a_site_whose_id_begins_as_a_formula(tiny_instance: Path, tmp_path: Path) -> None:
    """Site '=B' is written '\'=B' to the plan's sites.csv (formula-safe); regret read it back as
    '\'=B', forced --close '\'=B' (unknown site: 'not run') and differences.csv quoted it twice."""
    from optimiser.exports.safe import read_written_csv

    for table in ("sites.csv", "travel.csv"):
        path = tiny_instance / table
        path.write_text(path.read_text().replace("\nB,", "\n=B,").replace(",B,", ",=B,"))
    out = tmp_path / "reg"
    result = CliRunner().invoke(main, ["regret", str(tiny_instance), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    regret = read_written_csv(out / "regret.csv", dtype={"site_id": str}).set_index("site_id")
    assert regret.loc["=B", "status"] == "optimal" and regret.loc["=B", "regret"] == pytest.approx(10000.0)
    differences = read_written_csv(out / "differences.csv", dtype=str)
    assert set(differences["key"]) == {"A", "=B"}
    assert "&#x27;=B" not in (out / "report.html").read_text(encoding="utf-8")


def test_an_empty_folder_made_for_the_run_is_used(tiny_instance: Path, tmp_path: Path) -> None:
    """mkdir results, then solve --out results: refused, 'already exists; ... add --force to
    replace it', and with --force refused again as not written by optimiser, a circle with
    nothing in the folder to lose; an empty folder is used as a new one, as a batch's is."""
    out = tmp_path / "results"
    out.mkdir()
    result = solve(tiny_instance, out)
    assert result.exit_code == 0, result.output
    assert (out / "summary.json").is_file() and (out / RUN_MARKER).is_file()


def test_force_is_advised_only_where_it_would_replace(tiny_instance: Path, tmp_path: Path) -> None:
    """A folder of the user's was refused with 'add --force to replace it', which --force then
    refused too; --force is advised only for a folder optimiser wrote."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    result = solve(tiny_instance, mine)
    assert result.exit_code == 2 and "already exists" in result.output
    assert "--force" not in result.output and f"has no {RUN_MARKER} file" in result.output
    ours = tmp_path / "run"
    assert solve(tiny_instance, ours).exit_code == 0
    result = solve(tiny_instance, ours)
    assert result.exit_code == 2 and "add --force to replace it" in result.output
