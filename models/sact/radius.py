r"""The radius (covering) formulation of the p-median, for SACT instances of that structure.

Why.  The SACT model (:mod:`models.sact`) carries one allocation variable per zone-site pair; on
p-median instances (every zone served by its nearest open site, nothing but the number of open
sites limiting the choice) its relaxation is weak for small :math:`p` and HiGHS spends minutes
branching (pmed16, :math:`n = 400, p = 5`: 540 s).  The radius formulation of Elloumi (2010) and
García, Labbé and Marín (2011) describes a customer's cost by the *distance levels* it is not yet
served within: it has the strong relaxation (that of :math:`x_{ij} \le y_j`) with far fewer
non-zeros, and the reductions below shrink it further.

When (:func:`radius_obstacles` returns no reason).  Objective ``travel`` (or ``cost`` whose site
cost is a fixed sum per open site: no chair cost that depends on the load); no chair-hours
capacity that can bind (every site's most chairs carry every attendance that can reach it); no
access target, budget, safe volume, aseptic supply or nurse limit; all demand served
(``allow_unserved`` off).  Then some optimal plan serves every demand row wholly from its nearest
open site, and the plan depends on the open sites alone.

Sets and data.  Customers :math:`I`: the demand rows of :func:`models.sact.arrays.prepare`, rows
with the same arcs (same sites at the same minutes) merged into one, with weight :math:`w_i` =
the sum of their objective weights (attendances, or valued attendances for ``cost``).  For
customer :math:`i`, :math:`D_{i1} < D_{i2} < \dots < D_{iK_i}` the distinct minutes of its arcs,
:math:`J_{ik} = \{j : t_{ij} = D_{ik}\}` the sites at level :math:`k`, :math:`N_{ik} = |\{j :
t_{ij} \le D_{ik}\}|`.  :math:`S` the candidate sites, :math:`F_j` the cost of an open site
(``cost`` objective: fixed cost plus its least chairs; else 0).

Variables.  :math:`y_j \in \{0,1\}` site open; :math:`z_{ik} \in [0,1]` for :math:`k < K_i`:
customer :math:`i` is farther than :math:`D_{ik}` from every open site (integral at integer
:math:`y` in every optimal solution, so continuous).

Objective

.. math:: \min \sum_j F_j y_j + \sum_i w_i \Big(D_{i1} + \sum_{k < K_i} (D_{i,k+1} - D_{ik}) z_{ik}\Big)

Constraints (each built by the one function named)

1. Covering, written telescopically (Elloumi 2010): :math:`z_{i1} + \sum_{j \in J_{i1}} y_j \ge 1`
   and :math:`z_{ik} + \sum_{j \in J_{ik}} y_j \ge z_{i,k-1}` for :math:`1 < k \le K_i`, with
   :math:`z_{iK_i} \equiv 0` (every customer served).  Summed over :math:`k' \le k` they give
   :math:`z_{ik} + \sum_{j: t_{ij} \le D_{ik}} y_j \ge 1`, with :math:`O(\text{arcs})` non-zeros
   instead of :math:`O(\text{arcs} \cdot K)` (``covering``).  :math:`z_{ik} \le z_{i,k-1}` is
   not needed: the objective keeps every :math:`z` at its least value.
2. Open sites: :math:`\sum_j y_j \le K` (or :math:`= K`), new sites :math:`\le K'`
   (:func:`models.sact.matrix.open_site_limits`); :math:`y_j = 1` for sites that must stay open
   and :math:`y_j = 0` for sites whose least chairs exceed their most (the bounds of
   :math:`y`, ``build_radius``).

Reductions (``radius_levels``)

* Identical customers merged (García et al.): demand rows with the same arcs are one customer.
* Levels past the :math:`p`-th farthest site (Elloumi 2010): with exactly :math:`p` sites open,
  once :math:`N_{ik} \ge |S| - p + 1` fewer than :math:`p` sites lie farther than :math:`D_{ik}`,
  so an open site lies within it: :math:`K_i` is cut to the first such level (its row then
  holds for every integer plan, so it stays valid) and every farther arc is left out.  Applied
  with ``exact_open_sites``, and with ``max_open_sites`` :math:`K` when opening a site never
  costs (objective ``travel``, no new-site limit): then some optimum opens exactly
  :math:`\min(K, |S|)`.
* Sites and levels beyond a plan's bound (Lagrangian fixing,
  :func:`models.sact.pmedian_bounds.lagrangian_fixing`): with a plan of cost :math:`UB` (greedy
  and interchange, :func:`models.sact.pmedian_bounds.interchange_heuristic`), a Lagrangian
  bound (assignment rows relaxed, subgradient steps) prices opening or closing each site; a site
  whose forced opening (closing) costs more than :math:`UB` stays shut (open) in every better
  plan.  Shut sites leave the levels (levels with only shut sites merge away, fewer sites lie
  beyond the :math:`p`-th) and an open one ends every customer's levels at its distance.  When
  the bound already proves the plan no MIP runs; else the plan is the MIP's start, so the
  answer is exact.  With integer costs the MIP stops once within 1 of its bound.
* Radii (the same bound, :func:`models.sact.pmedian_bounds.lagrangian_radii`): customer
  :math:`i` farther than :math:`D_{ik}` from every open site shuts every site within
  :math:`D_{ik}`; where that raises the bound above :math:`UB` every plan as good serves
  :math:`i` within :math:`D_{ik}`, and its levels end there (the first such level).
* Lagrangian branch and bound (:mod:`models.sact.pmedian_branch`), for at most
  :data:`BRANCH_MAX_OPEN` open sites, on the sites left: when it ends the plan is proven and no
  MIP runs; else its best plan is the MIP's start.

The plan (:func:`assign_nearest`) serves every demand row from its nearest open site (ties: the
first site in the input) and gives every open site its least chairs, raised to carry its load
(:math:`\lceil \eta \cdot load / C \rceil`), so :func:`models.sact.solve.extract` reads it as a plan
of the whole model.

Code.  :mod:`models.sact.radius_reductions` builds the customers' levels (the reductions),
:mod:`models.sact.radius_formulation` the matrix model, its start and the plan, and
:mod:`models.sact.radius_solve` chooses the path and runs the stages; every name is importable
from this module.
"""

from models.sact.radius_formulation import (
    assign_nearest,
    build_radius,
    covering,
    plan_objective,
    start_vector,
)
from models.sact.radius_reductions import (
    RadiusLevels,
    merge_identical_rows,
    open_count,
    radius_levels,
)
from models.sact.radius_solve import (
    BRANCH_MAX_OPEN,
    BRANCH_SHARE,
    HIGHS_OPTIONS,
    INTEGRAL_ABS_GAP,
    STAGE_SHARE,
    STARTED_HIGHS_OPTIONS,
    radius_obstacles,
    solve_radius,
    use_radius_path,
)

__all__ = [
    "BRANCH_MAX_OPEN",
    "BRANCH_SHARE",
    "HIGHS_OPTIONS",
    "INTEGRAL_ABS_GAP",
    "STAGE_SHARE",
    "STARTED_HIGHS_OPTIONS",
    "RadiusLevels",
    "assign_nearest",
    "build_radius",
    "covering",
    "merge_identical_rows",
    "open_count",
    "plan_objective",
    "radius_levels",
    "radius_obstacles",
    "solve_radius",
    "start_vector",
    "use_radius_path",
]
