"""Solve many variants of one instance at once: each a CLI solve in its own limited process.

The scenario, frontier and regret commands all come down to "solve these overrides of this
instance and keep each run folder".  Every job is ``python -m optimiser solve ...`` run under a
wall-clock and memory limit (:func:`benchmarks.suite.limits.run_limited`, the benchmark suite's)
on a Dask cluster (an embedded local one by default, ``--scheduler ADDRESS`` for a real one), so
a crash or a runaway solve costs one job, not the batch.  A job whose run folder already holds a
``summary.json`` written for the same request is not run again (a rerun resumes); Ctrl-C kills
the running jobs and keeps every finished folder.

A job may name another of the batch to run ``after`` and an earlier run folder to ``start`` from:
it waits for that job (a Dask dependency, so chains of warm-started solves run in order while
other chains run beside them) and passes ``--start FOLDER`` only if the folder then holds a plan,
so a neighbour without one leaves the job a cold solve rather than a failed one.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REQUEST_FILE = "request.json"


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

    def done(self) -> bool:
        """Finished before with the same request (so a rerun skips it)."""
        marker = self.folder / REQUEST_FILE
        if not (self.folder / "summary.json").is_file() or not marker.is_file():
            return False
        return json.loads(marker.read_text(encoding="utf-8")) == self.request


@dataclass(frozen=True)
class JobOutcome:
    name: str
    status: str  # finished, timeout, killed, error, resumed
    returncode: int | None
    wall_seconds: float
    peak_memory_mb: float
    note: str = ""


def _run_job(payload: dict[str, Any], *after: Any) -> dict[str, Any]:
    """Run one job in its own process under its limits (on a Dask worker thread); ``after`` are
    the outcomes of the jobs it waited for (unused: the dependency is the point)."""
    from benchmarks.suite.limits import run_limited

    folder = Path(payload["folder"])
    command = [sys.executable, "-m", "optimiser", "solve", *payload["arguments"], "--out", str(folder)]
    start = payload.get("start")
    if start and (Path(start) / "sites.csv").is_file() and (Path(start) / "allocation.csv").is_file():
        command += ["--start", str(start)]
    if folder.exists():
        command.append("--force")
    log = Path(tempfile.mkdtemp(prefix="optimiser-job-")) / "job.log"
    limited = run_limited(
        command,
        wall_seconds=payload["wall_seconds"],
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


def run_jobs(
    jobs: Sequence[Job],
    *,
    wall_seconds: float,
    memory_mb: float | None,
    workers: int = 2,
    scheduler: str | None = None,
    on_done: Callable[[JobOutcome, int, int], None] | None = None,
) -> list[JobOutcome]:
    """Run every job not already done; return one outcome per job, in the order given."""
    from benchmarks.suite.limits import kill_all

    outcomes: dict[str, JobOutcome] = {}
    todo = []
    for job in jobs:
        if job.done():
            outcomes[job.name] = JobOutcome(job.name, "resumed", 0, 0.0, 0.0)
        else:
            todo.append(job)
    total, finished = len(jobs), len(outcomes)
    if on_done is not None:
        for outcome in outcomes.values():
            on_done(outcome, finished, total)
    if todo:
        client, cluster = _client(scheduler, workers)
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
                }
                waits = [by_name[job.after]] if job.after in by_name else []
                future = client.submit(
                    _run_job, payload, *waits, key=f"solve-{job.name}-{os.getpid()}", pure=False
                )
                futures[future] = job
                by_name[job.name] = future
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
        except BaseException:
            kill_all()
            raise
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    return [outcomes[job.name] for job in jobs if job.name in outcomes]


def _client(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=False,
        dashboard_address=":0",
        scheduler_kwargs={"dashboard": False},
    )
    return Client(cluster), cluster
