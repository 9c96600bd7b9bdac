"""A multi-solve command's ``--time-limit`` is the whole command's wall clock (the brief's standard).

Its solves share the time left before the command's deadline (:func:`optimiser.commands.batch.start_clock`):
each job's ``--time-limit`` is its share, never more than the time left when it starts, and a job
that would start with too little left is not started.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from optimiser.cli import main
from optimiser.commands import batch
from optimiser.commands.parallel import LEAST_JOB_SECONDS, _run_job, job_share, with_time_limit


def test_the_time_limit_argument_is_replaced_or_added() -> None:
    assert with_time_limit(["inst", "--time-limit", "600", "--gap", "0.01"], 12.5) == [
        "inst", "--time-limit", "12.500", "--gap", "0.01",
    ]  # fmt: skip
    assert with_time_limit(["inst"], 3.0) == ["inst", "--time-limit", "3.000"]


def test_jobs_share_the_time_left_over_their_rounds() -> None:
    deadline = time.time() + 100.0
    assert job_share(deadline, 5, 2) == pytest.approx(100.0 / 3, abs=0.1)  # 3 rounds of 2 at once
    assert job_share(deadline, 1, 2) == pytest.approx(100.0, abs=0.1)
    assert job_share(time.time() - 5.0, 4, 2) == 0.0


def test_a_job_with_too_little_time_left_is_not_started(tmp_path: Path) -> None:
    payload = {
        "name": "late", "folder": str(tmp_path / "late"), "arguments": ["no-such-instance"],
        "request": {}, "wall_seconds": 60.0, "memory_mb": None, "start": None,
        "deadline": time.time() + LEAST_JOB_SECONDS / 2, "share": 30.0,
    }  # fmt: skip
    outcome = _run_job(payload)
    assert outcome["status"] == "timeout" and outcome["returncode"] is None
    assert outcome["note"].startswith("not started: its share of the command's --time-limit was")
    assert not (tmp_path / "late").exists()


def test_a_share_just_under_the_least_is_not_said_to_be_the_least(tmp_path: Path) -> None:
    """A frontier at --time-limit 8 said its base 'was not started: its share ... was 2.0 s, under
    2 s': 1.96 s shown rounded up to the very least it fell short of."""
    payload = {
        "name": "base", "folder": str(tmp_path / "base"), "arguments": ["no-such-instance"],
        "request": {}, "wall_seconds": 60.0, "memory_mb": None, "start": None,
        "deadline": time.time() + 60.0, "share": LEAST_JOB_SECONDS - 0.04,
    }  # fmt: skip
    note = _run_job(payload)["note"]
    assert f"was {LEAST_JOB_SECONDS - 0.1:.1f} s, under {LEAST_JOB_SECONDS:g} s" in note, note


def test_a_job_leaves_no_scratch_folder_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A job's log lives in a scratch folder of its own, read for the note of a bad instance (exit 2)
    and then removed: a regret of 20 sites must not leave 20 folders in the temporary directory."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr("tempfile.tempdir", None)
    payload = {
        "name": "bad", "folder": str(tmp_path / "bad"), "arguments": [str(tmp_path / "no-such-instance")],
        "request": {}, "wall_seconds": 60.0, "memory_mb": None, "start": None,
        "deadline": None, "share": None,
    }  # fmt: skip
    outcome = _run_job(payload)
    assert outcome["returncode"] == 2
    assert "no-such-instance" in outcome["note"]
    assert list((tmp_path / "tmp").iterdir()) == []


def test_the_clock_keeps_back_the_writing_reserve() -> None:
    batch.start_clock(100.0)
    assert batch._deadline is not None
    left = batch._deadline - time.time()
    assert 80.0 < left < 100.0  # 5 % and the exit kept back for the tables and the report


@pytest.mark.slow
def test_scenarios_share_the_commands_time_limit(tiny_instance: Path, tmp_path: Path) -> None:
    """Four scenarios, two at once, under a 40 s limit for the whole command: each solve is given
    at most the time left over the two rounds (about 19 s), not the 40 s, and the command ends
    within its limit."""
    (tiny_instance / "scenarios.yaml").write_text(
        "scenarios:\n  base: {}\n  no-b: {close: [B]}\n  no-a: {close: [A]}\n"
        "  dearer-travel: {set: {travel_cost_per_minute: 2.0}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "scenarios"
    started = time.monotonic()
    result = CliRunner().invoke(
        main, ["scenarios", str(tiny_instance), "--out", str(out), "--time-limit", "40", "--no-report"]
    )
    took = time.monotonic() - started
    assert result.exit_code == 0, result.output
    limits = []
    for name in ("base", "no-b", "no-a", "dearer-travel"):
        summary = json.loads((out / "runs" / name / "summary.json").read_text(encoding="utf-8"))
        assert summary["plan_found"]
        limits.append(summary["solver"]["options"]["time_limit"])
    assert all(limit <= 40.0 / 2 for limit in limits), limits
    assert took < 40.0


def test_a_lone_job_takes_the_idle_workers_threads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fewer jobs than workers: each job's ``--threads`` is ``workers // jobs`` (the command it runs
    is recorded instead of run)."""
    from optimiser.commands import parallel

    seen: list[list[str]] = []

    class Limited:
        status, returncode, wall_seconds, peak_memory_mb, note = "finished", 0, 0.0, 0.0, ""

    def record(command: list[str], **_: object) -> Limited:
        seen.append(command)
        return Limited()

    monkeypatch.setattr("optimiser.processes.limits.run_limited", record)
    args = ("inst", "--time-limit", "600", "--threads", "1")
    jobs = [parallel.Job(n, tmp_path / n, args, {}) for n in ("one",)]
    parallel.run_jobs(jobs, wall_seconds=60, memory_mb=None, workers=2, deadline=time.time() + 100)
    (command,) = seen
    assert command[command.index("--threads") + 1] == "2"
    assert float(command[command.index("--time-limit") + 1]) <= 100.0
    seen.clear()
    pair = [parallel.Job(n, tmp_path / n, args, {}) for n in ("a", "b")]
    parallel.run_jobs(pair, wall_seconds=60, memory_mb=None, workers=2, deadline=time.time() + 100)
    assert [c[c.index("--threads") + 1] for c in seen] == ["1", "1"]


def test_a_limit_too_short_for_the_first_solve_says_so(tiny_instance: Path, tmp_path: Path) -> None:
    """regret under 2 s: the first solve's share is under the least a solve is started with, so it
    is not started, and the command says why (not "the instance has no plan") and exits 1."""
    out = tmp_path / "regret"
    result = CliRunner().invoke(
        main, ["regret", str(tiny_instance), "--out", str(out), "--time-limit", "2", "--no-report"]
    )
    assert result.exit_code == 1
    assert "optimum was not started: its share of the command's --time-limit was" in result.output
    assert "give the command a longer --time-limit" in result.output
    assert "The instance has no plan" not in result.output


def test_scenarios_none_of_which_ran_exit_1_and_say_so(tiny_instance: Path, tmp_path: Path) -> None:
    """Under 2 s no scenario is started: the comparison lists them 'not run', and the command says
    no plan was found in time and exits 1 (as a solve does), never 0."""
    (tiny_instance / "scenarios.yaml").write_text("scenarios:\n  base: {}\n  no-b: {close: [B]}\n")
    out = tmp_path / "scenarios"
    result = CliRunner().invoke(
        main, ["scenarios", str(tiny_instance), "--out", str(out), "--time-limit", "1", "--no-report"]
    )
    assert result.exit_code == 1, result.output
    assert (
        "No plan found in time for 2 of 2 scenarios: give the command a longer --time-limit "
        "(run again, it keeps the finished solves):\n  - base: not run\n  - no-b: not run\n"
    ) in result.output
    assert (out / "comparison.csv").is_file()


def test_unanswered_runs_are_those_without_a_plan_or_a_proof_there_is_none(tmp_path: Path) -> None:
    runs = {name: tmp_path / name for name in ("optimal", "infeasible", "stopped", "failed", "missing")}
    for name, folder in runs.items():
        if name != "missing":
            status = {"stopped": "no_solution", "failed": "error"}.get(name, name)
            folder.mkdir()
            (folder / "summary.json").write_text(json.dumps({"solver": {"status": status}}))
    assert batch.unanswered(runs) == {
        "stopped": "stopped before any plan was found",
        "failed": "the solver failed",
        "missing": "not run",
    }


def test_the_least_cost_so_far_is_the_commands_over_all_its_batches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A frontier runs its ends, then its points, each a batch: the points' progress said 'least
    cost so far 3,050,208 (point-01)' after the base had given 1,494,461."""
    from optimiser.commands.batch import BatchProgress, start_clock
    from optimiser.commands.parallel import Job, JobOutcome

    def job(name: str, total: float) -> Job:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "summary.json").write_text(json.dumps({"costs": {"total": {"after": total}}}))
        return Job(name, folder, ())

    start_clock(600.0)
    base, point = job("base", 1494461.0), job("point-01", 3050208.0)
    BatchProgress([base], 2)(JobOutcome("base", "finished", 0, 1.0, 1.0), 1, 1)
    BatchProgress([point], 2)(JobOutcome("point-01", "finished", 0, 1.0, 1.0), 1, 1)
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1].endswith("least cost so far 1,494,461 (base)")


def test_every_scenarios_problems_are_reported_at_once(tiny_instance: Path, tmp_path: Path) -> None:
    """Two scenarios each with a problem: they were named one at a time (fix one, run again,
    meet the next); now together, and nothing is solved."""
    (tiny_instance / "scenarios.yaml").write_text(
        "scenarios:\n  a: {close: [NOPE]}\n  b: {set: {utilisation: 7}}\n  c: {}\n"
    )
    result = CliRunner().invoke(main, ["scenarios", str(tiny_instance), "--out", str(tmp_path / "s")])
    assert result.exit_code == 2, result.output
    assert "unknown site 'NOPE'" in result.output and "utilisation" in result.output
    assert "above the maximum" in result.output
    assert not (tmp_path / "s").exists()


def test_a_first_solve_stopped_before_a_plan_is_not_called_a_plan_less_instance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """frontier --points 5 --time-limit 30 on an LSOA-level ICB gave its base solve 3.7 s, which
    ended in the root relaxation without a plan; the command said 'The instance has no plan
    without a target', where a 20-s solve finds one in 2.4 s."""
    from optimiser.commands.parallel import Job, JobOutcome

    otherwise = "The instance has no plan without a target"
    for status, said in (
        ("no_solution", "base stopped before any plan was found in its share of the time: give the "
         "command a longer --time-limit"),
        ("error", "base: the solver failed; see"),
        ("infeasible", otherwise),
    ):  # fmt: skip
        folder = tmp_path / status
        folder.mkdir()
        (folder / "summary.json").write_text(json.dumps({"solver": {"status": status}}))
        done = [JobOutcome("base", "finished", 0, 4.0, 100.0)]
        with pytest.raises(SystemExit) as stopped:
            batch.exit_without_plan(done, Job("base", folder, (), {}), otherwise)
        assert stopped.value.code == 1
        message = capsys.readouterr().err
        assert said in message
        assert (otherwise in message) == (status == "infeasible")


@pytest.mark.slow
def test_a_rerun_after_the_instance_changed_solves_again(tiny_instance: Path, tmp_path: Path) -> None:
    """A rerun resumed every solve of the same arguments: an instance edited (or imported again
    with --force) since gave the old instance's costs in the new comparison, each 'resumed'."""
    import pandas as pd

    (tiny_instance / "scenarios.yaml").write_text("scenarios:\n  base: {}\n")
    out = tmp_path / "scenarios"
    args = ["scenarios", str(tiny_instance), "--out", str(out), "--time-limit", "30", "--no-report"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    yaml = tiny_instance / "instance.yaml"
    yaml.write_text(yaml.read_text().replace("travel_cost_per_minute: 1.0", "travel_cost_per_minute: 2.0"))
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "resumed" not in again.output
    # twice the travel cost: 37,000 + 13,000 more travel (6,000 + 4,500 + 2,500 at 1.0 a minute)
    assert pd.read_csv(out / "comparison.csv")["costs.total"].item() == pytest.approx(50_000.0)
    (tiny_instance / "notes.txt").write_text("a note of the user's")
    assert "resumed" in CliRunner().invoke(main, args).output  # the instance itself is unchanged


def test_a_scheduler_address_nothing_answers_is_exit_2_naming_it(tiny_instance: Path, tmp_path: Path) -> None:
    """--scheduler with a wrong address ended in dask's OSError or ValueError traceback."""
    (tiny_instance / "scenarios.yaml").write_text("scenarios:\n  base: {}\n", encoding="utf-8")
    args = ["scenarios", str(tiny_instance), "--out", str(tmp_path / "s"), "--scheduler", "notaproto://x"]
    result = CliRunner().invoke(main, [*args, "--time-limit", "30", "--no-report"])
    assert result.exit_code == 2, result.output
    assert "--scheduler notaproto://x: no Dask scheduler answers there" in result.output


def test_resumed_solves_are_counted_one_by_one(tmp_path: Path) -> None:
    """A rerun of lsc-sact-rollout's three scenarios printed '[2/3] done ... growth-40 resumed' and
    '[2/3] done ... growth-68 resumed': every resumed solve was given the count of them all."""
    from optimiser.commands import parallel

    jobs = [parallel.Job(n, tmp_path / n, ("inst",), {}) for n in ("growth-40", "growth-68")]
    for job in parallel.with_instance(jobs):
        job.folder.mkdir()
        (job.folder / "summary.json").write_text("{}", encoding="utf-8")
        (job.folder / parallel.REQUEST_FILE).write_text(json.dumps(job.request), encoding="utf-8")
    seen: list[tuple[str, int, int]] = []
    parallel.run_jobs(
        jobs,
        wall_seconds=60,
        memory_mb=None,
        on_done=lambda o, done, total: seen.append((o.name, done, total)),
    )
    assert seen == [("growth-40", 1, 2), ("growth-68", 2, 2)]


def test_the_progress_line_says_what_a_solve_without_a_proven_optimum_ended_with(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """scenarios on generate ooh --sites 6 --services 2 --seed 1 with a 7.1-minute cap read
    '[3/3] done, 0 running, 0 failed: cap-7 finished', as of a solve with a plan: it says a
    scenario proven infeasible has no plan, apart from one stopped at its limit, and nothing more
    of one solved to optimality."""
    from optimiser.commands.batch import BatchProgress
    from optimiser.commands.parallel import Job, JobOutcome

    said = {}
    for name, status, code in [
        ("base", "optimal", 0),
        ("cap-7", "infeasible", 1),
        ("cap-5", "no_solution", 1),
        ("cap-8", "feasible", 0),
    ]:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "summary.json").write_text(json.dumps({"solver": {"status": status}}))
        BatchProgress([Job(name, folder, ())], 2)(JobOutcome(name, "finished", code, 1.0, 1.0), 1, 1)
        said[name] = capsys.readouterr().err.splitlines()[-1]
    assert said["base"].endswith(": base finished")
    assert said["cap-7"].endswith(": cap-7 finished, no plan exists (proven infeasible)")
    assert said["cap-5"].endswith(": cap-5 finished, stopped before any plan was found")
    assert said["cap-8"].endswith(": cap-8 finished, stopped short of a proven optimum")


def test_a_solve_stopped_by_the_user_is_not_said_to_have_stopped_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during a solve: its outcome says 'stopped'; the solve's status is not added to it."""
    from optimiser.commands.batch import BatchProgress
    from optimiser.commands.parallel import Job, JobOutcome

    (tmp_path / "summary.json").write_text(json.dumps({"solver": {"status": "no_solution"}}))
    BatchProgress([Job("p1", tmp_path, ())], 2)(JobOutcome("p1", "stopped", None, 1.0, 1.0), 1, 1)
    assert capsys.readouterr().err.splitlines()[-1].endswith(": p1 stopped")


MEMORY_NOTE = "killed: resident memory 103 MB above the limit of 100 MB"


def test_an_end_killed_above_the_memory_limit_is_not_said_to_have_no_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """frontier --x response --memory-limit 100 on generate ooh --sites 6 --services 2 --seed 1:
    its base was killed above the memory limit before writing anything, and the command said 'The
    instance has no plan without a cap', naming a folder never written."""
    from optimiser.commands.batch import exit_without_plan
    from optimiser.commands.parallel import Job, JobOutcome

    base = Job("base", tmp_path / "runs" / "base", ())
    killed = JobOutcome("base", "killed", None, 1.0, 103.0, MEMORY_NOTE)
    with pytest.raises(SystemExit) as exited:
        exit_without_plan([killed], base, "The instance has no plan without a cap")
    said = capsys.readouterr().err
    assert exited.value.code == 1 and "has no plan" not in said
    assert f"base left no plan: {MEMORY_NOTE}: give the command a larger --memory-limit" in said


def test_scenarios_killed_above_the_memory_limit_are_not_said_to_need_more_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """scenarios --memory-limit 100: every solve killed above it, and the command said 'No plan
    found in time for 3 of 3 scenarios: give the command a longer --time-limit', each 'not run'."""
    from optimiser.commands.batch import BatchProgress, exit_if_unanswered, start_clock
    from optimiser.commands.parallel import Job, JobOutcome

    start_clock(600.0)
    jobs = [Job(name, tmp_path / name, ()) for name in ("base", "cap-7")]
    for job in jobs:
        BatchProgress(jobs, 1)(JobOutcome(job.name, "killed", None, 1.0, 103.0, MEMORY_NOTE), 1, 2)
    with pytest.raises(SystemExit):
        exit_if_unanswered({job.name: job.folder for job in jobs}, "scenario")
    said = capsys.readouterr().err
    assert "--time-limit" not in said
    assert "No plan for 2 of 2 scenarios, killed above the memory limit: give the command a larger" in said
    assert f"  - cap-7: {MEMORY_NOTE}: give the command a larger --memory-limit" in said
    start_clock(600.0)  # the next command's outcomes are its own
    with pytest.raises(SystemExit):
        exit_if_unanswered({"base": tmp_path / "base"}, "scenario")
    assert "  - base: not run" in capsys.readouterr().err


def test_tables_say_a_solve_was_killed_above_the_memory_limit_not_that_it_was_not_run(tmp_path: Path) -> None:
    """frontier lsc-sact --x access --points 3 --memory-limit 300: point-01 was 'killed (killed:
    resident memory 304 MB above the limit of 300 MB)' on the terminal, and frontier.csv,
    comparison.csv and the report's headline said it was 'not run'."""
    from optimiser.commands.batch import BatchProgress, start_clock, unsolved_statuses
    from optimiser.commands.frontier import frontier_table, worst_frontier_table
    from optimiser.commands.parallel import Job, JobOutcome
    from optimiser.comparison import write_comparison
    from optimiser.report.context import comparison_headline

    start_clock(600.0)
    jobs = [Job(name, tmp_path / "runs" / name, ()) for name in ("point-00", "point-01")]
    progress = BatchProgress(jobs, 1)
    progress(JobOutcome("point-00", "timeout", None, 0.0, 0.0, "not started: its share was 1.2 s"), 1, 2)
    progress(JobOutcome("point-01", "killed", None, 1.0, 304.0, MEMORY_NOTE), 2, 2)
    killed = "killed above the memory limit"
    access = frontier_table(jobs, np.array([0.9, 0.94]), 30.0, "access")
    worst = worst_frontier_table(jobs, [30.0, 25.0])
    assert list(access["status"]) == list(worst["status"]) == ["not run", killed]
    runs = {job.name: job.folder for job in jobs}
    write_comparison(tmp_path, "sact", runs, title="t", report=False, unsolved=unsolved_statuses(runs))
    comparison = pd.read_csv(tmp_path / "comparison.csv")
    assert list(comparison["status"]) == ["not run", killed]
    assert ("Killed above the memory limit", "1") in comparison_headline(comparison)
    assert ("Not run", "1") in comparison_headline(comparison)
    start_clock(600.0)  # the next command's outcomes are its own


CLOCK_NOTE = "killed: still running after the wall-clock limit of 14.7682 s"


def test_an_end_killed_past_its_wall_clock_is_not_said_to_have_no_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """frontier --x response --time-limit 20 on generate ooh --sites 6 --services 2 --seed 1, its
    base solve hung (SIGSTOP) and killed past its wall clock: the command said 'The instance has no
    plan without a cap', naming a folder never written, and a table called such a solve 'not run'
    (the outcome of a wall-clock kill is 'timeout', which only a memory kill's 'killed' was read as)."""
    from optimiser.commands.batch import BatchProgress, exit_without_plan, start_clock, unsolved_statuses
    from optimiser.commands.parallel import Job, JobOutcome

    start_clock(600.0)
    base = Job("base", tmp_path / "runs" / "base", ())
    hung = JobOutcome("base", "timeout", None, 14.8, 90.0, CLOCK_NOTE)
    BatchProgress([base], 1)(hung, 1, 1)
    assert unsolved_statuses({"base": base.folder}) == {"base": "killed past its wall-clock limit"}
    with pytest.raises(SystemExit) as exited:
        exit_without_plan([hung], base, "The instance has no plan without a cap")
    said = capsys.readouterr().err
    assert exited.value.code == 1 and "has no plan" not in said
    assert f"base left no plan: {CLOCK_NOTE}: give the command a longer --time-limit" in said
    start_clock(600.0)  # the next command's outcomes are its own
