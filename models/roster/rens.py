r"""A rota from the LP over lines by relaxation-enforced neighbourhood search (RENS).

After column generation the master LP (:class:`models.roster.master.Master`) holds each person's
lines :math:`L_p` at values :math:`\lambda_l`. The LP's value of each assignment (person
:math:`p` works shift :math:`s` on day :math:`d`) is

.. math:: \bar x_{pds} = \sum_{l \in L_p} \lambda_l \, [(d, s) \in l].

RENS (Berthold, *RENS: the optimal rounding*, Math. Prog. Comp. 6, 2014) searches the rounding
neighbourhood of that LP point with the whole CP-SAT model: every assignment the LP holds
integrally is fixed,

.. math:: x_{pds} = \bar x_{pds} \quad \text{for every } (p, d, s) \text{ with }
   \bar x_{pds} \in \{0, 1\} \text{ (within } \epsilon) \qquad \text{(R1, :func:`fix_integral`)}

and CP-SAT searches the others, hinted with the rounded LP (:math:`x_{pds} = [\bar x_{pds} \ge
\tfrac12]`, :func:`rounded_hint`). On demand the search keeps to one side of the master's split
on the shifts short (row 5 of :mod:`models.roster.master`): with :math:`n_r` the people a rota
puts on cover row :math:`r` and :math:`q_r` its preferred number,

.. math:: u_r \ge q_r - n_r, \quad u_r \ge 0, \quad \sum_r u_r \le k
   \qquad \text{(R2, :func:`limit_short`)}

so at most :math:`k` shifts short (:math:`\sum_r \max(q_r - n_r, 0) \le k`, as
:meth:`models.roster.master.Master.short_of` counts them, every cover row counted, whatever its
weight). Every rule of the model holds, so any rota found is a rota of
the whole model; the fixings only narrow the search, so its optimum is no bound. Where the LP
is tight (its value the optimum's, as on Curtois & Qu Instances 10-12 at convergence) most
assignments are integral (80 % on Instance12), and the neighbourhood is small enough for
CP-SAT to search in seconds, while holding the rotas the LP deems best: on Instances 9-11 at
60 s it found the best known rota (439, 4,631, 3,443) in the 15 s given to it, where the dive and
the MIP over the lines gave 854, 4,744 and 3,652 (``benchmarks/results/roster_search.md``,
2026-12-05 23:26-).

Unlike a dive (:mod:`models.roster.diving`) it needs no pricing and no order of rounding: the
LP's integral part is kept whole and CP-SAT decides the rest jointly.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from models.roster.lines import Line, line_of_rota
from models.roster.master import Master
from solvers import SolveOptions, solve_cpsat

TOLERANCE = 1e-6  # an LP value within this of 0 or 1 counts as integral


@dataclass(frozen=True)
class Rounding:
    """The outcome of :func:`rens`: the rota's lines and penalty (None: no rota in the time, or
    the neighbourhood holds none), the assignments the LP held integrally and in all, and the
    search's status (``OPTIMAL``: the best rota of the neighbourhood, not of the model)."""

    lines: tuple[Line, ...] | None
    penalty: float | None
    integral: int
    assignments: int
    status: str


def lp_assignments(master: Master) -> dict[tuple[int, int, str], float]:
    r""":math:`\bar x_{pds}` of the master's last LP solution, for every assignment of the model."""
    values = np.asarray(master.h.getSolution().col_value, dtype=float)
    x = dict.fromkeys(master.rm.x, 0.0)
    for line, col in zip(master.lines, master.line_cols, strict=True):
        share = values[col]
        if share > TOLERANCE:
            for d, s in line.shifts:
                x[(line.person, d, s)] += share
    return x


def fix_integral(
    x: dict[tuple[int, int, str], float], tolerance: float = TOLERANCE
) -> dict[tuple[int, int, str], int]:
    """(R1) The assignments the LP holds at 0 or 1 (within ``tolerance``), at that value."""
    return {k: int(round(v)) for k, v in x.items() if v <= tolerance or v >= 1.0 - tolerance}


def rounded_hint(x: dict[tuple[int, int, str], float]) -> dict[tuple[int, int, str], int]:
    """The LP rounded to the nearest whole assignment: CP-SAT's first guess."""
    return {k: int(v >= 0.5) for k, v in x.items()}


def limit_short(model: cp_model.CpModel, master: Master, most: int) -> None:
    """(R2) At most ``most`` shifts short over every cover row of ``master`` (its ``cover_at``:
    the people each row counts and its preferred number), added to ``model``, a copy of the
    whole CP-SAT model (:meth:`models.roster.vars.RosterModel.narrowed`)."""
    x = master.rm.x
    short = []
    for (d, s), rows in master.cover_at.items():
        for row, who in rows:
            preferred = round(master.lo[row])
            u = model.new_int_var(0, max(preferred, 0), "short")
            model.add(u >= preferred - sum(x[(p, d, s)] for p in who))
            short.append(u)
    model.add(sum(short) <= most)


def rens(
    master: Master,
    options: SolveOptions,
    floor: int | None = None,
    local_search: bool = True,
    most_short: int | None = None,
) -> Rounding:
    """Search the rounding neighbourhood of ``master``'s LP solution (the module docstring) with
    CP-SAT within ``options`` (its time limit and deadline, threads, seed). The LP is solved
    first (lines may have joined since its last solve); no rota if it has no optimum in time.
    ``floor``: a proven bound of the whole model, added as a constraint on the penalty (valid:
    no rota scores below it), so the search stops as soon as its rota reaches it (on Curtois &
    Qu Instances 10 and 11 its rota met the bound and, without it, CP-SAT went on to prove the
    neighbourhood for the rest of its share). ``local_search``: CP-SAT's local search alone
    (``use_ls_only``; it proves nothing, so it stops at ``floor`` by a solution callback, or at its
    time): from the same LP of Curtois & Qu Instance12, 20 s, seeds 0-2, it gave 4,040, 4,041,
    4,040 against 4,141, 4,242, 4,141 by CP-SAT's default portfolio, and on Instances 5, 7, 8 and 9
    (two seeds) the same or better (8: 1,495 and 1,496 against 1,496 and 1,595). ``most_short``:
    the rota leaves at most that many shifts short (R2; None: no such row)."""
    rm = master.rm
    if master.solve_lp(options.call_limit()) is None:
        return Rounding(None, None, 0, len(rm.x), "NO_LP")
    x = lp_assignments(master)
    fixed = fix_integral(x)
    model = rm.narrowed(fixed, floor)
    if most_short is not None:
        limit_short(model, master, most_short)
    hint = {rm.x[key]: value for key, value in rounded_hint(x).items()}
    if local_search:
        options = dataclasses.replace(options, extra={**options.extra, "use_ls_only": True})
    result, solver = solve_cpsat(model, options, hint=hint, stop_at=floor)
    if not result.has_plan:
        return Rounding(None, None, len(fixed), len(x), result.status.name)
    lines = tuple(line_of_rota(rm, p, solver.value) for p in range(len(rm.staff)))
    penalty = float(solver.objective_value)
    return Rounding(
        lines, penalty if math.isfinite(penalty) else None, len(fixed), len(x), result.status.name
    )


def as_found(rounding: Rounding) -> tuple[list[Line], float] | None:
    """The rota as the lines search carries it (its lines and penalty), or None."""
    if rounding.lines is None or rounding.penalty is None:
        return None
    return list(rounding.lines), rounding.penalty
