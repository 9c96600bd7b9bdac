r"""SACT site location: which sites deliver chemotherapy, with how many chairs, serving which zones.

Formulation
-----------
Sets

* :math:`Z` demand zones; :math:`S` candidate sites; :math:`S^C \subseteq S` sites that may give
  complex regimens (cancer centres and hospital units); :math:`S^N \subseteq S` new sites;
  :math:`H \subseteq S` aseptic hubs; :math:`R` trusts, :math:`S_r` sites of trust :math:`r`.
* :math:`K = \{\text{standard}, \text{complex}\}` regimen classes.
* Arcs :math:`A = \{(z,s,k) : t_{zs} \le T^{max},\ k = \text{complex} \Rightarrow s \in S^C\}`,
  the only allocations built (travel-limited sparse arcs, :func:`models.sact.arrays.prepare`).
* Supply links :math:`L = \{(s,h) : h \in H,\ \tau_{hs} \le T^{stab}\}`: a site is supplied
  straight from a hub, never through another site; a hub reaches itself in :math:`\tau_{hh} = 0`.

Data

* :math:`d_{zk} = a_z \rho_k` attendances a year of zone :math:`z` in class :math:`k`
  (:math:`\rho_{complex}` = ``complex_share``); :math:`q_z` deprivation quintile.
* :math:`t_{zs}` travel minutes; :math:`\eta` chair hours per attendance; :math:`C` chair hours a
  year per chair (= hours a day x days a week x weeks a year x utilisation).
* :math:`F_s` fixed annual cost, :math:`c_s` annual cost per chair, :math:`\underline n_s,
  \overline n_s` least and most chairs when open; :math:`Q_h` hub capacity in doses a year,
  :math:`\delta` doses per attendance; :math:`N_r` SACT nurses of trust :math:`r`, :math:`\kappa`
  chairs per nurse; :math:`V` least attendances a year at an open site.
* :math:`\beta` value of patient travel (pounds per minute), :math:`\theta` one-way trips per
  attendance; :math:`P` penalty per unserved attendance (objective units).
* :math:`\gamma` = ``transport_cost_per_minute``, pounds to carry one dose one minute from its hub
  (default 0.02); :math:`\tau_{hs}` hub -> site transport minutes.

Variables

* :math:`y_s \in \{0,1\}` site open; :math:`n_s \in \mathbb Z_{\ge 0}` chairs;
* :math:`x_{a} \in [0,1]` share of :math:`d_{zk}` served on arc :math:`a=(z,s,k)`
  (binary with ``single_source``: every zone's class served by one site);
* :math:`u_{zk} \in [0,1]` unserved share (only with ``allow_unserved``, else 0);
* :math:`v_{sh} \in \{0,1\}` hub :math:`h` supplies site :math:`s`; :math:`f_{sh} \ge 0` doses.

Constraints (each built by the one function of :mod:`models.sact.matrix` named)

1. Demand: :math:`\sum_{s:(z,s,k)\in A} x_{zsk} + u_{zk} = 1` for every :math:`(z,k)` with
   :math:`d_{zk} > 0` (``demand_served``).
2. Chairs when open: :math:`\underline n_s y_s \le n_s \le \overline n_s y_s` (``chairs_when_open``).
3. Chair-hours capacity: :math:`\sum_{(z,k)} \eta d_{zk} x_{zsk} \le C n_s`
   (``chair_hours_capacity``).
4. Linking: :math:`\sum_{a \in A_s} x_a \le |A_s| y_s`, enough for integer plans
   (``serve_only_open_aggregated``).
4'. Strong linking (``strong_linking``): :math:`x_{zsk} \le y_s` for every arc, which gives the
   tight relaxation (``serve_only_open``).  With ``lazy_linking`` the vectorised HiGHS path adds
   these rows only where the linear relaxation violates them (repeating until none is), so the
   root bound is that of the strong formulation while the model carries only the rows that matter.
5. Access: :math:`\sum_{a: t_a \le T} d_a x_a \ge \alpha \sum d_{zk}`; with
   ``access_by_quintile`` the same over the zones of every quintile :math:`q` (``access_target``).
   With ``allow_unserved`` the target is a share of the *served* attendances,
   :math:`\sum_a d_a (\mathbb 1[t_a \le T] - \alpha) x_a \ge 0`: unserved attendances are
   reported and penalised (:math:`P`), not counted as far; without it both forms are the same.
6. Open sites: :math:`\sum_s y_s \le K` (or :math:`= K`); :math:`\sum_{s \in S^N} y_s \le K'`
   (``open_site_limits``); :math:`y_s = 1` for sites that must stay open (the lower bound of
   :math:`y_s` in ``build_matrix``).
7. Budget: :math:`\sum_s F_s y_s + c_s n_s \le B` (``budget``).
8. Safe volume: :math:`\sum_{(z,k)} d_{zk} x_{zsk} \ge V y_s` (``safe_volume``).
9. Complex regimens only at :math:`S^C`: by the construction of :math:`A`
   (:func:`models.sact.arrays.prepare`).
10. Aseptic supply (``aseptic_supply``): :math:`\sum_{h:(s,h)\in L} v_{sh} = y_s`;
    :math:`v_{sh} \le y_h`; :math:`\sum_h f_{sh} = \delta \sum_{(z,k)} d_{zk} x_{zsk}`;
    :math:`f_{sh} \le M_{sh} v_{sh}` with :math:`M_{sh} = \min(Q_h, \delta C \overline n_s / \eta)`;
    :math:`\sum_s f_{sh} \le Q_h y_h`.
10'. An open hub supplies itself: :math:`v_{hh} = y_h` for every :math:`h \in H`
    (``hub_supplies_itself``).  With (10) an open hub has no other supplier, so a site's hub is
    never itself supplied by another hub (no chains), and a hub's own doses use its own capacity.
11. Nurses (when a nurses table is given): :math:`\sum_{s \in S_r} n_s \le \kappa N_r`
    (``nurse_staffing``).

Constraints 12 and 13 belong to the objectives below; 14-17 are valid inequalities that only
strengthen the relaxation (:mod:`models.sact.cuts`, with their proofs):

14. Chair rounding: :math:`\sum_s n_s \ge \lceil \eta D / C \rceil`, and over :math:`S^C` for the
    complex attendances (``chair_rounding``).
15. Hub cover: :math:`\sum_h Q_h y_h \ge \delta D`; a hub without which the others fall short is
    fixed open (``cover_rows``, ``opened_by_cover``).
16. Chair cover: :math:`\sum_s \overline n_s y_s \ge \lceil \eta D / C \rceil`, and over
    :math:`S^C`; sites fixed open likewise (``cover_rows``, ``opened_by_cover``).
17. Sites every plan opens, fixed open (``open_in_every_plan``): the must-open sites, those of
    15 and 16, the only site some demand row reaches (all demand served), and the only hub that
    can supply one of these.  Their fixed cost and least chairs' cost are constants of the
    objective (``fixed_in_every_plan``), left out while solving and added back to the objective
    and bound reported, so the gap the solve stops at is of the cost the plan decides.

14-16, and 17's site that some demand row reaches alone, need every attendance served (not with
``allow_unserved``).

Objectives (``objective``; vectors and rows built by :mod:`models.sact.objectives`)

``cost`` (pounds a year, the default)

.. math:: \min\ \mathrm{cost} = \sum_s (F_s y_s + c_s n_s) + \beta\theta \sum_a d_a t_a x_a
    + \gamma \sum_{(s,h) \in L} \tau_{hs} f_{sh} + P \sum d_{zk} u_{zk}

``travel`` (attendance-minutes a year, usually with a budget)

.. math:: \min \sum_a d_a t_a x_a + \frac{\gamma}{\beta\theta} \sum_{(s,h) \in L} \tau_{hs} f_{sh}
    + P \sum d_{zk} u_{zk}

(drug transport in attendance-minutes at the value of patient travel; at :math:`\gamma` when
:math:`\beta\theta = 0`).  Drug transport is priced per dose-minute rather than settled in a
second, lexicographic stage: one solve, and every dose pays for its journey, so for the sites
and loads chosen each site is linked to the nearest open hub that capacity allows, and a site
far from every hub carries that cost into the choice of sites.

``coverage`` (maximal covering, as in spopt's MCLP and ArcGIS's "maximize coverage": most
attendances served within the access standard :math:`T`, for a number of sites :math:`K` or a
budget :math:`B` set by constraints 6 and 7; kept a minimisation of the attendances *not* covered)

.. math:: \min \sum_{a: t_a > T} d_a x_a + \sum d_{zk} u_{zk} + P \sum d_{zk} u_{zk}
   + \epsilon\,\mathrm{cost}^{-P}

12. No new variable or row: by constraint 1 the attendances not covered are exactly
    :math:`\sum_{a: t_a > T} d_a x_a + \sum d_{zk} u_{zk}` (served beyond :math:`T`, or not at
    all), so the objective vector is all (:func:`models.sact.objectives.arc_objective`,
    ``unserved_objective``).  Capacity, chairs, supply, nurses and the rest still bind, so a
    site's coverage is what its chairs can take, not its whole catchment.

``worst`` (p-centre: least longest journey of any attendance served, for :math:`K` or :math:`B`)

.. math:: \min W + P \sum d_{zk} u_{zk} + \epsilon\,\mathrm{cost}^{-P}

13. Longest journey (:func:`models.sact.objectives.longest_journey`): :math:`W \ge F`, with
    :math:`F` the largest over demand rows of the row's shortest arc (no plan does better; the
    shortest arc of all with ``allow_unserved``); for every distinct arc minutes
    :math:`t^{(j)} > F` a binary :math:`z_j` ("journeys of :math:`t^{(j)}` used"),
    :math:`W \ge F + (t^{(j)} - F) z_j`, and :math:`x_a \le z_{j(a)}` for every arc with
    :math:`t_a = t^{(j(a))} > F`.  Why this and not the textbook :math:`W \ge t_a x_a`:
    allocations are shares, and :math:`W \ge t_a x_a` lets a 90-minute arc carry 1 % of a zone
    for 0.9 minutes of :math:`W`; here any :math:`x_a > 0` forces :math:`z_{j(a)} = 1`, so
    :math:`W \ge t_a` for every arc an attendance is actually sent on, split or single-sourced
    alike.  Its relaxation gives :math:`W \ge F + (t_a - F) x_a` for every arc, the per-arc
    bound of the sorted-distance levels of Elloumi, Labbe and Pochet's p-centre formulation
    (INFORMS J. Computing 2004); their chain :math:`z_{j+1} \le z_j` is left out (it can tighten
    the relaxation when several levels are partly used, but with thousands of levels, travel times
    that are not whole minutes, HiGHS's presolve probing along it ran for minutes: a 500-zone
    instance stalled past 120 s that now solves in 11 s).  Allocation rows take the place of their
    covering rows, so capacity and the rest apply.

In both, :math:`\mathrm{cost}^{-P}` is the cost objective without its penalty and
:math:`\epsilon = e / (\sum_s (F_s + c_s \overline n_s) + \beta\theta D T^{max} + \gamma\delta D
T^{stab})` (:func:`models.sact.objectives.tie_break_weight`; :math:`D` all attendances, :math:`e` =
``objective_tie_break``, default 0.001): the cost terms add less than :math:`e` attendances or
minutes, a tie-break only, so among plans equally good on coverage or the longest journey the
cheapest is returned (when solved to a relative gap below :math:`e` over the objective; with a
larger gap the solver may stop at a dearer one of them, the objective's own value still within
the gap).  The plan reports the objective's own value beside its costs
(``figures()["objective_figures"]``: covered share, or the longest journey :math:`W`).  These two
objectives take the direct path (``solve_method`` ``auto`` becomes ``direct``; ``priced`` is
refused): the priced path of :mod:`models.sact.large` assumes the cost structure.

Unserved demand and infeasibility
---------------------------------
Unserved attendances (``allow_unserved``) need no chairs, doses or nurses, and the access target
is over the served ones, so with ``allow_unserved`` every instance has a plan unless what the
sites themselves fix cannot be met (must-open sites with their least chairs, safe volume and hub,
the open-site limits, the budget); :mod:`models.sact.diagnose` names those before solving, and,
when all demand must be served, the aggregate shortfalls (chair hours, complex chair hours, hub
doses, nurses, the least cost of the chairs needed against the budget) with their numbers.

Solving
-------
The model is built once, as arrays (:mod:`models.sact.matrix`, from the arrays of
:func:`models.sact.arrays.prepare`): HiGHS takes it straight, the ``pyomo-*`` backends through
:mod:`solvers.pyomo_matrix`, so every backend solves the same constraints.  Large instances are solved by
:mod:`models.sact.large` (strong relaxation by pricing arcs, plans from restricted MILPs, a bound
valid for the whole model); p-median instances by the radius formulation of
:mod:`models.sact.radius`; the ``solve_method`` parameter chooses (``auto``, ``direct``,
``priced``, ``radius``) and the plan's figures record the path that ran (``solve_path``).

The contract (:mod:`models.common.contract`): :data:`Input`, :data:`Parameters`, :data:`BACKENDS`,
:func:`solve`, :func:`check`, :data:`Plan`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from models.common.contract import CheckReport, InputProblem, ModelInputError, Progress
from models.sact.check import check_plan as check
from models.sact.input import SactInput, SactParameters
from models.sact.objectives import OBJECTIVES, TIE_BROKEN
from models.sact.solve import SactPlan, solve_sact
from solvers import SolveOptions

Input = SactInput
Parameters = SactParameters
Plan = SactPlan
BACKENDS: tuple[str, ...] = ("highs", "pyomo-highs", "pyomo-cbc", "pyomo-glpk", "pyomo-scip")
SOLVE_METHODS = ("auto", "direct", "priced", "radius")

__all__ = ["BACKENDS", "CheckReport", "Input", "Parameters", "Plan", "check", "solve"]


def solve(
    input: SactInput,
    params: SactParameters | None = None,
    *,
    backend: str = BACKENDS[0],
    options: SolveOptions | None = None,
    progress: Progress | None = None,
    start: Mapping[str, int] | pd.DataFrame | None = None,
) -> SactPlan:
    """Solve ``input`` under ``params`` (None: ``input.parameters``) with ``backend``.

    ``start`` (a keyword beyond the contract's, which the shell passes only when given, since
    :class:`~solvers.SolveOptions` has no room for a plan): a plan's sites and chairs to
    warm-start from, as a mapping ``site_id -> chairs`` or a ``sites`` table (``site_id``,
    ``open``, ``chairs``).  Its site decisions are fixed and the rest solved
    (:mod:`models.sact.start`); the point is the solver's MIP start.  One that cannot be completed
    is ignored with a note (the plan's ``warm_start`` figure says which), never an error.

    Never raises for an instance without a plan (the plan's ``explanation`` says why); raises
    :class:`~models.common.contract.ModelInputError` for parameters outside their choices.
    """
    params = input.parameters if params is None else params
    problems = []
    if params.solve_method not in SOLVE_METHODS:
        problems.append(
            InputProblem("parameters", f"not one of: {', '.join(SOLVE_METHODS)}", column="solve_method")
        )
    if params.objective not in OBJECTIVES:
        problems.append(
            InputProblem("parameters", f"not one of: {', '.join(OBJECTIVES)}", column="objective")
        )
    if params.objective in TIE_BROKEN and params.solve_method == "priced":
        problems.append(
            InputProblem(
                "parameters",
                f"the priced path solves cost and travel, not {params.objective}",
                column="solve_method",
            )
        )
    if params.objective_tie_break < 0:
        problems.append(InputProblem("parameters", "must be at least 0", column="objective_tie_break"))
    if backend not in BACKENDS:
        problems.append(InputProblem("backend", f"not one of: {', '.join(BACKENDS)}"))
    if problems:
        raise ModelInputError(problems)
    if params.objective in TIE_BROKEN and params.solve_method == "auto":
        params = replace(params, solve_method="direct")
    data = input if params is input.parameters else replace(input, parameters=params)
    return solve_sact(data, backend, options, progress=progress, start=start)
