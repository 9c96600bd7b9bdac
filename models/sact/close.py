r"""Close sites a plan keeps open for nothing: a local search after fix and transport.

Why.  Fix and transport (:mod:`models.sact.heuristic`) opens the sites a relaxation's point opens
at :math:`y_s \ge` a threshold.  From a partial point of stage 1 (a step of a round's re-solve,
:mod:`models.sact.large`) that is 162-172 sites at 10,000 zones x 300 sites where good plans have
151-156, and the plan is 1-2 % over the optimum although the bound is already within 0.3 % of the
converged one (``benchmarks/results/sact_capacitated_10k.md``).  Closing the extra sites is what
the plan lacks.

How (:func:`close_sites`).  From a plan :math:`x` of the whole model (every row met):

1. *Estimate every close.*  For every open site :math:`s` that may close (not forced open, not a
   hub that supplies another open site, not when the number of open sites is fixed), move its
   attendances to the other open sites greedily (:func:`_reroute`): each demand row it serves may
   go along any of its arcs to another open site, cheapest first by the arc's cost per attendance
   plus the chair cost per attendance at the receiving site (:math:`c^n_t \eta / C`), each site
   taking at most its spare chair hours (most chairs times :math:`C/\eta`, less its load).  The
   estimated saving is :math:`F_s + c^n_s n_s` (fixed and chair cost of :math:`s`) minus the
   extra arc and chair cost of the moves; :math:`-\infty` when some attendances find no room.
2. *Close greedily.*  In order of the estimated saving, highest first, each site with a saving
   above :data:`CLOSE_MIN_SAVING` (share of its fixed and chair cost) is estimated again against
   the plan as changed by the closes before it, and closed (its moves applied) if it still saves.
   Every step is numpy over one site's few hundred arcs: the pass costs about a millisecond per
   open site.
3. *Verify.*  The plan as the greedy pass left it (:func:`direct_plan`: its allocations, hubs by
   :func:`models.sact.transport.assign_hubs`, chairs rounded up to the load) is kept when it
   meets every row of the whole model (:meth:`MatrixModel.max_violation` within tolerance) --
   staff limits, aseptic hub supply, access targets, budget and every other rule are the model's
   own, not the estimate's -- and costs less than the plan in hand: about a second at 10,000
   zones, where a transport LP takes 5-25 s.  If it breaks a row, the transport of fix and
   transport (:func:`models.sact.transport.transport_plan`) is solved over the sites left open, the
   closes halved (the first half in the order made) while it gives no better plan.
4. Repeat from the kept plan while a pass improves it, at most :data:`CLOSE_ROUNDS` passes, within
   the time given.  Then, if the plan is within :data:`CLOSE_TRANSPORT_REACH` above the objective
   that meets the asked gap (``target``; always when it is unknown) but not at it, one transport
   over its sites re-optimises every allocation (the greedy moves only the closed sites').
5. *Swaps* (off unless :data:`SWAP_CANDIDATES` > 0: at 10,000 x 300 none was estimated to save),
   when the greedy pass finds no close (every site full, say): every shut site that may
   open (not forced shut, within the new-site limit, an open hub in reach) is estimated
   (:func:`opening_gain`): the demand rows whose cost per attendance now (arc and chair) is above
   their arc to it move to it whole, greatest saving first, up to its most chairs; less its fixed
   cost and least chairs.  The :data:`SWAP_CANDIDATES` best are each opened in a copy of the
   plan and followed by the greedy closes of step 2 among the sites sharing a demand row with it
   (its room and the room it freed let them close); those whose open and closes together save,
   best first, are verified by :func:`direct_plan` (no transport).

The estimate only chooses which sites to try; it cannot make a plan worse or break a rule.
The estimate only chooses which sites to try; it cannot make a plan worse or break a rule.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np

from models.sact.arrays import SactArrays
from models.sact.input import SactParameters
from models.sact.transport import HEURISTIC_TOLERANCE, assign_hubs, polish, transport_plan
from solvers import MatrixModel, SolveOptions

CLOSE_ROUNDS = 3  # passes of estimate, close and verify while each improves the plan
# shut sites (best estimated gain first) tried as swaps when no close is found: none by default --
# at 10,000 x 300 no swap was estimated to save, and the estimate cost 2-3 s a plan under load
SWAP_CANDIDATES = 0
CLOSE_MIN_SAVING = 0.0  # a close is made when its estimated saving exceeds this share of F_s + c_s n_s
# the closed plan's flows are re-optimised by one more transport (5-20 s at 10,000 zones under load)
# only when it is within this share above the objective that meets the asked gap (0.1-0.3 % gained:
# seed 3 of 10,000 x 300 137.85 M from the greedy plan, 137.43 M after; at 1 % every stage-1 try of
# seed 3 ran one, 65 s of tries against main's 27 s, and stage 1 ran out of its time share)
CLOSE_TRANSPORT_REACH = 0.003
TIME_FLOOR = 0.05  # seconds: with less time left no transport is started
FLOW_EPS = 1e-9  # attendances below this on an arc count as none


def close_sites(
    model: MatrixModel,
    a: SactArrays,
    p: SactParameters,
    x: np.ndarray,
    active: np.ndarray,
    options: SolveOptions,
    time_limit: float | None,
    target: float | None = None,
) -> tuple[np.ndarray, str]:
    """The plan ``x`` with sites closed (or swapped) by the local search of the module docstring
    (``x`` itself when nothing helps), with a note on what was done.  ``active`` are the columns
    the transport may use besides every demand row's nearest open arcs; ``time_limit`` in seconds
    bounds it; ``target`` is the objective at which a plan meets the asked gap (None: unknown)."""

    t0 = time.perf_counter()
    if p.exact_open_sites is not None or p.single_source:
        return x, "close: skipped"
    y = model.variable_blocks["open"].index
    best, best_obj = x, model.objective_value(x)
    if target is not None and best_obj <= target:
        return x, "close: not needed (the plan meets the gap)"
    start_sites, start_obj = int((x[y] > 0.5).sum()), best_obj
    counts = {"direct": 0, "transport": 0, "swap": 0}

    def left() -> float:
        return math.inf if time_limit is None else time_limit - (time.perf_counter() - t0)

    def transported(is_open: np.ndarray) -> np.ndarray | None:
        limit = None if time_limit is None else left()
        return transport_plan(model, a, p, is_open, active, replace(options, time_limit=limit))

    def offer(plan: np.ndarray | None, kind: str) -> bool:
        nonlocal best, best_obj
        value = math.inf if plan is None else model.objective_value(plan)
        if plan is None or value >= best_obj * (1.0 - 1e-9):
            return False
        best, best_obj = plan, value
        counts[kind] += 1
        return True

    moved = False
    for _ in range(CLOSE_ROUNDS):
        closes, state = greedy_closes(model, a, p, best)
        moves = [(-1, closes, state)] if closes else []
        if not moves and SWAP_CANDIDATES > 0:
            moves = [(o, [], trial) for o, trial in best_swaps(model, a, p, best)]
        improved = False
        for opened, closes, state in moves:
            if offer(direct_plan(model, a, p, best, state, options), "direct"):
                counts["swap"] += opened >= 0
                improved = True
                break
            if opened >= 0:
                continue
            count = len(closes)  # the estimate's plan breaks a row: the transport, closes halved
            while count > 0 and left() > TIME_FLOOR:
                is_open = best[y] > 0.5
                is_open[closes[:count]] = False
                improved = offer(transported(is_open), "transport")
                if improved:
                    break
                count //= 2
            if improved:
                break
        moved |= improved
        if not improved or left() <= TIME_FLOOR:
            break
    near = target is None or best_obj <= (1.0 + CLOSE_TRANSPORT_REACH) * target
    if moved and near and not (target is not None and best_obj <= target) and left() > TIME_FLOOR:
        is_open = best[y] > 0.5  # the flows of the estimate re-optimised
        offer(transported(is_open), "transport")
    note = (
        f"close: {start_sites} -> {int((best[y] > 0.5).sum())} sites, {start_obj:,.0f} -> {best_obj:,.0f} "
        f"({counts['direct']} direct plans, {counts['swap']} swaps, {counts['transport']} by transport, "
        f"{time.perf_counter() - t0:.1f} s)"
    )
    return best, note


def greedy_closes(
    model: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray
) -> tuple[list[int], CloseState]:
    """Sites to close from plan ``x``, in the order closed (steps 1-2 of the module docstring), and
    the plan with them closed."""
    state = CloseState(model, a, p, x)
    return _close_greedily(a, state, closable_sites(model, a, p, x))[0], state


def direct_plan(
    model: MatrixModel,
    a: SactArrays,
    p: SactParameters,
    x: np.ndarray,
    state: CloseState,
    options: SolveOptions,
) -> np.ndarray | None:
    """The plan of ``state``'s flows without a transport LP (step 3 of the module docstring): its
    sites and allocations, hubs given as fix and transport gives them, chairs rounded up to the
    load; None unless it meets every row of the whole model."""

    blocks = model.variable_blocks
    xs = x.copy()
    xs[blocks["serve"].index] = np.divide(
        state.flow, a.arc_demand, out=np.zeros(len(state.flow)), where=a.arc_demand > 0
    )
    chosen = None
    if p.require_aseptic_supply:
        load = np.bincount(a.arc_site, weights=state.flow, minlength=a.num_sites)
        chosen = assign_hubs(a, p, state.is_open, load, x[blocks["doses"].index], options)
        if chosen is None:
            return None
    xs = polish(model, a, p, xs, state.is_open, chosen, model.col_upper)
    return xs if model.max_violation(xs) <= HEURISTIC_TOLERANCE else None


def best_swaps(
    model: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray
) -> list[tuple[int, CloseState]]:
    """Swaps from plan ``x`` (step 5 of the module docstring): up to :data:`SWAP_CANDIDATES` shut
    sites, the most promising first, each opened in a copy of the plan followed by the greedy
    closes among its neighbours; those whose open and closes together save, best first, as the
    site opened and the plan so changed."""
    state = CloseState(model, a, p, x)
    closable = closable_sites(model, a, p, x)
    gains = np.full(a.num_sites, -np.inf)
    for o in np.flatnonzero(openable_sites(model, a, p, x)):
        gains[o] = opening_gain(a, state, int(o))[0]
    found = []
    for o in np.argsort(-gains, kind="stable")[:SWAP_CANDIDATES]:
        if not np.isfinite(gains[o]):
            break
        trial = state.copy()
        gain, rows = opening_gain(a, trial, int(o))
        trial.open(a, int(o), rows)
        closes, saving = _close_greedily(a, trial, closable & _neighbours(a, state, int(o)))
        if closes and gain + saving > 0.0:
            found.append((gain + saving, int(o), trial))
    found.sort(key=lambda f: -f[0])
    return [(o, trial) for _, o, trial in found]


def _neighbours(a: SactArrays, state: CloseState, o: int) -> np.ndarray:
    """Sites sharing a demand row with site ``o`` (an arc of the same row)."""
    arcs = state.by_site[state.site_start[o] : state.site_start[o + 1]]
    rows = np.unique(a.arc_dem[arcs])
    out = np.zeros(a.num_sites, dtype=bool)
    out[a.arc_site[_ranges(state.dem_start[rows], state.dem_start[rows + 1])[0]]] = True
    out[o] = False
    return out


def closable_sites(model: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray) -> np.ndarray:
    """Open sites that may close: not forced open, not the aseptic hub of another open site."""
    y = model.variable_blocks["open"].index
    return (x[y] > 0.5) & (model.col_lower[y] < 0.5) & ~_supplies_others(model, a, p, x)


def openable_sites(model: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray) -> np.ndarray:
    """Shut sites that may open: not forced shut, with chairs, within the new-site limit, with an
    open hub in reach when aseptic supply is required."""
    y = model.variable_blocks["open"].index
    is_open = x[y] > 0.5
    out = ~is_open & (model.col_upper[y] > 0.5) & (a.max_chairs > 0)
    if p.max_new_sites is not None and int((is_open & a.is_new).sum()) >= p.max_new_sites:
        out &= ~a.is_new
    if p.require_aseptic_supply:
        reach = np.zeros(a.num_sites, dtype=bool)
        reach[a.link_site[is_open[a.link_hub]]] = True
        out &= reach | a.is_hub
    return out


class CloseState:
    """A plan as the greedy passes change it: open sites, flows, loads, unit costs."""

    def __init__(self, model: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray) -> None:
        blocks = model.variable_blocks
        cost = model.cost
        y, n, serve = blocks["open"].index, blocks["chairs"].index, blocks["serve"].index
        self.per_chair = p.chair_hours_per_year / max(p.mean_chair_hours, 1e-9)  # attendances a year a chair
        self.is_open = x[y] > 0.5
        self.flow = a.arc_demand * np.clip(x[serve], 0.0, 1.0)  # attendances a year along each arc
        self.load = np.bincount(a.arc_site, weights=self.flow, minlength=a.num_sites)
        self.capacity = a.max_chairs * self.per_chair  # attendances a year at most chairs
        # cost per attendance along each arc, and of one more attendance's chair at each site
        self.arc_unit = np.divide(
            cost[serve], a.arc_demand, out=np.zeros(len(self.flow)), where=a.arc_demand > 0
        )
        self.chair_unit = cost[n] / self.per_chair
        self.open_cost, self.chair_cost = cost[y], cost[n]
        self.min_chairs, self.max_chairs = a.min_chairs, a.max_chairs
        self.dem_start = np.searchsorted(a.arc_dem, np.arange(len(a.dem_amount) + 1))
        self.by_site = np.argsort(a.arc_site, kind="stable")
        self.site_start = np.searchsorted(a.arc_site[self.by_site], np.arange(a.num_sites + 1))

    def copy(self) -> CloseState:
        out = CloseState.__new__(CloseState)
        out.__dict__.update(self.__dict__)
        out.is_open, out.flow, out.load = self.is_open.copy(), self.flow.copy(), self.load.copy()
        return out

    def room(self, sites: np.ndarray) -> np.ndarray:
        """Spare attendances a year at ``sites`` (none when shut)."""
        return np.where(self.is_open[sites], self.capacity[sites] - self.load[sites], 0.0)

    def site_cost(self, s: int) -> float:
        """Fixed and chair cost of open site ``s`` at its load (chairs rounded up, within limits)."""
        chairs = np.clip(
            np.ceil(self.load[s] / self.per_chair - 1e-9), self.min_chairs[s], self.max_chairs[s]
        )
        return float(self.open_cost[s] + self.chair_cost[s] * chairs)

    def close(self, a: SactArrays, s: int, moves: tuple[np.ndarray, np.ndarray, float]) -> None:
        """Close ``s``: its arcs' flow goes along the arcs ``moves[0]`` in amounts ``moves[1]``."""
        alt, amount, _ = moves
        mine = self.by_site[self.site_start[s] : self.site_start[s + 1]]
        self.flow[mine] = 0.0
        np.add.at(self.flow, alt, amount)
        np.add.at(self.load, a.arc_site[alt], amount)
        self.is_open[s] = False
        self.load[s] = 0.0

    def open(self, a: SactArrays, o: int, arcs: np.ndarray) -> None:
        """Open ``o`` and send the whole demand row of each of its ``arcs`` along it."""
        rows = a.arc_dem[arcs]
        lo, hi = self.dem_start[rows], self.dem_start[rows + 1]
        every = _ranges(lo, hi)[0]
        np.subtract.at(self.load, a.arc_site[every], self.flow[every])
        self.flow[every] = 0.0
        self.flow[arcs] = a.arc_demand[arcs]
        self.load[o] += float(a.arc_demand[arcs].sum())
        self.is_open[o] = True


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every index of the ranges ``[lo[i], hi[i])`` and the ``i`` it belongs to."""
    lengths = hi - lo
    owner = np.repeat(np.arange(len(lo)), lengths)
    starts = np.repeat(lo - (np.cumsum(lengths) - lengths), lengths)
    return starts + np.arange(int(lengths.sum())), owner


def closing_saving(
    a: SactArrays, state: CloseState, s: int
) -> tuple[float, tuple[np.ndarray, np.ndarray, float] | None]:
    """The estimated saving of closing open site ``s`` in ``state`` (its site cost less the cost of
    moving its attendances, :func:`_reroute`) and those moves; ``-inf`` and None when they find no
    room."""
    moves = _reroute(a, state, s)
    return (-np.inf, None) if moves is None else (state.site_cost(s) - moves[2], moves)


def _close_greedily(a: SactArrays, state: CloseState, closable: np.ndarray) -> tuple[list[int], float]:
    """Close greedily in ``state`` (changed in place; step 2 of the module docstring): the sites
    closed in order and their estimated saving in all."""
    saving = np.full(a.num_sites, -np.inf)
    for s in np.flatnonzero(closable & state.is_open):
        saving[s] = closing_saving(a, state, int(s))[0]
    closes: list[int] = []
    total = 0.0
    for s in np.argsort(-saving, kind="stable"):
        if saving[s] <= CLOSE_MIN_SAVING * state.site_cost(int(s)):
            break
        gain, moves = closing_saving(a, state, int(s))
        if moves is None or gain <= CLOSE_MIN_SAVING * state.site_cost(int(s)):
            continue
        state.close(a, int(s), moves)
        closes.append(int(s))
        total += gain
    return closes, total


def opening_gain(a: SactArrays, state: CloseState, o: int) -> tuple[float, np.ndarray]:
    """Estimated saving of opening shut site ``o`` (step 5 of the module docstring) and the arcs
    of ``o`` the demand rows it takes would use: every row whose cost per attendance now is above
    its arc to ``o`` (arc and chair cost) moves whole, greatest saving per attendance first, until
    ``o``'s most chairs are full; less the fixed cost of ``o`` and of its least chairs."""
    arcs = state.by_site[state.site_start[o] : state.site_start[o + 1]]
    if arcs.size == 0:
        return -np.inf, arcs
    rows = a.arc_dem[arcs]
    every, owner = _ranges(state.dem_start[rows], state.dem_start[rows + 1])
    now = np.bincount(
        owner,
        weights=state.flow[every] * (state.arc_unit[every] + state.chair_unit[a.arc_site[every]]),
        minlength=len(arcs),
    ) / np.maximum(a.dem_amount[rows], 1e-12)
    delta = state.arc_unit[arcs] + state.chair_unit[o] - now
    order = np.argsort(delta, kind="stable")
    order = order[delta[order] < 0.0]
    amount = a.arc_demand[arcs[order]]
    fits = np.cumsum(amount) <= state.capacity[o]
    taken = arcs[order[fits]]
    gain = -float((delta[order[fits]] * amount[fits]).sum())
    gain -= state.open_cost[o] + state.chair_cost[o] * state.min_chairs[o]
    return gain, taken


def _reroute(a: SactArrays, st: CloseState, s: int) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Site ``s``'s attendances moved greedily to other open sites with room (module docstring,
    step 1): the arcs taking them, the amounts and the extra arc and chair cost; None when some
    attendances find no room."""
    mine = st.by_site[st.site_start[s] : st.site_start[s + 1]]
    mine = mine[st.flow[mine] > FLOW_EPS]
    if mine.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0), 0.0
    rows = a.arc_dem[mine]
    alt, owner = _ranges(st.dem_start[rows], st.dem_start[rows + 1])
    keep = st.is_open[a.arc_site[alt]] & (a.arc_site[alt] != s)
    alt, owner = alt[keep], owner[keep]
    delta = st.arc_unit[alt] + st.chair_unit[a.arc_site[alt]] - st.arc_unit[mine[owner]]
    order = np.argsort(delta, kind="stable")
    alt, owner, delta = alt[order], owner[order], delta[order]
    need = st.flow[mine].copy()
    targets = np.unique(a.arc_site[alt])
    room = dict(zip(targets.tolist(), st.room(targets).tolist(), strict=True))
    amount = np.zeros(len(alt))
    for i in range(len(alt)):  # a few hundred (row, site) pairs per site
        o = owner[i]
        if need[o] <= FLOW_EPS:
            continue
        t = int(a.arc_site[alt[i]])
        take = min(need[o], room[t])
        if take > 0.0:
            amount[i] = take
            need[o] -= take
            room[t] -= take
    if (need > FLOW_EPS * np.maximum(1.0, st.flow[mine])).any():
        return None
    used = amount > 0.0
    return alt[used], amount[used], float((amount * delta).sum())


def _supplies_others(model: MatrixModel, a: SactArrays, p: SactParameters, x: np.ndarray) -> np.ndarray:
    """Sites that are the aseptic hub of another open site in plan ``x``."""
    out = np.zeros(a.num_sites, dtype=bool)
    if p.require_aseptic_supply and "supply" in model.variable_blocks:
        chosen = x[model.variable_blocks["supply"].index] > 0.5
        out[a.link_hub[chosen & (a.link_hub != a.link_site)]] = True
    return out
