"""The radius path on a p-median version of a generated SACT instance (zones x sites, p open).

Protocol: :func:`instances.generators.sact.generate` with seed 0, read through the SACT kind,
then made a p-median: objective ``travel``, exactly ``p`` sites open, no chair-hours use, no
aseptic supply, access target, budget, safe volume, nurse limit or must-open site.  Solved with
``solve_method`` (default ``radius``), HiGHS, the given gap, time limit and threads; the plan is
re-checked by ``models.sact.check``.  Usage::

    python -m benchmarks.pmedian_scale [--zones 10000] [--sites 300] [--p 30] [--gap 0.01]
        [--time-limit 120] [--threads 2] [--method radius]

Prints one line: size, path, status, objective, bound, gap, seconds (solve only), violations.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

import models.sact
from instances.generators.sact import generate
from optimiser.kinds import get_kind
from optimiser.kinds.base import input_from_tables
from solvers import SolveOptions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=300)
    parser.add_argument("--p", type=int, default=30)
    parser.add_argument("--gap", type=float, default=0.01)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--method", default="radius")
    args = parser.parse_args()
    inst = generate(zones=args.zones, sites=args.sites, seed=0)
    data = input_from_tables(get_kind("sact"), inst.tables, inst.parameters, inst.name).input
    params = replace(
        data.parameters,
        objective="travel",
        exact_open_sites=args.p,
        max_open_sites=None,
        max_new_sites=None,
        require_aseptic_supply=False,
        access_target=None,
        budget=None,
        min_site_attendances=0.0,
        mean_chair_hours=0.0,
        allow_unserved=False,
        solve_method=args.method,
    )
    sites = data.sites.assign(must_open=False, min_chairs=0)
    data = replace(data, parameters=params, nurses=None, sites=sites)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    options = SolveOptions(gap=args.gap, threads=args.threads, time_limit=args.time_limit)
    plan = models.sact.solve(data, options=options)
    seconds = time.perf_counter() - t0
    r = plan.result
    report = models.sact.check(data, plan)
    print(
        f"{args.zones} x {args.sites}, p = {args.p}: {plan.solve_path} {r.status.value} "
        f"objective {r.objective} bound {r.bound} gap {r.gap} in {seconds:.1f} s (load {load:.1f}); "
        f"violations {len(report.violations)}; {r.message}"
    )


if __name__ == "__main__":
    main()
