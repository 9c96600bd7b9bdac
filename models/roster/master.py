r"""The restricted master LP of the rota over people's lines of work (HiGHS), and its Lagrangian bound.

Sets: people :math:`P`; lines :math:`L_p` generated so far for person :math:`p` (each legal for
the person's own rules, :mod:`models.roster.lines`); cover rows :math:`R` (date :math:`d`, shift
:math:`s`, skill :math:`k`), :math:`P_r` the people counting towards row :math:`r`; fairness
pairs :math:`(g, n)` of a group of two or more and a count :math:`n` (nights, weekends, on-calls).

Variables: :math:`\lambda_{pl} \in [0, 1]` (integer in the MIP), under :math:`U_r`, over
:math:`O_r`, :math:`most_{gn}`, :math:`least_{gn}`, :math:`spread_{gn}`.

.. math:: \min \sum_{p,l} c_{pl} \lambda_{pl} + \sum_r (u_r U_r + o_r O_r) + \sum_{gn} w_{gn} spread_{gn}

1. One line each: :math:`\sum_l \lambda_{pl} = 1` (``_convexity``).
2. Cover: :math:`\sum_{p \in P_r} \sum_l x^l_{ds} \lambda_{pl} + U_r - O_r = q_r`, with
   :math:`0 \le U_r \le q_r - m_r` and :math:`0 \le O_r \le \min(M_r, |P_r|) - q_r`: the hard
   minimum and maximum are the slacks' bounds (``_cover_rows``).
3. Fairness: :math:`N_p(\lambda) \le most_{gn}`, :math:`N_p(\lambda) \ge least_{gn}` for
   :math:`p \in g`, :math:`most - least - spread \le L` (hard rule: :math:`spread = 0`)
   (``_fairness_rows``).
4. Changes: :math:`\sum_{p,l} changes_l \lambda_{pl} \le` ``max_changes`` (``_changes_row``).
5. Shifts short, on demand: :math:`\sum_r U_r \le k` (:meth:`Master.limit_short`). In every rota
   :math:`\sum_r U_r` is a whole number, so the rotas split into those with at most :math:`k`
   and those with more; the row holds slack columns only, so pricing is unchanged, and every
   bound found under it holds for that side alone. Absent unless asked for.

Artificial columns at ``ARTIFICIAL`` points a unit (a line of nothing per person; cover beyond
its hard limits) keep the restricted LP feasible before enough lines exist; they belong to no
rota. Once the LP uses none of them they are fixed at 0 for good (:meth:`Master.solve_lp`):
left in, they sit in the basis at level 0 on exact cover rows and set those rows' multipliers
to about ``ARTIFICIAL``, and pricing then chases them (the registrars' master did not move in
82 rounds). The MIP fixes them to 0 as well.

Lagrangian bound (:meth:`Master.lagrangian`): for any multipliers :math:`y` of rows 2-4 (signs
as the rows' senses), with :math:`a_j` the column of a box variable :math:`j` and the rows'
right-hand sides :math:`b`,

.. math:: LB(y) = y^\top b + \sum_j \min_{v_j \in [lo_j, hi_j]} (c_j - y^\top a_j) v_j
          + \sum_p \min_{l \in L_p^{all}} (c_l - y^\top a_l)

is at most the rota's optimum for every :math:`y` (rows 2-4 relaxed into the objective); the
last term is the pricing problem's proven bound, so the bound holds whenever it is computed,
not only once column generation has converged (then it equals the LP value).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.roster.input import parse_list
from models.roster.lines import COUNTS, SCALE, Line
from models.roster.vars import RosterModel
from solvers.highs_direct import new_highs, set_highs_threads

__all__ = ["ARTIFICIAL", "Master"]

ARTIFICIAL = 100_000.0
"""Penalty points per unit of an artificial column (larger than any rota's penalty per unit)."""
INF = math.inf
PRIMAL, DUAL = 4, 1
"""HiGHS's ``simplex_strategy`` values for the primal and the dual simplex method."""


@dataclass
class _Box:
    col: int
    cost: float
    lo: float
    hi: float
    rows: dict[int, float]


@dataclass
class Master:
    """The restricted master LP of ``rm`` (build with :meth:`of`); lines are added as columns."""

    rm: RosterModel
    h: Any
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)
    box: list[_Box] = field(default_factory=list)
    artificial: list[int] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    line_cols: list[int] = field(default_factory=list)
    cover_at: dict[tuple[int, str], list[tuple[int, frozenset[int]]]] = field(default_factory=dict)
    count_rows: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    seen: set[tuple[int, frozenset[tuple[int, str]]]] = field(default_factory=set)
    where: dict[tuple[int, frozenset[tuple[int, str]]], int] = field(default_factory=dict)  # index in lines
    columns: int = 0
    dropped: bool = False  # the artificial columns are fixed at 0 (the lines alone are feasible)
    primal: bool = True
    solved_columns: int = -1  # columns at the last solve (-1: none yet)
    cover_rows: list[int] = field(default_factory=list)  # (2)'s rows, in the cover table's order
    under: list[int] = field(default_factory=list)  # each cover row's under-cover slack (index in box)
    over: list[int] = field(default_factory=list)  # each cover row's over-cover slack (index in box)
    short_row: int | None = None  # row 5, once asked for

    @classmethod
    def of(cls, rm: RosterModel, interior: bool = False, primal: bool = True) -> Master:
        """The master of ``rm``; ``interior``: solve the LP by HiGHS's interior point method without
        crossover, whose multipliers lie inside the optimal face rather than at a vertex of it;
        ``primal``: re-solve by the primal simplex method after columns joined
        (:meth:`solve_lp`; default True)."""
        h = new_highs()
        h.setOptionValue("output_flag", False)
        set_highs_threads(h, 1)  # after another solve of this process on two threads, too
        if interior:
            h.setOptionValue("solver", "ipm")
            h.setOptionValue("run_crossover", "off")
        master = cls(rm, h, primal=primal)
        master._convexity()
        master._cover_rows()
        master._fairness_rows()
        master._changes_row()
        return master

    # ---- building ------------------------------------------------------------------------
    def _row(self, lo: float, hi: float) -> int:
        self.h.addRow(lo, hi, 0, np.array([], dtype=np.int32), np.array([], dtype=np.double))
        self.lo.append(lo)
        self.hi.append(hi)
        return len(self.lo) - 1

    def _col(self, cost: float, lo: float, hi: float, rows: dict[int, float]) -> int:
        """A column with its entries in row order: a line's shifts are a set, whose order changes
        with the process (string hashes), and HiGHS's pivots, so the LP's multipliers among equal
        optima, follow the entries' order; sorted, a line priced in a worker process
        (:mod:`models.roster.pricing_workers`) or in another run gives the same master."""
        rows = dict(sorted(rows.items()))
        idx = np.array(list(rows), dtype=np.int32)
        val = np.array(list(rows.values()), dtype=np.double)
        self.h.addCol(cost, lo, hi, len(idx), idx, val)
        self.columns += 1
        return self.columns - 1

    def _box(self, cost: float, lo: float, hi: float, rows: dict[int, float]) -> None:
        self.box.append(_Box(self._col(cost, lo, hi, rows), cost, lo, hi, rows))

    def _convexity(self) -> None:
        """(1) one line per person; an artificial empty line each."""
        for p in range(len(self.rm.staff)):
            row = self._row(1.0, 1.0)
            self.artificial.append(self._col(ARTIFICIAL, 0.0, 1.0, {row: 1.0}))
            assert row == p

    def _cover_rows(self) -> None:
        """(2) cover rows with under/over slacks bounded by the hard minimum and maximum."""
        skills = [set(parse_list(s)) for s in self.rm.inp.staff["skills"]]
        for r in self.rm.inp.cover.itertuples(index=False):
            d = self.rm.inp.day_index(r.date)
            who = frozenset(
                p for p in range(len(self.rm.staff)) if (not r.skill or r.skill in skills[p])
                and (p, d, r.shift_id) in self.rm.x
            )  # fmt: skip
            q = float(r.preferred)
            most = float(len(who)) if r.maximum < 0 else float(min(r.maximum, len(who)))
            row = self._row(q, q)
            self.cover_at.setdefault((d, r.shift_id), []).append((row, who))
            self.cover_rows.append(row)
            self.under.append(len(self.box))
            self._box(float(r.under_weight), 0.0, max(q - r.minimum, 0.0), {row: 1.0})
            self.over.append(len(self.box))
            self._box(float(r.over_weight), 0.0, max(most - q, 0.0), {row: -1.0})
            self.artificial.append(self._col(ARTIFICIAL, 0.0, INF, {row: 1.0}))
            self.artificial.append(self._col(ARTIFICIAL, 0.0, INF, {row: -1.0}))

    def _fairness_rows(self) -> None:
        """(3) most and least count of each fairness rule's group, and the spread it pays."""
        members: dict[str, list[int]] = {}
        for p, g in enumerate(self.rm.groups):
            members.setdefault(g, []).append(p)
        cap = float(self.rm.inp.days + 1)
        for people in members.values():
            if len(people) < 2:
                continue
            for k, name in enumerate(("fair_nights", "fair_weekends", "fair_on_calls")):
                rule = self.rm.rule(people[0], name)
                if rule is None or self.rm.mode(rule)[0] == "skip":
                    continue
                n = COUNTS.index(("nights", "weekends", "on_calls")[k])
                top = {p: self._row(-INF, 0.0) for p in people}
                bottom = {p: self._row(0.0, INF) for p in people}
                for p in people:
                    self.count_rows.setdefault((p, n), []).extend([top[p], bottom[p]])
                spread = self._row(-INF, float(int(rule.limit)))
                self._box(0.0, 0.0, cap, {**{row: -1.0 for row in top.values()}, spread: 1.0})
                self._box(0.0, 0.0, cap, {**{row: -1.0 for row in bottom.values()}, spread: -1.0})
                hard = self.rm.mode(rule)[0] == "hard"
                self._box(0.0 if hard else float(rule.weight), 0.0, 0.0 if hard else cap, {spread: -1.0})

    def _changes_row(self) -> None:
        """(4) the hard limit on changes against a published rota."""
        limit = self.rm.params.max_changes
        if limit is None or self.rm.inp.published is None or self.rm.inp.published.empty:
            return
        row = self._row(-INF, float(limit))
        for p in range(len(self.rm.staff)):
            self.count_rows.setdefault((p, COUNTS.index("changes")), []).append(row)

    def limit_short(self, most: float = INF) -> None:
        """(5) At most ``most`` shifts short over every cover row (``INF``, the default: the row
        lifted). Bounds of the LP under it hold for the rotas with at most ``most`` alone."""
        if self.short_row is None:
            if most == INF:
                return
            self.short_row = self._row(-INF, INF)
            for i in self.under:
                box = self.box[i]
                self.h.changeCoeff(self.short_row, box.col, 1.0)
                box.rows[self.short_row] = 1.0
        self.hi[self.short_row] = most
        self.h.changeRowBounds(self.short_row, -INF, most)
        self.bounds_changed()

    def short_total(self) -> float:
        r""":math:`\sum_r U_r` of the last LP solution: shifts short of their preferred cover."""
        values = np.asarray(self.h.getSolution().col_value)
        return float(sum(values[self.box[i].col] for i in self.under))

    def short_of(self, lines: list[Line] | tuple[Line, ...]) -> int:
        r""":math:`\sum_r U_r` of the rota made of ``lines``: the shifts it leaves short of
        their preferred cover, summed over every cover row."""
        covered = [0] * len(self.lo)
        for line in lines:
            for d, s in line.shifts:
                for row, who in self.cover_at.get((d, s), ()):
                    covered[row] += line.person in who
        return sum(
            max(round(self.lo[row]) - covered[row], 0) for rows in self.cover_at.values() for row, _ in rows
        )

    def add(self, line: Line) -> bool:
        """Add ``line`` as a column (False if the person has it already at no greater cost)."""
        key = (line.person, line.shifts)
        if key in self.seen:
            return self._cheaper(line)
        self.seen.add(key)
        self.where[key] = len(self.lines)
        self.line_cols.append(self._col(float(line.cost), 0.0, 1.0, self._coefficients(line)))
        self.lines.append(line)
        return True

    def _cheaper(self, line: Line) -> bool:
        """The same shifts as a line already held, at a lower cost: that column now costs the
        lower figure (a line read from a rota may carry penalty terms above the least its shifts
        allow; left, the LP over an integral node would stay above the node's optimum)."""
        i = self.where[(line.person, line.shifts)]
        if line.cost >= self.lines[i].cost:
            return False
        self.lines[i] = line
        self.h.changeColCost(self.line_cols[i], float(line.cost))
        return True

    def _coefficients(self, line: Line) -> dict[int, float]:
        rows: dict[int, float] = {line.person: 1.0}
        for d, s in line.shifts:
            for row, who in self.cover_at.get((d, s), ()):
                if line.person in who:
                    rows[row] = rows.get(row, 0.0) + 1.0
        for n, count in enumerate(line.counts):
            for row in self.count_rows.get((line.person, n), ()):
                if count:
                    rows[row] = rows.get(row, 0.0) + float(count)
        return rows

    # ---- solving -------------------------------------------------------------------------
    def solve_lp(self, seconds: float | None) -> tuple[float, np.ndarray] | None:
        """Solve the restricted LP; its value and row multipliers, rounded to ``1 / SCALE`` and with
        the signs of the rows' senses (None if HiGHS stopped without an optimum).

        When columns joined since the last solve (and ``primal``), by the primal simplex method:
        the last basis stays primal feasible with new columns at 0 (HiGHS's default, the dual
        method, starts over from a basis that is no longer dual feasible); else (bounds changed:
        a dive's or a tree's fixings) by the dual method, for which the old basis stays dual
        feasible. Replaying the 15 masters of Curtois & Qu Instance12's column generation (the
        same columns): 8.7-9.5 s by the primal method against 17.4-18.5 s
        (``benchmarks/results/roster_search.md``)."""
        h = self.h
        # HiGHS's LP clock sums every run() of the object (solvers.highs_stop): the limit counts on
        # from what it has already counted, or the master stops for good once its LP seconds so far
        # exceed the time left
        h.setOptionValue("time_limit", float(h.getRunTime()) + seconds if seconds is not None else INF)
        grown = self.primal and 0 <= self.solved_columns < self.columns
        h.setOptionValue("simplex_strategy", PRIMAL if grown else DUAL)
        self.solved_columns = self.columns
        h.run()
        if str(h.getModelStatus()).split(".")[-1] != "kOptimal":
            return None
        if self.artificial and not self.dropped and self._artificial_unused():
            for col in self.artificial:  # never needed again: the LP stays feasible as lines join
                h.changeColBounds(col, 0.0, 0.0)
            self.dropped = True
            h.setOptionValue("simplex_strategy", DUAL)  # bounds changed
            h.run()
            if str(h.getModelStatus()).split(".")[-1] != "kOptimal":
                return None
        y = np.round(np.asarray(h.getSolution().row_dual, dtype=float) * SCALE) / SCALE
        lo, hi = np.asarray(self.lo), np.asarray(self.hi)
        y[(y > 0) & ~np.isfinite(lo)] = 0.0
        y[(y < 0) & ~np.isfinite(hi)] = 0.0
        return float(h.getInfo().objective_function_value), y

    def bounds_changed(self) -> None:
        """Columns' bounds changed since the last solve: the next by the dual method
        (:meth:`solve_lp`)."""
        self.solved_columns = -1

    def continuous(self) -> None:
        """Every line's column continuous again (after the MIP over the lines made them integer)."""
        cols = np.asarray(self.line_cols, dtype=np.int32)
        if len(cols):
            self.h.changeColsIntegrality(len(cols), cols, np.zeros(len(cols), dtype=np.uint8))

    def _artificial_unused(self) -> bool:
        value = np.asarray(self.h.getSolution().col_value)
        return bool(np.all(value[np.asarray(self.artificial)] <= 1e-9))

    def multipliers(self, y: np.ndarray, p: int) -> tuple[dict[tuple[int, str], int], tuple[int, ...]]:
        """Person ``p``'s pricing multipliers in 1/SCALE points: per (day, shift), per count."""
        mu: dict[tuple[int, str], int] = {}
        for key, rows in self.cover_at.items():
            total = sum(y[row] for row, who in rows if p in who)
            if total:
                mu[key] = round(total * SCALE)
        phi = tuple(
            round(sum(y[row] for row in self.count_rows.get((p, n), ())) * SCALE) for n in range(len(COUNTS))
        )
        return mu, phi

    def reduced_cost(self, y: np.ndarray, line: Line) -> float:
        """``c_l - y a_l`` over every row but the person's convexity row."""
        rows = self._coefficients(line)
        return line.cost - sum(y[row] * v for row, v in rows.items() if row != line.person)

    def lagrangian(self, y: np.ndarray, least: list[float]) -> float:
        """:math:`LB(y)` of the module docstring; ``least[p]``: a lower bound on person p's least
        ``c_l - y a_l`` (convexity rows excluded)."""
        total = 0.0
        for row in range(len(self.rm.staff), len(self.lo)):
            v = y[row]
            if v > 0:
                total += v * self.lo[row]
            elif v < 0:
                total += v * self.hi[row]
        for b in self.box:
            d = b.cost - sum(y[row] * a for row, a in b.rows.items())
            total += d * (b.lo if d > 0 else b.hi)
        return total + sum(least)
