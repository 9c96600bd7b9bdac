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
* :math:`A \subseteq P \times D \times S` assignments that may happen (``make_variables``): the
  date has a cover row for the shift (no row: no demand, nobody works it; a row with minimum 0
  and a blank maximum allows it freely), not on leave, not a fixed day off, not a day
  pre-assigned to another shift (a pre-assigned shift is always allowed), not a shift a hard rule
  bans (``max_shifts_of_type`` 0, ``preferred_shifts``, or longer than ``max_shift_hours`` on that
  date).
* Times (:mod:`models.roster.clock`): shift :math:`s` on day :math:`d` starts at
  :math:`b_{ds}` and ends at :math:`e_{ds}`, elapsed (UTC) minutes, from its local start and the
  local wall-clock end ``start + length`` in the instance's time zone; its paid minutes are
  :math:`\pi_{ds} = \pi_s + (e_{ds} - b_{ds}) - \lambda_s` (a clock change adds or takes an hour).
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

1. One shift a day: :math:`y_{pd} \le 1` (by construction of :math:`y`, ``make_variables`` in
   :mod:`models.roster.vars`).
2. Cover, per date, shift and skill :math:`k` (blank: anyone): :math:`m \le c = \sum_{p: k \in K_p}
   x_{pds} \le M` (hard); under :math:`= \max(0, q - c)`, over :math:`= \max(0, c - q)` against the
   preferred :math:`q`, at the row's under/over weights (``cover``).
3. Rest: :math:`x_{pda} + x_{p,d+k,b} \le 1` when :math:`b_{d+k,b} - e_{da} < 60L` (elapsed;
   ``min_rest_hours``; across midnight, clock changes and the horizon's start), and for each
   listed succession (``rest_between_shifts``).
4. Runs of working days: every :math:`L+1` consecutive known days hold at most :math:`L` working
   days (``max_consecutive_days``; soft: one unit per window fully worked, i.e. per day beyond);
   no run of working days (``min_consecutive_days``) or days off (``min_consecutive_days_off``)
   shorter than :math:`L` framed by known days (soft: :math:`L - l` units); runs touching the
   first or last known day are exempt (``consecutive_days``).
5. Nights: the same window rule on :math:`n_{pd}` (``max_consecutive_nights``); after a night
   :math:`a` on day :math:`d` with :math:`n_{p,d+1}=0`, no shift :math:`b` on day :math:`d+k`
   with :math:`b_{d+k,b} - e_{da} < 60L` (``rest_after_nights_hours``) (``night_blocks``).
6. Paid minutes :math:`h_{pd} = \sum_s \pi_{ds} x_{pds}` (elapsed): every 7 consecutive known days
   touching the horizon :math:`\le 60L` (``max_hours_7_days``); :math:`\sum_d h_{pd} \le 60 L H/7`
   (``max_average_weekly_hours``), or when the horizon is longer than the reference period of
   :math:`R = 7\,` ``reference_weeks`` days, :math:`H_{p,d+R} - H_{pd} \le 60 L R / 7` for every
   start :math:`d`, with the running total :math:`H_{p,d+1} = H_{pd} + h_{pd}`, :math:`H_{p0} = 0`;
   :math:`|\sum_d h_{pd} + 60\,\text{credit}_p - 60 c_p H/7| \le 60 L H / 7` for contract
   :math:`c_p > 0` (``contract_hours_tolerance``); :math:`\sum_d h_{pd}`
   within ``min_total_hours``/``max_total_hours``. Soft: per started hour outside (``paid_hours``).
7. Weekends: :math:`\sum_w v_{pw} \le L` (``max_weekends``); :math:`y_{p,sat} = y_{p,sun}`
   (``whole_weekends``) (``weekends``).
8. Shift types: :math:`\sum_d x_{pds}` within ``min/max_shifts_of_type``; no shift lasting longer
   than ``max_shift_hours`` on its date (:math:`e_{ds} - b_{ds}`); only preferred types
   (``preferred_shifts``) (``shift_types``).
9. Requests (soft, weight per row): on :math:`s`: :math:`1 - x_{pds}`; on the day: :math:`1 - y_{pd}`;
   off :math:`s`: :math:`x_{pds}`; off the day: :math:`y_{pd}` (``requests``).
10. Fairness within each group of two or more: :math:`\max_p N_p - \min_p N_p \le L` for night
    shifts, weekends worked and on-call shifts (``fair_nights``, ``fair_weekends``,
    ``fair_on_calls``) (``fairness``).
11. Re-rostering against a published rota :math:`x^0`: changed :math:`c_{pd} = 1 - x_{pds_0}`
    (published shift :math:`s_0`) or :math:`y_{pd}` (was off); each paid at ``change_weight``;
    :math:`\sum c_{pd} \le` ``max_changes``; the published rota is the solver's hint (``changes``).
    Before the first changeable date :math:`d_0` (``change_from``; by default the first date a
    published shift clashes with leave, see :meth:`RosterInput.first_changeable`) nothing
    changes: :math:`x_{pds} = x^0_{pds}` for :math:`d < d_0` (hard, ``make_variables``).

Objective (penalty points, integers)

.. math:: \min \sum_{t} w_t\,a_t

over every penalty term :math:`t` (soft rule, under/over cover, denied request, fairness spread,
change), each reported by rule, person and date in :attr:`RosterPlan.penalties`.

Infeasibility: obvious causes (a cover minimum above the people available) are named before
solving; otherwise an *elastic* model, where every hard rule becomes a penalty of
``hard_violation_weight`` per unit and soft rules are dropped, is solved and the hard rules it has
to break are reported (:attr:`RosterPlan.violations`, :attr:`RosterPlan.explanation`).

Units: minutes inside the model, hours in rules and outputs; dates are ``datetime.date``; shift
times are local (``RosterInput.timezone``) and every rest, length and hour rule is measured in
elapsed (UTC) time, so the night the clocks go back lasts an hour longer (and is paid so).

Modules: :mod:`models.roster.input` (the input dataclass; vocabulary in
:mod:`models.roster.catalogue`, validation in :mod:`models.roster.validate`),
:mod:`models.roster.vars` (variables and the hard/soft helpers), :mod:`models.roster.rules`
(one function per family above), :mod:`models.roster.report` (diagnosis before solving and
the plan's tables), :mod:`models.roster.plan` (the plan, its tables and figures) and
:mod:`models.roster.solve` (build, solve, explain). The independent checker is
:mod:`models.roster.check`; the Curtois & Qu benchmark bridge is :mod:`models.roster.curtois_qu`.

Solving: :func:`models.roster.solve.solve` (CP-SAT); the objective reported is the sum of the
returned rota's penalties. :func:`check` re-verifies a rota from the input alone. With
``search: lines`` a lower bound comes from column generation over each person's lines of work
(:mod:`models.roster.master` holds the master LP and its Lagrangian bound,
:mod:`models.roster.lines` the pricing, :mod:`models.roster.price_and_branch` the search).
"""

from __future__ import annotations

from models.common.contract import CheckReport
from models.roster.check import check_roster
from models.roster.input import RosterInput
from models.roster.parameters import RosterParameters
from models.roster.plan import RosterPlan
from models.roster.solve import BACKENDS, solve

Input = RosterInput
Parameters = RosterParameters
Plan = RosterPlan

__all__ = ["BACKENDS", "Input", "Parameters", "Plan", "check", "solve"]


def check(inp: RosterInput, plan: RosterPlan) -> CheckReport:
    """Re-verify ``plan`` from ``inp`` and ``plan.parameters`` with :func:`check_roster` (no model code).

    Violations: every hard-rule breach, one line each; mismatches: the recomputed penalty score
    against the plan's objective. Without a rota there is nothing to check (an empty report).
    """
    if not plan.found:
        return CheckReport()
    found = check_roster(inp, plan.assignments, plan.parameters)
    violations = tuple(
        f"{r.rule}" + (f" for {r.staff}" if r.staff else "") + (f" on {r.date}" if r.date else "")
        + (f" ({r.detail})" if r.detail else "") + f": {r.amount}"
        for r in found.hard.itertuples(index=False)
    )  # fmt: skip
    objective = plan.result.objective
    mismatches: tuple[str, ...] = ()
    if objective is None or abs(objective - found.score) > 1e-6:
        mismatches = (
            f"penalty score {found.score} recomputed from the rota differs from the objective {objective}",
        )
    return CheckReport(
        violations=violations,
        mismatches=mismatches,
        figures={"score": found.score, "hard_breaches": len(found.hard)},
        checked=("hard rules", "penalty score equals the objective"),
    )
