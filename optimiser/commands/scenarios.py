"""``optimiser scenarios | frontier | regret``: options appraisal, many solves compared at once.

* ``scenarios PATH``: every scenario of a scenario file, solved in parallel, compared.
* ``frontier PATH --x access --points N``: the exact trade-off between cost and access
  (epsilon-constraint: the access target stepped from today's optimum to the most any plan can
  reach, each point solved to the stated gap and checked).
* ``regret PATH``: for every candidate site, the optimum with the site forced the other way
  (open if the optimum closes it, closed if it opens it), ranked by what that costs.

Each writes its run folders under ``OUT/runs/``, a comparison (CSV, workbook, Markdown) and,
with ``--report``, one self-contained HTML report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from optimiser.commands.batch import (
    batch_options,
    claim_out,
    default_out,
    fail,
    run_batch,
    solve_arguments,
    write_and_close,
)
from optimiser.commands.parallel import Job
from optimiser.errors import InputError


def every_scenario_loaded(instance: Path, named: dict[str, Any], load: Callable[..., Any]) -> dict[str, Any]:
    """Each scenario's instance, loaded; InputError with every scenario's problems at once, each
    once (they were reported a scenario at a time: fix one, run again, meet the next)."""
    loaded: dict[str, Any] = {}
    problems: list[Any] = []
    for name, overrides in named.items():
        try:
            loaded[name] = load(instance, overrides=overrides)
        except InputError as exc:
            problems += [p for p in exc.problems if str(p) not in {str(q) for q in problems}]
    if problems:
        raise InputError(problems)
    return loaded


@click.command("scenarios")
@click.argument("path")
@click.option(
    "--scenarios",
    "scenario_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Scenario file (default: the instance's scenarios.yaml).",
)
@batch_options
def scenarios(
    path: str,
    scenario_file: Path | None,
    out: Path | None,
    time_limit: float,
    gap: float,
    backend: str | None,
    workers: int,
    scheduler: str | None,
    memory_limit: float,
    report: bool,
) -> None:
    """Solve every scenario of a scenario file and compare them (CSV, XLSX, Markdown, report)."""
    from optimiser.commands.instance_path import resolve_instance
    from optimiser.kinds import load_instance
    from optimiser.scenarios import find_scenario_file, read_scenarios

    instance = resolve_instance(path)
    try:
        file = find_scenario_file(instance, scenario_file)
        named = read_scenarios(file)
        loaded = every_scenario_loaded(instance, named, load_instance)
    except InputError as exc:
        fail(exc, path if scenario_file is None else None)  # validate reads the folder's own
    first = next(iter(loaded.values()))
    out = claim_out(out or default_out("scenarios", first.raw.name), "scenarios")
    base_args = solve_arguments(instance, backend, time_limit, gap)
    jobs = [
        Job(
            name,
            out / "runs" / name,
            (*base_args, "--scenarios", str(file.resolve()), "--scenario", name),
            {"scenario": ov.to_dict(), "arguments": list(base_args)},
        )
        for name, ov in named.items()
    ]
    run_batch(jobs, time_limit, memory_limit, workers, scheduler)
    runs = {job.name: job.folder for job in jobs}
    write_and_close(
        out, first.kind.name, runs, "scenario", title=f"Scenarios of {first.raw.name}", report=report
    )
