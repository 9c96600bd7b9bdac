"""Command line: ``optimiser solve | validate | generate | import | instances``.

A thin shell: parse, call a pure function, write files atomically, print a summary.  Exit codes:
0 a plan was found, 1 no plan exists or none was found in time, 2 bad input or usage.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from models.common.words import count
from optimiser import __version__
from optimiser.commands.finite import FiniteFloatRange
from optimiser.commands.instance_path import resolve_instance
from optimiser.errors import PROBLEMS_SHOWN, InputError, problem_lines
from optimiser.outputs import (
    OutputExistsError,
    new_run_id,
    run_folder,
    run_folder_refusal,
    safe_slug,
    write_json,
)
from optimiser.overrides import Overrides

EXIT_PLAN, EXIT_NO_PLAN, EXIT_BAD_INPUT = 0, 1, 2


START_ELSEWHERE = {
    "roster": "; to start from a run's rota, copy its assignments.csv into the instance as "
    "published.csv (re-rostering, README)",
}
"""What a kind without ``--start`` starts from instead, said when ``--start`` is given for it."""


def _fail_input(
    exc: InputError, what: str = "The instance has problems", path: str | None = None, every: bool = False
) -> None:
    """The problems (the first :data:`PROBLEMS_SHOWN`, ``every`` for all) on stderr, exit 2;
    ``path`` names the instance in the command that lists them all."""
    rest = f": optimiser validate {path} --all lists them all" if path else ""
    for line in problem_lines(exc.problems, what, every, rest):
        click.echo(line, err=True)
    if exc.later:
        click.echo(f"Not yet checked: {exc.later}.", err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="optimiser")
def main() -> None:
    """Optimisation engine for NHS cancer service configuration and workforce rostering."""


@main.command()
@click.argument("path")
@click.option(
    "--solver",
    "backend",
    default=None,
    help="Backend (default: the kind's first): highs (direct, vectorised), pyomo-highs, pyomo-cbc, "
    "pyomo-glpk, pyomo-scip for the MILP kinds; cpsat for rotas.",
)
@click.option(
    "--time-limit",
    type=FiniteFloatRange(min=0, min_open=True),
    default=None,
    help="Seconds; the best plan found by then is returned with its gap.",
)
@click.option(
    "--gap", type=FiniteFloatRange(min=0), default=1e-4, show_default=True, help="Relative gap to stop at."
)
@click.option("--threads", type=click.IntRange(min=1), default=None, help="Solver threads.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Solver random seed.")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (default runs/<instance>-<time>). Never replaced without --force.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an earlier run's folder: only a folder optimiser wrote (it holds a .optimiser-run "
    "file), and only the files its run.json lists; other files there are kept. Never a folder "
    "holding an instance, the instance's parents, or the working folder and its parents.",
)
@click.option(
    "--log",
    "log_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the solver's log here (started afresh; CP-SAT: every call of the run, one after another); "
    "never a file in an instance folder (one holding instance.yaml).",
)
@click.option("--verbose", is_flag=True, help="Stream the solver's log.")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a parameter, e.g. --set demand_growth=0.68 (repeatable).",
)
@click.option(
    "--open",
    "open_sites",
    multiple=True,
    metavar="SITE",
    help="Force a site open (sact; ooh: keeps its own rota).",
)
@click.option(
    "--close",
    "close_sites",
    multiple=True,
    metavar="SITE",
    help="Force a site closed (sact; ooh: hosts no rota).",
)
@click.option(
    "--scenarios",
    "scenario_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Scenario file (default: the instance's scenarios.yaml) for --scenario.",
)
@click.option("--scenario", "scenario", default=None, help="Solve this named scenario of the scenario file.")
@click.option(
    "--start",
    "start_run",
    type=click.Path(path_type=Path),
    default=None,
    metavar="RUN_FOLDER",
    help="Warm-start from the plan of an earlier run of the same instance (sact).",
)
def solve(
    path: str,
    backend: str | None,
    time_limit: float | None,
    gap: float,
    threads: int | None,
    seed: int,
    out: Path | None,
    force: bool,
    log_file: Path | None,
    verbose: bool,
    assignments: tuple[str, ...],
    open_sites: tuple[str, ...],
    close_sites: tuple[str, ...],
    scenario_file: Path | None,
    scenario: str | None,
    start_run: Path | None,
) -> None:
    """Solve the instance at PATH (a folder, or a bundled name such as lsc-sact)."""
    from optimiser.clock import run_started, solve_deadline
    from optimiser.kinds import load_instance
    from optimiser.warm_start import START_KINDS, read_start
    from solvers import SolveOptions

    started = run_started()
    folder = resolve_instance(path)
    try:
        overrides = _overrides(folder, assignments, open_sites, close_sites, scenario_file, scenario)
        loaded = load_instance(folder, overrides=overrides)
    except InputError as exc:
        _fail_input(exc, path=path)
    kind = loaded.kind
    if start_run is not None and kind.name not in START_KINDS:
        hint = START_ELSEWHERE.get(kind.name, "")
        click.echo(f"--start is for {', '.join(START_KINDS)} instances, not '{kind.name}'{hint}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        start = None if start_run is None else read_start(start_run)
    except InputError as exc:
        _fail_input(exc)
    backend = backend or kind.backend_names[0]
    if backend not in kind.backend_names:
        click.echo(
            f"solver '{backend}' does not solve '{kind.name}' instances; "
            f"choose one of: {', '.join(kind.backend_names)}",
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)
    out = out or _default_out(loaded.raw.name)
    refusal = run_folder_refusal(out, force=force, instance=folder)
    if refusal is not None:
        click.echo(refusal, err=True)
        sys.exit(EXIT_BAD_INPUT)
    if log_file is not None:
        _start_log(log_file, folder)
    options = SolveOptions(
        time_limit=time_limit,
        gap=gap,
        threads=threads,
        seed=seed,
        log_file=log_file,
        verbose=verbose,
        deadline=solve_deadline(started, _run_limit(time_limit, loaded), _plan_rows(loaded)),
    )
    search = getattr(loaded.model_input.parameters, "search", None)  # a rota's: which search runs
    searched = f", search {search}" if search and search != "cpsat" else ""
    click.echo(f"Solving {loaded.raw.name} ({kind.name}) with {backend}{searched} ...", err=True)
    request = _request_meta(folder, backend, gap, overrides, scenario, start_run)
    _solve_contract(loaded, folder, backend, options, out, force, verbose, start, request)


def _request_meta(
    folder: Path, backend: str, gap: float, overrides: Overrides, scenario: str | None, start_run: Path | None
) -> dict[str, Any]:
    """What the run was asked beyond its time limit, seed and threads: the solver and gap, the
    scenario and the overrides (``--set``, ``--open``, ``--close``, the scenario's own, as one
    scenario entry), the warm start, and the SHA-256 of the instance's files as they were read, so
    that a plan taken to a board can be traced to exactly what produced it and solved again."""
    from optimiser.commands.parallel import instance_fingerprint

    return {
        "solver": backend,
        "gap": gap,
        "scenario": scenario,
        "overrides": overrides.to_dict(),
        "start": None if start_run is None else str(start_run.resolve()),
        "instance_sha256": instance_fingerprint(str(folder)),
    }


def _run_limit(time_limit: float | None, loaded: Any) -> float | None:
    """The whole run's wall clock: ``--time-limit``, else the instance's own ``time_limit`` (a
    rota's; it ran some seconds past it, the solve's backstop never counted from the start)."""
    if time_limit is not None:
        return time_limit
    own = loaded.parameters.get("time_limit")
    return None if own is None else float(own)


def _start_log(log_file: Path, instance: Path) -> None:
    """An empty ``--log`` file, before any solver writes to it (CP-SAT appends each call of the
    run: :func:`solvers.cpsat.solve_cpsat`); one that cannot be written, or that lies in the
    instance folder (``--log inst/zones.csv`` emptied the table and filled it with the log), or in
    any other instance's folder (one holding ``instance.yaml``: solving one instance with ``--log
    other/demand.csv`` emptied the other's table), exits 2 before solving."""
    parents = log_file.resolve().parents
    held = instance.resolve() if instance.resolve() in parents else _instance_holding(parents)
    if held is not None:
        click.echo(f"--log {log_file}: lies in the instance folder {held}; write it elsewhere", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        log_file.write_text("", encoding="utf-8")
    except OSError as exc:
        click.echo(f"--log {log_file}: cannot be written ({exc.strerror or exc})", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _instance_holding(folders: Sequence[Path]) -> Path | None:
    """The first of ``folders`` that is an instance's (it holds ``instance.yaml``), or None."""
    return next((folder for folder in folders if (folder / "instance.yaml").is_file()), None)


def _plan_rows(loaded: Any) -> int:
    """The rows the plan is expected to hold (0 when the kind does not say): time kept back to write them."""
    rows = loaded.kind.plan_rows
    return 0 if rows is None else int(rows(loaded.model_input.input))


def _overrides(
    folder: Path,
    assignments: tuple[str, ...],
    open_sites: tuple[str, ...],
    close_sites: tuple[str, ...],
    scenario_file: Path | None,
    scenario: str | None,
) -> Overrides:
    """The scenario named (if any), then the command line's own overrides on top."""
    from optimiser.errors import Problem
    from optimiser.overrides import parse_assignments
    from optimiser.scenarios import find_scenario_file, read_scenarios

    result = Overrides()
    if scenario is not None:
        file = find_scenario_file(folder, scenario_file)
        scenarios = read_scenarios(file)
        if scenario not in scenarios:
            known = ", ".join(scenarios)
            raise InputError(
                [Problem(str(file), f"no scenario '{scenario}'; it has: {known}", column=scenario)]
            )
        result = scenarios[scenario]
    elif scenario_file is not None:
        raise InputError([Problem("--scenarios", "name the scenario to solve with --scenario NAME")])
    options = {key: f"--{key}" for key, given in (("open", open_sites), ("close", close_sites)) if given}
    given = Overrides(
        source="--set",
        set=parse_assignments(assignments),
        open=open_sites,
        close=close_sites,
        options=options,
    )
    return result.merged(given) if not given.empty else result


def _run_meta(
    folder: Path,
    loaded: Any,
    written: list[str],
    run_id: str,
    solve: dict[str, Any] | None = None,
    request: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "instance": str(folder.resolve()),
        "name": loaded.raw.name,
        "kind": loaded.kind.name,
        "version": __version__,
        "solve": solve,
        "request": request,
        "files": written,
    }


def _solve_meta(options: Any, plan: Any) -> dict[str, Any]:
    """The settings that reproduce a run (time limit, seed, threads), with the plan's own record
    of them (its ``solve`` figures: e.g. the rota's workers and deterministic time) when it has one."""
    meta = {"time_limit": options.time_limit, "seed": options.seed, "threads": options.threads}
    figures = plan.figures() if hasattr(plan, "figures") else {}
    return {**meta, **(figures.get("solve") or {})}


def _solve_contract(
    loaded: Any,
    folder: Path,
    backend: str,
    options: Any,
    out: Path,
    force: bool,
    verbose: bool,
    start: Any = None,
    request: dict[str, Any] | None = None,
) -> None:
    """Solve, check, write and summarise under the model contract; exits.

    Ctrl-C or SIGTERM while the plan is checked or its files written is the first signal of the
    solve's :func:`solvers.stop_on_signals` block, which covers them too: the plan found is kept
    and written (SIGTERM there killed the run, losing the plan and leaving the hidden temporary
    folder of a half-written run; Ctrl-C ended in 'Aborted!'); a second still quits at once."""
    from optimiser.progress import SolveProgress
    from optimiser.run import check_lines, write_outcome
    from solvers import stop_on_signals

    run_id = new_run_id()
    try:
        with stop_on_signals():
            with SolveProgress(enabled=not verbose) as progress:
                outcome = _solved(loaded, backend, options, progress.update, start)
            with run_folder(out, run_id, force=force, instance=folder) as tmp:
                written = write_outcome(outcome, tmp)
                meta = _run_meta(folder, loaded, written, run_id, _solve_meta(options, outcome.plan), request)
                write_json(tmp / "run.json", meta)
    except OutputExistsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(loaded.kind.summary(outcome.plan))
    lines = check_lines(outcome)
    if lines:
        click.echo("\n".join(["", *lines]))
    click.echo(f"\nWrote {written_listing([*written, 'run.json'])} to {out}")
    sys.exit(EXIT_PLAN if outcome.usable else EXIT_NO_PLAN)


def _solved(loaded: Any, backend: str, options: Any, progress: Any, start: Any) -> Any:
    """The run's outcome; exit 2 naming the parameters when the model refuses them (lsc-sact, which
    sets solve_method: priced, with --set objective=worst ended in a ModelInputError traceback)."""
    from models.common.contract import ModelInputError
    from optimiser.run import solve_loaded

    try:
        return solve_loaded(loaded, backend, options, progress, start)
    except ModelInputError as exc:
        click.echo(f"The request has problems ({len(exc.problems)}):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def written_listing(names: list[str]) -> str:
    """The files a run wrote, for its last line: those in a sub-folder counted, not named (a
    rota of 150 people writes 150 calendars), e.g. ``rota.csv, calendars/ (150 .ics files)``."""
    shown: list[str] = []
    folders: dict[str, list[str]] = {}
    for name in names:
        folder, _, rest = name.partition("/")
        if not rest:
            shown.append(name)
            continue
        if folder not in folders:
            folders[folder] = []
            shown.append(folder + "/")
        folders[folder].append(rest)
    for i, entry in enumerate(shown):
        if entry.endswith("/"):
            inside = folders[entry[:-1]]
            kinds = {Path(n).suffix for n in inside}
            what = f"{next(iter(kinds))} files" if len(kinds) == 1 and "" not in kinds else "files"
            shown[i] = f"{entry} ({len(inside)} {what})" if len(inside) > 1 else f"{entry}{inside[0]}"
    return ", ".join(shown)


def _default_out(name: str) -> Path:
    """``runs/<name>-<time>``, the name made one harmless folder name (never ``..`` or a path)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    slug = safe_slug(name)
    out = Path("runs") / f"{slug}-{stamp}"
    n = 1
    while out.exists() or out.is_symlink():
        n += 1
        out = Path("runs") / f"{slug}-{stamp}-{n}"
    return out


@main.command()
@click.argument("path")
@click.option(
    "--all",
    "every",
    is_flag=True,
    help=f"List every problem; by default the first {PROBLEMS_SHOWN} and how many more.",
)
def validate(path: str, every: bool) -> None:
    """Check the instance at PATH and list its problems (file, row, column)."""
    from optimiser.kinds import load_instance

    folder = resolve_instance(path)
    try:
        loaded = load_instance(folder)
    except InputError as exc:
        _fail_input(exc, path=None if every else path, every=every)
    click.echo(f"{loaded.raw.name}: a valid '{loaded.kind.name}' instance")
    for note in loaded.model_input.notes:  # as solve prints them: leave outside the rota, ...
        click.echo(f"Note on the input: {note}")
    _validate_scenarios(folder, path, every)


def _validate_scenarios(folder: Path, path: str, every: bool) -> None:
    """The folder's own ``scenarios.yaml``, which ``solve --scenario`` and ``scenarios`` read
    without being told: every scenario loaded, its problems listed, exit 2 (a folder whose
    scenario file named an unknown site or parameter was called valid)."""
    from optimiser.commands.scenarios import every_scenario_loaded
    from optimiser.kinds import load_instance
    from optimiser.scenarios import SCENARIO_FILE, read_scenarios

    file = folder / SCENARIO_FILE
    if not file.is_file():
        return
    try:
        named = every_scenario_loaded(folder, read_scenarios(file), load_instance)
    except InputError as exc:
        _fail_input(exc, f"Its {SCENARIO_FILE} has problems", None if every else path, every)
    click.echo(f"{SCENARIO_FILE}: {count(len(named), 'scenario')}, each a valid instance")


@main.command("report")
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--years",
    default=None,
    help="Roll-out runs: the years to map, comma-separated, each a year (2030) or a position "
    "(1 = the first year); default the first, middle and last.",
)
@click.option(
    "--instance",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="Where the run's instance folder is now, when it has moved since the run (for the map).",
)
def report(folder: Path, years: str | None, instance: Path | None) -> None:
    """Write report.html for a run folder or a comparison (scenarios, frontier, regret) folder."""
    from optimiser.report import write_report_files
    from optimiser.report.instance import run_map_note
    from optimiser.report.rollout import parse_years

    try:
        *drawn, path = write_report_files(folder, years=parse_years(years), instance=instance)
    except (FileNotFoundError, ValueError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"Wrote {path}" + "".join(f" and {chart.name}" for chart in drawn))
    if (note := run_map_note(folder, instance)) is not None:
        click.echo(note, err=True)


@main.command("instances")
def list_instances() -> None:
    """List the bundled instances."""
    from instances import bundled_folder, bundled_instances
    from optimiser.instance_files import read_yaml

    for name in bundled_instances():
        meta = read_yaml(bundled_folder(name) / "instance.yaml")
        click.echo(f"{name:24} {meta.get('kind', ''):8} {meta.get('description', '')}")


def _register_subcommands() -> None:
    from optimiser.commands import bench, frontier, generate, import_data, regret, scenarios

    main.add_command(scenarios.scenarios)
    main.add_command(frontier.frontier)
    main.add_command(regret.regret)
    main.add_command(generate.generate)
    main.add_command(import_data.import_group)
    main.add_command(bench.bench)


_register_subcommands()
