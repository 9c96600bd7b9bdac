r"""Polish a rota fortnight by fortnight: every person's days in a window re-solved, the rest fixed.

After the search (:mod:`models.roster.first_phase`) the rota may sit in a deep local optimum that
the search's own neighbourhoods do not leave in their time: on ``lsc-registrar-oncall`` seed 0
stops at 577 (545 of over-cover, 30 of on-call fairness, 2 for a request) where seed 2 finds 557,
and no two whole lines of work re-solved together improve it (``benchmarks/results/
roster_search.md``, 2026-12-07 (09:44-)). Moving a weekend's on-call from one registrar to
another changes the hours, the nights and the days off of several people in the same fortnight:
a window of every person's days does that in one step.

Formulation. With the rota's complete solution :math:`\bar z` of the whole model (every
variable, :meth:`models.roster.vars.RosterModel.solution`) and a window of days
:math:`W_c = \{d : |d - c| \le h\}` around a centre :math:`c` (``half`` :math:`= h`), the
window's model is the whole model with

.. math:: x_{pds} = \bar x_{pds} \quad \text{for every } d \notin W_c

(:func:`fixed_outside`): every rule and every penalty term of the whole model, so its objective
is the whole rota's penalty and a better solution of it is a better legal rota. It is solved from
:math:`\bar z` (a complete hint: CP-SAT's first solution once presolve ends), within a share of
the polish's deterministic units, by the search's own reproducible settings, so a seed and a
worker count give the same rota. Centres :math:`c = 0, h, 2h, \ldots` are visited in order
(consecutive windows overlap by :math:`h + 1` days); a strictly better solution replaces
:math:`\bar z` at once. Each later sweep moves the centres on (:func:`sweep_offset`), so the
polish runs until its units are spent or ``half`` sweeps in a row, every offset, improve nothing
(no window of that size around any day improves the rota).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from models.roster.vars import RosterModel
from solvers import SolveOptions, Status, solve_cpsat, stop_requested

__all__ = ["Polish", "fixed_outside", "polish_by_windows", "sweep_offset", "window_centres"]

MIN_SHARE = 0.01
"""Fewest deterministic units worth a window's solve: with less left the polish ends."""


@dataclass(frozen=True)
class Polish:
    """The outcome of :func:`polish_by_windows`: the best solution (every variable of the whole
    model) and its objective, the solver that found it (None: none better than the start), the
    windows solved, those that improved the rota, full sweeps, the deterministic units spent, and
    why it ended: ``"converged"`` (no window of any sweep's offset improved the rota:
    a local optimum for windows of that size), ``"units"`` (too few left for a window, less than
    :data:`MIN_SHARE` each) or ``"stopped"`` (the deadline, a stop request or an interruption).
    The first two end every run alike; the last may not. ``start``: the rota's penalty before."""

    solution: list[int]
    objective: float
    solver: Any
    windows: int
    improved: int
    sweeps: int
    units: float
    ended_by: str
    start: float

    @property
    def converged(self) -> bool:
        return self.ended_by == "converged"

    def record(self) -> dict[str, Any]:
        """What a plan records of the polish (:attr:`models.roster.plan.RosterPlan.polish`)."""
        return {
            "from": self.start,
            "to": self.objective,
            "windows": self.windows,
            "improved": self.improved,
            "sweeps": self.sweeps,
            "units": round(self.units, 3),
            "ended_by": self.ended_by,
        }


def window_centres(days: int, half: int, offset: int = 0) -> list[int]:
    """The windows' centres: every ``half``-th day from day ``offset`` (so the windows of
    ``2 half + 1`` days cover the rota, each overlapping the next by ``half + 1`` days)."""
    return list(range(offset, days, max(half, 1)))


def fixed_outside(rm: RosterModel, solution: Sequence[int], centre: int, half: int) -> Any:
    """A copy of ``rm.model`` with every assignment of a day more than ``half`` days from
    ``centre`` fixed to its value in ``solution`` (the copy keeps ``rm``'s variable indices, so a
    solver of it reads ``rm``'s variables)."""
    model = rm.model.clone()
    for (_, d, _), var in rm.x.items():
        if abs(d - centre) > half:
            domain = model.proto.variables[var.index].domain
            domain[0] = domain[1] = int(solution[var.index])
    return model


def polish_by_windows(
    rm: RosterModel,
    solution: Sequence[int],
    objective: float,
    options: SolveOptions,
    units: float,
    half: int,
) -> Polish:
    """Re-solve windows of every person's days around the rota ``solution`` of ``objective``
    (module docstring) within ``units`` deterministic units in all and ``options``' deadline; each
    window gets the units left spread over the windows left in the sweep. ``options``: the
    search's (workers, seed, interleaving); their own limits are replaced."""
    best, held, start = list(solution), None, objective
    windows = improved = sweeps = idle = 0
    spent = 0.0
    options = options.with_deadline()

    def ended(why: str) -> Polish:
        return Polish(best, objective, held, windows, improved, sweeps, spent, why, start)

    offsets = 1 if half >= rm.inp.days - 1 else half  # one window frees the whole rota: one offset
    while idle < offsets:
        centres = window_centres(rm.inp.days, half, sweep_offset(sweeps, half))
        gained = False
        for k, centre in enumerate(centres):
            share = (units - spent) / (len(centres) - k)
            if options.should_stop() or stop_requested():
                return ended("stopped")
            if share < MIN_SHARE:
                return ended("units")
            run = _window_options(options, share)
            result, solver = solve_cpsat(fixed_outside(rm, best, centre, half), run, solution=best)
            windows += 1
            spent += float(solver.deterministic_time)
            if result.interrupted:
                return ended("stopped")
            if result.status in (Status.OPTIMAL, Status.FEASIBLE):
                found = float(rm.penalty_of(solver.value))
                if found < objective - 0.5:
                    best, objective, held = rm.solution(solver), found, solver
                    improved += 1
                    gained = True
        sweeps += 1
        idle = 0 if gained else idle + 1
    return ended("converged")


def sweep_offset(sweep: int, half: int) -> int:
    """The first centre of sweep ``sweep`` (from 0): each sweep moves the centres on by about half
    a step (``ceil(half / 2)`` days, modulo ``half``), so ``half`` sweeps in a row visit every
    centre once when that step and ``half`` have no common factor (7: offsets 0, 4, 1, 5, 2, 6, 3)
    and windows no sweep saw meet the seams of the last."""
    return (sweep * -(-half // 2)) % max(half, 1)


def _window_options(options: SolveOptions, share: float) -> SolveOptions:
    """A window's options: ``share`` deterministic units, the wall clock bounded by the deadline
    only."""
    extra = {**options.extra, "max_deterministic_time": share}
    return dataclasses.replace(options, time_limit=None, extra=extra)
