r"""Detailed rota (issue 5): who works which shift on which date, legal, fair, honouring leave and requests.

Formulation (CP-SAT)
--------------------
Sets

* :math:`P` staff, each in one rule group :math:`g(p)` with skills :math:`K_p`; :math:`S` shift
  types with start :math:`\sigma_s` (minutes after midnight), length :math:`\lambda_s`, paid
  minutes :math:`\pi_s`, night and on-call flags; :math:`S^N` the night shifts.
* :math:`D = \{0..H-1\}` the horizon's dates; history days :math:`-h..-1` hold the previous
  rota as constants ("known days" :math:`-h..H-1`); :math:`W` weekends (Saturday, Sunday) that
  touch the horizon.
* :math:`A \subseteq P \times D \times S` assignments that may happen: not on leave, not a fixed
  day off, not a day pre-assigned to another shift, not a shift a hard rule bans outright.
* Rules: for each group a set of named rules (:data:`models.roster.input.RULES`), each with a
  limit :math:`L`, hard or soft, and a weight :math:`w` per penalty unit.

Variables

* :math:`x_{pds} \in \{0,1\}` for :math:`(p,d,s) \in A` (1 for a pre-assigned shift);
* :math:`y_{pd} = \sum_s x_{pds}` works on day :math:`d`; :math:`n_{pd} = \sum_{s \in S^N} x_{pds}`
  works a night; :math:`v_{pw} = \max(y_{p,sat}, y_{p,sun})` works weekend :math:`w`;
* one non-negative integer or Boolean per soft-rule violation (the penalty terms below), each
  defined exactly (by equality or reification), so the objective equals the score of the rota.

Constraints by family (hard: as written; soft: each violation unit paid at weight :math:`w`;
(n) is the function in :mod:`models.roster.rules`)

1. One shift a day: :math:`y_{pd} \le 1` (by construction of :math:`y`).
2. Cover, per date, shift and skill :math:`k` (blank: anyone): :math:`m \le c = \sum_{p: k \in K_p}
   x_{pds} \le M` (hard); under :math:`= \max(0, q - c)`, over :math:`= \max(0, c - q)` against the
   preferred :math:`q`, at the row's under/over weights (``cover``).
3. Rest: :math:`x_{pda} + x_{p,d+k,b} \le 1` when :math:`1440k + \sigma_b - (\sigma_a+\lambda_a) < 60L`
   (``min_rest_hours``; across midnight and the horizon's start), and for each listed succession
   (``rest_between_shifts``).
4. Runs of working days: every :math:`L+1` consecutive known days hold at most :math:`L` working
   days (``max_consecutive_days``; soft: one unit per window fully worked, i.e. per day beyond);
   no run of working days (``min_consecutive_days``) or days off (``min_consecutive_days_off``)
   shorter than :math:`L` framed by known days (soft: :math:`L - l` units); runs touching the
   first or last known day are exempt (``consecutive_days``).
5. Nights: the same window rule on :math:`n_{pd}` (``max_consecutive_nights``); after a night
   :math:`a` on day :math:`d` with :math:`n_{p,d+1}=0`, no shift :math:`b` on day :math:`d+k`
   with :math:`1440k + \sigma_b - (\sigma_a + \lambda_a) < 60L` (``rest_after_nights_hours``)
   (``night_blocks``).
6. Paid minutes :math:`h_{pd} = \sum_s \pi_s x_{pds}`: every 7 consecutive known days touching the
   horizon :math:`\le 60L` (``max_hours_7_days``); :math:`\sum_d h_{pd} \le 60 L H/7`
   (``max_average_weekly_hours``); :math:`|\sum_d h_{pd} + 60\,\text{credit}_p - 60 c_p H/7| \le
   60 L H / 7` for contract :math:`c_p > 0` (``contract_hours_tolerance``); :math:`\sum_d h_{pd}`
   within ``min_total_hours``/``max_total_hours``. Soft: per started hour outside (``paid_hours``).
7. Weekends: :math:`\sum_w v_{pw} \le L` (``max_weekends``); :math:`y_{p,sat} = y_{p,sun}`
   (``whole_weekends``) (``weekends``).
8. Shift types: :math:`\sum_d x_{pds}` within ``min/max_shifts_of_type``; no shift longer than
   ``max_shift_hours``; only preferred types (``preferred_shifts``) (``shift_types``).
9. Requests (soft, weight per row): on :math:`s`: :math:`1 - x_{pds}`; on the day: :math:`1 - y_{pd}`;
   off :math:`s`: :math:`x_{pds}`; off the day: :math:`y_{pd}` (``requests``).
10. Fairness within each group of two or more: :math:`\max_p N_p - \min_p N_p \le L` for night
    shifts, weekends worked and on-call shifts (``fair_nights``, ``fair_weekends``,
    ``fair_on_calls``) (``fairness``).
11. Re-rostering against a published rota :math:`x^0`: changed :math:`c_{pd} = 1 - x_{pds_0}`
    (published shift :math:`s_0`) or :math:`y_{pd}` (was off); each paid at ``change_weight``;
    :math:`\sum c_{pd} \le` ``max_changes``; the published rota is the solver's hint (``changes``).

Objective (penalty points, integers)

.. math:: \min \sum_{t} w_t\,a_t

over every penalty term :math:`t` (soft rule, under/over cover, denied request, fairness spread,
change), each reported by rule, person and date in :attr:`RosterPlan.penalties`.

Infeasibility: obvious causes (a cover minimum above the people available) are named before
solving; otherwise an *elastic* model, where every hard rule becomes a penalty of
``hard_violation_weight`` per unit and soft rules are dropped, is solved and the hard rules it has
to break are reported (:attr:`RosterPlan.violations`, :attr:`RosterPlan.explanation`).

Units: minutes inside the model, hours in rules and outputs; dates are ``datetime.date``; shift
times are local (``RosterParameters.timezone``); a shift's end is its wall-clock start plus its
length, so across a clock change the elapsed time differs by an hour.

Modules: :mod:`models.roster.input` (the input dataclass; vocabulary in
:mod:`models.roster.catalogue`, validation in :mod:`models.roster.validate`),
:mod:`models.roster.vars` (variables and the hard/soft helpers), :mod:`models.roster.rules`
(one function per family above), :mod:`models.roster.report` (diagnosis before solving and
the plan's tables), and this module (build, solve, explain). The independent checker is
:mod:`models.roster.check`; the Curtois & Qu benchmark bridge is :mod:`models.roster.curtois_qu`.

Solving: :func:`solve_roster` passes :class:`solvers.SolveOptions` (time limit, workers, seed)
to CP-SAT untouched; :func:`proof_options` gives the setting that proves small instances
optimal fastest. The objective reported is the sum of the returned rota's penalties (see
:func:`_rescored`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from models.roster.input import RosterInput
from models.roster.report import diagnose, explain, extract_tables, penalty_table
from models.roster.rules import FAMILIES
from models.roster.vars import RosterModel, make_variables
from solvers import SolveOptions, SolveResult, Status, relative_gap, solve_cpsat

__all__ = ["RosterPlan", "build_roster_model", "proof_options", "solve_roster"]


@dataclass(frozen=True)
class RosterPlan:
    """A rota, or the reasons there is none.

    assignments : ``staff_id``, ``date``, ``shift_id``, one row per shift worked (the input
        tables' shape: usable as ``published``, ``history`` or ``preassigned``).
    rota : the long table for exports: ``staff``, ``name``, ``group``, ``date``, ``shift``,
        ``start``, ``end`` (timezone-aware; end = wall-clock start + length), ``hours`` (paid),
        ``night``, ``on_call``.
    penalties : ``rule``, ``staff``, ``date``, ``detail``, ``amount``, ``weight``, ``cost``: every
        penalty the rota pays (their costs sum to the objective).
    cover : per cover row: ``date``, ``shift_id``, ``skill``, ``minimum``, ``preferred``,
        ``maximum``, ``assigned``, ``under``, ``over``.
    staff_summary : per person: ``staff_id``, ``name``, ``group``, ``shifts``, ``hours``,
        ``nights``, ``weekends``, ``on_calls``, ``leave_days``, ``contract_hours`` (over the
        horizon, less leave credit), ``requests_denied``.
    changes : ``staff_id``, ``date``, ``published``, ``new`` ("" = off) against the published rota.
    violations : when infeasible, the hard rules the elastic model had to break (columns as
        ``penalties``); empty otherwise.
    explanation : when there is no plan, why, in planners' words.
    timings : seconds per stage.
    """

    result: SolveResult
    assignments: pd.DataFrame
    rota: pd.DataFrame
    penalties: pd.DataFrame
    cover: pd.DataFrame
    staff_summary: pd.DataFrame
    changes: pd.DataFrame
    violations: pd.DataFrame
    explanation: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.result.has_plan

    def costs(self) -> pd.Series:
        """Penalty cost by rule (sums to the objective)."""
        if self.penalties.empty:
            return pd.Series(dtype=float, name="cost")
        return self.penalties.groupby("rule")["cost"].sum().sort_values(ascending=False)


def proof_options(time_limit: float | None = None, seed: int = 0) -> SolveOptions:
    """Options that close the gap fastest on small rotas: one CP-SAT worker with the full LP
    relaxation (``linearization_level`` 2). The default two-worker portfolio finds good rotas
    sooner on large instances but proves optimality slowly (its LP omits the clauses that
    presolve makes of the run and weekend rules).
    """
    return SolveOptions(time_limit=time_limit, threads=1, seed=seed, extra={"linearization_level": 2})


def build_roster_model(inp: RosterInput, *, elastic: bool = False) -> RosterModel:
    """Build the CP-SAT model of ``inp`` (no solve). ``elastic``: hard rules become penalties."""
    rm = make_variables(inp, elastic)
    for family in FAMILIES:
        family(rm)
    rm.model.minimize(sum(t.weight * t.amount for t in rm.terms))
    return rm


def solve_roster(
    inp: RosterInput,
    options: SolveOptions | None = None,
    *,
    hint: pd.DataFrame | None = None,
) -> RosterPlan:
    """Diagnose, build, solve and extract the rota of ``inp``.

    ``options`` default to two CP-SAT workers and no time limit (set one for real rotas).
    ``hint`` is a rota (``staff_id``, ``date``, ``shift_id``) to start from; by default the
    published rota when re-rostering. Never returns an unusable plan silently: check
    :attr:`RosterPlan.found` and read :attr:`RosterPlan.explanation`.
    """
    options = options or SolveOptions(threads=2)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    problems = diagnose(inp)
    timings["diagnose"] = time.perf_counter() - t0
    if problems:
        result = SolveResult(
            Status.INFEASIBLE,
            None,
            None,
            None,
            timings["diagnose"],
            0.0,
            "cpsat",
            "diagnosed before solving",
            options.as_dict(),
        )
        return _no_plan(inp, result, tuple(problems), penalty_table([]), timings)
    t0 = time.perf_counter()
    rm = build_roster_model(inp)
    timings["build"] = time.perf_counter() - t0
    start = hint if hint is not None else inp.published
    result, solver = solve_cpsat(rm.model, options, build_seconds=timings["build"], hint=_hint(rm, start))
    timings["solve"] = result.solve_seconds
    if result.has_plan:
        t0 = time.perf_counter()
        tables = extract_tables(rm, solver)
        timings["extract"] = time.perf_counter() - t0
        result = _rescored(result, int(tables["penalties"]["cost"].sum()))
        return RosterPlan(result=result, violations=penalty_table([]), timings=timings, **tables)
    if result.status is Status.INFEASIBLE:
        t0 = time.perf_counter()
        lines, violations = _explain_infeasible(inp, options)
        timings["explain"] = time.perf_counter() - t0
        return _no_plan(inp, result, lines, violations, timings)
    limit = options.time_limit
    why = (
        f"no rota was found within the time limit of {limit:g} s; allow more time"
        if limit is not None
        else f"the solver stopped without a rota ({result.message})"
    )
    return _no_plan(inp, result, (why,), penalty_table([]), timings)


def _rescored(result: SolveResult, score: int) -> SolveResult:
    """The result with the objective of the rota actually returned.

    CP-SAT reports the objective of its presolved model, whose penalty variables may sit above
    their true value in a solution that is not optimal (presolve keeps only the side of their
    definitions the objective pushes against); the returned rota, rebuilt by postsolve, can
    therefore score lower than reported. Every penalty here is defined exactly, so the sum of the
    penalties table is the rota's true objective.
    """
    if result.objective is None or abs(result.objective - score) < 1e-9:
        return result
    note = f"; objective re-evaluated on the returned rota (CP-SAT reported {result.objective:g})"
    return replace(
        result,
        objective=float(score),
        gap=relative_gap(float(score), result.bound),
        message=result.message + note,
    )


def _hint(rm: RosterModel, rota: pd.DataFrame | None) -> dict[Any, int] | None:
    if rota is None or rota.empty:
        return None
    pos = {s: i for i, s in enumerate(rm.staff)}
    on = set()
    for r in rota.itertuples(index=False):
        if r.staff_id in pos:
            on.add((pos[r.staff_id], rm.inp.day_index(pd.Timestamp(r.date).date()), str(r.shift_id)))
    return {var: int(key in on) for key, var in rm.x.items()}


def _explain_infeasible(inp: RosterInput, options: SolveOptions) -> tuple[tuple[str, ...], pd.DataFrame]:
    """Solve the elastic model; name the hard rules that cannot all hold, and by how much."""
    rm = build_roster_model(inp, elastic=True)
    result, solver = solve_cpsat(rm.model, options)
    if not result.has_plan:
        return (
            "the hard rules cannot all hold; the elastic re-solve found no rota to say which "
            f"({result.status.value}); allow more time",
        ), penalty_table([])
    violations = penalty_table(
        [(t, solver.value(t.amount) if not isinstance(t.amount, int) else t.amount) for t in rm.terms]
    )
    lines = explain(violations)
    smallest = "the smallest" if result.status is Status.OPTIMAL else "the smallest found (not proven)"
    prefix = f"the hard rules cannot all hold together; {smallest} set of breaches is:"
    return (prefix, *lines), violations


def _no_plan(
    inp: RosterInput,
    result: SolveResult,
    explanation: tuple[str, ...],
    violations: pd.DataFrame,
    timings: dict[str, float],
) -> RosterPlan:
    tables = extract_tables(None, None, inp=inp)
    return RosterPlan(
        result=result, violations=violations, explanation=explanation, timings=timings, **tables
    )
