"""Curtois & Qu employee shift scheduling instances, solved by the rota model with CP-SAT.

Family ``curtois-qu``: Instance1..Instance12 from ``<data>/shift-scheduling/``, read by
:func:`models.roster.curtois_qu.read_instance` and mapped onto the rota model by
:func:`models.roster.curtois_qu.to_roster_input` (every benchmark rule hard, the objective the
benchmark's soft penalties). Entry keys ``instances`` (``all`` or names) and ``search`` (how the
rota is searched for, :attr:`models.roster.Parameters.search`: ``cpsat``, the default, ``lns`` or
``lines``); a case searched other than by ``cpsat`` is named ``InstanceN-SEARCH``, so one suite can
hold both side by side.

Each rota found is re-scored by the benchmark's own penalty function
(:func:`models.roster.curtois_qu.score_roster`, written without the model); a rota that breaks a hard
rule or scores differently from the solver's objective is an error, not a result.
``size_value`` is employees x days. ``extra`` holds the search, the seconds from the start of
the solve to the first legal rota (``first_rota_seconds``) and, for ``lines``, the column
generation's bound, rounds and lines.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from benchmarks.suite.backends import CPSAT
from benchmarks.suite.cases_roster import search_figures
from benchmarks.suite.registry import (
    Case,
    CaseResult,
    Context,
    Family,
    data_folder,
    select_names,
    with_published,
)
from solvers import SolveOptions, SolveResult


def families() -> list[Family]:
    return [
        Family(
            name="curtois-qu",
            model="rostering",
            description="Curtois & Qu employee shift scheduling Instance1-12",
            backends=(CPSAT,),
            expand=expand_curtois_qu,
            solve=solve_curtois_qu,
        )
    ]


def expand_curtois_qu(entry: Mapping[str, Any], context: Context) -> list[Case]:
    from models.roster.curtois_qu import read_instance
    from models.roster.parameters import SEARCHES

    search = str(entry.get("search", "cpsat"))
    if search not in SEARCHES:
        raise ValueError(f"curtois-qu: search {search!r} must be one of {', '.join(SEARCHES)}")
    folder = data_folder(context, "shift-scheduling", "curtois-qu")
    available = sorted(
        (p.stem for p in folder.glob("Instance*.txt")), key=lambda s: int(s.removeprefix("Instance"))
    )
    cases = []
    for name in select_names(entry, available, "curtois-qu"):
        inst = read_instance(folder / f"{name}.txt")
        people = len(inst.employees)
        case = Case(
            family="curtois-qu",
            name=name,
            model="rostering",
            size=f"{people}x{inst.horizon}",
            size_value=float(people * inst.horizon),
            params={"file": f"shift-scheduling/{name}.txt", "search": search},
        )
        case = with_published(case, "curtois-qu")
        if search != "cpsat":
            case = dataclasses.replace(case, name=f"{name}-{search}")
        cases.append(case)
    return cases


def solve_curtois_qu(case: Case, backend: str, options: SolveOptions, context: Context) -> SolveResult:
    import models.roster
    from models.roster.curtois_qu import read_instance, roster_from_assignments, score_roster, to_roster_input

    if backend != CPSAT:
        raise ValueError(f"{case.key}: the rota model is solved by {CPSAT} only, not {backend}")
    if context.data_dir is None:
        raise ValueError(f"{case.key}: no folder of public benchmark sets")
    inst = read_instance(context.data_dir / str(case.params["file"]))
    search = str(case.params.get("search", "cpsat"))
    # the suite's limits are wall-clock seconds
    params = models.roster.Parameters(reproducible=False, search=search)
    plan = models.roster.solve(to_roster_input(inst), params, options=options)
    if plan.found:
        score = score_roster(inst, roster_from_assignments(inst, plan.assignments))
        if score.violations:
            raise ValueError(
                f"{case.key}: the rota breaks {len(score.violations)} benchmark rule(s), e.g. "
                f"{score.violations[0]}"
            )
        objective = plan.result.objective
        if objective is None or abs(score.penalty - objective) > 1e-6:
            raise ValueError(
                f"{case.key}: the benchmark scores the rota {score.penalty}, the solver said {objective}"
            )
    return CaseResult.of(plan.result, **search_figures(plan))
