r"""Out-of-hours (OOH) rota consolidation: which on-call rotas to run, where, covering which sites.

Today every site runs (or shares) an on-call rota per service.  Merging rotas pools clinicians,
so fewer people are on call each night and each is on call less often (1-in-N with N the rota's
slots), and fewer slots need premium-rate temporary (locum, agency) staff, at the price of
longer response times and travel to attend.

This package states the MILP (below) and keeps the model contract (:mod:`models.common.contract`):
``Input``, ``Parameters``, ``BACKENDS``, ``solve``, ``check`` and ``Plan``.  The pieces: input
types in :mod:`models.ooh.input`; sets and data in :mod:`models.ooh.sets`; the stages diagnose ->
build -> solve -> extract in :mod:`models.ooh.pipeline`; the build as arrays, one function per
numbered constraint, in :mod:`models.ooh.matrix` (HiGHS takes the arrays directly, the pyomo
backends the pyomo model :mod:`solvers.pyomo_matrix` generates from them); the elastic form in
:mod:`models.ooh.elastic`; the plan in :mod:`models.ooh.plan`; why an instance has no plan in
:mod:`models.ooh.diagnosis`; an independent checker in :mod:`models.ooh.checker`.

Sets
----
K            services (acute oncology second on-call, haematology, ...).
C            site-services needing cover: (k, s), one per row of ``rotas``.
A            candidate arcs (k, s, h): site s may be covered for service k by a rota based at hub
             h.  (k, s, h) is in A iff h needs and may host k, (k, h, h) is in A, the response
             time  t_hs (+ mobilisation for non-resident tiers) <= T_k, trust(s) = trust(h) unless
             cross-trust rotas are allowed, and h = s when s keeps its own rota.
R            candidate rotas (k, h) with (k, h, h) in A.
B_kh         supplement bands b of service k's category that a rota at h could fall in: those
             whose size range [lo_b, hi_b] meets [N_k, min(M_k, P'_kh)], P_kh the clinicians of
             every site that could join the rota, P'_kh = max(P_kh, N_k) if k may use temporary
             staff (p_k given), else P_kh.
B'_kh        the bands of B_kh with lo_b <= N_k: those a rota brought up to N_k slots falls in.

Data (units)
------------
c_ks   clinicians site s contributes to service k (members);  a_ks attendances per night;
q_ks   attendances a year = a_ks * nights + weekend attendances * weekend days;
t_hs   travel minutes from h to s (t_ss = 0);  N_k least rota size (1-in-N_k);  M_k largest
rota size;  L_k most sites per rota;  W most attendances per night per on-call clinician;
F_k    cover cost of a rota a year = nights * cost per night (GBP);  S_k salary (GBP a year);
sigma_b salary share of band b;  tau travel cost (GBP per minute);  r trips per attendance;
gamma  cost per change (GBP a year);  o_ks today's hub of (k, s);
v_ks   vacancies: slots of today's rota site s funds for k with no substantive clinician;
p_k    locum premium: GBP per night of on-call covered by temporary staff, over what a
       substantive member costs (services.locum_premium_per_night; blank = no temporary staff);
e_k    cost of a temporary slot a year = p_k * nights / N_k (GBP; see the choice below).

Variables
---------
x_ksh in {0, 1}   site s is covered for service k by the rota at hub h ((k, s, h) in A);
                  x_khh = 1 is the decision to run a rota of k at h.
z_khb in {0, 1}   the rota at h falls in band b (b in B_kh).
w_khb >= 0        slots of the rota at h counted in band b (0 unless z_khb = 1).
u_kh in [0, N_k]  temporary slots of the rota at h, filled by locum or agency staff (u_kh = 0
                  when p_k is blank).

Constraints
-----------
(1) cover_once:       sum_h x_ksh = 1                                  for (k, s) in C
(2) hub_open:         x_ksh <= x_khh                                   for (k, s, h) in A, s != h
(3) min_rota_size:    sum_s c_ks x_ksh + u_kh >= N_k x_khh             for (k, h) in R
(4) max_rota_size:    sum_s c_ks x_ksh <= M_k x_khh                    for (k, h) in R, M_k finite
(5) max_sites:        sum_s x_ksh <= L_k x_khh                         for (k, h) in R, L_k finite
(6) workload:         sum_s a_ks x_ksh <= W x_khh                      for (k, h) in R
(7) band_choice:      sum_b z_khb = x_khh                              for (k, h) in R
(8) band_slots:       sum_b w_khb = sum_s c_ks x_ksh + u_kh            for (k, h) in R
(9) band_range:       lo_b z_khb <= w_khb <= min(hi_b, M_k, P'_kh) z_khb for b in B_kh
(10) temporary_slots: u_kh <= N_k sum_(b in B'_kh) z_khb               for (k, h) in R

Each constraint is built by the function of its name in :mod:`models.ooh.matrix`.  Since slots
are whole numbers and the bands partition 1, 2, 3, ..., (7)-(9) put every open rota in exactly
the band its slots fall in, and w_khb equals its slots there: the supplement is exact.

Temporary staffing (the modelling choice).  A rota of m substantive members needs N_k slots to
run 1-in-N_k; if m < N_k, the N_k - m slots left are filled by temporary staff (vacancies no
substantive member pooled into the rota can fill).  Merging rotas pools members, so the merged
rota needs fewer temporary slots than its sites did apart.  A rota is never padded beyond N_k
slots with temporary staff: (10) allows u_kh > 0 only in a band that holds N_k or fewer slots,
so a rota with m >= N_k has u_kh = 0 at the optimum and one with m < N_k has u_kh = N_k - m
exactly (any more only costs more, in the same band).  A temporary slot of a 1-in-N_k rota is on
call nights / N_k nights a year, at the premium p_k: e_k = p_k * nights / N_k; it is also paid
the band's availability supplement like a substantive slot (sigma_b S_k, through w_khb), so
the premium is what temporary staff cost over a substantive member.  Today's rotas are costed
the same way with their sites' vacancies as temporary slots: a rota of m members and V
vacancies has m + V slots and pays p_k * nights * V / (m + V).  In the plan every rota has
exactly max(N_k, m) slots, so vacancies beyond what 1-in-N_k needs are not filled.

Objective (GBP a year, minimised)
---------------------------------
    sum_(k,h) in R  F_k x_khh                                 cover
  + sum_(k,h,b)     sigma_b S_k w_khb                         availability supplements
  + sum_(k,h) in R  e_k u_kh                                  temporary staffing
  + sum_(k,s,h) in A  q_ks r t_hs tau x_ksh                   expected attendance travel (0 if h = s;
                                                              each q_ks r t_hs tau to the penny)
  + sum_(k,s) in C  gamma (1 - x_ks(o_ks))                    changes against today (x = 0 if no arc)

Structure: no constraint links two services and the objective is a sum over services, so the
model splits into one independent block per service; every backend solves the blocks one by one
(their optima and bounds add up).

Elastic form (:func:`models.ooh.elastic.build_elastic`), used only to explain an
infeasible instance: (1), (3)-(6) get non-negative slacks (site-service uncovered, members
short, members over, sites over, attendances over), bands are not pruned below N_k, and the
objective is the weighted sum of slacks.  A positive slack in its optimum names a requirement
that no plan can meet.
"""

from __future__ import annotations

from models.ooh.checker import check
from models.ooh.input import OohInput as Input
from models.ooh.input import OohParameters as Parameters
from models.ooh.pipeline import BACKENDS, solve
from models.ooh.plan import OohPlan as Plan

__all__ = ["BACKENDS", "Input", "Parameters", "Plan", "check", "solve"]
