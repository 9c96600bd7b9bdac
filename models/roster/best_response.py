r"""Best-response repair of a rota over lines: each person in turn takes their best line given the others.

With every other person's line fixed, the rota's penalty as a function of person :math:`p`'s line
:math:`l` is separable over cover rows. For a cover row :math:`r` with :math:`c_{-p,r}` of the
others counting towards it, its penalty
:math:`f_r(c) = u_r \max(0, q_r - c) + o_r \max(0, c - q_r)` (infinite outside the hard limits
:math:`[m_r, M_r]`) changes by :math:`f_r(c_{-p,r} + x^l_{ds}) - f_r(c_{-p,r})`, which is *linear*
in :math:`x^l_{ds} \in \{0, 1\}`. So the person's best line given the others,

.. math:: \min_{l \in L_p}\; c_l + \sum_{(d,s)} x^l_{ds} \sum_{r \ni (d,s),\, p \in P_r}
          \bigl(f_r(c_{-p,r} + 1) - f_r(c_{-p,r})\bigr),

is exactly the pricing problem (:meth:`models.roster.lines.LineModel.price`) with multipliers
:math:`\mu_{ds} = \sum_r f_r(c_{-p,r}) - f_r(c_{-p,r} + 1)` (a breach of a hard limit costs
:data:`HARD` points a unit). :func:`repair` solves it for one person after another, hinted with
the person's current line (so the answer is never worse), and keeps a strictly better line: the
rota's penalty falls at every change, and each line found also joins the master (a column for
the MIP and later pricing). It ends when a sweep over everyone changes nothing (a 1-opt local
optimum), at the time limit, or after ``sweeps`` sweeps.

At a local optimum two moves may follow (both keep a result only when the penalty falls, then
sweep again): *ruin and recreate* (take a few people out, put them back one by one by best
response) and the *pool move* (:func:`_pool_move`): a set :math:`S` of people re-chooses jointly
among every line the master holds for them, the others' lines fixed,

.. math:: \min \sum_{p \in S} \sum_{l \in L_p} c_l \lambda_{pl} + \sum_{r \in R_S} (u_r U_r + o_r O_r)
          \quad\text{s.t.}\quad \sum_l \lambda_{pl} = 1 \; (p \in S), \quad
          c_{-S,r} + \sum_{p \in S} \sum_l x^l_r \lambda_{pl} + U_r - O_r = q_r \; (r \in R_S),

:math:`\lambda \in \{0, 1\}`, :math:`0 \le U_r \le q_r - m_r`, :math:`0 \le O_r \le M_r - q_r`,
:math:`R_S` the cover rows a line of :math:`S` touches (the others' penalties are constants), a
small HiGHS MIP started from the current lines. Best responses change one person at a time and
ruin and recreate puts people back greedily; the pool move exchanges shifts between several
people at once (two people swapping a night), which neither move can when each half alone costs
more. :math:`S` is ``pool`` people, drawn as the ruin draws them (people who may work a cover row
that pays a penalty, the rest at random); the size adapts: one more after a move proven optimal
without a gain, one fewer after a move the time limit cut.

It applies to rotas whose only rules coupling people are cover rows (the master has no fairness
or ``max_changes`` rows, :func:`applies`); the Curtois & Qu instances are such rotas.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import numpy as np

from models.roster.lines import SCALE, Line, LineModel
from models.roster.master import Master
from solvers import SolveOptions

__all__ = ["HARD", "Repair", "applies", "repair"]

POOL_SECONDS = 1.0
"""Default most seconds of one pool move's MIP."""

HARD = 100_000
"""Penalty points per unit beyond a cover row's hard minimum or maximum (no legal rota pays it)."""


@dataclass(frozen=True)
class Repair:
    """The outcome of :func:`repair`: one line per person (by person), the rota's penalty (own
    costs plus cover), the penalty it started from, people changed, pricing calls, sweeps,
    seconds, pool moves tried and pool moves that lowered the penalty."""

    lines: tuple[Line, ...]
    penalty: float
    start: float
    changes: int
    calls: int
    sweeps: int
    seconds: float
    pool_moves: int = 0
    pool_better: int = 0


@dataclass(frozen=True)
class _Rows:
    """Each cover row's preferred level, weights and hard limits, as arrays over the rows."""

    index: dict[int, int]  # master row -> position
    preferred: np.ndarray
    under: np.ndarray
    over: np.ndarray
    least: np.ndarray
    most: np.ndarray

    def penalty(self, count: np.ndarray) -> np.ndarray:
        short = np.maximum(self.preferred - count, 0.0)
        extra = np.maximum(count - self.preferred, 0.0)
        hard = (count < self.least - 1e-9) | (count > self.most + 1e-9)
        return self.under * short + self.over * extra + HARD * hard * (1.0 + short + extra)


def applies(master: Master) -> bool:
    """Whether :func:`repair` is exact for ``master``'s rota: no rows but convexity and cover."""
    return not master.count_rows


def _rows(master: Master) -> _Rows:
    """The cover rows (2) as arrays: their slacks' weights give the penalties, their bounds the
    hard minimum and maximum."""
    rows = master.cover_rows
    index = {row: i for i, row in enumerate(rows)}
    preferred = np.array([master.lo[row] for row in rows])
    under = [master.box[i] for i in master.under]
    over = [master.box[i] for i in master.over]
    return _Rows(
        index,
        preferred,
        np.array([box.cost for box in under]),
        np.array([box.cost for box in over]),
        preferred - np.array([box.hi for box in under]),
        preferred + np.array([box.hi for box in over]),
    )


def _places(master: Master, rows: _Rows, p: int) -> dict[tuple[int, str], list[int]]:
    """Person ``p``'s cover rows (positions) per (day, shift)."""
    out: dict[tuple[int, str], list[int]] = {}
    for key, places in master.cover_at.items():
        mine = [rows.index[row] for row, who in places if p in who]
        if mine:
            out[key] = mine
    return out


def _counts(lines: list[Line], places: list[dict[tuple[int, str], list[int]]], size: int) -> np.ndarray:
    count = np.zeros(size)
    for line in lines:
        for key in line.shifts:
            for i in places[line.person].get(key, ()):
                count[i] += 1.0
    return count


def repair(
    master: Master,
    people: list[LineModel],
    lines: list[Line],
    options: SolveOptions,
    *,
    price_seconds: float = 2.0,
    sweeps: int | None = None,
    ruin: int = 0,
    floor: float | None = None,
    pool: int = 0,
    pool_seconds: float = POOL_SECONDS,
) -> Repair:
    """Best responses (module docstring) from the rota ``lines`` (one per person, any order)
    within ``options``' time, people visited in their order each sweep; ``price_seconds``: most
    seconds for one person's best response. ``ruin`` > 0: at a local optimum, ruin and recreate
    until the time is up: take ``ruin`` people who may work a cover row that pays a penalty
    (drawn with ``options.seed``) out of the rota, put them back one by one by best response,
    then each once more; keep the result when the penalty fell (then sweep again), else undo.
    ``pool`` > 0: the pool move (module docstring) for that many people at first, in turn with
    ruin and recreate when both are on, its MIP for at most ``pool_seconds``; with ``ruin`` 0 the
    pool moves end when one over everyone (proven) gains nothing. ``floor``: a lower bound on
    the rota's penalty; the repair stops when it reaches it."""
    t0 = time.perf_counter()
    options = options.with_deadline()
    state = _State(master, people, lines, options, price_seconds)
    start = state.penalty()
    rng = random.Random(options.seed)
    moves = _Moves(ruin, pool, pool_seconds)
    changes = done = 0
    while not options.should_stop() and (sweeps is None or done < sweeps):
        if floor is not None and state.penalty() <= floor + 1e-6:
            break
        changed = sum(state.improve(p) for p in range(len(people)))
        changes += changed
        done += 1
        if changed:
            continue
        if not moves.any():
            break
        while not options.should_stop() and not moves.step(state, rng):
            if moves.exhausted or (floor is not None and state.penalty() <= floor + 1e-6):
                break
        if moves.exhausted:
            break
    penalty = state.penalty()
    return Repair(
        tuple(state.current), penalty, start, changes, state.calls, done, time.perf_counter() - t0,
        moves.pool_moves, moves.pool_better,
    )  # fmt: skip


class _Moves:
    """The moves at a local optimum (:func:`repair`): ruin and recreate and the pool move in
    turn, the pool's size adapted."""

    def __init__(self, ruin: int, pool: int, seconds: float) -> None:
        self.ruin = ruin
        self.pool = pool
        self.seconds = seconds
        self.turn = 0
        self.pool_moves = 0
        self.pool_better = 0
        self.exhausted = False  # a pool move over everyone, proven, gained nothing (no ruin)

    def any(self) -> bool:
        return self.ruin > 0 or self.pool > 0

    def step(self, state: _State, rng: random.Random) -> bool:
        """One move; whether it lowered the penalty."""
        self.turn += 1
        if self.pool <= 0 or (self.ruin > 0 and self.turn % 2 == 1):
            return _ruined(state, rng, self.ruin)
        size = min(self.pool, len(state.people))
        chosen = _drawn(state, rng, size)
        left = state.options.remaining()
        seconds = self.seconds if left is None else min(self.seconds, left)
        better, proven = _pool_move(state, chosen, seconds)
        self.pool_moves += 1
        if better:
            self.pool_better += 1
            return True
        if proven:
            self.exhausted = self.ruin <= 0 and size >= len(state.people)
            self.pool = min(self.pool + 1, len(state.people))
        else:
            self.pool = max(self.pool - 1, 2)
        return False


def _drawn(state: _State, rng: random.Random, size: int) -> list[int]:
    """``size`` people: those who may work a cover row that pays a penalty (one drawn at random),
    then others at random."""
    everyone = list(range(len(state.people)))
    bad = np.flatnonzero(state.rows.penalty(state.count) > 0)
    pool = everyone
    if len(bad):
        row = int(rng.choice(bad))
        pool = [p for p in everyone if any(row in idx for idx in state.places[p].values())] or everyone
    chosen = rng.sample(pool, min(size, len(pool)))
    if len(chosen) < size:
        others = [p for p in everyone if p not in set(chosen)]
        chosen += rng.sample(others, size - len(chosen))
    return sorted(chosen)


def _pool_move(state: _State, chosen: list[int], seconds: float) -> tuple[bool, bool]:
    """The pool move (module docstring) for the people ``chosen``: whether it lowered the
    penalty (the state then holds the new lines), and whether its MIP was proven optimal."""
    from solvers.highs_direct import new_highs, set_highs_threads

    size = len(state.count)
    rest = state.count - _counts([state.current[p] for p in chosen], state.places, size)
    pool: dict[int, list[Line]] = {p: [] for p in chosen}
    for line in state.master.lines:
        if line.person in pool:
            pool[line.person].append(line)
    for p in chosen:
        if state.current[p].shifts not in {line.shifts for line in pool[p]}:
            pool[p].append(state.current[p])
    touched = sorted(
        {i for p in chosen for line in pool[p] for key in line.shifts for i in state.places[p].get(key, ())}
    )
    rows = state.rows
    h = new_highs()
    h.setOptionValue("output_flag", False)
    set_highs_threads(h, 1)
    h.setOptionValue("time_limit", float(max(seconds, 0.01)))
    empty_i, empty_v = np.array([], dtype=np.int32), np.array([], dtype=np.double)
    for _ in chosen:  # one line each
        h.addRow(1.0, 1.0, 0, empty_i, empty_v)
    at = {}
    for k, i in enumerate(touched):  # cover, the others' counts moved to the right-hand side
        need = float(rows.preferred[i] - rest[i])
        h.addRow(need, need, 0, empty_i, empty_v)
        at[i] = len(chosen) + k
    start: list[float] = []
    for i in touched:
        row = np.array([at[i]], dtype=np.int32)
        now = float(state.count[i])
        h.addCol(float(rows.under[i]), 0.0, max(float(rows.preferred[i] - rows.least[i]), 0.0), 1, row,
                 np.array([1.0]))  # fmt: skip
        h.addCol(float(rows.over[i]), 0.0, max(float(rows.most[i] - rows.preferred[i]), 0.0), 1, row,
                 np.array([-1.0]))  # fmt: skip
        start += [max(float(rows.preferred[i]) - now, 0.0), max(now - float(rows.preferred[i]), 0.0)]
    first = 2 * len(touched)
    columns: list[Line] = []
    for k, p in enumerate(chosen):
        for line in pool[p]:
            entries: dict[int, float] = {k: 1.0}
            for key in line.shifts:
                for i in state.places[p].get(key, ()):
                    entries[at[i]] = entries.get(at[i], 0.0) + 1.0
            entries = dict(sorted(entries.items()))
            idx = np.array(list(entries), dtype=np.int32)
            h.addCol(float(line.cost), 0.0, 1.0, len(idx), idx, np.array(list(entries.values())))
            columns.append(line)
            start.append(float(line.shifts == state.current[p].shifts))
    cols = np.arange(first, first + len(columns), dtype=np.int32)
    h.changeColsIntegrality(len(cols), cols, np.ones(len(cols), dtype=np.uint8))
    _start(h, start)
    h.run()
    proven = str(h.getModelStatus()).split(".")[-1] == "kOptimal"
    if h.getInfo().primal_solution_status != 2:  # kSolutionStatusFeasible
        return False, proven
    value = np.asarray(h.getSolution().col_value)[first:]
    picked = {line.person: line for line, v in zip(columns, value, strict=True) if v > 0.5}
    if len(picked) != len(chosen):
        return False, proven
    before, saved, counted = state.penalty(), list(state.current), state.count.copy()
    for p in chosen:
        state.current[p] = picked[p]
    state.count = rest + _counts([picked[p] for p in chosen], state.places, size)
    if state.penalty() < before - 1e-6:
        return True, proven
    state.current, state.count = saved, counted
    return False, proven


def _start(h: object, values: list[float]) -> None:
    """The current lines as the MIP's start (every column given)."""
    import highspy

    solution = highspy.HighsSolution()
    solution.col_value = values
    solution.value_valid = True
    h.setSolution(solution)  # type: ignore[attr-defined]


def _ruined(state: _State, rng: random.Random, size: int) -> bool:
    """One ruin-and-recreate step (:func:`repair`); whether it lowered the penalty (else undone)."""
    before, saved, counted = state.penalty(), list(state.current), state.count.copy()
    bad = np.flatnonzero(state.rows.penalty(state.count) > 0)
    pool = list(range(len(state.people)))
    if len(bad):
        row = int(rng.choice(bad))
        pool = [p for p in pool if any(row in idx for idx in state.places[p].values())] or pool
    chosen = rng.sample(pool, min(size, len(pool)))
    for p in chosen:
        state.count -= _counts([state.current[p]], state.places, len(state.count))
    for p in chosen:
        state.place(p)
    for p in chosen:
        state.improve(p)
    if state.penalty() < before - 1e-6:
        return True
    state.current, state.count = saved, counted
    return False


class _State:
    """A rota during repair: each person's line and every cover row's count."""

    def __init__(
        self,
        master: Master,
        people: list[LineModel],
        lines: list[Line],
        options: SolveOptions,
        price_seconds: float,
    ) -> None:
        self.master = master
        self.people = people
        self.options = options
        self.price_seconds = price_seconds
        self.rows = _rows(master)
        self.places = [_places(master, self.rows, p) for p in range(len(people))]
        self.current = sorted(lines, key=lambda line: line.person)
        self.count = _counts(self.current, self.places, len(self.rows.preferred))
        self.calls = 0

    def penalty(self) -> float:
        return sum(line.cost for line in self.current) + float(self.rows.penalty(self.count).sum())

    def _respond(self, p: int, rest: np.ndarray) -> tuple[Line | None, dict[tuple[int, str], int]]:
        """Person ``p``'s best line given the others' counts ``rest`` (hinted with their line)."""
        gain = self.rows.penalty(rest) - self.rows.penalty(rest + 1.0)  # what one more person saves
        mu = {key: round(SCALE * float(gain[idx].sum())) for key, idx in self.places[p].items()}
        left = self.options.remaining()
        seconds = self.price_seconds if left is None else min(self.price_seconds, left)
        person = self.people[p]
        person.hint = self.current[p]
        priced = person.price(mu, (0,) * len(person.counts), seconds, self.options.seed, 1)
        self.calls += 1
        if not priced.lines:
            return None, mu
        self.master.add(priced.lines[-1])
        return priced.lines[-1], mu

    def improve(self, p: int) -> bool:
        """Person ``p`` to their best response if strictly better; whether they moved."""
        if self.options.should_stop():
            return False
        line = self.current[p]
        rest = self.count - _counts([line], self.places, len(self.count))
        best, mu = self._respond(p, rest)
        if best is None or _value(best, mu) >= _value(line, mu) - 0.5:
            return False
        self.current[p] = best
        self.count = rest + _counts([best], self.places, len(self.count))
        return True

    def place(self, p: int) -> None:
        """Person ``p``, out of the counts, back in with their best response (or their line)."""
        best = None
        if not self.options.should_stop():
            best, _ = self._respond(p, self.count)
        self.current[p] = best or self.current[p]
        self.count += _counts([self.current[p]], self.places, len(self.count))


def _value(line: Line, mu: dict[tuple[int, str], int]) -> int:
    """The line's own cost and cover change, in 1/SCALE points, against multipliers ``mu``."""
    return line.cost * SCALE - sum(mu.get(key, 0) for key in line.shifts)
