"""Scale benchmark of the cross-trust oncologist cover model (issue 4).

Usage::

    .venv/bin/python benchmarks/cover_scale.py               # 60 oncologists x 6 trusts x 10 x 26 weeks
    .venv/bin/python benchmarks/cover_scale.py --case smoke  # 12 x 3 x 4 x 4, seconds

Protocol: the instance is ``instances.generators.cover.generate(...)`` with ``--seed`` (default
0); default :class:`~models.cover.parameters.CoverParameters` except ``--per-solve`` (the
``time_limit_per_solve``, default 60 s) and ``--polish``/``--no-stage3``; HiGHS (vectorised
build) with relative gap ``--gap`` (default 1 %) and ``--time-limit`` seconds for the whole run
(default 3,600: in effect each solve runs to ``--per-solve``).  Builds are timed separately for
the vectorised and the pyomo formulation of the whole horizon and of one week (pyomo's hand-off
to HiGHS is timed by a solve with a zero time limit).  The plan is re-checked by
``models.cover.check``, the contract's independent checker.  Results go to
``benchmarks/results/cover_scale.md`` and ``.csv`` (``--out`` to change), with the machine,
versions and commit; times on a shared machine vary with its load.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from benchmarks.machine import machine_description, run_conditions  # noqa: E402
from instances.generators.cover import generate  # noqa: E402
from models.cover import CoverParameters, check, solve  # noqa: E402
from models.cover.index import CoverIndex, prepare, week_slice  # noqa: E402
from models.cover.matrix import build_matrix  # noqa: E402
from solvers import SolveOptions  # noqa: E402

CASES = {
    "smoke": {"oncologists": 12, "trusts": 3, "tumour_sites": 4, "weeks": 4},
    "scale": {"oncologists": 60, "trusts": 6, "tumour_sites": 10, "weeks": 26},
}


def measure_builds(idx: CoverIndex, params: CoverParameters, pyomo: bool) -> list[dict[str, object]]:
    """Seconds to build the stage-1 model, whole horizon and week 1, with each builder."""
    rows: list[dict[str, object]] = []
    for scope, part in (("whole horizon", idx), ("one week", week_slice(idx, 0)[0])):
        t0 = time.perf_counter()
        mm = build_matrix(part, params, {1: 1.0})
        rows.append(
            {"builder": "vectorised", "scope": scope, "build_seconds": time.perf_counter() - t0,
             "handoff_seconds": None, "columns": mm.num_cols, "rows": mm.num_rows}
        )  # fmt: skip
        if pyomo:
            from solvers.pyomo_backend import solve_pyomo
            from solvers.pyomo_matrix import to_pyomo

            t0 = time.perf_counter()
            model, _ = to_pyomo(mm)
            build = time.perf_counter() - t0
            # A zero time limit: HiGHS stops at once, so this times pyomo's translation and hand-off.
            handoff = solve_pyomo(model, "highs", SolveOptions(time_limit=0.0, threads=1)).solve_seconds
            rows.append(
                {"builder": "pyomo (from the arrays)", "scope": scope, "build_seconds": build,
                 "handoff_seconds": handoff, "columns": mm.num_cols, "rows": mm.num_rows}
            )  # fmt: skip
    return rows


def run(
    case: str,
    time_limit: float,
    gap: float,
    seed: int,
    threads: int,
    pyomo: bool,
    polish: bool,
    stage3: bool = True,
    per_solve: float = 60.0,
) -> dict:
    size = CASES[case]
    t0 = time.perf_counter()
    inst = generate(**size, seed=seed)
    generate_seconds = time.perf_counter() - t0
    params = CoverParameters(stage3_polish=polish, run_stage3=stage3, time_limit_per_solve=per_solve)
    idx = prepare(inst, params)
    builds = measure_builds(idx, params, pyomo)
    options = SolveOptions(gap=gap, time_limit=time_limit, threads=threads, seed=seed)
    t0 = time.perf_counter()
    plan = solve(inst, params, options=options)
    wall = time.perf_counter() - t0
    report = check(inst, plan)
    stages = []
    for s in (
        *plan.stages,
        *(dataclasses.replace(b, name=f"baseline {b.name}") for b in plan.baseline_stages),
    ):
        r = s.result
        stages.append(
            {"stage": s.name, "status": r.status.value, "objective": r.objective, "bound": r.bound,
             "gap": r.gap, "build_seconds": r.build_seconds, "solve_seconds": r.solve_seconds, **s.values}
        )  # fmt: skip
    solves = plan.solves
    weekly = (
        solves[solves["week"] > 0]
        .groupby(["model", "stage"], sort=False)
        .agg(solves=("week", "size"), optimal=("status", lambda s: int((s == "optimal").sum())),
             max_gap=("gap", "max"), max_seconds=("solve_seconds", "max"),
             total_seconds=("solve_seconds", "sum"))
        .reset_index()
    )  # fmt: skip
    return {
        "case": case,
        "size": size,
        "seed": seed,
        "gap_target": gap,
        "time_limit": time_limit,
        "per_solve": per_solve,
        "threads": threads,
        "generate_seconds": generate_seconds,
        "wall_seconds": wall,
        "model": {k: len(getattr(idx, k)) for k in ("x", "v", "dem", "mw", "a", "c")},
        "builds": pd.DataFrame(builds),
        "stages": pd.DataFrame(stages),
        "weekly": weekly,
        "costs": plan.costs,
        "check_ok": report.passed,
        "check_violations": len(report.violations) + len(report.mismatches),
        "check_total_cost": report.figures["total_cost"],
        "plan_total_cost": plan.metric("total_cost"),
        "status": plan.status.value,
        "timings": plan.timings,
    }


def _table(frame: pd.DataFrame) -> str:
    def fmt(v: object) -> str:
        if isinstance(v, float):
            return "" if pd.isna(v) else f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
        return str(v)

    head = "| " + " | ".join(frame.columns) + " |"
    sep = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(fmt(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, sep, *body])


def write(res: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    s = res["size"]
    stages = res["stages"]
    size = f"{s['oncologists']}, {s['trusts']}, {s['tumour_sites']}, {s['weeks']}, seed={res['seed']}"
    check = "passed" if res["check_ok"] else f"FAILED ({res['check_violations']} violations)"
    lines = [
        "# Oncologist cover: scale benchmark",
        "",
        f"Run {dt.datetime.now():%Y-%m-%d %H:%M} by `benchmarks/cover_scale.py --case {res['case']}`.",
        f"{machine_description()} {run_conditions(ROOT)}",
        "",
        f"Instance: `generate({size})` (oncologists x trusts x tumour sites x weeks); index sizes "
        f"{res['model']} (x allocations, v visits, dem demand rows, mw MDT meetings, a attendance "
        "options, c cover pairs).",
        f"Solver: HiGHS, vectorised build; gap target {res['gap_target']:.2%}, {res['time_limit']:g} s "
        f"for the run, at most {res['per_solve']:g} s per solve; {res['threads']} threads.",
        "",
        "## Build times (stage-1 model)",
        "",
        _table(res["builds"]),
        "",
        "## Stages",
        "",
        "Stages 1-2 are solved week by week (exact for them); the gap of a stage is that of the sums of the "
        "weekly objectives and bounds.  Stage 3 runs week by week, then over the whole horizon (polish).",
        "",
        _table(stages),
        "",
        "## Weekly solves",
        "",
        _table(res["weekly"]),
        "",
        "## Plan against the baseline (everyone at home, locums within availability)",
        "",
        _table(res["costs"]),
        "",
        f"Status {res['status']}; wall time {res['wall_seconds']:.1f} s (generate "
        f"{res['generate_seconds']:.2f} s); independent check {check}: total cost "
        f"{res['check_total_cost']:,.2f} recomputed, {res['plan_total_cost']:,.2f} reported.",
        "",
    ]
    out.with_suffix(".md").write_text("\n".join(lines), encoding="utf-8")
    csv = stages.assign(case=res["case"], seed=res["seed"], wall_seconds=res["wall_seconds"])
    csv.to_csv(out.with_suffix(".csv"), index=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", choices=sorted(CASES), default="scale")
    ap.add_argument("--time-limit", type=float, default=3600.0, help="seconds for the run (default 3600)")
    ap.add_argument("--per-solve", type=float, default=60.0, help="seconds per solve at most (default 60)")
    ap.add_argument("--gap", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-pyomo", action="store_true", help="skip timing the pyomo build")
    ap.add_argument("--no-polish", action="store_true", help="skip the whole-horizon stage-3 solve")
    ap.add_argument("--no-stage3", action="store_true", help="stop after stage 2 (locum and travel cost)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "cover_scale")
    a = ap.parse_args(argv)
    res = run(
        a.case,
        a.time_limit,
        a.gap,
        a.seed,
        a.threads,
        not a.no_pyomo,
        not a.no_polish,
        not a.no_stage3,
        a.per_solve,
    )
    write(res, a.out)
    print(res["stages"].to_string(index=False))
    verdict = "passed" if res["check_ok"] else "FAILED"
    print(f"wall {res['wall_seconds']:.1f} s; check {verdict}; wrote {a.out}.md/.csv")
    return 0 if res["check_ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
