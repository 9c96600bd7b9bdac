r"""Cross-trust oncologist cover: who covers which clinics, where and when, keeping MDTs quorate.

Illustrative planning model for a Cancer Alliance: when oncologists are on leave (maternity,
long-term sickness, annual and study leave), oncologists of other trusts cover clinics, SACT
review and ward PAs in steps of ``pa_step`` (half a PA by default), travelling between sites,
and locums fill what is left.

Formulation
-----------
Sets

* :math:`O` oncologists, home site :math:`h(o)`, home trust :math:`k(o)`, specialisms
  :math:`U_o \subseteq U` (tumour sites: breast, lung, ...).
* :math:`K` trusts; :math:`S` sites, :math:`k(s)` a site's trust; :math:`W` weeks of the
  horizon; :math:`\Delta` = Mon..Fri; :math:`H` holidays: England bank holidays
  (:func:`models.common.calendar.bank_holidays`) as the instance's ``holidays`` table adds
  local ones or removes worked ones; :math:`\Delta_w` the working days of week :math:`w` not
  in :math:`H`.
* :math:`M` weekly MDTs: trust :math:`k_m`, tumour site :math:`u_m`, weekday :math:`\delta_m`,
  quorum :math:`q_m`, remote attendance counts :math:`\rho_m \in \{0,1\}`; an MDT does not
  meet in a week whose :math:`\delta_m` is a holiday (:func:`models.cover.index.prepare`
  builds no meeting row for it).
* Demand rows :math:`D = \{(k,u,w) : d_{kuw} > 0\}`.
* Clinic site :math:`s(o,k)`: demand is given per trust, so an oncologist covers a trust at one
  site -- the home site for the home trust, else the trust's site nearest :math:`h(o)`.
* Allocation arcs :math:`X = \{(o,s,u,w) : s = s(o,k(s)),\ u \in U_o,\ (s = h(o) \lor \tau_{os}
  \le T^{max}),\ c_{ow} > 0,\ (k(s),u,w) \in D\}` -- the only allocations built.  An
  oncologist absent all week (:math:`c_{ow} = 0`) has none, so is never allocated.
* Attendance options :math:`R = \{(o,m,w) : u_m \in U_o,\ c_{ow} > 0,\ \neg b_{o,w,\delta_m},\
  (k(o) = k_m \lor \rho_m \lor s(o,k_m) \text{ within } T^{max})\}`.
* Visits :math:`V`: away :math:`(o,s,w)` of an arc in :math:`X`, or of an in-person attendance
  option (a visit may be made for an MDT alone).

Data (units)

* :math:`\lambda_w = |\Delta_w| / 5` with ``holiday_pro_rata`` (default), else 1: the share of
  a normal week's demand and capacity in week :math:`w`.
* :math:`c_{ow} = \lambda_w D_o (1 - \alpha_{ow})` PAs: direct clinical care PAs :math:`D_o`
  (clinics, SACT review, ward; the home trust's MDTs are outside them) net of holidays and of
  the absent share :math:`\alpha_{ow} = \min(1, \sum_{absences} \text{share} \times
  |\text{days of } \Delta_w \text{ covered}| / |\Delta_w|)`; :math:`b_{ow\delta}` absent
  (any share) or a holiday on that day.
* :math:`A_o` most clinical PAs a week away from the home site; :math:`N_o` most distinct sites
  a week (the home site always counts).
* :math:`\tau_{os}` one-way minutes and :math:`\mu_{os}` one-way miles from :math:`h(o)` to
  :math:`s`.  A trip is a return journey: :math:`\pi_{os}` = 2 :math:`\tau_{os}` / ``minutes_per_pa``
  PAs rounded up to ``travel_pa_step``, and :math:`2\mu_{os}\kappa` pounds to the penny
  (:math:`\kappa` = ``cost_per_mile``; a visit of several trips costs that many times it, so
  the costs per oncologist and in total are sums of visits.csv's rows).  :math:`P` =
  ``pas_per_trip`` clinical PAs one trip covers (a day's sessions); :math:`T` =
  ``max_trips_per_site`` a week; :math:`T^{max}` = ``max_trip_minutes``.
* :math:`d_{kuw}` PAs demanded: the demand table's PAs times :math:`\lambda_w`, to the nearest
  :math:`\delta` PAs (:math:`\delta` = ``pa_step``, the unit of an allocation, 0.5 by default);
  :math:`L_{ku}` locum PAs available a week (0 where the locums table has no row) at
  :math:`p_{ku}` pounds a PA; :math:`e_{om}` = ``mdt_pas`` if :math:`k(o) \ne k_m` else 0 (PAs an MDT takes);
  :math:`\theta` = ``mdt_shortfall_penalty``.

Variables

* :math:`n_{osuw} \in \{0, 1, .., \bar n_{osuw}\}` steps of :math:`\delta` PAs on arc
  :math:`(o,s,u,w) \in X`, :math:`\bar n = \lfloor \min(c_{ow}, d_{k(s)uw}, A_o \text{ if away}) /
  \delta \rfloor`; :math:`x_{osuw} = \delta n_{osuw}` PAs.
* :math:`y_{osw} \in \{0,1\}` visit and :math:`z_{osw} \in \{0..T\}` trips, for
  :math:`(o,s,w) \in V`.
* :math:`l_{kuw} \in [0, \min(L_{ku}, d_{kuw})]` locum PAs; :math:`g_{kuw} \ge 0` uncovered PAs.
* :math:`a_{omw} \in \{0,1\}` attends MDT :math:`m` in week :math:`w`; :math:`\sigma_{mw} \in
  [0, q_m]` quorum shortfall.
* :math:`v_{oku} \in \{0,1\}` :math:`o` covers trust :math:`k`, tumour site :math:`u` at least
  once; :math:`F \ge 0` largest away burden (PAs over the horizon).

Constraints (each built by the one function of :mod:`models.cover.matrix` named; every backend
solves those arrays)

1. Demand: :math:`\sum_{o,s: k(s) = k} x_{osuw} + l_{kuw} + g_{kuw} = d_{kuw}` for
   :math:`(k,u,w) \in D` (``demand_balance``).
2. Capacity net of absence, holidays and travel: :math:`\sum_{s,u} x_{osuw} + \sum_{s}
   \pi_{os} z_{osw} + \sum_m e_{om} a_{omw} \le c_{ow}` (``capacity``).
3. Away PAs: :math:`\sum_{s \ne h(o), u} x_{osuw} \le A_o` (``away_limit``).
4. Trips cover the PAs: :math:`\sum_u x_{osuw} \le P z_{osw}` for :math:`(o,s,w) \in V`
   (``trips_cover_pas``).
5. Strong visit link: :math:`n_{osuw} \le \bar n_{osuw}\, y_{osw}` for away arcs
   (``visit_links_arc``).
6. A visit is a trip: :math:`y_{osw} \le z_{osw} \le T y_{osw}` (``visit_needs_trip``).
7. Sites a week: :math:`\sum_{s \ne h(o)} y_{osw} \le N_o - 1` (``site_limit``).
8. Locums within availability: the bound :math:`l_{kuw} \le \min(L_{ku}, d_{kuw})` (the
   variable bounds of ``_variables``).
9. MDT quorum: :math:`\sum_o a_{omw} + \sigma_{mw} \ge q_m` (``quorum``).
10. In-person attendance needs a visit: :math:`a_{omw} \le y_{o,s(o,k_m),w}` when
    :math:`k(o) \ne k_m` and not :math:`\rho_m` (a visit that week is assumed to be arranged
    on the MDT's day; a home-trust oncologist attends from whichever site of the trust)
    (``presence``).
11. One MDT a day: :math:`\sum_{m : \delta_m = \delta} a_{omw} \le 1` (``one_mdt_a_day``).
12. Away burden: :math:`B_o + \sum_w \big(\sum_{s \ne h(o), u} x_{osuw} + \sum_s \pi_{os}
    z_{osw}\big) \le F` (:math:`B_o` = 0, or the burden of earlier weeks in the weekly stage 3)
    (``away_burden``).
13. Continuity: :math:`\sum_{s} x_{osuw} \le \min(c_{ow}, \delta \sum_s \bar n_{osuw})\, v_{ok(s)u}`
    (the tightest big-M: the most the arcs can carry that week) (``continuity``).
14. Stage fixing (lexicographic): :math:`f_j \le f_j^* + \max(\epsilon_{abs}, \epsilon_{rel}
    |f_j^*|)` for every earlier stage :math:`j`, :math:`f_j^*` the value that stage reached
    (``stage_bound``).

Objective

* :math:`f_1 = \sum g_{kuw} + \theta \sum \sigma_{mw}` (uncovered PA equivalents);
* :math:`f_2 = \sum p_{ku} l_{kuw} + \sum 2\mu_{os}\kappa z_{osw}` (pounds: locums + travel);
* :math:`f_3 = \phi F + \psi \sum v_{oku}` (fairness and continuity; :math:`\phi, \psi` =
  ``fairness_weight``, ``continuity_weight``).

``mode="lexicographic"`` (default) minimises :math:`f_1 + \varepsilon f_2` (:math:`\varepsilon`
= ``stage1_cost_weight``, 1e-6 per pound: a tie-break, so the stage-1 plan is already cheap),
then :math:`f_2` holding :math:`f_1` (14), then :math:`f_3` holding both; ``mode="weighted"`` minimises
:math:`W_1 f_1 + f_2 + W_3 f_3` (``weighted_stage1``, ``weighted_stage3``, pounds per unit).

Solving (:mod:`models.cover.stages`): (1)-(11), :math:`f_1` and :math:`f_2` involve one week
at a time, so stages 1 and 2 are solved exactly week by week (holding each week's :math:`f_1`
holds their sum).  Stage 3 couples the weeks through (12) and (13): it is solved week by week,
each week holding its :math:`f_1, f_2` and carrying the burden and cover pairs of earlier
weeks (a heuristic), then, with ``stage3_polish``, over the whole horizon from that plan for a
proven bound.  Each solve has the gap of :class:`~solvers.SolveOptions`; one time budget
covers the run (``time_budget``, or the options' time limit), shared among the solves by
weight, each at most ``time_limit_per_solve``; stage 3 uses what stages 1-2 and the baseline
leave, and a week it cannot reach keeps its stage-2 plan.  Ctrl-C keeps the weeks done.
The baseline is solved first; each week's stage 1 starts from the baseline's plan of that week
(feasible for the plan's model: a subset of its allocations), so the plan never leaves more
uncovered PA equivalents than the baseline, however short the time.

Baseline: the same model with every oncologist at the home site only (no travel) and locums
within the same availability :math:`L_{ku}` (8), solved for :math:`f_1` then :math:`f_2` over
the whole horizon at once, one solve a stage (:func:`models.cover.stages.solve_weeks`: with
nobody travelling the model is small, and one solve is several times faster than one a week);
the plan's uncovered PAs and costs are reported against it.

Backends: ``"highs"`` solves the arrays of :mod:`models.cover.matrix` with HiGHS directly,
warm-starting each solve from the previous stage's plan; ``"pyomo-highs"``, ``"pyomo-cbc"``,
``"pyomo-glpk"`` solve the same arrays through pyomo
(:func:`solvers.pyomo_matrix.solve_matrix_pyomo`), so one formulation serves every backend.
"""

from models.cover.check import check
from models.cover.input import ABSENCE_KINDS, WEEKDAYS, CoverInstance
from models.cover.parameters import CoverParameters
from models.cover.plan import CoverPlan, StageOutcome
from models.cover.solve import solve
from models.cover.stages import BACKENDS

Input = CoverInstance
Parameters = CoverParameters
Plan = CoverPlan

__all__ = [
    "ABSENCE_KINDS",
    "BACKENDS",
    "WEEKDAYS",
    "CoverInstance",
    "CoverParameters",
    "CoverPlan",
    "Input",
    "Parameters",
    "Plan",
    "StageOutcome",
    "check",
    "solve",
]
