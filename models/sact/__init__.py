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
* Supply links :math:`L = \{(s,h) : h \in H,\ \tau_{hs} \le T^{stab}\}` (a hub supplies itself
  at :math:`\tau_{hh} = 0`).

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
11. Nurses (when a nurses table is given): :math:`\sum_{s \in S_r} n_s \le \kappa N_r`
    (``nurse_staffing``).

Objective (``objective = "cost"``, pounds a year)

.. math:: \min \sum_s (F_s y_s + c_s n_s) + \beta\theta \sum_a d_a t_a x_a + P \sum d_{zk} u_{zk}

or (``objective = "travel"``, attendance-minutes a year, usually with a budget)

.. math:: \min \sum_a d_a t_a x_a + P \sum d_{zk} u_{zk}.

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

from dataclasses import replace

from models.common.contract import CheckReport, InputProblem, ModelInputError, Progress
from models.sact.check import check_plan as check
from models.sact.input import SactInput, SactParameters
from models.sact.solve import SactPlan, solve_sact
from solvers import SolveOptions

Input = SactInput
Parameters = SactParameters
Plan = SactPlan
BACKENDS: tuple[str, ...] = ("highs", "pyomo-highs", "pyomo-cbc", "pyomo-glpk", "pyomo-scip")
SOLVE_METHODS = ("auto", "direct", "priced", "radius")
OBJECTIVES = ("cost", "travel")

__all__ = ["BACKENDS", "CheckReport", "Input", "Parameters", "Plan", "check", "solve"]


def solve(
    input: SactInput,
    params: SactParameters | None = None,
    *,
    backend: str = BACKENDS[0],
    options: SolveOptions | None = None,
    progress: Progress | None = None,
) -> SactPlan:
    """Solve ``input`` under ``params`` (None: ``input.parameters``) with ``backend``.

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
    if backend not in BACKENDS:
        problems.append(InputProblem("backend", f"not one of: {', '.join(BACKENDS)}"))
    if problems:
        raise ModelInputError(problems)
    data = input if params is input.parameters else replace(input, parameters=params)
    return solve_sact(data, backend, options, progress=progress)
