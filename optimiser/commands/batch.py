"""What the options-appraisal commands (``scenarios``, ``frontier``, ``regret``) share: their
options, the folder a batch writes into, running its solves with a progress line, and reading a
run's summary."""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from models.common.words import count
from optimiser.commands.finite import FiniteFloatRange
from optimiser.commands.parallel import Job, JobOutcome, command_stopped, run_jobs, start_command
from optimiser.errors import InputError, problem_lines
from optimiser.outputs import RUN_MARKER, replacing, run_folder_refusal
from optimiser.scenarios import KILLED_ABOVE_MEMORY, KILLED_PAST_CLOCK, NOT_RUN, RUN_FAILED

if TYPE_CHECKING:
    import pandas as pd


def fail(exc: InputError, path: str | None = None) -> None:
    """The problems of a bad request on stderr (the first :data:`PROBLEMS_SHOWN`, with how
    many more and, given the instance's ``path``, the command that lists them all), exit 2."""
    rest = f": optimiser validate {path} --all lists them all" if path else ""
    for line in problem_lines(exc.problems, "The request has problems", rest=rest):
        click.echo(line, err=True)
    sys.exit(2)


BATCH_SECONDS = 600.0
"""Default ``--time-limit`` of a multi-solve command: the whole command's wall clock (seconds)."""
_deadline: float | None = None
_least: tuple[float, str] | None = None  # the command's least cost so far, over all its batches
_outcomes: dict[str, JobOutcome] = {}  # the command's jobs' outcomes, by name: why one left no summary


def start_clock(time_limit: float) -> None:
    """Set the batch's deadline on the wall clock (:func:`time.time`): the run's start (the
    process's, :func:`optimiser.clock.run_started`) plus ``time_limit``, less the reserve
    :func:`optimiser.clock.solve_deadline` keeps for writing the tables, the report and exiting;
    and no batch of the command has been stopped yet (:func:`optimiser.commands.parallel.start_command`)."""
    global _deadline, _least
    from optimiser.clock import run_started, solve_deadline

    start_command()
    _least = None
    _outcomes.clear()
    end = solve_deadline(run_started(), time_limit)
    _deadline = None if end is None else time.time() + (end - time.monotonic())


def batch_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options every multi-solve command shares; the command's clock starts with it."""

    @functools.wraps(f)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start_clock(kwargs["time_limit"])
        return f(*args, **kwargs)

    options = [
        click.option("--out", type=click.Path(path_type=Path), default=None, help="Output folder."),
        click.option(
            "--time-limit",
            type=FiniteFloatRange(min=0, min_open=True),
            default=BATCH_SECONDS,
            show_default=True,
            help=(
                "Wall-clock seconds for the whole command, from its start: its solves share them "
                "(each its share of the time left, never more than is left when it starts) and "
                "the tables and report are written within them."
            ),
        ),
        click.option(
            "--gap", type=FiniteFloatRange(min=0), default=1e-4, show_default=True, help="Relative gap."
        ),
        click.option("--solver", "backend", default=None, help="Backend (default: the kind's first)."),
        click.option(
            "--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Solves at once."
        ),
        click.option("--scheduler", default=None, help="Address of a running Dask scheduler."),
        click.option(
            "--memory-limit",
            type=FiniteFloatRange(min=100),
            default=8000.0,
            show_default=True,
            help="MB per solve; above it the solve is stopped.",
        ),
        click.option("--report/--no-report", default=True, show_default=True, help="Write report.html."),
    ]
    for option in reversed(options):
        timed = option(timed)
    return timed


class BatchProgress:
    """Scenarios done, running and failed, and the best objective so far, on one line (stderr)."""

    def __init__(self, jobs: list[Job], workers: int) -> None:
        self.folders = {job.name: job.folder for job in jobs}
        self.workers = workers
        self.failed = 0

    def _objective(self, name: str) -> float | None:
        summary = self.folders[name] / "summary.json"
        if not summary.is_file():
            return None
        doc = json.loads(summary.read_text(encoding="utf-8"))
        total = (doc.get("costs") or {}).get("total")
        if isinstance(total, dict):  # ooh: today, plan, saving
            total = total.get("after")
        value = total if total is not None else (doc.get("solver") or {}).get("objective")
        return None if value is None else float(value)

    def __call__(self, outcome: JobOutcome, done: int, total: int) -> None:
        _outcomes[outcome.name] = outcome
        ok = outcome.status in ("finished", "resumed") and outcome.returncode in (0, None)
        if not ok and outcome.returncode != 1 and outcome.status != "stopped":
            self.failed += 1
        running = min(self.workers, total - done)
        text = (
            f"[{done}/{total}] done, {running} running, {self.failed} failed: {outcome.name} {outcome.status}"
        )
        answered = outcome.status in ("finished", "resumed") and outcome.name in self.folders
        if answered and (ended := _ended_with(self.folders[outcome.name])):
            text += f", {ended}"
        if outcome.note and not ok:
            text += f" ({outcome.note.splitlines()[-1][:120]})"
        global _least
        value = self._objective(outcome.name) if outcome.name in self.folders else None
        if value is not None and (_least is None or value < _least[0]):
            _least = (value, outcome.name)
        if _least is not None:  # over the command's batches (a frontier's ends, then its points)
            text += f"; least cost so far {_least[0]:,.0f} ({_least[1]})"
        click.echo(text, err=True)


def run_status(run: Path) -> str | None:
    """The solver status in a run folder's ``summary.json`` (None without one)."""
    summary = run / "summary.json"
    if not summary.is_file():
        return None
    return (json.loads(summary.read_text(encoding="utf-8")).get("solver") or {}).get("status")


def _ended_with(run: Path) -> str | None:
    """What a solve in ``run`` ended with, when not a proven optimum (:data:`ENDED_WITH`; None
    without a summary): the progress line said 'finished' alike of a plan proven optimal, a
    scenario proven to have no plan and a solve stopped before any plan."""
    status = run_status(run)
    return None if status is None else ENDED_WITH.get(str(status))


def solve_arguments(instance: Path, backend: str | None, time_limit: float, gap: float) -> tuple[str, ...]:
    args = [str(instance), "--time-limit", str(time_limit), "--gap", str(gap), "--threads", "1"]
    if backend:
        args += ["--solver", backend]
    return tuple(args)


def run_batch(
    jobs: list[Job],
    time_limit: float,
    memory_mb: float,
    workers: int,
    scheduler: str | None,
    later: int = 0,
) -> list[JobOutcome]:
    """Run the jobs with a progress line per finished solve; Ctrl-C keeps what finished.

    The jobs, and ``later`` more the command will run after them, share the time left before the
    command's deadline (:func:`start_clock`); without one (a caller outside the commands), each
    solve has ``time_limit``."""
    refuse_run_folders_of_yours(jobs)

    from optimiser.processes.cluster import SchedulerUnreachable

    progress = BatchProgress(jobs, workers)
    try:
        return run_jobs(
            jobs,
            wall_seconds=time_limit * 1.2 + 60,  # without a deadline: the solve plus room to load and write
            memory_mb=memory_mb,
            workers=workers,
            scheduler=scheduler,
            on_done=progress,
            deadline=_deadline,
            later=later,
        )
    except KeyboardInterrupt:
        click.echo("Interrupted: finished solves are kept; run the same command again to resume.", err=True)
        sys.exit(130)
    except SchedulerUnreachable as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


def refuse_run_folders_of_yours(jobs: list[Job]) -> None:
    """Exit 2, before anything is solved, when a job's run folder exists and optimiser may not
    replace it (no run marker: a folder of the user's, a symbolic link, a file): its solve would be
    refused, its folder written into, and the command would blame the time limit."""
    refusals = [why for job in jobs if (why := run_folder_refusal(job.folder, force=True)) is not None]
    if refusals:
        click.echo("\n".join(refusals), err=True)
        click.echo("Nothing was solved: move them, or choose another --out.", err=True)
        sys.exit(2)


def exit_without_plan(outcomes: list[JobOutcome], job: Job, otherwise: str) -> NoReturn:
    """Tell the user that ``job`` left no plan and exit 1: that it was not started for lack of
    time (its outcome's note), or stopped at its time limit before a plan (or the solver failed),
    or killed above the memory limit or past its wall clock (:func:`why_not_run`), else
    ``otherwise`` (the instance has no plan: its solve proved it infeasible). A solve killed above
    the memory limit was told as ``otherwise``: 'The instance has no plan', of a folder never written."""
    message = otherwise
    why = unanswered({job.name: job.folder}).get(job.name)
    ended = next((o for o in outcomes if o.name == job.name), None)
    if not (job.folder / "summary.json").is_file() and cut_short(ended):
        message = f"{job.name} left no plan: {why_not_run(ended)}"
    elif why == NO_ANSWER["no_solution"]:  # out of its time: the instance may well have a plan
        message = (
            f"{job.name} {why} in its share of the time: give the command a longer --time-limit "
            f"(see {job.folder})"
        )
    elif why == NO_ANSWER["error"]:
        message = f"{job.name}: {why}; see {job.folder}"
    for outcome in outcomes:
        unstarted = outcome.status == "timeout" and outcome.note.startswith("not started")
        if outcome.name == job.name and unstarted:
            message = f"{job.name} was {outcome.note}: give the command a longer --time-limit"
    if command_stopped() and why is not None:  # the user stopped it, not the time limit
        message = f"{job.name} was stopped (Ctrl-C or SIGTERM) before any plan was found: {AGAIN}"
    click.echo(message, err=True)
    raise SystemExit(1)


NO_ANSWER = {"no_solution": "stopped before any plan was found", "error": "the solver failed"}
"""Solver statuses of a run that answer neither way (``infeasible`` is an answer: no plan exists)."""
ENDED_WITH = {
    **NO_ANSWER,
    "infeasible": "no plan exists (proven infeasible)",
    "feasible": "stopped short of a proven optimum",
}
"""A solve's status in the progress line's words, when not ``optimal``."""


CUT_SHORT = ("killed", "error")
"""Outcomes of a job whose process ended before its solve wrote a summary, for a reason of its own."""


def cut_short(outcome: JobOutcome | None) -> bool:
    """Whether ``outcome`` is of a process that ended before its solve wrote a summary: killed above
    the memory limit, failed, or killed past its wall clock (status ``timeout``, as a job not
    started for lack of time is: a hung solve killed so was said to prove 'The instance has no
    plan', of a folder never written)."""
    if outcome is None:
        return False
    return outcome.status in CUT_SHORT or (outcome.status == "timeout" and outcome.note.startswith("killed"))


def why_not_run(outcome: JobOutcome | None) -> str:
    """Why a job left no ``summary.json``: its process killed (above the memory limit, with what to
    change, or past its wall clock) or failed, from its ``outcome``; else 'not run' (not started in
    the time left, or stopped). A job killed above the memory limit was 'not run', under advice of
    a longer --time-limit."""
    if outcome is None or not cut_short(outcome):
        return "not run"
    lines = outcome.note.strip().splitlines()
    last = lines[-1][:200] if lines else outcome.status
    if outcome.status == "error":
        return f"failed: {last}"
    if "memory" in last:
        return f"{last}: give the command a larger --memory-limit"
    if "wall-clock" in last:
        return f"{last}: give the command a longer --time-limit"
    return last


def status_without_summary(name: str) -> str:
    """The status a table gives the job ``name`` of this command when it wrote no ``summary.json``
    (:data:`~optimiser.scenarios.WITHOUT_SUMMARY`), from its outcome: killed above the memory limit,
    killed past its wall clock, failed, else not run. The tables said 'not run' of a solve the
    progress line had just called killed above the memory limit."""
    outcome = _outcomes.get(name)
    if outcome is None or not cut_short(outcome):
        return NOT_RUN
    if outcome.status == "error":
        return RUN_FAILED
    if "memory" in outcome.note:
        return KILLED_ABOVE_MEMORY
    if "wall-clock" in outcome.note:
        return KILLED_PAST_CLOCK
    return NOT_RUN


def unsolved_statuses(runs: Mapping[str, Path]) -> dict[str, str]:
    """:func:`status_without_summary` of each run (name: folder) that wrote no ``summary.json``."""
    return {
        name: status_without_summary(name)
        for name, folder in runs.items()
        if not (folder / "summary.json").is_file()
    }


def unanswered(runs: Mapping[str, Path]) -> dict[str, str]:
    """The runs (name: folder) that left no plan and no proof that none exists, with why: no
    ``summary.json`` (:func:`why_not_run`), or a status of :data:`NO_ANSWER`."""
    missing: dict[str, str] = {}
    for name, folder in runs.items():
        if not (folder / "summary.json").is_file():
            missing[name] = why_not_run(_outcomes.get(name))
            continue
        status = run_status(folder)
        if status in NO_ANSWER:
            missing[name] = NO_ANSWER[status]
    return missing


AGAIN = "run the same command again to finish (it keeps the finished solves)"
"""What to do after a batch command was stopped: a rerun resumes it."""


def write_and_close(
    out: Path,
    kind: str,
    runs: Mapping[str, Path],
    noun: str,
    *,
    title: str,
    report: bool,
    extra: Mapping[str, pd.DataFrame] | None = None,
    also: Sequence[str] = (),
) -> list[str]:
    """A batch's last step: its comparison written (:func:`optimiser.comparison.write_comparison`,
    each run without ``summary.json`` named by :func:`unsolved_statuses`), the files named (``also``
    first: a chart the command wrote itself), and :func:`exit_if_unanswered` of its ``noun``."""
    from optimiser.comparison import write_comparison  # pandas: loaded when a batch has run

    files = write_comparison(
        out, kind, runs, title=title, report=report, extra=extra, unsolved=unsolved_statuses(runs)
    )
    click.echo(f"Wrote {', '.join([*also, *files])} to {out}")
    exit_if_unanswered(runs, noun)
    return files


def exit_if_unanswered(runs: Mapping[str, Path], noun: str) -> None:
    """When any run left no answer (:func:`unanswered`), name each with why and exit 1, as a solve
    without a plan found in time does; the tables already written stay, each such run marked
    :func:`status_without_summary` (not run, killed above the memory limit, ...). When
    the command was stopped (Ctrl-C or SIGTERM) it says so: the time limit was not the reason."""
    missing = unanswered(runs)
    if not missing:
        return
    if command_stopped():
        headline = (
            f"Stopped (Ctrl-C or SIGTERM), no plan for {len(missing)} of {count(len(runs), noun)}: {AGAIN}:"
        )
    elif all("--memory-limit" in why for why in missing.values()):
        headline = (
            f"No plan for {len(missing)} of {count(len(runs), noun)}, killed above the memory limit: "
            "give the command a larger --memory-limit (run again, it keeps the finished solves):"
        )
    else:
        headline = (
            f"No plan found in time for {len(missing)} of {count(len(runs), noun)}: "
            "give the command a longer --time-limit (run again, it keeps the finished solves):"
        )
    click.echo(headline, err=True)
    for name, why in missing.items():
        click.echo(f"  - {name}: {why}", err=True)
    raise SystemExit(1)


BATCH_MARKER = ".optimiser-batch"


def claim_out(out: Path, command: str) -> Path:
    """``out`` for a batch ``command``: new, empty, or one an earlier run of the same command wrote
    (its marker names it), so a rerun resumes; any other existing folder, another batch command's
    included (its comparison and report would be replaced), is refused (exit 2), never written into;
    so is a symbolic link, as ``solve`` refuses one (a link to an empty folder was written through)."""
    if out.is_symlink():
        click.echo(f"{out} is a symbolic link; give the folder itself as --out", err=True)
        sys.exit(2)
    if out.exists() and not out.is_dir():
        click.echo(f"{out} exists and is not a folder; choose another --out", err=True)
        sys.exit(2)
    marker = out / BATCH_MARKER
    if (out / RUN_MARKER).is_file() and not marker.is_file():
        click.echo(f"{out} holds a run of optimiser solve; choose another --out", err=True)
        sys.exit(2)
    if out.is_dir() and any(out.iterdir()) and not marker.is_file():
        click.echo(f"{out} holds files optimiser did not write; choose another --out", err=True)
        sys.exit(2)
    if (other := _batch_command(marker)) not in (None, command):
        click.echo(f"{out} holds the results of optimiser {other}; choose another --out", err=True)
        sys.exit(2)
    out.mkdir(parents=True, exist_ok=True)
    with replacing(marker) as tmp:
        tmp.write_text(f"written by optimiser {command}\n", encoding="utf-8")
    return out


def _batch_command(marker: Path) -> str | None:
    """The batch command a folder's marker names, or None (no marker, or one written before the
    marker named its command)."""
    if not marker.is_file():
        return None
    words = marker.read_text(encoding="utf-8", errors="replace").split()
    return words[3] if len(words) == 4 and words[:3] == ["written", "by", "optimiser"] else None


def default_out(prefix: str, instance_name: str) -> Path:
    import datetime as dt

    from optimiser.outputs import safe_slug

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{prefix}-{safe_slug(instance_name)}-{stamp}"


def solve_seconds(summary: dict[str, Any]) -> float | None:
    """The seconds a run spent solving, completing its warm start included (None if unsolved)."""
    timings = summary.get("timings") or {}
    if "solve" not in timings:
        return None
    return round(float(timings["solve"]) + float(timings.get("warm_start", 0.0)), 4)
