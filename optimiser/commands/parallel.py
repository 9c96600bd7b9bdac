"""Solve many variants of one instance at once: each a CLI solve in its own limited process.

The scenario, frontier and regret commands all come down to "solve these overrides of this
instance and keep each run folder". Every job is ``python -m optimiser solve ...`` run under a
wall-clock and memory limit (:func:`optimiser.processes.limits.run_limited`, as the benchmark
suite's cases are) on a Dask cluster (an embedded local one by default, ``--scheduler ADDRESS``
for a real one), so a crash or a runaway solve costs one job, not the batch. A job whose run
folder already holds a ``summary.json`` written for the same request is not run again (a rerun
resumes). The first Ctrl-C or SIGTERM stops the batch as it stops a solve: every running solve
is asked to stop (SIGINT to its process, so it keeps its best plan and writes it), no further
job starts (status ``stopped``), in this batch or a later one of the same command (a regret's site
solves after its optimum's, a frontier's points after its ends), and the command writes its tables
from what there is; a second one kills the running jobs and keeps every finished folder.
(Without this, SIGTERM ended the command at once and left its solves running on their own; Ctrl-C
killed them and kept nothing of theirs.)

One clock covers the batch (``deadline``, on the wall clock, :func:`time.time`): each job, when it
starts, gets as its ``--time-limit`` the ``share`` the caller gave it, never more than the time
left before the deadline; a job that would start with less than :data:`LEAST_JOB_SECONDS` left is
not started (status ``timeout``, with a note), so the batch ends by its deadline.

A job may name another of the batch to run ``after`` and an earlier run folder to ``start`` from:
it waits for that job (a Dask dependency, so chains of warm-started solves run in order while
other chains run beside them) and passes ``--start FOLDER`` only if the folder then holds a plan,
so a neighbour without one leaves the job a cold solve rather than a failed one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solvers.interrupt import stop_requested

REQUEST_FILE = "request.json"
STOPPED_NOTE = "not started: the command was stopped (Ctrl-C or SIGTERM)"
LEAST_JOB_SECONDS = 2.0
"""A job is started only with at least this many seconds left before the batch's deadline: a
solve's process takes about a second to start and read its instance, and a limit shorter than
that would only hand back 'time limit reached before the solve started'."""
_COMMAND_STOPPED = threading.Event()
"""Set when a batch of the command was stopped (Ctrl-C or SIGTERM): its later batches start no
solve (a regret stopped during its optimum's solve went on to solve every candidate site, a minute
more, and a frontier its points after its ends)."""
KILL_MARGIN = (1.1, 10.0)
"""A job's process is killed at ``1.1 x`` its ``--time-limit`` ``+ 10`` seconds (the solve keeps
its own limit; the margin is for a runaway process only)."""


@dataclass(frozen=True)
class Job:
    """One solve: a name, its run folder, and the ``optimiser solve`` arguments after the path;
    optionally the job of the batch to wait for (``after``) and the run folder to warm-start from
    (``start``, used only if it holds a plan by then)."""

    name: str
    folder: Path
    arguments: tuple[str, ...]
    request: dict[str, Any] = field(default_factory=dict)
    after: str | None = None
    start: Path | None = None

    def done(self, request: dict[str, Any] | None = None) -> bool:
        """Finished before with the same request (so a rerun skips it): ``request``, else the job's.
        A solve that was stopped (Ctrl-C or SIGTERM, ``interrupted`` in its summary) did not
        finish: a rerun, which the stopped command advises, solves it again (it resumed the
        plans found in the seconds before the stop, 1.3 % from optimal, as final)."""
        marker = self.folder / REQUEST_FILE
        summary = self.folder / "summary.json"
        if not summary.is_file() or not marker.is_file():
            return False
        if json.loads(summary.read_text(encoding="utf-8")).get("interrupted") is True:
            return False
        return json.loads(marker.read_text(encoding="utf-8")) == (
            self.request if request is None else request
        )


INSTANCE_SUFFIXES = (".csv", ".xlsx")
"""An instance folder's table files (beside ``instance.yaml``), whose content a resumed job's must match."""


def instance_fingerprint(instance: str) -> str:
    """The SHA-256 of the instance folder's own files by name and content (``instance.yaml`` and
    its tables; not ``scenarios.yaml``, its runs or notes), or '' when ``instance`` is no folder:
    a rerun resumes only the solves of the instance as it is now."""
    folder = Path(instance)
    if not folder.is_dir():
        return ""
    digest = hashlib.sha256()
    for file in sorted(folder.iterdir()):
        if file.is_file() and (file.name == "instance.yaml" or file.suffix.lower() in INSTANCE_SUFFIXES):
            digest.update(file.name.encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def with_instance(jobs: Sequence[Job]) -> list[Job]:
    """The jobs with their instance's fingerprint (:func:`instance_fingerprint`) in their request:
    a rerun after the instance changed (re-imported, a cost edited) resumed every solve of the old
    one, and the comparison gave its numbers for the new."""
    prints: dict[str, str] = {}
    out = []
    for job in jobs:
        path = job.arguments[0] if job.arguments else ""
        if path not in prints:
            prints[path] = instance_fingerprint(path)
        out.append(dataclasses.replace(job, request={**job.request, "instance_files": prints[path]}))
    return out


@dataclass(frozen=True)
class JobOutcome:
    name: str
    status: str  # finished, timeout, killed, error, resumed, stopped
    returncode: int | None
    wall_seconds: float
    peak_memory_mb: float
    note: str = ""


def start_command() -> None:
    """A new command starts: none of its batches has been stopped yet."""
    _COMMAND_STOPPED.clear()


def command_stopped() -> bool:
    """Whether a batch of this command was stopped (Ctrl-C or SIGTERM) since :func:`start_command`."""
    return _COMMAND_STOPPED.is_set()


def _run_job(payload: dict[str, Any], *after: Any) -> dict[str, Any]:
    """Run one job in its own process under its limits (on a Dask worker thread); ``after`` are
    the outcomes of the jobs it waited for (unused: the dependency is the point)."""
    from optimiser.processes.limits import run_limited

    folder = Path(payload["folder"])
    arguments = list(payload["arguments"])
    wall_seconds = payload["wall_seconds"]
    deadline = payload.get("deadline")
    if stop_requested():  # the command was stopped before this job started
        return {"name": payload["name"], "status": "stopped", "returncode": None,
                "wall_seconds": 0.0, "peak_memory_mb": 0.0, "note": STOPPED_NOTE}  # fmt: skip
    if deadline is not None:
        limit = min(payload["share"], deadline - time.time())
        if limit < LEAST_JOB_SECONDS:
            note = (
                f"not started: its share of the command's --time-limit was {_tenths_below(limit)} s, "
                f"under {LEAST_JOB_SECONDS:g} s"
            )
            return {"name": payload["name"], "status": "timeout", "returncode": None,
                    "wall_seconds": 0.0, "peak_memory_mb": 0.0, "note": note}  # fmt: skip
        arguments = with_time_limit(arguments, limit)
        wall_seconds = limit * KILL_MARGIN[0] + KILL_MARGIN[1]
    if payload.get("threads", 1) > 1:  # fewer jobs than workers: each takes the idle ones' threads
        arguments = with_option(arguments, "--threads", str(payload["threads"]))
    command = [sys.executable, "-m", "optimiser", "solve", *arguments, "--out", str(folder)]
    start = payload.get("start")
    if start and (Path(start) / "sites.csv").is_file() and (Path(start) / "allocation.csv").is_file():
        command += ["--start", str(start)]
    if folder.exists():
        command.append("--force")
    with tempfile.TemporaryDirectory(prefix="optimiser-job-") as scratch:  # removed after the job
        log = Path(scratch) / "job.log"
        limited = run_limited(
            command,
            wall_seconds=wall_seconds,
            memory_mb=payload["memory_mb"],
            log_file=log,
            env=dict(os.environ),
        )
        note = limited.note
        if limited.status == "finished" and limited.returncode == 2:
            note = log.read_text(errors="replace")[-2000:].strip()
    if folder.is_dir():
        (folder / REQUEST_FILE).write_text(json.dumps(payload["request"], indent=2) + "\n", encoding="utf-8")
    return {
        "name": payload["name"],
        "status": limited.status,
        "returncode": limited.returncode,
        "wall_seconds": limited.wall_seconds,
        "peak_memory_mb": limited.peak_memory_mb,
        "note": note,
    }


def _tenths_below(seconds: float) -> str:
    """``seconds`` (at least 0) to the tenth below: 1.96 s is '1.9', where '2.0 s, under 2 s' read
    as a contradiction."""
    return f"{math.floor(max(seconds, 0.0) * 10) / 10:.1f}"


def with_option(arguments: Sequence[str], option: str, value: str) -> list[str]:
    """``arguments`` with ``option``'s value set to ``value`` (the option added if absent)."""
    out = list(arguments)
    if option in out[:-1]:
        out[out.index(option) + 1] = value
    else:
        out += [option, value]
    return out


def with_time_limit(arguments: Sequence[str], seconds: float) -> list[str]:
    """``arguments`` with the value of ``--time-limit`` set to ``seconds`` (added if absent)."""
    return with_option(arguments, "--time-limit", f"{max(seconds, 0.0):.3f}")


def job_share(deadline: float, jobs: int, workers: int) -> float:
    """Seconds each of ``jobs`` solves gets when ``workers`` run at once until ``deadline``
    (wall clock): the time left over the rounds of solves it takes."""
    rounds = max(math.ceil(jobs / max(workers, 1)), 1)
    return max(deadline - time.time(), 0.0) / rounds


def _say_stopping(_: str) -> None:
    sys.stderr.write(
        "\nStopping: the running solves keep their best plans, no more start; a second Ctrl-C kills them.\n"
    )
    sys.stderr.flush()


def run_jobs(
    jobs: Sequence[Job],
    *,
    wall_seconds: float,
    memory_mb: float | None,
    workers: int = 2,
    scheduler: str | None = None,
    on_done: Callable[[JobOutcome, int, int], None] | None = None,
    deadline: float | None = None,
    later: int = 0,
) -> list[JobOutcome]:
    """Run every job not already done; return one outcome per job, in the order given.

    With a ``deadline`` (wall clock, :func:`time.time`) the jobs to run and ``later`` more that the
    caller will run after them share the time left (:func:`job_share`); each job's ``--time-limit``
    is its share, at most the time left when it starts, and ``wall_seconds`` is then ignored.
    With fewer jobs to run than ``workers``, each job's ``--threads`` is ``workers // jobs`` (a
    regret's first solve, alone, takes both of two workers' threads)."""
    from optimiser.processes.cluster import dask_client
    from optimiser.processes.limits import allow_starts, interrupt_all, kill_all
    from solvers.interrupt import on_stop, stop_on_signals

    outcomes: dict[str, JobOutcome] = {}
    todo = []
    for job in with_instance(jobs):
        if job.done():
            outcomes[job.name] = JobOutcome(job.name, "resumed", 0, 0.0, 0.0)
        elif command_stopped():  # an earlier batch of the command was stopped: start no more
            outcomes[job.name] = JobOutcome(job.name, "stopped", None, 0.0, 0.0, STOPPED_NOTE)
        else:
            todo.append(job)
    total, finished = len(jobs), len(outcomes)
    if on_done is not None:  # each counted in turn: two resumed solves both read '[2/3] done'
        for done, outcome in enumerate(outcomes.values(), start=1):
            on_done(outcome, done, total)
    if todo:
        share = None if deadline is None else job_share(deadline, len(todo) + later, workers)
        threads = max(workers // len(todo), 1)
        allow_starts()
        client, cluster = dask_client(scheduler, workers)
        try:
            from dask.distributed import as_completed

            futures: dict[Any, Job] = {}
            by_name: dict[str, Any] = {}
            for job in todo:  # a job's ``after`` is submitted before it (the caller's order)
                payload = {
                    "name": job.name,
                    "folder": str(job.folder),
                    "arguments": list(job.arguments),
                    "request": job.request,
                    "wall_seconds": wall_seconds,
                    "memory_mb": memory_mb,
                    "start": None if job.start is None else str(job.start),
                    "deadline": deadline,
                    "share": share,
                    "threads": threads,
                }
                waits = [by_name[job.after]] if job.after in by_name else []
                future = client.submit(
                    _run_job, payload, *waits, key=f"solve-{job.name}-{os.getpid()}", pure=False
                )
                futures[future] = job
                by_name[job.name] = future
            with stop_on_signals(notify=_say_stopping), on_stop(interrupt_all):
                for future in as_completed(futures):
                    try:
                        outcome = JobOutcome(**future.result())
                    except Exception as exc:  # the harness failed on this job: keep it as a row
                        note = f"{type(exc).__name__}: {exc}"
                        outcome = JobOutcome(futures[future].name, "error", None, 0.0, 0.0, note)
                    outcomes[outcome.name] = outcome
                    finished += 1
                    if on_done is not None:
                        on_done(outcome, finished, total)
                if stop_requested():
                    _COMMAND_STOPPED.set()
        except BaseException:
            kill_all()
            raise
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    return [outcomes[job.name] for job in jobs if job.name in outcomes]
