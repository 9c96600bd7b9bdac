"""How far past its deadline a kind's solve ends (in-process, no start-up; SACT: when stage 4 ran).

Usage (from the repository root, one JSON line printed per run)::

    PYTHONPATH=$PWD python benchmarks/scripts/solve_deadline.py lsc-sact 10 12 14
    PYTHONPATH=$PWD python benchmarks/scripts/solve_deadline.py lsc-cover 10 20 --repeat 3

Any bundled instance or instance folder.  Each figure is a deadline in seconds from the solve's
start (the options' ``time_limit`` and ``deadline``, as the shell sets them).  Printed: the
seconds the solve took, its lateness (end less deadline, seconds; positive is an overrun), the
status, objective and gap, on the SACT priced path the whole model's (stage 4's) start and end
(seconds from the solve's start; absent when it did not run), the one-minute load average
before the run and the result's message.  ``--set NAME=VALUE`` overrides a module figure of
:mod:`models.sact.large` (a number, ``true``/``false``, or ``none``).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

import models.sact.large as large
from benchmarks.scripts.instance_argument import loaded_instance
from solvers import SolveOptions


def _value(text: str) -> Any:
    """A module figure's value from the command line."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    try:
        return float(text)
    except ValueError:
        return text


def run(name: str, seconds: float) -> dict[str, Any]:
    """One solve of instance ``name`` with a deadline ``seconds`` from its start."""
    loaded = loaded_instance(name)
    case = loaded.model_input
    model = loaded.kind.model
    assert model is not None
    stage: dict[str, float] = {}
    original = large._whole_model_stage
    load = os.getloadavg()[0]
    started = time.monotonic()

    def timed(*args: Any, **kwargs: Any) -> bool:
        stage["whole_start"] = round(time.monotonic() - started, 3)
        try:
            return original(*args, **kwargs)
        finally:
            stage["whole_end"] = round(time.monotonic() - started, 3)

    large._whole_model_stage = timed
    try:
        options = SolveOptions(time_limit=seconds).with_deadline()
        plan = model.solve(case.input, case.parameters, options=options)
    finally:
        large._whole_model_stage = original
    took = time.monotonic() - started
    result = plan.result
    return {
        "instance": name,
        "deadline": seconds,
        "took": round(took, 3),
        "late": round(took - seconds, 3),
        "status": result.status.value,
        "objective": None if result.objective is None else round(result.objective, 2),
        "gap": None if result.gap is None else round(100 * result.gap, 3),
        **stage,
        "load": round(load, 2),
        "message": result.message,
    }


def main() -> None:
    """Run each deadline ``--repeat`` times in turn, one JSON line each."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("instance")
    parser.add_argument("deadlines", nargs="+", type=float, help="seconds from the solve's start")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE of models.sact.large")
    arguments = parser.parse_args()
    for pair in arguments.set:
        key, text = pair.split("=", 1)
        if not hasattr(large, key):
            raise SystemExit(f"models.sact.large has no {key}")
        setattr(large, key, _value(text))
    for _ in range(arguments.repeat):
        for seconds in arguments.deadlines:
            print(json.dumps(run(arguments.instance, seconds)), flush=True)


if __name__ == "__main__":
    main()
