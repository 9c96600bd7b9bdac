r"""Phased roll-out of SACT sites: when to open sites and add chairs as demand grows, year by year.

A reconfiguration is delivered over years: demand grows, capital and nurses come in tranches,
and every year must meet its access standard.  The roll-out is the SACT location model of
:mod:`models.sact` once per year, linked by the decisions that carry over.

Formulation
-----------
Sets and data

* Years :math:`t = 1..T` (table ``years``); everything of :mod:`models.sact` per year, with the
  year's demand :math:`d_{zkt} = f_t\,d_{zk}` (``demand_factor``), nurses :math:`g_t N_r`
  (``nurse_factor``), aseptic capacity :math:`h_t Q_h` (``hub_capacity_factor``) and access
  target :math:`\alpha_t` (``access_target``; blank: the base parameter).
* Today: :math:`\bar y_s` (delivers SACT today, ``existing``) and :math:`\bar n_s` (``current_chairs``).
* :math:`K^c` capital per chair added, :math:`K^o` capital per site opened, :math:`K^w` cost per
  closure, :math:`B_t` capital budget of year :math:`t`, :math:`B` in total; :math:`r` discount
  rate, :math:`\delta_t = (1+r)^{-(t-1)}`; :math:`S^w` sites that may close (by default those
  delivering today; a site opened during the roll-out is kept).

Variables

* Per year, every variable of :mod:`models.sact`: :math:`y_{st}, n_{st}, x_{at}, u_{zkt}, v, f`.
* :math:`o_{st} \in [0,1]` site :math:`s` opens in year :math:`t` (only sites not delivering
  today); :math:`w_{st} \in [0,1]` closes (only :math:`s \in S^w`); :math:`a_{st}, b_{st} \ge 0`
  chairs added and removed.  Continuous, yet whole at an optimum: with :math:`y, n` integer the
  least values meeting (1), (2) and (4) are whole and only loosen (3), (5) and (6).

Constraints

0. Every year :math:`t`: constraints (1)-(11) of :mod:`models.sact` on that year's data (and
   (7)-(9) below), built by
   :func:`models.sact.matrix.build_matrix` (``build`` stacks them with
   :func:`solvers.stack.stack`).
1. Opening: :math:`y_{st} - y_{s,t-1} \le o_{st}`, :math:`y_{s0} = \bar y_s`
   (``opening_and_closing``).
2. Closing: :math:`y_{s,t-1} - y_{st} \le w_{st}` (``opening_and_closing``); with the bounds on
   :math:`o, w`: a site delivering today never reopens and closes only if in :math:`S^w`; a new
   site, once open, stays open.
3. At most once: :math:`\sum_t o_{st} \le 1`, :math:`\sum_t w_{st} \le 1` (``opened_at_most_once``).
4. Chairs carried over: :math:`n_{st} - n_{s,t-1} = a_{st} - b_{st}`, :math:`n_{s0} = \bar n_s`
   (``chair_changes``).
5. Capital of a year: :math:`\sum_s K^c a_{st} + K^o o_{st} \le B_t` (``capital_budgets``).
6. Capital in total: :math:`\sum_t \sum_s K^c a_{st} + K^o o_{st} \le B` (``capital_budgets``).

Valid inequalities of every year (constraints 14-16 of :mod:`models.sact`, proved in
:mod:`models.sact.cuts`), on year :math:`t`'s demand :math:`D_t = f_t D`, hub capacity
:math:`h_t Q` and the same chair limits; built by :func:`models.sact.matrix.build_matrix` with
the year's other rows, so the ordinary build and the priced path
(:mod:`models.rollout.large`) both have them.  They hold at every roll-out plan (each year's
network is a plan of that year's SACT model) and only raise the relaxation's bound: on the
LSOA-level ten-year instance from £65,068,319 to £65,292,385 (+0.34 %).

7. Chair rounding of year :math:`t`: :math:`\sum_s n_{st} \ge \lceil \eta D_t / C \rceil`, and
   over :math:`S^C` for the complex attendances (:func:`models.sact.cuts.chair_rounding`).
8. Hub cover of year :math:`t`: :math:`\sum_h h_t Q_h y_{ht} \ge \delta D_t`; a hub without which
   the others fall short is open that year (:func:`models.sact.cuts.cover_rows`,
   :func:`models.sact.cuts.opened_by_cover`).
9. Chair cover of year :math:`t`: :math:`\sum_s \overline n_s y_{st} \ge \lceil \eta D_t / C
   \rceil`, and over :math:`S^C`; sites fixed open likewise (:func:`models.sact.cuts.cover_rows`,
   :func:`models.sact.cuts.opened_by_cover`).

All three need every attendance served (not with ``allow_unserved``).

Objective (pounds, present value)

.. math:: \min \sum_t \delta_t \Big[ \text{cost}^{sact}_t(y_t, n_t, x_t, u_t)
          + \sum_s \big(K^c a_{st} + K^o o_{st} + K^w w_{st}\big) \Big]

where :math:`\text{cost}^{sact}_t` is the SACT objective of year :math:`t` (running cost of sites
and chairs, patient travel, unserved penalty).  With :math:`T = 1` and no capital or closure
cost the roll-out is the single-period model exactly; with no growth and no capital limit the
year-1 network is kept unchanged (both tested).  What every plan pays is left out while solving
and added back to the objective and bound reported (:mod:`models.common.constant`), so the gap
the solve stops at is of the cost the plan decides: the fixed cost and least chairs of the sites
every plan opens (:func:`models.sact.matrix.fixed_in_every_plan`), and
:math:`K^o o_{s1}` of such a site not delivering today (open in year 1, so (1) gives
:math:`o_{s1} = 1` and (3) no later opening), :math:`K^c` of the chairs it needs beyond today's
to reach its least (4), and :math:`K^w w_{s1}` of a must-close site delivering
today (shut in year 1, so (2) gives :math:`w_{s1} = 1`)
(:func:`models.rollout.build.first_year_in_every_plan`).
"""

from __future__ import annotations

from dataclasses import replace

from models.common.contract import CheckReport, Progress
from models.rollout.check import check_rollout as check
from models.rollout.input import RolloutInput, RolloutParameters
from models.rollout.solve import RolloutPlan, solve_rollout
from solvers import SolveOptions

Input = RolloutInput
Parameters = RolloutParameters
Plan = RolloutPlan
BACKENDS = ("highs", "pyomo-highs", "pyomo-cbc", "pyomo-glpk", "pyomo-scip")

__all__ = ["BACKENDS", "CheckReport", "Input", "Parameters", "Plan", "check", "solve"]


def solve(
    input: RolloutInput,
    params: RolloutParameters | None = None,
    *,
    backend: str = BACKENDS[0],
    options: SolveOptions | None = None,
    progress: Progress | None = None,
) -> RolloutPlan:
    """Solve the roll-out under ``params`` (None: ``input.parameters``) with ``backend``."""
    data = input if params is None else replace(input, parameters=params)
    return solve_rollout(data, backend, options, progress=progress)
