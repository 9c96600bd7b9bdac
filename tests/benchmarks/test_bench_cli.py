"""``optimiser bench``: usage errors, listing, a run that resumes, and a mismatch that exits 3."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from optimiser.commands.bench import EXIT_BAD_INPUT, EXIT_MISMATCH, EXIT_NOT_REPRODUCED, bench

SETTINGS = {"time_limit": 10, "gap": 0, "threads": 1, "wall_limit": 60, "memory_limit_mb": 1500}


def invoke(*args: str):
    return CliRunner().invoke(bench, list(args), catch_exceptions=False)


def write_suite(folder: Path, probes: list[dict]) -> Path:
    path = folder / "probes.yaml"
    data = {
        "name": "probes",
        "settings": SETTINGS,
        "backends": ["highs"],
        "cases": [{"family": "probe", "probes": probes}],
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_help_and_usage_errors() -> None:
    assert invoke("--help").exit_code == 0
    unknown = invoke("no-such-suite")
    assert (
        unknown.exit_code == EXIT_BAD_INPUT
        and "shipped suites: " in unknown.output
        and "smoke" in unknown.output
    )
    bad = invoke("smoke", "--backends", "highs,gurobi")
    assert bad.exit_code == EXIT_BAD_INPUT and "unknown backend(s) gurobi" in bad.output


def test_list_shows_tasks_without_running(tmp_path: Path) -> None:
    result = invoke("smoke", "--list", "--data", str(tmp_path), "--backends", "highs", "--time-limit", "5")
    assert result.exit_code == 0
    assert "sact-generated/sact-20x4-s0|highs|0" in result.output and "time limit 5.0" in result.output
    assert "pmed: " in result.output and "not found" in result.output


def test_run_then_resume(probes: None, tmp_path: Path) -> None:
    suite = write_suite(tmp_path, [{"name": "a", "objective": 3, "published": 3}])
    out = tmp_path / "out"
    first = invoke(str(suite), "--out", str(out), "--workers", "1")
    assert first.exit_code == 0, first.output
    assert "probes: 1 task run now, 0 resumed; 1 of 1 optimal; 1 matched a published optimum" in first.output
    assert (out / "report.md").is_file() and (out / "results.csv").is_file()
    again = invoke(str(suite), "--out", str(out))
    assert "0 tasks run now, 1 resumed" in again.output
    changed = invoke(str(suite), "--out", str(out), "--time-limit", "3")
    assert changed.exit_code == EXIT_BAD_INPUT and "--fresh" in changed.output


def test_mismatch_exits_3_naming_the_case(probes: None, tmp_path: Path) -> None:
    suite = write_suite(tmp_path, [{"name": "off-by-one", "objective": 8, "published": 7}])
    result = invoke(str(suite), "--out", str(tmp_path / "out"), "--workers", "1")
    assert result.exit_code == EXIT_MISMATCH
    assert "FAILED: 1 result(s) contradict the published optimum" in result.output
    assert "off-by-one with highs: proven optimal objective 8" in result.output


@pytest.mark.slow
def test_against_a_recorded_run_names_what_is_not_reproduced(probes: None, tmp_path: Path) -> None:
    recorded = tmp_path / "recorded"
    assert (
        invoke(str(write_suite(tmp_path, [{"name": "a", "objective": 3}])), "--out", str(recorded)).exit_code
        == 0
    )
    same = invoke(
        str(write_suite(tmp_path, [{"name": "a", "objective": 3}])),
        "--out",
        str(tmp_path / "same"),
        "--against",
        str(recorded),
    )
    assert same.exit_code == 0 and "Against the recorded run: 1 same" in same.output
    other = invoke(
        str(write_suite(tmp_path, [{"name": "a", "objective": 4}])),
        "--out",
        str(tmp_path / "other"),
        "--against",
        str(recorded / "results.csv"),
    )
    assert other.exit_code == EXIT_NOT_REPRODUCED
    assert "a highs#0: changed (recorded optimal 3, now optimal 4)" in other.output


def test_out_must_be_new_empty_or_an_earlier_run(tmp_path: Path) -> None:
    """--out naming a file ended in a traceback (FileExistsError); a folder of the user's files was
    written into, its results.csv, report.md or run.json replaced."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.md").write_text("my report", encoding="utf-8")
    result = invoke("smoke", "--out", str(mine))
    assert result.exit_code == EXIT_BAD_INPUT and "did not write" in result.output
    assert sorted(p.name for p in mine.iterdir()) == ["report.md"]
    assert (mine / "report.md").read_text(encoding="utf-8") == "my report"
    file = tmp_path / "notes.txt"
    file.write_text("keep", encoding="utf-8")
    result = invoke("smoke", "--out", str(file))
    assert result.exit_code == EXIT_BAD_INPUT and "is not a folder" in result.output
    assert file.read_text(encoding="utf-8") == "keep"


def test_a_run_with_every_case_left_out_can_be_run_again(tmp_path: Path) -> None:
    """Without the public sets every case is left out; the run wrote results.csv, report.md and
    run.json but no results.jsonl, so the same command again was refused ("holds files optimiser
    bench did not write") for the files it had written itself."""
    out = tmp_path / "run"
    args = ("shift-lines", "--data", str(tmp_path / "no-data"), "--out", str(out))
    first = invoke(*args)
    assert first.exit_code == 0 and "0 tasks run now" in first.output
    again = invoke(*args)
    assert again.exit_code == 0, again.output


def _suite_file(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_SUITE = """\
name: tiny
settings: {time_limit: 10, threads: 1}
backends: [highs]
cases:
  - family: sact-generated
    sizes: [20x4]
    seeds: [0]
"""


def test_a_suite_file_that_cannot_be_read_is_exit_2_naming_file_and_key(tmp_path: Path) -> None:
    """Bad YAML, a size not NxM, seeds not a list, a setting not a number or not above 0: no traceback."""
    broken = {
        "bad-yaml": ("name: bad\ncases: [\n  - family: x\n", "(line 3, column 3)"),
        "bad-size": (GOOD_SUITE.replace("20x4", "20y4"), "cases item 1 (sact-generated): size '20y4'"),
        "scalar-seeds": (GOOD_SUITE.replace("seeds: [0]", "seeds: 0"), "cases item 1 (sact-generated)"),
        "word-limit": (GOOD_SUITE.replace("time_limit: 10", "time_limit: ten"), "time_limit: 'ten' is not"),
        "negative-limit": (GOOD_SUITE.replace("time_limit: 10", "time_limit: -3"), "time_limit: -3 must be"),
        "no-repeats": (GOOD_SUITE.replace("threads: 1", "repeat: 0"), "repeat: 0 must be at least 1"),
        "half-thread": (GOOD_SUITE.replace("threads: 1", "threads: 1.5"), "threads: 1.5 is not a whole"),
        "misspelt-sizes": (
            GOOD_SUITE.replace("sizes:", "size:"),
            "cases item 1 (sact-generated): makes no case",
        ),
        "misspelt-backend": (
            GOOD_SUITE.replace("[highs]", "[hihgs]"),
            "unknown backend(s) hihgs; known: highs",
        ),
        "misspelt-seeds": (GOOD_SUITE.replace("seeds:", "seed:"), "unknown key(s) seed (read: seeds, sizes)"),
    }
    for name, (text, said) in broken.items():
        path = _suite_file(tmp_path, name, text)
        for args in (["--list"], ["--out", str(tmp_path / f"out-{name}")]):
            result = CliRunner().invoke(bench, [str(path), *args])
            assert result.exit_code == EXIT_BAD_INPUT, (name, result.output, result.exception)
            assert str(path) in result.output and said in result.output, (name, result.output)
        assert not (tmp_path / f"out-{name}").exists()


def test_against_a_file_that_is_no_recorded_run_is_exit_2_before_running(tmp_path: Path) -> None:
    """It ran the whole suite, then ended in pandas' KeyError traceback (exit 1)."""
    junk = tmp_path / "notes.csv"
    junk.write_text("a,b\n1,2\n", encoding="utf-8")
    suite = _suite_file(tmp_path, "tiny", GOOD_SUITE)
    for against, said in ((junk, "no column(s) case, backend, repeat"), (tmp_path, "results.csv")):
        result = CliRunner().invoke(
            bench, [str(suite), "--out", str(tmp_path / "out"), "--against", str(against)]
        )
        assert result.exit_code == EXIT_BAD_INPUT, (result.output, result.exception)
        assert "not a recorded run's results.csv" in result.output and said in result.output
        assert not (tmp_path / "out").exists()


def test_retry_of_a_status_no_task_can_have_is_exit_2(tmp_path: Path) -> None:
    """--retry tiemout retried nothing and said '0 tasks run now', as if none had timed out."""
    result = invoke("smoke", "--retry", "tiemout,killed", "--out", str(tmp_path / "out"))
    assert result.exit_code == EXIT_BAD_INPUT
    assert "--retry: unknown status(es) tiemout; known: " in result.output and "timeout" in result.output
    assert not (tmp_path / "out").exists()


def test_a_scheduler_address_nothing_answers_is_exit_2_naming_it(tmp_path: Path) -> None:
    """--scheduler with a wrong address ended in dask's OSError or ValueError traceback."""
    suite = _suite_file(tmp_path, "tiny", GOOD_SUITE)
    result = invoke(str(suite), "--out", str(tmp_path / "out"), "--scheduler", "notaproto://x")
    assert result.exit_code == EXIT_BAD_INPUT
    assert "--scheduler notaproto://x: no Dask scheduler answers there" in result.output
