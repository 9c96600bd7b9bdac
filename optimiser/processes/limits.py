"""Run one command under a wall-clock and a memory limit, measuring its peak memory.

The command runs in its own session (process group), so that a solver it starts (CBC, GLPK
through pyomo) is measured and killed with it.  Resident memory of the whole process tree is
sampled with psutil every :data:`POLL_SECONDS`; above the limit the group is killed (status
``killed``), and so it is when the wall-clock limit passes (status ``timeout``).  Peak memory is
the larger of the sampled peak and what the case reports of itself (``ru_maxrss``), which also
catches a peak shorter than the sampling interval.

Processes still running when the caller is interrupted are killed by :func:`kill_all`, and a
command whose turn comes after that (a Dask worker thread starting the next task while the run
shuts down) is killed as soon as it starts, until :func:`allow_starts`: a bench interrupted just
as one case ended started the next, a 120-s case, and its cluster waited for it to end.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

POLL_SECONDS = 0.1

_LIVE: dict[int, subprocess.Popen[bytes]] = {}
_LOCK = threading.Lock()
_STOPPING = threading.Event()


@dataclass(frozen=True)
class Limited:
    """How a limited command ended.

    status : ``finished`` (exited by itself, see ``returncode``), ``timeout`` or ``killed``.
    """

    status: str
    returncode: int | None
    wall_seconds: float
    peak_memory_mb: float
    note: str = ""


def memory_note(resident_mb: float, limit_mb: float) -> str:
    """Why a command using ``resident_mb`` above its limit of ``limit_mb`` was killed, the two
    figures never contradicting: to the tenth of a MB, or 'reached' when that rounds to the limit
    or below ('resident memory 100 MB above the limit of 100 MB')."""
    shown = f"{resident_mb:.1f}"
    if float(shown) <= limit_mb:
        return f"killed: resident memory reached the limit of {limit_mb:g} MB"
    return f"killed: resident memory {shown} MB above the limit of {limit_mb:g} MB"


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        with contextlib.suppress(psutil.Error):
            total += member.memory_info().rss
    return total


def _kill_group(popen: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(popen.pid, signal.SIGKILL)
    popen.wait()


def run_limited(
    command: list[str],
    *,
    wall_seconds: float,
    memory_mb: float | None,
    log_file: Path,
    env: dict[str, str] | None = None,
) -> Limited:
    """Run ``command`` (output to ``log_file``) until it exits or breaks a limit."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with log_file.open("wb") as log:
        popen = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
        )
        with _LOCK:
            stopping = _STOPPING.is_set()
            if not stopping:
                _LIVE[popen.pid] = popen
        if stopping:  # started after kill_all: killed at once, as the ones running then were
            _kill_group(popen)
            note = "killed: the run was interrupted as it started"
            return Limited("killed", None, time.perf_counter() - t0, 0.0, note)
        try:
            proc = psutil.Process(popen.pid)
            peak = 0
            status, note = "finished", ""
            while popen.poll() is None:
                rss = _tree_rss(proc)
                peak = max(peak, rss)
                elapsed = time.perf_counter() - t0
                if memory_mb is not None and rss > memory_mb * 2**20:
                    status = "killed"
                    note = memory_note(rss / 2**20, memory_mb)
                    _kill_group(popen)
                    break
                if elapsed > wall_seconds:
                    status = "timeout"
                    note = f"killed: still running after the wall-clock limit of {round(wall_seconds, 1):g} s"
                    _kill_group(popen)
                    break
                time.sleep(POLL_SECONDS)
            else:
                # the case may have left solver processes behind in its group
                _kill_group(popen)
        finally:
            with _LOCK:
                _LIVE.pop(popen.pid, None)
    wall = time.perf_counter() - t0
    code = popen.returncode if status == "finished" else None
    return Limited(status, code, wall, peak / 2**20, note)


def interrupt_all() -> None:
    """Ask every limited command still running in this process to stop: SIGINT to its process
    group, as Ctrl-C would (an ``optimiser solve`` then keeps its best plan and writes it)."""
    with _LOCK:
        live = list(_LIVE.values())
    for popen in live:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(popen.pid, signal.SIGINT)


def allow_starts() -> None:
    """Let limited commands run again (a new run in this process, after :func:`kill_all`)."""
    _STOPPING.clear()


def kill_all() -> None:
    """Kill every limited command still running in this process (after an interruption), and each
    one that starts from now until :func:`allow_starts`."""
    with _LOCK:
        _STOPPING.set()
        live = list(_LIVE.values())
    for popen in live:
        _kill_group(popen)
