"""The runner on a local Dask cluster: rows, resume, limits, skipped backends, published checks.

Most cases are probes (tests/benchmarks/probe_families.py) that sleep, hold memory or return a
given objective, so that the harness is tested in seconds; one test solves a real generated
SACT instance and one a real OR-Library instance.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.suite import PublishedValueMismatch, SettingsChanged, run_suite
from benchmarks.suite.backends import MILP_BACKENDS, unavailable_reason
from benchmarks.suite.registry import Context, Published
from benchmarks.suite.runner import RESULTS_LOG, read_rows
from benchmarks.suite.tasks import COLUMNS

FAST = {"time_limit": 20, "gap": 0, "threads": 1, "wall_limit": 60, "memory_limit_mb": 1500}


def probe_suite(probes: list[dict], backends: list[str] | None = None, **settings: object) -> dict:
    return {
        "settings": FAST | settings,
        "backends": backends or ["highs"],
        "cases": [{"family": "probe", "probes": probes}],
    }


def test_rows_with_every_column_from_a_local_cluster(probes: None, make_suite, tmp_path: Path) -> None:
    suite = make_suite(
        {
            "settings": FAST | {"gap": 1e-4},
            "backends": ["highs"],
            "cases": [
                {"family": "sact-generated", "sizes": ["20x4"], "seeds": [0]},
                {"family": "probe", "probes": [{"name": "p1", "objective": 7, "published": 7, "size": 10}]},
            ],
        }
    )
    out = tmp_path / "out"
    lines: list[str] = []
    outcome = run_suite(suite, out, context=Context(None), workers=2, report=False, echo=lines.append)
    table = pd.read_csv(out / "results.csv")
    assert list(table.columns) == list(COLUMNS)
    assert outcome.ran == 2 and len(table) == 2 and len(read_rows(out / RESULTS_LOG)) == 2
    by_case = table.set_index("case")
    sact = by_case.loc["sact-20x4-s0"]
    assert sact["status"] == "optimal" and sact["model"] == "sact" and sact["size"] == "20x4"
    assert sact["objective"] > 0 and sact["bound"] <= sact["objective"] + 1e-6
    assert sact["build_seconds"] > 0 and sact["solve_seconds"] >= 0 and sact["wall_seconds"] > 0
    assert sact["peak_memory_mb"] > 10 and sact["check"] == "-"
    probe = by_case.loc["p1"]
    assert probe["check"] == "ok" and probe["relative_error"] == 0 and probe["published"] == 7
    assert any("sact-20x4-s0 highs#0: optimal" in line for line in lines)
    assert json.loads((out / "run.json").read_text())["suite"] == "test"


@pytest.mark.slow
def test_resume_skips_finished_tasks(probes: None, make_suite, tmp_path: Path) -> None:
    suite = make_suite(probe_suite([{"name": "a"}, {"name": "b"}]))
    out = tmp_path / "out"
    first = run_suite(suite, out, context=Context(None), workers=2, report=False)
    assert first.ran == 2
    # an interruption after the first row: only "a" reached the log (and half a line of "b")
    log = out / RESULTS_LOG
    rows = read_rows(log)
    kept = next(r for r in rows if r["case"] == "a")
    log.write_text(json.dumps(kept) + "\n" + '{"key": "probe/b|hi', encoding="utf-8")
    second = run_suite(suite, out, context=Context(None), workers=2, report=False)
    assert (second.ran, second.resumed) == (1, 1)
    assert sorted(second.rows["case"]) == ["a", "b"]
    assert second.rows.set_index("case").loc["a", "finished_at"] == kept["finished_at"]
    third = run_suite(suite, out, context=Context(None), report=False)
    assert (third.ran, third.resumed) == (0, 2)
    retried = run_suite(suite, out, context=Context(None), retry=("timeout", "optimal"), report=False)
    assert (retried.ran, retried.resumed) == (2, 0) and len(retried.rows) == 2
    changed = make_suite(probe_suite([{"name": "a"}, {"name": "b"}], time_limit=5))
    with pytest.raises(SettingsChanged, match="time_limit 20.0 -> 5.0"):
        run_suite(changed, out, context=Context(None), report=False)


def test_wrong_published_optimum_fails_loudly(probes: None, make_suite, tmp_path: Path) -> None:
    suite = make_suite(
        probe_suite(
            [
                {"name": "right", "objective": 10, "published": 10},
                {"name": "wrong", "objective": 10, "published": 9.5},
                {"name": "best-known", "objective": 10, "published": 9.5, "kind": "best_known"},
            ]
        )
    )
    out = tmp_path / "out"
    with pytest.raises(
        PublishedValueMismatch,
        match=r"wrong with highs: proven optimal objective 10 \(bound 10\) differs from the published optimum 9.5",
    ) as exc:
        run_suite(suite, out, context=Context(None), workers=2)
    assert [r["case"] for r in exc.value.rows] == ["wrong"]
    table = pd.read_csv(out / "results.csv").set_index("case")  # everything was written first
    assert table["check"].to_dict() == {"right": "ok", "wrong": "mismatch", "best-known": "-"}
    assert (out / "report.md").is_file()


def test_wrong_published_value_on_a_real_proven_optimum(
    shared_dir: Path, make_suite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks.suite import registry

    monkeypatch.setattr(
        registry, "published_values", lambda: {("pmed", "pmed1"): Published(5818, "optimum", 1e-3, "wrong")}
    )
    suite = make_suite(
        {"settings": FAST, "backends": ["highs"], "cases": [{"family": "pmed", "instances": ["pmed1"]}]}
    )
    with pytest.raises(PublishedValueMismatch, match=r"pmed1 with highs: .*5819.* published optimum 5818"):
        run_suite(suite, tmp_path / "out", context=Context(shared_dir / "benchmarks"), report=False)


def test_missing_backend_is_skipped_with_a_note(probes: None, make_suite, tmp_path: Path) -> None:
    missing = next(
        (b for b in MILP_BACKENDS if unavailable_reason(b) and b in ("pyomo-highs", "pyomo-scip")), None
    )
    if missing is None:
        pytest.skip("every probe backend is installed here")
    suite = make_suite(probe_suite([{"name": "a"}], backends=["highs", missing, "cpsat"]))
    notes: list[str] = []
    outcome = run_suite(suite, tmp_path / "out", context=Context(None), report=False, echo=notes.append)
    table = outcome.rows.set_index("backend")
    assert table.loc["highs", "status"] == "optimal"
    assert table.loc[missing, "status"] == "skipped" and "not installed" in table.loc[missing, "note"]
    assert (
        table.loc["cpsat", "status"] == "skipped" and "cannot solve probe cases" in table.loc["cpsat", "note"]
    )
    assert any(missing in n for n in notes)
    # a skipped task is tried again next time, a finished one is not
    again = run_suite(suite, tmp_path / "out", context=Context(None), report=False)
    assert (again.ran, again.resumed) == (0, 1) and len(again.rows) == 3


def test_all_backends_means_the_installed_ones_and_notes_the_rest(probes: None, make_suite) -> None:
    from benchmarks.suite.tasks import plan_suite

    data = probe_suite([{"name": "a"}])
    data["backends"] = "all"
    plan = plan_suite(make_suite(data), Context(None))
    usable = ("highs", "pyomo-highs", "pyomo-scip")
    assert [t.backend for t in plan.tasks] == [b for b in usable if unavailable_reason(b) is None]
    assert not plan.skipped
    assert list(plan.notes) == [unavailable_reason(b) for b in usable if unavailable_reason(b)]


@pytest.mark.slow
def test_wall_clock_and_memory_limits_kill_the_case(probes: None, make_suite, tmp_path: Path) -> None:
    suite = make_suite(
        probe_suite(
            [{"name": "sleeper", "seconds": 60}, {"name": "hog", "memory_mb": 600, "seconds": 60}],
            wall_limit=6,
            memory_limit_mb=300,
        )
    )
    outcome = run_suite(suite, tmp_path / "out", context=Context(None), workers=2, report=False)
    table = outcome.rows.set_index("case")
    assert (
        table.loc["sleeper", "status"] == "timeout"
        and "wall-clock limit of 6 s" in table.loc["sleeper", "note"]
    )
    assert table.loc["hog", "status"] == "killed" and "above the limit of 300 MB" in table.loc["hog", "note"]
    assert table.loc["hog", "peak_memory_mb"] > 300
    assert (tmp_path / "out" / "logs").is_dir()


def test_runs_on_an_existing_cluster_by_address(probes: None, make_suite, tmp_path: Path) -> None:
    from dask.distributed import LocalCluster

    suite = make_suite(probe_suite([{"name": "a"}, {"name": "b"}]))
    with LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        dashboard_address=":0",
        scheduler_kwargs={"dashboard": False},
    ) as cluster:
        outcome = run_suite(
            suite, tmp_path / "out", context=Context(None), scheduler=cluster.scheduler_address, report=False
        )
        assert any(prefix.startswith("bench") for prefix in cluster.scheduler.task_prefixes)
    assert outcome.ran == 2 and set(outcome.rows["status"]) == {"optimal"}


def test_terminating_the_runner_kills_its_cases(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil
    import yaml

    from benchmarks.suite.registry import MODULES_ENV, REPO_ROOT

    suite = tmp_path / "sleepy.yaml"
    data = probe_suite([{"name": "sleeper", "seconds": 120}], wall_limit=200)
    suite.write_text(yaml.safe_dump(data), encoding="utf-8")
    code = (
        "from pathlib import Path; from benchmarks.suite import load_suite, run_suite; "
        "from benchmarks.suite.registry import Context; "
        f"run_suite(load_suite({str(suite)!r}), Path({str(tmp_path / 'out')!r}), context=Context(None), "
        "workers=1, report=False)"
    )
    env = dict(os.environ, **{MODULES_ENV: "tests.benchmarks.probe_families"})
    runner = subprocess.Popen([sys.executable, "-c", code], cwd=REPO_ROOT, env=env)
    try:
        deadline, cases = time.monotonic() + 60, []
        while not cases and time.monotonic() < deadline:
            time.sleep(0.5)
            kids = psutil.Process(runner.pid).children(recursive=True)
            cases = [p for p in kids if "benchmarks.suite.worker" in " ".join(p.cmdline())]
        assert cases, "the case process did not start"
        runner.send_signal(signal.SIGTERM)
        assert runner.wait(timeout=30) != 0
        gone, alive = psutil.wait_procs(cases, timeout=10)
        assert not alive, f"case process(es) {[p.pid for p in alive]} outlived the runner"
    finally:
        if runner.poll() is None:
            runner.kill()


def test_a_folder_of_another_suites_results_is_refused(probes: None, make_suite, tmp_path: Path) -> None:
    """Suite 'other' run into smoke's folder titled its report 'other' over smoke's 16 rows too,
    and said '17 of 17 optimal; 5 matched a published optimum' of a suite with no published value."""
    from benchmarks.suite.runner import OtherSuite

    out = tmp_path / "out"
    run_suite(
        make_suite(probe_suite([{"name": "a"}]), name="first"), out, context=Context(None), report=False
    )
    second = make_suite(probe_suite([{"name": "b"}]), name="second")
    with pytest.raises(OtherSuite, match="holds the results of suite 'first', not 'second'"):
        run_suite(second, out, context=Context(None), report=False)
    fresh = run_suite(second, out, context=Context(None), fresh=True, report=False)
    assert fresh.rows["case"].tolist() == ["b"]


def test_ctrl_c_keeps_every_finished_task_in_results_csv_and_marks_the_rest_interrupted(
    probes: None, make_suite, tmp_path: Path
) -> None:
    """bench SUITE interrupted by Ctrl-C part way: it said 'Aborted!' (exit 1) and left
    results.csv as the run before had written it (none on a first run), without the tasks it had
    just finished, and nothing said which tasks were left."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import yaml

    from benchmarks.suite.registry import MODULES_ENV, REPO_ROOT

    out = tmp_path / "out"
    earlier = run_suite(make_suite(probe_suite([{"name": "a"}])), out, context=Context(None), report=False)
    suite = tmp_path / "test.yaml"
    probes_now = [{"name": "a"}, {"name": "b"}, {"name": "sleeper", "seconds": 120}]
    suite.write_text(yaml.safe_dump(probe_suite(probes_now, wall_limit=200)), encoding="utf-8")
    command = [sys.executable, "-m", "optimiser", "bench", str(suite), "--out", str(out), "--workers", "2"]
    env = dict(os.environ, **{MODULES_ENV: "tests.benchmarks.probe_families"})
    bench = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, start_new_session=True, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(r["case"] == "b" for r in read_rows(out / RESULTS_LOG)):
            time.sleep(0.5)
        os.killpg(bench.pid, signal.SIGINT)  # Ctrl-C reaches the terminal's whole process group
        _, said = bench.communicate(timeout=180)  # a ceiling: dask's workers shut down slowly under load
    finally:
        if bench.poll() is None:
            bench.kill()
    assert bench.returncode == 130, said
    assert "Stopped (Ctrl-C or SIGTERM): 1 of 2 tasks finished" in said and "Aborted!" not in said
    table = pd.read_csv(out / "results.csv").set_index("case")
    assert dict(table["status"]) == {"a": "optimal", "b": "optimal", "sleeper": "interrupted"}
    assert table.loc["a", "finished_at"] == earlier.rows.set_index("case").loc["a", "finished_at"]
    assert "the same command runs it" in table.loc["sleeper", "note"]
    report = (out / "report.md").read_text(encoding="utf-8")  # this run's, not none or the last one's
    summary = report.split("## Summary by family and backend")[1].split("##")[0]
    header, _, row = (line for line in summary.strip().splitlines() if line.startswith("|"))
    cells = dict(
        zip((c.strip() for c in header.split("|")), (c.strip() for c in row.split("|")), strict=True)
    )
    assert (cells["tasks"], cells["optimal"], cells["interrupted"]) == ("3", "2", "1")
