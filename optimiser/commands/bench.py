"""``optimiser bench SUITE``: run a benchmark suite, resumably, and write its results and report.

Exit codes: 0 the suite ran (cases may have timed out: see the report), 2 bad usage (unknown
suite or backend, settings that differ from the finished tasks in ``--out``), 3 a result
contradicts a published optimum (the cases are named), 4 with ``--against``: a task proven
optimal in the recorded run is not reproduced (another optimum, or no longer proven).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from models.common.words import count
from optimiser.commands.finite import FiniteFloatRange

if TYPE_CHECKING:
    import pandas as pd

    from benchmarks.suite import Suite
    from benchmarks.suite.registry import Context

EXIT_OK, EXIT_BAD_INPUT, EXIT_MISMATCH, EXIT_NOT_REPRODUCED = 0, 2, 3, 4
EXIT_INTERRUPTED = 130
"""Exit of a run stopped by Ctrl-C, as SIGTERM's is 143 (128 + the signal)."""


@click.command("bench")
@click.argument("suite")
@click.option(
    "--backends",
    default=None,
    help="Comma-separated backends for every case (highs, pyomo-highs, pyomo-cbc, pyomo-glpk, "
    "pyomo-scip, cpsat, spopt-pulp-cbc), or 'all' for every installed one. Default: the suite's.",
)
@click.option(
    "--time-limit",
    type=FiniteFloatRange(min=0, min_open=True),
    default=None,
    help="Solver seconds per case (overrides the suite).",
)
@click.option("--repeat", type=click.IntRange(min=1), default=None, help="Runs of every case and backend.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Results folder (default benchmarks/results/SUITE). A rerun resumes what it holds.",
)
@click.option(
    "--scheduler", default=None, help="Address of an existing Dask scheduler (default: a local one)."
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=None, help="Cases at once on the local cluster."
)
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of the public sets (pmed/, cap/, shift-scheduling/); default $OPTIMISER_BENCH_DATA "
    "or ../shared/benchmarks.",
)
@click.option("--fresh", is_flag=True, help="Forget the results in --out and run every case again.")
@click.option(
    "--retry",
    default="",
    help="Run again the tasks that last ended with these statuses, e.g. timeout,killed,error "
    "('mismatch': those that contradicted a published optimum).",
)
@click.option("--list", "list_only", is_flag=True, help="List the suite's tasks and exit.")
@click.option(
    "--against",
    type=click.Path(path_type=Path, exists=True),
    default=None,
    help="A recorded run (its folder or results.csv): say, task by task, whether this run "
    "reproduces it (exit 4 if a recorded optimum is not reproduced).",
)
def bench(
    suite: str,
    backends: str | None,
    time_limit: float | None,
    repeat: int | None,
    out: Path | None,
    scheduler: str | None,
    workers: int | None,
    data: Path | None,
    fresh: bool,
    retry: str,
    list_only: bool,
    against: Path | None,
) -> None:
    """Run benchmark SUITE (a shipped suite name, e.g. smoke, pmed, cap, or a suite YAML file)."""
    from benchmarks.suite import PublishedValueMismatch, SettingsChanged, load_suite, run_suite
    from benchmarks.suite.backends import KNOWN_BACKENDS
    from benchmarks.suite.compare import read_results
    from benchmarks.suite.registry import Context, default_data_dir
    from benchmarks.suite.tasks import RETRY_STATUSES, SuiteEntryError
    from optimiser.processes.cluster import SchedulerUnreachable

    try:
        chosen = load_suite(suite)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_BAD_INPUT)
    retried = tuple(r.strip() for r in retry.split(",") if r.strip())
    if unknown_statuses := [r for r in retried if r not in RETRY_STATUSES]:
        click.echo(
            f"--retry: unknown status(es) {', '.join(unknown_statuses)}; known: {', '.join(RETRY_STATUSES)}",
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)
    names = None
    if backends and backends != "all":
        names = tuple(b.strip() for b in backends.split(",") if b.strip())
        unknown = [b for b in names if b not in KNOWN_BACKENDS]
        if unknown:
            click.echo(
                f"unknown backend(s) {', '.join(unknown)}; known: {', '.join(KNOWN_BACKENDS)}", err=True
            )
            sys.exit(EXIT_BAD_INPUT)
    chosen = chosen.overridden(
        backends=names,
        all_backends=backends == "all",
        settings={"time_limit": time_limit, "repeat": repeat},
    )
    context = Context(data if data is not None else default_data_dir())
    recorded = None
    if against is not None:
        try:
            recorded = read_results(against)
        except ValueError as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_BAD_INPUT)
    if list_only:
        try:
            _list_tasks(chosen, context)
        except SuiteEntryError as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_BAD_INPUT)
        return
    out = out or Path("benchmarks") / "results" / chosen.name
    if (refusal := out_refusal(out)) is not None:
        click.echo(refusal, err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        outcome = run_suite(
            chosen,
            out,
            context=context,
            scheduler=scheduler,
            workers=workers,
            fresh=fresh,
            retry=retried,
            echo=lambda text: click.echo(text, err=True),
        )
    except (SettingsChanged, SuiteEntryError, SchedulerUnreachable) as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:  # run_suite said what it kept; click said only 'Aborted!', exit 1
        sys.exit(EXIT_INTERRUPTED)
    except PublishedValueMismatch as exc:
        click.echo(f"FAILED: {exc}", err=True)
        if exc.outcome is not None:
            click.echo(f"Results and report written to {exc.outcome.out}", err=True)
        sys.exit(EXIT_MISMATCH)
    rows = outcome.rows
    ran = rows[rows["status"] != "skipped"]
    click.echo(
        f"{chosen.name}: {count(outcome.ran, 'task')} run now, {outcome.resumed} resumed; "
        f"{int((ran['status'] == 'optimal').sum())} of {len(ran)} optimal; "
        f"{int((ran['check'] == 'ok').sum())} matched a published optimum"
    )
    click.echo(f"Wrote {', '.join(str(p) for p in outcome.files)}")
    if recorded is not None:
        _compare(rows[rows["status"] != "skipped"], recorded)


def out_refusal(out: Path) -> str | None:
    """Why ``out`` may not hold a benchmark run, or None: it must be new, empty, or a folder an
    earlier run wrote (its ``results.jsonl``), which the run resumes.  A file, a symbolic link or a
    folder of other files is refused: the run writes results.csv, report.md and run.json there and
    would replace a user's files of those names."""
    from benchmarks.suite.runner import RESULTS_LOG

    if out.is_symlink():
        return f"{out} is a symbolic link; give the folder itself"
    if out.exists() and not out.is_dir():
        return f"{out} exists and is not a folder; it is left as it is: choose another --out"
    if out.is_dir() and any(out.iterdir()) and not (out / RESULTS_LOG).is_file():
        return (
            f"{out} holds files optimiser bench did not write (it has no {RESULTS_LOG}); choose another --out"
        )
    return None


def _list_tasks(chosen: Suite, context: Context) -> None:
    """Print the suite's tasks, the ones left out and the planner's notes, without running."""
    from benchmarks.suite.tasks import plan_suite

    plan = plan_suite(chosen, context)
    for task in plan.tasks:
        click.echo(f"{task.key:48} {task.case.size:14} time limit {task.settings.time_limit}")
    for row in plan.skipped:
        click.echo(f"{row['key']:48} skipped: {row['note']}")
    for note in plan.notes:
        click.echo(f"note: {note}", err=True)


def _compare(rows: pd.DataFrame, recorded: pd.DataFrame) -> None:
    """Say task by task whether ``rows`` reproduce the recorded run; exit 4 if an optimum, or a
    proof that a task has no plan, is not."""
    from benchmarks.suite.compare import FAILURES, compare_runs, describe

    comparison = compare_runs(recorded, rows)
    click.echo(describe(comparison))
    if comparison["verdict"].isin(FAILURES).any():
        sys.exit(EXIT_NOT_REPRODUCED)
