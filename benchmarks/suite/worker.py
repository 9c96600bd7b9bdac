"""Run one task in this process: ``python -m benchmarks.suite.worker TASK.json RESULT.json``.

The runner starts it in a fresh process so that limits and peak memory belong to the case
alone. It writes ``RESULT.json`` with the solve's result and this process's peak memory, or
with ``error`` (the exception) when the case could not be solved; the exit code is 0 or 1.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import traceback
from pathlib import Path


def _peak_mb() -> float:
    """Peak resident memory of this process since it started (its own, not its parent's).

    Linux's ``VmHWM`` belongs to this program image; ``ru_maxrss`` is not used where VmHWM is
    available because it carries over the parent's peak across fork and exec. A solver this
    process starts (CBC, GLPK) is covered by the runner's sampling of the process tree.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def run(task_file: Path, result_file: Path) -> int:
    from benchmarks.suite.registry import Context, get_family
    from benchmarks.suite.tasks import Task

    spec = json.loads(task_file.read_text(encoding="utf-8"))
    task = Task.from_dict(spec["task"])
    context = Context.from_dict(spec["context"])
    t0 = time.perf_counter()
    out: dict[str, object]
    try:
        family = get_family(task.case.family)
        # the time limit is the case's whole wall clock (reading, building, every stage), as for a user
        options = task.settings.options().with_deadline()
        result = family.solve(task.case, task.backend, options, context)
        out = {"result": result.to_dict()}
        code = 0
    except Exception as exc:  # the case failed: record why, as a row, not a crash of the suite
        traceback.print_exc()
        out = {"error": f"{type(exc).__name__}: {exc}"}
        code = 1
    out["seconds"] = time.perf_counter() - t0
    out["peak_memory_mb"] = _peak_mb()
    tmp = result_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(out), encoding="utf-8")
    os.replace(tmp, result_file)
    return code


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    return run(Path(args[0]), Path(args[1]))


if __name__ == "__main__":
    raise SystemExit(main())
