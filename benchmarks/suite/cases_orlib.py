"""OR-Library location sets read into the SACT location model, with their published optima.

Families
--------
``pmed``
    Uncapacitated p-median pmed1..pmed20 (Beasley 1990), read by :func:`models.sact.orlibrary.read_pmed`
    from ``<data>/pmed/``. Entry key ``instances`` (``all`` or names). Besides the engine's
    backends, ``spopt-pulp-cbc`` solves the same distance matrix with pysal spopt's own p-median
    (``PMedian.from_cost_matrix``) through PuLP's bundled CBC, for a side-by-side comparison.
``pmed-beasley``
    Graphs built the way Beasley built pmed1-40 (:mod:`instances.generators.pmedian`), in the
    OR-Library format and read by the same reader.  Entry keys ``sizes`` (vertex counts ``n``,
    default 100 to 900 by 100), ``p`` (numbers or the shares ``n/10``, ``n/5``, ``n/3``, rounded
    down; default ``[5, 10, n/10, n/5, n/3]``; a value met twice for one ``n`` is one case) and
    ``seed`` (default 0).  No published values: each case's own bound proves it.
``cap``
    Capacitated warehouse location cap41..cap104 (Beasley 1988), split demand, read by
    :func:`models.sact.orlibrary.read_cap` from ``<data>/cap/``.  Entry key ``capacity`` (a
    number or a list): the capacity that replaces the word ``capacity`` in the large sets capa,
    capb and capc, one case ``<name>-<capacity>`` per value.

``size_value`` is the number of zone-site pairs (n^2 for pmed, customers x warehouses for cap).
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.suite.backends import MILP_BACKENDS, SPOPT, bundled_cbc
from benchmarks.suite.registry import Case, Context, Family, data_folder, select_names, with_published
from solvers import SolveOptions, SolveResult, Status, relative_gap


def families() -> list[Family]:
    return [
        Family(
            name="pmed",
            model="sact",
            description="OR-Library uncapacitated p-median pmed1-20 (Beasley 1990)",
            backends=(*MILP_BACKENDS, SPOPT),
            expand=expand_pmed,
            solve=solve_pmed,
        ),
        Family(
            name="pmed-beasley",
            model="sact",
            description="p-median graphs generated the way Beasley built pmed1-40 (seeded)",
            backends=(*MILP_BACKENDS, SPOPT),
            expand=expand_beasley,
            solve=solve_beasley,
        ),
        Family(
            name="cap",
            model="sact",
            description="OR-Library capacitated warehouse location cap41-104, split demand (Beasley 1988)",
            backends=MILP_BACKENDS,
            expand=expand_cap,
            solve=solve_cap,
        ),
    ]


def _natural(name: str) -> tuple[str, int]:
    match = re.match(r"(\D*)(\d+)", name)
    return (match.group(1), int(match.group(2))) if match else (name, 0)


def _instances(folder: Path, prefix: str) -> list[str]:
    names = [p.stem for p in folder.glob(f"{prefix}*.txt")]
    return sorted(names, key=_natural)


def _header(path: Path, count: int) -> list[int]:
    return [int(float(t)) for t in path.read_text().split()[:count]]


def expand_pmed(entry: Mapping[str, Any], context: Context) -> list[Case]:
    folder = data_folder(context, "pmed", "pmed")
    cases = []
    for name in select_names(entry, _instances(folder, "pmed"), "pmed"):
        n, _, p = _header(folder / f"{name}.txt", 3)
        case = Case(
            family="pmed",
            name=name,
            model="sact",
            size=f"n={n} p={p}",
            size_value=float(n * n),
            params={"file": f"pmed/{name}.txt"},
        )
        cases.append(with_published(case, "pmed"))
    return cases


BEASLEY_SIZES = tuple(range(100, 1000, 100))  # vertices n of the default cases
BEASLEY_P = (5, 10, "n/10", "n/5", "n/3")  # medians p of the default cases


def beasley_p(value: int | str, n: int) -> int:
    """A number of medians: an integer, or ``n/k`` (n divided by k, rounded down)."""
    text = str(value).replace(" ", "")
    if text.startswith("n/"):
        return int(n // int(text[2:]))
    return int(text)


def expand_beasley(entry: Mapping[str, Any], context: Context) -> list[Case]:
    seed = int(entry.get("seed", 0))
    cases = []
    for n in (int(v) for v in entry.get("sizes", BEASLEY_SIZES)):
        for p in dict.fromkeys(beasley_p(v, n) for v in entry.get("p", BEASLEY_P)):
            cases.append(
                Case(
                    family="pmed-beasley",
                    name=f"beasley-n{n}-p{p}-s{seed}",
                    model="sact",
                    size=f"n={n} p={p}",
                    size_value=float(n * n),
                    params={"n": n, "p": p, "seed": seed},
                )
            )
    return cases


def solve_beasley(case: Case, backend: str, options: SolveOptions, context: Context) -> SolveResult:
    """Generate the graph, write it in the OR-Library format to a temporary file, solve it as pmed."""
    from instances.generators.pmedian import beasley_text

    params = case.params
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{case.name}.txt"
        path.write_text(beasley_text(int(params["n"]), int(params["p"]), int(params["seed"])))
        if backend == SPOPT:
            return solve_pmed_spopt(path, options)
        from models.sact.orlibrary import read_pmed
        from models.sact.solve import solve_sact

        return solve_sact(read_pmed(path), backend, options).result


def expand_cap(entry: Mapping[str, Any], context: Context) -> list[Case]:
    folder = data_folder(context, "cap", "cap")
    cases = []
    capacities = entry.get("capacity")
    capacities = [None] if capacities is None else list(np.atleast_1d(capacities).tolist())
    for name in select_names(entry, _instances(folder, "cap"), "cap"):
        m, n = _header(folder / f"{name}.txt", 2)
        for capacity in capacities:
            case = Case(
                family="cap",
                name=name if capacity is None else f"{name}-{float(capacity):g}",
                model="sact",
                size=f"{n}x{m}",
                size_value=float(n * m),
                params={"file": f"cap/{name}.txt", **({} if capacity is None else {"capacity": capacity})},
            )
            cases.append(with_published(case, "cap"))
    return cases


def _path(case: Case, context: Context) -> Path:
    if context.data_dir is None:
        raise ValueError(f"{case.key}: no folder of public benchmark sets")
    return context.data_dir / str(case.params["file"])


def solve_pmed(case: Case, backend: str, options: SolveOptions, context: Context) -> SolveResult:
    from models.sact.orlibrary import read_pmed
    from models.sact.solve import solve_sact

    if backend == SPOPT:
        return solve_pmed_spopt(_path(case, context), options)
    return solve_sact(read_pmed(_path(case, context)), backend, options).result


def solve_cap(case: Case, backend: str, options: SolveOptions, context: Context) -> SolveResult:
    from models.sact.orlibrary import read_cap
    from models.sact.solve import solve_sact

    return solve_sact(read_cap(_path(case, context), case.params.get("capacity")), backend, options).result


def solve_pmed_spopt(path: Path, options: SolveOptions) -> SolveResult:
    """pysal spopt's p-median on the same shortest-path matrix, PuLP with its bundled CBC.

    Built exactly as spopt's documentation does (``PMedian.from_cost_matrix`` with unit weights)
    and solved with ``PULP_CBC_CMD`` under the same time limit, gap, threads and seed.  PuLP
    gives no dual bound: the bound is the objective when CBC proves optimality, else None.
    """
    import numpy as np
    import pulp
    from spopt.locate import PMedian

    from models.sact.orlibrary import pmed_distances

    t0 = time.perf_counter()
    dist, p = pmed_distances(path)
    model = PMedian.from_cost_matrix(dist, np.ones(len(dist)), p_facilities=int(p), name=path.stem)
    build_seconds = time.perf_counter() - t0
    solver_options = [f"randomCbcSeed {int(options.seed)}"] if options.seed else []
    solver = bundled_cbc(
        msg=bool(options.verbose),
        timeLimit=options.time_limit,
        gapRel=options.gap,
        threads=options.threads,
        options=solver_options,
    )
    t1 = time.perf_counter()
    try:
        model.solve(solver, results=False)
        message = ""
    except RuntimeError as exc:  # spopt raises when PuLP's status is not "Optimal"
        message = str(exc)
    solve_seconds = time.perf_counter() - t1
    problem = model.problem
    has_plan = problem.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    objective = float(pulp.value(problem.objective)) if has_plan else None
    if problem.sol_status == pulp.LpSolutionOptimal:
        status, bound = Status.OPTIMAL, objective
    elif has_plan:
        status, bound = Status.FEASIBLE, None
    elif problem.status == pulp.LpStatusInfeasible:
        status, bound = Status.INFEASIBLE, None
    else:
        status, bound = Status.NO_SOLUTION, None
    return SolveResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        backend=SPOPT,
        message=message or pulp.LpSolution[problem.sol_status],
        options=options.as_dict(),
    )
