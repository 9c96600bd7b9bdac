r"""Branch-and-price over people's lines of work: column generation at every node of a search tree.

The restricted master (:class:`models.roster.master.Master`: one line per person, cover,
fairness and change rows) and the pricing problems (:class:`models.roster.lines.LineModel`) are
those of column generation; the tree adds branching on one person's assignment.

**Branching.** For the master LP's values :math:`\lambda`, person :math:`p`'s share of day
:math:`d`, shift :math:`s` is

.. math:: x^p_{ds} = \sum_{l \in L_p} x^l_{ds}\, \lambda_{pl} .

A node is split on a person's day first (``rule="day"``, the default): of the fractional

.. math:: w^p_d = \sum_s x^p_{ds}

the one nearest 1/2, into "works some shift that day" and "off that day" (a fixing with the
shift :data:`models.roster.lines.WORKS`); once every :math:`w^p_d` is integral, on a fractional
:math:`x^p_{ds}` (the person works that shift that day, or not), the one nearest 1/2. With
``rule="fractional"`` only the latter, and with ``"certain"`` on the :math:`x^p_{ds}` nearest 1
below 1. A day's split moves every line of the person that works that day, where a shift's
moves those working that shift: on Curtois & Qu the tree by days proved Instance7 in 13 nodes
where the tree by shifts left 23 open after 559 (:class:`BranchSettings`).
The split is complete: when every :math:`x^p_{ds}` of a person is 0 or 1 every line of theirs
with :math:`\lambda_{pl} > 0` works the same shifts, and the master holds one line per person and
set of shifts, so :math:`\lambda` is integral and the LP's value is that rota's penalty (the
slacks of the cover and fairness rows at their least, as the model charges them).

**A node's fixings** :math:`F = \{(p, d, s, v)\}` act (a) on the master: every line of person
:math:`p` with :math:`x^l_{ds} \ne v` (a day's: :math:`w^l_d \ne v`) gets the upper bound 0 (kept,
restored when the search leaves the node: :func:`apply_fixings`); (b) on pricing: person
:math:`p`'s model has :math:`x_{ds}` (:math:`w_d`) fixed at :math:`v`
(:meth:`models.roster.lines.LineModel.restrict`), so every line priced at the
node obeys the node's fixings, and a person with no legal line proves the node infeasible.

**Node bound.** At the node's LP multipliers :math:`y` of the coupling rows the Lagrangian bound
of :meth:`models.roster.master.Master.lagrangian`, with each person's least reduced cost taken
by pricing *under the node's fixings*, is at most the penalty of every rota obeying the fixings
(the coupling rows relaxed into the objective; valid at any multipliers, converged or not). A
child's rotas are a subset of its parent's, so a node keeps the larger of its own and its
parent's bound. Penalties are whole numbers when every line cost and every slack weight is, so
then the bound is rounded up (:func:`_whole`). A node is pruned when its rounded bound reaches
the incumbent's penalty; its column generation stops when its rounded bound reaches the LP's
value rounded up (the LP cannot prove more), when no line prices out, or after ``node_rounds``.

**Order.** Open nodes are kept by rounded bound, then depth (deeper first), then the child the
LP leans to (the side of 1/2 its :math:`x^p_{ds}` lies on): with whole penalties most nodes
share the root's rounded bound, so the search dives depth-first for a rota and turns best-bound
first as soon as the bound can rise. With ``order="depth"`` the bound is not looked at: deepest
first always (a dive that backtracks), which finds rotas where the bound rises early, proves no
sooner. With ``order="depth"`` and ``dives`` above 1, a dive that reaches a leaf (an integral
LP below the root) starts again from the root, up to ``dives`` dives: the open nodes are dropped
and the new dive branches on a candidate chosen at random (seeded by the dive's number) among
those within ``spread`` of the nearest to 1/2 (:func:`_branch`), pruning against the incumbent
so far. Backtracking in a depth-first tree stays near its first leaf: on Curtois & Qu Instance8
under the shifts-short row, in 30 s, it bettered the first leaf's rota in one run of four (by 1),
where later dives bettered it in three of four (1,321 -> 1,302, 1,315 -> 1,304, 1,324 -> 1,312;
``benchmarks/results/roster_search.md``, 2026-12-06 15:41-). The bound stays valid: the last
dive's tree, from the root, is complete by itself. The **tree's bound** is the least bound over
the open nodes (the node being solved included) and the incumbent: every rota lies in an open
node or was pruned against the incumbent; when no node is open the incumbent is proven optimal.
An LP whose lines are integral updates the incumbent.

**A rota from the pool** (:func:`_pool_rota`): the tree rarely reaches an integral LP, and a node
is pruned only against an incumbent. With ``pool_nodes`` set, every ``pool_nodes`` nodes, when
pricing has added lines since, the master's lines so far (none held at 0: the root's rotas) are
solved as a MIP (:func:`models.roster.column_generation.rota_from_columns`) for at most
``pool_seconds``, started from the incumbent; a better rota becomes the incumbent. The lines
priced under the nodes' fixings are lines no root pricing found, so the pool grows where the LP
is unsure. Off by default: on Curtois & Qu Instance5 at 600 s (every 10 nodes, 3 s each) it ran
7 times in a 79-node tree and never bettered the polish's rota
(``benchmarks/results/roster_search.md``).
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from models.roster.column_generation import TOLERANCE, price_round, rota_from_columns
from models.roster.lines import WORKS, Line, LineModel
from models.roster.master import ARTIFICIAL, Master
from models.roster.pricing_workers import PricingWorkers
from solvers import SolveOptions

__all__ = ["BranchSettings", "Fixing", "Tree", "apply_fixings", "branch_and_price", "integral_rota"]

Fixing = tuple[int, int, str, int]
"""(person, day, shift, 0 or 1): the person does (1) or does not (0) work that shift that day;
with the shift :data:`models.roster.lines.WORKS`, some shift (1) or none (0) that day."""
RULES = ("fractional", "certain", "day")
"""The branching rules (:class:`BranchSettings`)."""
ORDERS = ("best", "depth")
"""The orders of open nodes (:class:`BranchSettings`)."""


@dataclass(frozen=True)
class BranchSettings:
    """Figures of :func:`branch_and_price`.

    node_rounds : int
        Most pricing rounds at a node before it branches (default 20; a node whose bound stalls
        branches rather than tailing off).
    price_seconds : float
        Most seconds for one person's pricing problem (default 2, as column generation).
    pool : int
        Most lines one pricing call adds (default 5, as column generation).
    rule : str
        Branching rule (:data:`RULES`): ``"day"`` (default: a person's day, :math:`w^p_d`
        nearest 1/2, then :math:`x^p_{ds}` nearest 1/2), ``"fractional"`` (:math:`x^p_{ds}`
        nearest 1/2) or ``"certain"`` (nearest 1 below 1). The tree alone from the converged
        root against the known optimum (``benchmarks/scripts/lines_tree_proof.py N OPT 150``,
        2026-12-06): Curtois & Qu Instance7 proven in 13 nodes, 3.4 s, by days, where by shifts
        559 nodes in 150 s left 23 open; Instance5 in 51 nodes, 10.3 s, against 271, 57.6 s.
    order : str
        Which open node is solved next (:data:`ORDERS`): ``"best"`` (default: the module
        docstring's order) or ``"depth"`` (deepest first, the child the LP leans to first,
        whatever the bounds: a dive with backtracking, for a rota rather than a proof). On Curtois
        & Qu Instance8 with at most twelve short shifts as a master row (every rota with more costs
        at least 1,391), ``"depth"`` with ``node_rounds`` 3 found 1,307 in 30 s where ``"best"``
        left 123 nodes open with no rota in 60 s (``roster_search.md``, 2026-12-06 04:42-).
    dives : int
        Most dives from the root with ``order="depth"`` (module docstring; default 1: one tree,
        backtracking from its first leaf).
    spread : float
        How far from the nearest to 1/2 (or to 1, ``"certain"``) a candidate may be and still be
        chosen by a second or later dive (default 0.1).
    pool_nodes, pool_seconds : int, float
        A rota from the pool (module docstring): every ``pool_nodes`` nodes (default 0: never)
        the MIP over the lines so far, for at most ``pool_seconds`` (default 3).
    """

    node_rounds: int = 20
    price_seconds: float = 2.0
    pool: int = 5
    rule: str = "day"
    order: str = "best"
    dives: int = 1
    spread: float = 0.1
    pool_nodes: int = 0  # nodes between two MIPs over the lines so far (0: none; measured, not adopted)
    pool_seconds: float = 3.0  # most seconds of one such MIP (at most a quarter of the time left)


@dataclass(frozen=True)
class Tree:
    """The outcome of :func:`branch_and_price`.

    lines, penalty : the best rota (one line per person) and its penalty, None if none is known.
    bound : the tree's proven lower bound (module docstring; rounded up when penalties are whole).
    proven : no node is left open (the rota is optimal, or there is none).
    nodes : nodes solved; open : nodes left open; depth : deepest node solved; seconds : wall.
    pool_runs, pool_better : MIPs over the lines so far (a rota from the pool), and how many of
    them gave a better incumbent.
    dives : dives from the root (``order="depth"``; 1 otherwise).
    rotas : each better rota the tree found, as (seconds into the tree, nodes solved, dive,
    penalty).
    """

    lines: tuple[Line, ...] | None
    penalty: float | None
    bound: float
    proven: bool
    nodes: int
    open: int
    depth: int
    seconds: float
    pool_runs: int = 0
    pool_better: int = 0
    dives: int = 1
    rotas: tuple[tuple[float, int, int, float], ...] = ()


@dataclass(frozen=True)
class _Node:
    fixings: tuple[Fixing, ...]
    bound: float  # a valid lower bound for every rota obeying the fixings (parent's at first)


@dataclass(frozen=True)
class _Solved:
    """A node's column generation: ``bound`` (-inf: none; inf: infeasible), ``value`` the LP's
    column values (None: infeasible, pruned or cut short), ``lp`` its value, ``finished`` (not
    cut by the deadline or a failed LP), ``exact`` (the LP's value rounded is the node's bound
    rounded: an integral LP is then the node's best rota)."""

    bound: float
    lp: float
    value: np.ndarray | None
    finished: bool
    exact: bool = False


def branch_and_price(
    master: Master,
    people: list[LineModel],
    options: SolveOptions,
    *,
    incumbent: tuple[list[Line], float] | None = None,
    bound: float | None = None,
    settings: BranchSettings | None = None,
    workers: int | None = None,
    pricers: PricingWorkers | None = None,
) -> Tree:
    """Branch-and-price (module docstring) from ``master`` (its lines the columns so far, every
    column continuous) within ``options``' time; ``incumbent``: a known rota and its penalty;
    ``bound``: a known lower bound of the whole model (the root's bound at first); ``workers``:
    people priced at once (default ``options.threads``, else 2); ``pricers``: worker processes
    pricing a share of the people instead (:mod:`models.roster.pricing_workers`). Every fixing
    is undone before it returns, so the master and the pricing models serve the caller again."""
    t0 = time.perf_counter()
    settings = settings or BranchSettings()
    if settings.order not in ORDERS:
        raise ValueError(f"unknown node order {settings.order!r}: one of {', '.join(map(repr, ORDERS))}")
    options = options.with_deadline()
    workers = workers or options.threads or 2
    whole = _whole(master)
    best_lines = None if incumbent is None else tuple(sorted(incumbent[0], key=lambda line: line.person))
    best = math.inf if incumbent is None else incumbent[1]
    counter = itertools.count()
    root = _Node((), -math.inf if bound is None else bound)
    heap: list[tuple[float, int, int, int, _Node]] = []
    _push(heap, root, whole, 0, counter, settings.order)
    nodes = depth = 0
    pooled = (0, len(master.lines))  # nodes and lines at the last rota from the pool
    pool_runs = pool_better = 0
    current: _Node | None = None
    dive = 1
    rng: random.Random | None = None  # a second or later dive's choice among near candidates
    rotas: list[tuple[float, int, int, float]] = []
    try:
        while heap and not options.should_stop():
            _, _, _, _, node = heapq.heappop(heap)
            if _rounded(node.bound, whole) >= best - TOLERANCE:
                continue
            if (
                settings.pool_nodes
                and nodes - pooled[0] >= settings.pool_nodes
                and len(master.lines) > pooled[1]
            ):
                pooled = (nodes, len(master.lines))
                found = _pool_rota(master, people, options, settings.pool_seconds, best_lines)
                pool_runs += 1
                if found is not None and found[1] < best - TOLERANCE:
                    best_lines, best = found
                    pool_better += 1
                    rotas.append((round(time.perf_counter() - t0, 2), nodes, dive, best))
                    if _rounded(node.bound, whole) >= best - TOLERANCE:
                        continue
            current = node
            apply_fixings(master, people, node.fixings)
            solved = _columns(master, people, options, settings, workers, best, whole, pricers)
            nodes += 1
            depth = max(depth, len(node.fixings))
            node_bound = max(node.bound, solved.bound)
            if solved.value is not None:
                rota = integral_rota(master, solved.value)
                if rota is not None and solved.lp < best - TOLERANCE:
                    best_lines, best = rota, float(round(solved.lp)) if whole else solved.lp
                    rotas.append((round(time.perf_counter() - t0, 2), nodes, dive, best))
                if rota is not None and node.fixings and settings.order == "depth" and dive < settings.dives:
                    dive += 1
                    rng = random.Random(dive)
                    heap.clear()
                    apply_fixings(master, people, ())
                    current = None
                    _push(heap, root, whole, 0, counter, settings.order)
                    continue
            if not solved.finished:
                current = _Node(node.fixings, node_bound)
                break
            current = None
            if solved.value is None or _rounded(node_bound, whole) >= best - TOLERANCE:
                continue  # infeasible, or pruned by its bound
            split = _branch(master, solved.value, node.fixings, settings.rule, rng, settings.spread)
            if split is None:  # integral: its LP is that rota; the node holds none better if exact
                if not solved.exact:
                    _push(heap, _Node(node.fixings, node_bound), whole, 0, counter, settings.order)
                continue
            (p, d, s), share = split
            for v in (0, 1):
                leaning = int((share >= 0.5) != bool(v))  # 0: the child the LP leans to
                _push(
                    heap,
                    _Node((*node.fixings, (p, d, s, v)), node_bound),
                    whole,
                    leaning,
                    counter,
                    settings.order,
                )
    finally:
        apply_fixings(master, people, ())
    open_bounds = [entry[4].bound for entry in heap]
    if current is not None:
        open_bounds.append(current.bound)
    left = [b for b in open_bounds if _rounded(b, whole) < best - TOLERANCE]
    tree_bound = min([best, *(_rounded(b, whole) for b in left)])
    return Tree(
        lines=best_lines,
        penalty=None if best_lines is None else best,
        bound=tree_bound,
        proven=not left,
        nodes=nodes,
        open=len(left),
        depth=depth,
        seconds=time.perf_counter() - t0,
        pool_runs=pool_runs,
        pool_better=pool_better,
        dives=dive,
        rotas=tuple(rotas),
    )


def _columns(
    master: Master,
    people: list[LineModel],
    options: SolveOptions,
    settings: BranchSettings,
    workers: int,
    best: float,
    whole: bool,
    pricers: PricingWorkers | None = None,
) -> _Solved:
    """Column generation at the current node (fixings applied) until the stops of the module
    docstring; the node's best Lagrangian bound and its last LP."""
    bound = -math.inf
    for rounds in itertools.count(1):
        if options.should_stop():
            return _Solved(bound, math.inf, None, False)
        solved = _lp(master, options)
        if solved is None:  # out of time, or HiGHS failed: the node stays open
            return _Solved(bound, math.inf, None, False)
        lp, y = solved
        value = _values(master)
        least, added, proven = price_round(
            master, people, y, y, options, settings.price_seconds, settings.pool, workers, pricers=pricers
        )
        if least is None:
            return _Solved(bound, lp, None, False)
        if any(v == math.inf for v in least):
            return _Solved(math.inf, lp, None, True)  # a person has no line obeying the fixings
        found = master.lagrangian(y, least)
        if math.isfinite(found):
            bound = max(bound, found)
        if _rounded(bound, whole) >= best - TOLERANCE:
            return _Solved(bound, lp, None, True)
        converged = added == 0 and proven
        if converged and lp >= ARTIFICIAL:
            return _Solved(math.inf, lp, None, True)  # no lines meet the node's hard rows
        closed = _rounded(bound, whole) >= _rounded(lp, whole) - TOLERANCE
        if converged or (closed and lp < ARTIFICIAL):
            return _Solved(bound, lp, _padded(value, master), True, exact=True)
        if rounds >= settings.node_rounds:
            again = _lp(master, options)
            if again is None:
                return _Solved(bound, math.inf, None, False)
            return _Solved(bound, again[0], _values(master), True)
    raise AssertionError("unreachable")


def _lp(master: Master, options: SolveOptions) -> tuple[float, np.ndarray] | None:
    """The node's restricted LP; when the lines allowed at the node cannot meet the rows, the
    artificial columns come back (:meth:`Master.solve_lp` drops them again once unused). Within
    the time left: a node's LP takes milliseconds on Curtois & Qu 1-11, but the root LP after the
    MIP over Instance12's lines took long enough that a 60-s run ended 2.8 s late (2026-12-06)."""
    solved = master.solve_lp(options.remaining())
    if solved is not None or options.should_stop():
        return solved
    if str(master.h.getModelStatus()).split(".")[-1] != "kInfeasible" or not master.artificial:
        return None
    staff = len(master.rm.staff)
    for k, col in enumerate(master.artificial):
        master.h.changeColBounds(col, 0.0, 1.0 if k < staff else math.inf)
    master.dropped = False
    master.bounds_changed()
    return master.solve_lp(options.remaining())


def _pool_rota(
    master: Master,
    people: list[LineModel],
    options: SolveOptions,
    seconds: float,
    incumbent: tuple[Line, ...] | None,
) -> tuple[tuple[Line, ...], float] | None:
    """A rota from the pool (module docstring): the MIP over every line of the master (no node's
    fixings), for at most ``seconds`` and a quarter of the time left, from ``incumbent``; the
    master's lines are continuous again after it. Its rota and penalty, or None."""
    left = options.remaining()
    limit = seconds if left is None else min(seconds, left / 4)
    if limit <= 0:
        return None
    apply_fixings(master, people, ())
    start = None
    if incumbent is not None:
        chosen = {(line.person, line.shifts) for line in incumbent}
        start = np.zeros(master.columns)
        for line, col in zip(master.lines, master.line_cols, strict=True):
            start[col] = float((line.person, line.shifts) in chosen)
    try:
        found = rota_from_columns(master, limit, start)
    finally:
        master.continuous()
    if found is None:
        return None
    lines, penalty = found
    if _whole(master):
        penalty = float(round(penalty))
    return tuple(sorted(lines, key=lambda line: line.person)), penalty


def _values(master: Master) -> np.ndarray:
    return np.asarray(master.h.getSolution().col_value, dtype=float)


def _padded(value: np.ndarray, master: Master) -> np.ndarray:
    """An LP's column values with 0 for the columns added after it was solved."""
    return np.concatenate([value, np.zeros(master.columns - len(value))])


def apply_fixings(master: Master, people: list[LineModel], fixings: tuple[Fixing, ...]) -> None:
    """The node's fixings on the master (lines breaking one: upper bound 0, every other line
    back to [0, 1]) and on each person's pricing model."""
    on: dict[int, set[tuple[int, str]]] = {}
    off: dict[int, set[tuple[int, str]]] = {}
    for p, d, s, v in fixings:
        (on if v else off).setdefault(p, set()).add((d, s))
    upper = np.ones(len(master.line_cols))
    for i, line in enumerate(master.lines):
        if not _obeys(line.shifts, on.get(line.person, set()), off.get(line.person, set())):
            upper[i] = 0.0
    cols = np.asarray(master.line_cols, dtype=np.int32)
    if len(cols):
        master.h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), upper)
        master.bounds_changed()
    for person in people:
        person.restrict(on.get(person.p, ()), off.get(person.p, ()))


def _obeys(shifts: frozenset[tuple[int, str]], on: set[tuple[int, str]], off: set[tuple[int, str]]) -> bool:
    """Whether a line working ``shifts`` works every (day, shift) of ``on`` and none of ``off``
    (``(day, WORKS)``: some shift that day)."""
    if not on and not off:
        return True
    days = {d for d, _ in shifts}
    for d, s in on:
        if (d not in days) if s == WORKS else ((d, s) not in shifts):
            return False
    return not any((d in days) if s == WORKS else ((d, s) in shifts) for d, s in off)


def _branch(
    master: Master,
    value: np.ndarray,
    fixings: tuple[Fixing, ...],
    rule: str,
    rng: random.Random | None = None,
    spread: float = 0.0,
) -> tuple[tuple[int, int, str], float] | None:
    """The (person, day, shift) to branch on and its :math:`x^p_{ds}`, by ``rule`` (module
    docstring; ``"day"``: the (person, day, WORKS) whose :math:`w^p_d` is nearest 1/2, else as
    ``"fractional"``); None when every :math:`x^p_{ds}` is integral. Ties go to the first in
    (person, day, shift) order, so the tree does not depend on dictionary order. With ``rng``,
    one of the candidates within ``spread`` of the nearest, drawn from them in that order."""
    if rule not in RULES:
        raise ValueError(f"unknown branching rule {rule!r}: one of {', '.join(map(repr, RULES))}")
    share: dict[tuple[int, int, str], float] = {}
    worked: dict[tuple[int, int, str], float] = {}
    for line, col in zip(master.lines, master.line_cols, strict=True):
        v = float(value[col])
        if v > TOLERANCE:
            for d, s in line.shifts:
                key = (line.person, d, s)
                share[key] = share.get(key, 0.0) + v
                if rule == "day":
                    day = (line.person, d, WORKS)
                    worked[day] = worked.get(day, 0.0) + v
    done = {(p, d, s) for p, d, s, _ in fixings}

    def fractional(values: dict[tuple[int, int, str], float]) -> list[tuple[tuple[int, int, str], float]]:
        return [(k, v) for k, v in values.items() if TOLERANCE < v < 1 - TOLERANCE and k not in done]

    def pick(
        found: list[tuple[tuple[int, int, str], float]], far: Callable[[float], float]
    ) -> tuple[tuple[int, int, str], float]:
        if rng is None:
            return min(found, key=lambda kv: (far(kv[1]), kv[0]))
        least = min(far(v) for _, v in found)
        near = sorted(kv for kv in found if far(kv[1]) <= least + spread)
        return near[rng.randrange(len(near))]

    if rule == "day" and (days := fractional(worked)):
        return pick(days, lambda v: abs(v - 0.5))
    candidates = fractional(share)
    if not candidates:
        return None
    if rule == "certain":
        return pick(candidates, lambda v: 1.0 - v)
    return pick(candidates, lambda v: abs(v - 0.5))


def integral_rota(master: Master, value: np.ndarray) -> tuple[Line, ...] | None:
    """One line per person at 1 in the LP (artificial columns at 0): that rota, else None."""
    if master.artificial and np.any(value[np.asarray(master.artificial)] > TOLERANCE):
        return None
    pairs = zip(master.lines, master.line_cols, strict=True)
    chosen = [line for line, col in pairs if value[col] > 1 - TOLERANCE]
    if len(chosen) != len(master.rm.staff) or len({line.person for line in chosen}) != len(chosen):
        return None
    return tuple(sorted(chosen, key=lambda line: line.person))


def _whole(master: Master) -> bool:
    """Whether every penalty is a whole number (line costs are; the slacks' weights are checked),
    so that no rota scores between a bound and that bound rounded up."""
    return all(float(b.cost).is_integer() for b in master.box)


def _rounded(bound: float, whole: bool) -> float:
    return math.ceil(bound - TOLERANCE) if whole and math.isfinite(bound) else bound


def _push(
    heap: list[tuple[float, int, int, int, _Node]],
    node: _Node,
    whole: bool,
    leaning: int,
    counter: itertools.count[int],
    order: str = "best",
) -> None:
    """Open ``node``, ordered by rounded bound (``order`` "best"; "depth": not), then deeper
    first, then the side the LP leans to (``leaning`` 0), then first opened."""
    first = _rounded(node.bound, whole) if order == "best" else 0.0
    heapq.heappush(heap, (first, -len(node.fixings), leaning, next(counter), node))
