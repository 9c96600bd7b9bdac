"""Run a suite: every task in its own limited process, in parallel through Dask, resumable.

Stages: plan (cases x backends x repeats; missing solvers and data become notes) -> skip the
tasks already finished in ``OUT/results.jsonl`` -> run the rest on a Dask cluster (an embedded
``LocalCluster`` of threads by default, each thread waiting on its case's own process; or an
existing cluster by address) -> append each row to ``results.jsonl`` as it arrives -> write
``results.csv`` and the report -> raise :class:`PublishedValueMismatch` if any result
contradicts a published optimum.

Files in ``OUT``: ``results.jsonl`` (the append-only log that makes a rerun resume),
``results.csv`` (the last row of every task), ``run.json`` (suite, settings, machine),
``logs/<task>.log`` (output of tasks that did not end normally), the report's files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.suite import compare
from benchmarks.suite.definition import Suite
from benchmarks.suite.overrun import overrun_seconds
from benchmarks.suite.registry import REPO_ROOT, Context, default_data_dir
from benchmarks.suite.tasks import (
    COLUMNS,
    NOT_RUN,
    PublishedValueMismatch,
    Task,
    base_row,
    check_published,
    plan_suite,
)
from models.common.words import count
from optimiser.processes.limits import allow_starts, kill_all, run_limited

RESULTS_LOG = "results.jsonl"
RESULTS_CSV = "results.csv"
RUN_FILE = "run.json"
LOG_TAIL_CHARS = 20_000
_SETTING_COLUMNS = ("time_limit", "gap_limit", "threads", "seed")

Echo = Callable[[str], None]


class SettingsChanged(Exception):
    """``OUT`` holds finished tasks run with other settings; resuming would mix them."""


class OtherSuite(SettingsChanged):
    """``OUT`` holds another suite's results; this suite's results.csv and report would hold them."""


def _check_suite(rows: Iterable[dict[str, Any]], suite: str, out: Path) -> None:
    others = sorted({str(r.get("suite")) for r in rows if r.get("suite") not in (None, suite)})
    if others:
        raise OtherSuite(
            f"{out} holds the results of suite {', '.join(repr(o) for o in others)}, not {suite!r}: "
            "choose another --out, or start again with --fresh"
        )


@dataclass(frozen=True)
class BenchOutcome:
    """What a run left: the table of every task in ``out``, and what happened now.

    rows : one row per task key found in ``out`` (columns :data:`COLUMNS`).
    ran : tasks run now. resumed : tasks of this suite found finished and not run again.
    notes : skipped backends and cases, in words. mismatches : rows contradicting a published optimum.
    files : files written (results and report).
    """

    out: Path
    rows: pd.DataFrame
    ran: int
    resumed: int
    notes: tuple[str, ...]
    mismatches: tuple[dict[str, Any], ...]
    files: tuple[Path, ...]


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", key)


def execute_task(payload: dict[str, Any]) -> dict[str, Any]:
    """Run one task in a fresh process under its limits; return its row (and log tail if it failed).

    Runs on a Dask worker: everything it needs is in ``payload`` (``task``, ``context``), and its
    scratch files live in a temporary folder of the worker's machine.
    """
    task = Task.from_dict(payload["task"])
    row = base_row(task)
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        task_file, result_file, log_file = (scratch / n for n in ("task.json", "result.json", "case.log"))
        task_file.write_text(json.dumps({"task": payload["task"], "context": payload["context"]}))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
        limited = run_limited(
            [sys.executable, "-m", "benchmarks.suite.worker", str(task_file), str(result_file)],
            wall_seconds=task.settings.wall_seconds(),
            memory_mb=task.settings.memory_limit_mb,
            log_file=log_file,
            env=env,
        )
        row["wall_seconds"] = round(limited.wall_seconds, 4)
        peak = limited.peak_memory_mb
        report = json.loads(result_file.read_text()) if result_file.is_file() else None
        if limited.status != "finished":
            row.update(status=limited.status, note=limited.note)
        elif report is None:
            row.update(status="error", note=f"the case's process exited with code {limited.returncode}")
        elif "error" in report:
            row.update(status="error", note=str(report["error"]))
        else:
            r = report["result"]
            row.update(
                status=r["status"],
                objective=r["objective"],
                bound=r["bound"],
                gap=r["gap"],
                build_seconds=r["build_seconds"],
                solve_seconds=r["solve_seconds"],
                extra=json.dumps(r["extra"], default=_jsonable) if r.get("extra") else "",
            )
        if report is not None:
            peak = max(peak, float(report.get("peak_memory_mb", 0.0)))
        solve_wall = report.get("seconds") if report is not None else limited.wall_seconds
        overrun = overrun_seconds(solve_wall, task.settings.time_limit)
        row["overrun_seconds"] = None if overrun is None else round(overrun, 3)
        row["peak_memory_mb"] = round(peak, 1)
        row["finished_at"] = dt.datetime.now().isoformat(timespec="seconds")
        check_published(row, task.case)
        log_tail = ""
        if row["status"] in ("error", "timeout", "killed"):
            output = log_file.read_text(errors="replace")[-LOG_TAIL_CHARS:]
            log_tail = f"# {task.key}: {row['status']}: {row['note']}\n{output}"
        return {"row": row, "log": log_tail}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a results log; a line cut short by an interruption is ignored."""
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return rows


def _append(path: Path, row: dict[str, Any]) -> None:
    with path.open("a+b") as fh:
        # a line cut short by an interruption is left alone, on its own line
        fh.seek(0, os.SEEK_END)
        if fh.tell() > 0:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                fh.write(b"\n")
        fh.write((json.dumps(row, default=_jsonable) + "\n").encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to a results row")


def final_table(rows: Iterable[dict[str, Any]], order: Iterable[str] = ()) -> pd.DataFrame:
    """The last row of every task key, with :data:`COLUMNS`: keys in ``order`` first, in that
    order, then any other key in the order it was first logged."""
    last: dict[str, dict[str, Any]] = {}
    for row in rows:
        last[row["key"]] = row
    keys = [k for k in dict.fromkeys(order) if k in last]
    first = set(keys)
    keys += [k for k in last if k not in first]
    return pd.DataFrame([last[k] for k in keys], columns=list(COLUMNS))


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return bool(a == b)


def _check_settings(tasks: Iterable[Task], finished: dict[str, dict[str, Any]]) -> None:
    changed = []
    for task in tasks:
        old = finished.get(task.key)
        if old is None:
            continue
        new = base_row(task)
        diffs = [f"{c} {old.get(c)} -> {new[c]}" for c in _SETTING_COLUMNS if not _same(old.get(c), new[c])]
        if diffs:
            changed.append(f"{task.key}: {', '.join(diffs)}")
    if changed:
        raise SettingsChanged(
            f"{len(changed)} finished task(s) in this folder ran with other settings, e.g. {changed[0]}; "
            "resume with the same settings, choose another --out, or start again with --fresh"
        )


def run_suite(
    suite: Suite,
    out: Path,
    *,
    context: Context | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    fresh: bool = False,
    retry: tuple[str, ...] = (),
    report: bool = True,
    echo: Echo | None = None,
) -> BenchOutcome:
    """Run ``suite`` into folder ``out``; resume from what ``out`` already holds unless ``fresh``.

    A task whose last row in ``out`` has a status in ``retry`` (e.g. ``timeout``) runs again;
    ``mismatch`` in ``retry`` runs again the tasks that contradicted a published optimum.

    Raises :class:`PublishedValueMismatch` (after writing every file) when a result contradicts
    a published optimum, and :class:`SettingsChanged` before running anything when ``out``
    holds the same tasks finished under other settings.
    """
    echo = echo or (lambda _text: None)
    context = context or Context(default_data_dir())
    plan = plan_suite(suite, context)
    out.mkdir(parents=True, exist_ok=True)
    log_path = out / RESULTS_LOG
    if fresh:
        for name in (RESULTS_LOG, RESULTS_CSV):
            (out / name).unlink(missing_ok=True)
    log_path.touch()  # the folder's mark as a run's, even when every case is left out
    existing = read_rows(log_path)
    _check_suite(existing, suite.name, out)
    finished = {r["key"]: r for r in existing}
    finished = {k: r for k, r in finished.items() if not _to_retry(r, retry)}
    _check_settings(plan.tasks, finished)
    todo = [t for t in plan.tasks if t.key not in finished]
    resumed = len(plan.tasks) - len(todo)
    for note in plan.notes:
        echo(f"note: {note}")
    if resumed:
        echo(f"resuming: {resumed} task(s) already finished in {out}")
    logged = {r["key"] for r in existing}
    for row in plan.skipped:
        if row["key"] not in logged:
            _append(log_path, row)
    _write_run_file(out, suite, context, workers, scheduler)

    ran: list[str] = []  # the tasks this run finished, as logged

    def on_row(row: dict[str, Any], log_text: str, done: int) -> None:
        _append(log_path, row)
        ran.append(row["key"])
        if log_text:
            log_file = out / "logs" / f"{_safe(row['key'])}.log"
            log_file.parent.mkdir(exist_ok=True)
            log_file.write_text(log_text, encoding="utf-8")
        echo(_progress_line(row, done, len(todo)))

    order = [t.key for t in plan.tasks] + [r["key"] for r in plan.skipped]
    if todo:
        try:
            _execute(todo, context, scheduler, workers or _default_workers(todo), on_row)
        except (KeyboardInterrupt, SystemExit):
            stopped = _write_interrupted(out, order, todo)
            if report:  # report.md and the plots of this results.csv, not the run before's
                from benchmarks.suite.report import write_report

                write_report(stopped, out, title=f"Benchmark suite '{suite.name}'", notes=plan.notes)
            echo(_interrupted_line(len(ran), len(todo), out))
            raise
    table = final_table(read_rows(log_path), order)
    files = [out / RESULTS_CSV]
    table.to_csv(files[0], index=False)
    mismatches = tuple(table[table["check"] == "mismatch"].to_dict("records"))
    if report:
        from benchmarks.suite.report import write_report

        files += write_report(table, out, title=f"Benchmark suite '{suite.name}'", notes=plan.notes)
    outcome = BenchOutcome(out, table, len(todo), resumed, plan.notes, mismatches, tuple(files))
    if mismatches:
        raise PublishedValueMismatch(list(mismatches), outcome)
    return outcome


INTERRUPTED = compare.INTERRUPTED
"""results.csv's status of a task the run was stopped before it finished (never logged: a rerun
runs it)."""


def _write_interrupted(out: Path, order: list[str], todo: list[Task]) -> pd.DataFrame:
    """results.csv of a run stopped (Ctrl-C or SIGTERM) part way: the last logged row of every
    task, this run's and earlier runs', and each task of ``todo`` never logged as
    :data:`INTERRUPTED` (returned). An interrupted run left results.csv as the run before had
    written it (none on a first run), without the tasks this run finished, and said only 'Aborted!';
    its report.md and plots stayed the run before's."""
    rows = read_rows(out / RESULTS_LOG)
    logged = {row["key"] for row in rows}
    note = "the run was stopped before this task finished: the same command runs it"
    left = [task for task in todo if task.key not in logged]
    rows += [base_row(task) | {"status": INTERRUPTED, "note": note, "finished_at": None} for task in left]
    table = final_table(rows, order)
    table.to_csv(out / RESULTS_CSV, index=False)
    return table


def _interrupted_line(finished: int, total: int, out: Path) -> str:
    """What an interrupted run kept: ``finished`` of its ``total`` tasks, and how to run the rest."""
    return (
        f"Stopped (Ctrl-C or SIGTERM): {finished} of {count(total, 'task')} finished, kept in "
        f"{out / RESULTS_LOG} and {out / RESULTS_CSV} (a task never finished reads '{INTERRUPTED}'): "
        "run the same command again to run the rest"
    )


def _to_retry(row: dict[str, Any], retry: tuple[str, ...]) -> bool:
    if row.get("status") in (*NOT_RUN, *retry):
        return True
    return "mismatch" in retry and row.get("check") == "mismatch"


def _default_workers(tasks: list[Task]) -> int:
    threads = max((t.settings.threads or 1) for t in tasks)
    return max(1, (os.cpu_count() or 1) // threads)


def _progress_line(row: dict[str, Any], done: int, total: int) -> str:
    obj = "" if row.get("objective") is None else f" objective {row['objective']:.10g}"
    secs = (row.get("build_seconds") or 0.0) + (row.get("solve_seconds") or 0.0)
    check = f" [{row['check']}]" if row.get("check") in ("ok", "mismatch") else ""
    note = f" ({row['note']})" if row.get("note") else ""
    head = f"[{done}/{total}] {row['case']} {row['backend']}#{row['repeat']}"
    return f"{head}: {row['status']}{obj} {secs:.2f} s{check}{note}"


def _execute(
    todo: list[Task],
    context: Context,
    scheduler: str | None,
    workers: int,
    on_row: Callable[[dict[str, Any], str, int], None],
) -> None:
    """Run ``todo`` on a Dask cluster; call ``on_row`` in this process as each task finishes."""
    with _terminate_as_exit():
        _execute_on_cluster(todo, context, scheduler, workers, on_row)


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """Within: SIGTERM raises SystemExit, so that the cases' processes (each in its own session,
    which a signal to this process does not reach) are killed on the way out, as on Ctrl-C.
    Only the main thread can set a handler; elsewhere SIGTERM keeps its handler."""
    try:
        previous = signal.signal(signal.SIGTERM, _exit_on_terminate)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_on_terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def _execute_on_cluster(
    todo: list[Task],
    context: Context,
    scheduler: str | None,
    workers: int,
    on_row: Callable[[dict[str, Any], str, int], None],
) -> None:
    from dask.distributed import as_completed

    from optimiser.processes.cluster import dask_client

    allow_starts()
    client, cluster = dask_client(scheduler, workers)
    try:
        futures = {}
        for task in todo:
            payload = {"task": task.to_dict(), "context": context.to_dict()}
            future = client.submit(execute_task, payload, key=f"bench-{_safe(task.key)}", pure=False)
            futures[future] = task
        for done, future in enumerate(as_completed(futures), start=1):
            task = futures[future]
            try:
                answer = future.result()
            except Exception as exc:  # the harness itself failed on this task: keep it as a row
                row = base_row(task) | {"status": "error", "note": f"runner: {type(exc).__name__}: {exc}"}
                answer = {"row": row, "log": ""}
            on_row(answer["row"], answer["log"], done)
    except BaseException:
        kill_all()
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _write_run_file(
    out: Path, suite: Suite, context: Context, workers: int | None, scheduler: str | None
) -> None:
    from benchmarks.machine import machine_description

    meta = {
        "suite": suite.name,
        "description": suite.description,
        "suite_file": None if suite.path is None else str(suite.path),
        "settings": suite.settings.to_dict(),
        "entries": [
            {"family": e.family, **dict(e.spec), "backends": e.backends, "settings": e.settings.to_dict()}
            for e in suite.entries
        ],
        "data_dir": context.to_dict()["data_dir"],
        "workers": workers,
        "scheduler": scheduler or "embedded LocalCluster",
        "machine": machine_description(),
    }
    (out / RUN_FILE).write_text(json.dumps(meta, indent=2, default=str) + "\n", encoding="utf-8")
