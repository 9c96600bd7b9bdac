r"""SACT site location: which sites deliver chemotherapy, with how many chairs, serving which zones.

Formulation
-----------
Sets

* :math:`Z` demand zones; :math:`S` candidate sites; :math:`S^C \subseteq S` sites that may give
  complex regimens (cancer centres and hospital units); :math:`S^N \subseteq S` new sites;
  :math:`H \subseteq S` aseptic hubs; :math:`R` trusts, :math:`S_r` sites of trust :math:`r`.
* :math:`K = \{\text{standard}, \text{complex}\}` regimen classes.
* Arcs :math:`A = \{(z,s,k) : t_{zs} \le T^{max},\ k = \text{complex} \Rightarrow s \in S^C\}`,
  the only allocations built (travel-limited sparse arcs).
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

Constraints

1. Demand: :math:`\sum_{s:(z,s,k)\in A} x_{zsk} + u_{zk} = 1` for every :math:`(z,k)` with
   :math:`d_{zk} > 0`.
2. Chairs when open: :math:`\underline n_s y_s \le n_s \le \overline n_s y_s`.
3. Chair-hours capacity: :math:`\sum_{(z,k)} \eta d_{zk} x_{zsk} \le C n_s`.
4. Linking: :math:`\sum_{a \in A_s} x_a \le |A_s| y_s` (enough for integer plans) and, with
   ``strong_linking``, :math:`x_{zsk} \le y_s` for every arc, which gives the tight relaxation.
   With ``lazy_linking`` the vectorised HiGHS path adds the per-arc rows only where the linear
   relaxation violates them (repeating until none is), so the root bound is that of the strong
   formulation while the model carries only the rows that matter.
5. Access: :math:`\sum_{a: t_a \le T} d_a x_a \ge \alpha \sum d_{zk}`; with
   ``access_by_quintile`` the same over the zones of every quintile :math:`q`.
6. Open sites: :math:`\sum_s y_s \le K` (or :math:`= K`); :math:`\sum_{s \in S^N} y_s \le K'`;
   :math:`y_s = 1` for sites that must stay open.
7. Budget: :math:`\sum_s F_s y_s + c_s n_s \le B`.
8. Safe volume: :math:`\sum_{(z,k)} d_{zk} x_{zsk} \ge V y_s`.
9. Complex regimens only at :math:`S^C` (by the construction of :math:`A`).
10. Aseptic supply: :math:`\sum_{h:(s,h)\in L} v_{sh} = y_s`; :math:`v_{sh} \le y_h`;
    :math:`\sum_h f_{sh} = \delta \sum_{(z,k)} d_{zk} x_{zsk}`;
    :math:`f_{sh} \le M_{sh} v_{sh}` with :math:`M_{sh} = \min(Q_h, \delta C \overline n_s / \eta)`;
    :math:`\sum_s f_{sh} \le Q_h y_h`.
11. Nurses (when a nurses table is given): :math:`\sum_{s \in S_r} n_s \le \kappa N_r`.

Objective (``objective = "cost"``, pounds a year)

.. math:: \min \sum_s (F_s y_s + c_s n_s) + \beta\theta \sum_a d_a t_a x_a + P \sum d_{zk} u_{zk}

or (``objective = "travel"``, attendance-minutes a year, usually with a budget)

.. math:: \min \sum_a d_a t_a x_a + P \sum d_{zk} u_{zk}.

Two builders give the same model: :mod:`models.sact.matrix` (vectorised, straight into highspy,
for any size) and :mod:`models.sact.pyomo_build` (pyomo, for other solvers).  Both read the arrays of
:func:`models.sact.arrays.prepare`.  Large instances are solved by :mod:`models.sact.large` (strong
relaxation by pricing arcs, plans from restricted MILPs, a bound valid for the whole model).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

SITE_TYPES = ("cancer_centre", "hospital_unit", "community_site", "mobile_unit")
COMPLEX_SITE_TYPES = ("cancer_centre", "hospital_unit")
CLASSES = ("standard", "complex")


@dataclass(frozen=True)
class SactParameters:
    """Every figure of the SACT location model, with its unit and default."""

    chair_hours_per_day: float = 10.0  # hours a chair is open a day
    days_per_week: float = 5.0
    weeks_per_year: float = 50.0
    utilisation: float = 0.85  # achievable share of open chair hours
    mean_chair_hours: float = 2.5  # chair hours per attendance
    complex_share: float = 0.3  # share of attendances that must stay at a centre or hospital unit
    max_travel_minutes: float = 90.0  # no allocation beyond this travel time
    access_minutes: float = 30.0  # the access standard T
    access_target: float | None = None  # share of attendances within T (None: no target)
    access_by_quintile: bool = False  # apply the access target in every deprivation quintile
    single_source: bool = False  # each zone's class served by one site
    allow_unserved: bool = False  # permit unserved demand at a penalty
    unserved_penalty: float = 10_000.0  # per unserved attendance, objective units
    max_open_sites: int | None = None
    exact_open_sites: int | None = None
    max_new_sites: int | None = None
    budget: float | None = None  # pounds a year on sites and chairs
    min_site_attendances: float = 0.0  # least attendances a year at any open site (safety)
    require_aseptic_supply: bool = True
    drug_stability_minutes: float = 120.0  # most hub -> site transport minutes
    doses_per_attendance: float = 1.0
    chairs_per_nurse: float = 3.5
    objective: str = "cost"  # "cost" or "travel"
    travel_cost_per_minute: float = 0.30  # pounds per patient-minute of travel
    trips_per_attendance: float = 2.0  # one-way trips per attendance (there and back)
    strong_linking: bool = True  # x <= y for every arc (tight relaxation)
    lazy_linking: bool = True  # add those rows only where the relaxation breaks them (HiGHS direct)
    solve_method: str = "auto"  # HiGHS: auto, direct (whole model) or priced (models.sact.large)

    @property
    def chair_hours_per_year(self) -> float:
        """Usable chair hours a year of one chair."""
        return self.chair_hours_per_day * self.days_per_week * self.weeks_per_year * self.utilisation


@dataclass(frozen=True)
class SactInput:
    """A validated SACT location instance.

    zones : index ``zone_id``; columns ``attendances`` (a year), ``quintile`` (1 = most
        deprived .. 5; 0 = unknown), ``population``, optional ``lat``, ``lon``, ``name``.
    sites : index ``site_id``; columns ``name``, ``trust``, ``type`` (one of
        :data:`SITE_TYPES`), ``existing`` (bool), ``current_chairs``, ``min_chairs``,
        ``max_chairs``, ``fixed_cost``, ``chair_cost`` (pounds a year), ``is_hub`` (bool),
        ``hub_capacity`` (doses a year), ``must_open`` (bool), optional ``lat``, ``lon``.
    travel : columns ``zone_id``, ``site_id``, ``minutes``; pairs beyond the travel limit may
        be left out.
    site_travel : columns ``from_site`` (hub), ``to_site``, ``minutes``: drug transport.
    nurses : columns ``trust``, ``nurses``; None when nurse numbers are not modelled.
    """

    zones: pd.DataFrame
    sites: pd.DataFrame
    travel: pd.DataFrame
    site_travel: pd.DataFrame
    parameters: SactParameters = field(default_factory=SactParameters)
    nurses: pd.DataFrame | None = None
    name: str = "sact"
