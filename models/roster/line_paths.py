r"""Pricing one person's line by dynamic programming over the days: a fast first pass before CP-SAT.

For a person whose rules are all hard and among the sequence and count rules of the Curtois & Qu
benchmark (:data:`SUPPORTED`: shift-type counts, total hours, runs of working days and of days
off, weekends; forbidden successions; requests; leave), the pricing problem of
:meth:`models.roster.lines.LineModel.price` without count multipliers,

.. math:: \min_{l \in L_p}\; SCALE\, c_l - \sum_{(d,s)} \mu_{ds}\, x^l_{ds},

is a shortest path over the days (a resource-constrained shortest path, solved exactly by a
dense dynamic programme). A *state* after day :math:`d` is

* the choice that day (off, or a shift type) and the length :math:`r` of the run it ends (of
  working days, or of days off), capped where the rules stop telling lengths apart;
* whether that run began on the first day (a run touching the horizon's edge is exempt from the
  minimum-run rules, as in :func:`models.roster.rules.consecutive_days`);
* the resources: paid minutes so far (in units of the greatest common divisor of the shifts'
  paid minutes), weekends worked, and the counts of the shift types with the tightest
  ``max_shifts_of_type`` (at most ``budget`` combinations of them, :class:`LinePaths`).

Transitions follow the rules:

1. A forbidden succession :math:`(a, b)` joins no state ending in :math:`a` to :math:`b` the next day.
2. A run of working days grows by one a day up to ``max_consecutive_days``; a run of days off
   grows up to ``min_consecutive_days_off`` (longer runs are alike).
3. A run of working days may end (a day off follows) only when at least
   ``min_consecutive_days`` long or begun on day 0; a run of days off likewise with
   ``min_consecutive_days_off``. A run reaching the last day is exempt.
4. Working a shift adds its paid minutes and its type's count; a weekend counts once, on its
   first day worked. States past ``max_total_hours``, ``max_weekends`` or a tracked type's most
   are dropped; at the end only states within ``min_total_hours`` and every tracked type's least
   remain.

Each day's choice costs the denied requests' weights (times ``SCALE``) less :math:`\mu_{ds}`.
The programme's least value is the pricing problem's optimum of the relaxation that drops the
untracked type counts; when the best line meets those too (:meth:`LinePaths.price` checks), it is
the exact optimum, otherwise the caller falls back to CP-SAT.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.roster.vars import RosterModel

__all__ = ["SUPPORTED", "WORKS", "LinePaths", "Path"]

SUPPORTED = frozenset(
    {
        "max_shifts_of_type",
        "min_shifts_of_type",
        "max_total_hours",
        "min_total_hours",
        "max_consecutive_days",
        "min_consecutive_days",
        "min_consecutive_days_off",
        "max_weekends",
    }
)
"""Rules the programme models exactly (every one hard); a person with any other rule is priced by CP-SAT."""
BUDGET = 16
"""Default most combinations of tracked shift-type counts in a state (the product of their
``max + 1``): on Curtois & Qu the binding maxima are 4-9 nights or lates (Instances 7-12)."""
MOST_STATES = 50_000
"""Most states a day (the product of the state's dimensions) for which the programme is used:
beyond, its arrays cost more than CP-SAT's search. The programme runs in Python, one pricing
thread at a time (the interpreter's lock), where CP-SAT prices two people at once: on Curtois &
Qu Instance10 (night shifts of 600 minutes, so paid minutes in 120-minute units; 63,000-95,000
states) a call took 47 ms against CP-SAT's 43 ms, and column generation got 7 rounds in 30 s
against CP-SAT's 8. Instance12's largest person has 43,890."""
INF = math.inf
WORKS = ""
"""The shift of a whole-day fixing: a domain key ``(day, WORKS)`` at least 1 means the line works
some shift that day (:meth:`models.roster.lines.LineModel.restrict`)."""


@dataclass(frozen=True)
class Path:
    """A line found by the programme: its shifts, its value (``SCALE`` units) and own penalty."""

    shifts: frozenset[tuple[int, str]]
    value: float
    cost: int


class LinePaths:
    """The programme of one person (person 0 of a one-person ``rm``; build with :meth:`of`).

    ``types``: the person's shift types (choice ``k + 1`` works ``types[k]``, choice 0 is off);
    ``budget``: most combinations of tracked shift-type counts (default :data:`BUDGET`)."""

    def __init__(self, rm: RosterModel, budget: int = BUDGET) -> None:
        self.rm = rm
        inp = rm.inp
        self.days = inp.days
        self.types = [s for s in rm.shifts if any((0, d, s) in rm.x for d in range(self.days))]
        choices = len(self.types) + 1
        rules = rm.rules[0]

        def limit(name: str, shift: str = "") -> float | None:
            rule = rules.get((name, shift))
            return None if rule is None else rule.limit

        most_run = limit("max_consecutive_days")
        self.max_run = None if most_run is None else int(most_run)
        self.min_run = int(math.ceil(limit("min_consecutive_days") or 1))
        self.min_off = int(math.ceil(limit("min_consecutive_days_off") or 1))
        self.cap_work = max(self.max_run or 1, self.min_run)
        self.cap_off = self.min_off
        self.runs = max(self.cap_work, self.cap_off) + 1  # index 0 unused
        # paid minutes, in units of their gcd
        paid = {(d, s): rm.clock.paid(d, s) for (_, d, s) in rm.x}
        self.unit = math.gcd(*paid.values()) if paid and all(paid.values()) else 1
        most_minutes, least_minutes = limit("max_total_hours"), limit("min_total_hours")
        self.max_units = None if most_minutes is None else round(most_minutes * 60) // self.unit
        self.min_units = 0 if least_minutes is None else -(-round(least_minutes * 60) // self.unit)
        self.cap_units = self.max_units if self.max_units is not None else self.min_units
        self.units = {key: minutes // self.unit for key, minutes in paid.items()}
        most_weekends = limit("max_weekends")
        self.max_weekends = None if most_weekends is None else int(most_weekends)
        self.cap_weekends = 0 if self.max_weekends is None else self.max_weekends
        # shift-type counts: the tightest maxima are tracked, within the budget
        self.type_max = {s: int(v) for s in self.types if (v := limit("max_shifts_of_type", s)) is not None}
        self.type_min = {s: int(v) for s in self.types if (v := limit("min_shifts_of_type", s)) is not None}
        possible = {s: sum(1 for d in range(self.days) if (0, d, s) in rm.x) for s in self.types}
        binding = sorted((m, s) for s, m in self.type_max.items() if m < possible[s])
        self.tracked: list[str] = []
        room = 1
        for m, s in binding:
            if room * (m + 1) > budget:
                break
            self.tracked.append(s)
            room *= m + 1
        self.shape = (
            choices, self.cap_units + 1, self.cap_weekends + 1,
            *(self.type_max[s] + 1 for s in self.tracked), self.runs, 2,
        )  # fmt: skip
        successions = inp.forbidden_successions
        rows = [] if successions is None else successions.itertuples(index=False)
        banned = {(r.first, r.second) for r in rows}
        self.after = [
            [0] + [j + 1 for j, a in enumerate(self.types) if (a, b) not in banned] for b in self.types
        ]  # per shift type: choices the day before that may precede it (0: off)
        self.sat = {sat: sun for sat, sun in inp.weekends() if sat is not None}
        self.sun = {sun: sat for sat, sun in inp.weekends() if sun is not None}
        self.requests = _request_costs(rm, self.types)
        self.work_end = np.zeros((self.runs, 2), dtype=bool)  # (r, began on day 0): may end
        self.work_end[self.min_run :, 0] = True
        self.work_end[1:, 1] = True
        self.off_end = np.zeros((self.runs, 2), dtype=bool)
        self.off_end[self.min_off :, 0] = True
        self.off_end[1:, 1] = True

    @classmethod
    def of(cls, rm: RosterModel, budget: int = BUDGET) -> LinePaths | None:
        """The programme of the one-person model ``rm``, or None when a rule or input is outside
        what it models (the person is then priced by CP-SAT alone)."""
        inp = rm.inp
        if len(rm.staff) != 1 or rm.elastic or rm.outside is not None or rm.first_known_day != 0:
            return None
        if any(t is not None and not t.empty for t in (inp.preassigned, inp.published, inp.history)):
            return None
        rules = rm.rules[0]
        if any(name not in SUPPORTED or not rule.hard for (name, _), rule in rules.items()):
            return None
        paths = cls(rm, budget)
        if np.prod(paths.shape) > MOST_STATES:
            return None
        return paths

    # ---- the programme ---------------------------------------------------------------------
    def _allowed(self, domains: Mapping[tuple[int, str], tuple[int, int]], d: int) -> list[bool]:
        """Which choices day ``d`` allows under the variables' domains (a fixing at 1 allows only it;
        a key ``(d, WORKS)`` at least 1, a whole-day fixing, allows no day off)."""
        ok = [(d, WORKS) not in domains or domains[(d, WORKS)][0] < 1]
        ok += [(d, s) in domains and domains[(d, s)][1] >= 1 for s in self.types]
        forced = [k + 1 for k, s in enumerate(self.types) if (d, s) in domains and domains[(d, s)][0] >= 1]
        if forced:
            ok = [k in forced for k in range(len(ok))]
        return ok

    def _costs(self, mu: Mapping[tuple[int, str], int], scale: int) -> np.ndarray:
        """Each day's choice's cost: ``scale`` times the denied requests less the multiplier."""
        cost = scale * self.requests.astype(float)
        for k, s in enumerate(self.types):
            for d in range(self.days):
                cost[d, k + 1] -= mu.get((d, s), 0)
        return cost

    def _shifted(self, arr: np.ndarray, axis: int, by: int, cap: int, saturate: bool) -> np.ndarray:
        """``arr`` with its ``axis`` (a resource) raised by ``by``: beyond ``cap`` dropped, or
        (``saturate``) kept at ``cap``."""
        if by == 0:
            return arr
        out = np.full_like(arr, INF)
        src = [slice(None)] * arr.ndim
        dst = [slice(None)] * arr.ndim
        if by <= cap:
            src[axis], dst[axis] = slice(0, cap + 1 - by), slice(by, cap + 1)
            out[tuple(dst)] = arr[tuple(src)]
        if saturate:
            top: list[int | slice] = [slice(None)] * arr.ndim
            top[axis] = cap
            tail = [slice(None)] * arr.ndim
            tail[axis] = slice(max(cap + 1 - by, 0), cap + 1)
            out[tuple(top)] = np.minimum(out[tuple(top)], arr[tuple(tail)].min(axis=axis))
        return out

    def _work(self, arr: np.ndarray, d: int, k: int, weekend: int) -> np.ndarray:
        """Resources after working type ``types[k]`` on day ``d`` (``weekend``: 1 if it starts a
        weekend worked), on arrays shaped like a state's resources (axis 0: minutes)."""
        s = self.types[k]
        arr = self._shifted(arr, 0, self.units[(d, s)], self.cap_units, self.max_units is None)
        if weekend:
            arr = self._shifted(arr, 1, 1, self.cap_weekends, self.max_weekends is None)
        if s in self.tracked:
            t = 2 + self.tracked.index(s)
            arr = self._shifted(arr, t, 1, self.type_max[s], False)
        return arr

    def _step(self, prev: np.ndarray | None, d: int, cost: np.ndarray, ok: list[bool]) -> np.ndarray:
        """The states after day ``d`` from those after day ``d - 1`` (``prev``; None on day 0).
        A state's axes: choice, minutes, weekends, tracked counts, run length, begun on day 0."""
        out = np.full(self.shape, INF)
        if prev is None:
            start = np.full(self.shape[1:-2], INF)
            start[(0,) * start.ndim] = 0.0
            if ok[0]:
                out[0, ..., 1, 1] = start + cost[d, 0]
            weekend = int(d in self.sat or d in self.sun)
            for k in range(len(self.types)):
                if ok[k + 1]:
                    out[k + 1, ..., 1, 1] = self._work(start, d, k, weekend) + cost[d, k + 1]
            return out
        off, work = prev[0], prev[1:]
        cap = self.cap_off
        if ok[0]:
            # 2. a run of days off grows; 3. a run of working days ends
            out[0, ..., 2 : cap + 1, :] = off[..., 1:cap, :]
            out[0, ..., cap, :] = np.minimum(out[0, ..., cap, :], off[..., cap, :])
            ended = np.where(self.work_end, work, INF).min(axis=(0, -2, -1))
            out[0, ..., 1, 0] = np.minimum(out[0, ..., 1, 0], ended)
            out[0] += cost[d, 0]
        back = np.where(self.off_end, off, INF).min(axis=(-2, -1))
        weekend_off = int(d in self.sat or d in self.sun)
        weekend_work = int(d in self.sat or (d in self.sun and self.sun[d] is None))
        shared: dict[tuple[Any, ...], np.ndarray] = {}  # types alike today share their states
        for k in range(len(self.types)):
            if not ok[k + 1]:
                continue
            s = self.types[k]
            key = (tuple(self.after[k]), self.units[(d, s)], s if s in self.tracked else None)
            if key not in shared:
                shared[key] = self._worked(prev, back, d, k, weekend_work, weekend_off)
            out[k + 1] = shared[key] + cost[d, k + 1]
        return out

    def _worked(
        self, prev: np.ndarray, back: np.ndarray, d: int, k: int, weekend_work: int, weekend_off: int
    ) -> np.ndarray:
        """The states of working ``types[k]`` on day ``d`` before its cost: a run of working days
        grown from the day before, or begun after a run of days off that may end (``back``)."""
        before = self.after[k][1:]
        top = self.cap_work
        run = np.full(self.shape[1:], INF)
        if before:
            grow = prev[before].min(axis=0)  # (*resources, runs, 2)
            run[..., 2 : top + 1, :] = grow[..., 1:top, :]
            if self.max_run is None:
                run[..., top, :] = np.minimum(run[..., top, :], grow[..., top, :])
            else:
                run[..., self.max_run + 1 :, :] = INF
            run = self._work(run, d, k, weekend_work)
        run[..., 1, 0] = np.minimum(run[..., 1, 0], self._work(back, d, k, weekend_off))
        return run

    def _final(self, last: np.ndarray) -> np.ndarray:
        """The last day's states with those breaking a least (minutes, tracked types) dropped."""
        out = last.copy()
        if self.min_units > 0:
            out[:, : self.min_units] = INF
        for t, s in enumerate(self.tracked):
            least = self.type_min.get(s, 0)
            if least > 0:
                index = [slice(None)] * out.ndim
                index[3 + t] = slice(0, least)
                out[tuple(index)] = INF
        return out

    def price(
        self,
        mu: Mapping[tuple[int, str], int],
        domains: Mapping[tuple[int, str], tuple[int, int]],
        scale: int,
        pool: int = 5,
    ) -> tuple[list[Path], float, bool]:
        """The best lines against ``mu`` (per day and shift, in 1/``scale`` points) within the
        variables' ``domains`` ((day, shift) -> (least, most); a missing key cannot be worked):
        up to ``pool`` lines from distinct end states, best last, each meeting every rule; the
        least value (a lower bound of the pricing problem; inf: no line); and whether the best
        line met the untracked type counts too (then it is the pricing problem's optimum)."""
        cost = self._costs(mu, scale)
        states = []
        prev = None
        for d in range(self.days):
            prev = self._step(prev, d, cost, self._allowed(domains, d))
            states.append(prev)
        assert prev is not None
        final = self._final(prev)
        flat = final.ravel()
        order = np.argsort(flat, kind="stable")
        least = float(flat[order[0]]) if len(order) else INF
        if not math.isfinite(least):
            return [], INF, True
        found: list[Path] = []
        exact = True
        for i in order[: max(pool, 1) * 4]:
            if len(found) >= pool or not math.isfinite(flat[i]):
                break
            end = np.unravel_index(int(i), final.shape)
            path = self._path(states, end, cost)
            if self._meets(path):
                found.append(path)
            elif not found:
                exact = False
                break
        return found[::-1], least, exact

    def _meets(self, path: Path) -> bool:
        """Whether the line meets the untracked shift-type counts."""
        for s in self.types:
            n = sum(1 for _, t in path.shifts if t == s)
            if n > self.type_max.get(s, n) or n < self.type_min.get(s, 0):
                return False
        return True

    def _path(
        self,
        states: list[np.ndarray],
        end: tuple[Any, ...],
        cost: np.ndarray,
    ) -> Path:
        """The line ending in state ``end``: back through the days, each day's state one that
        the step from the day before reaches at the recorded value."""
        value = float(states[-1][end])
        state = tuple(int(v) for v in end)
        chosen: list[int] = [state[0]]
        for d in range(self.days - 1, 0, -1):
            state = self._before(states[d - 1], d, state, float(states[d][state]) - cost[d, state[0]])
            chosen.append(state[0])
        chosen.reverse()
        shifts = frozenset((d, self.types[c - 1]) for d, c in enumerate(chosen) if c)
        own = int(sum(self.requests[d, c] for d, c in enumerate(chosen)))
        return Path(shifts, value, own)

    def _before(
        self,
        prev: np.ndarray,
        d: int,
        state: tuple[int, ...],
        want: float,
    ) -> tuple[int, ...]:
        """A state after day ``d - 1`` from which a legal step of day ``d`` reaches ``state`` at
        ``want`` (the transitions of :meth:`_step`, backwards)."""
        c, *res, r, e = state
        at = tuple(res)
        if c == 0:
            runs = ([r - 1] if r >= 2 else []) + ([r] if r == self.cap_off else [])
            for q in runs:
                if abs(prev[(0, *at, q, e)] - want) < 0.5:
                    return (0, *at, q, e)
            if r == 1 and e == 0:  # a run of working days ended on day d - 1
                index: tuple[Any, ...] = (slice(1, None), *at)
                hit = _first(prev[index], want, self.work_end)
                if hit is not None:
                    return (hit[0] + 1, *at, hit[1], hit[2])
        else:
            s = self.types[c - 1]
            weekend_off = int(d in self.sat or d in self.sun)
            weekend_work = int(d in self.sat or (d in self.sun and self.sun[d] is None))
            runs = [q for q in range(1, self.runs) if self._grown(q) == r]
            for before in self._unworked(res, d, s, weekend_work):
                for q in runs:
                    for k in self.after[c - 1][1:]:
                        if abs(prev[(k, *before, q, e)] - want) < 0.5:
                            return (k, *before, q, e)
            if r == 1 and e == 0:  # a run of days off ended on day d - 1
                for before in self._unworked(res, d, s, weekend_off):
                    hit = _first(prev[(0, *before)], want, self.off_end)
                    if hit is not None:
                        return (0, *before, *hit)
        raise AssertionError(f"no state before day {d} reaches {state}")

    def _grown(self, q: int) -> int | None:
        """The length of a run of working days of ``q`` after one more day (None: too long)."""
        if self.max_run is not None:
            return q + 1 if q + 1 <= self.max_run else None
        return min(q + 1, self.cap_work)

    def _unworked(self, res: list[int], d: int, s: str, weekend: int) -> list[tuple[int, ...]]:
        """The resources before working ``s`` on day ``d`` that :meth:`_work` takes to ``res``."""
        axes = [
            (self.units[(d, s)], self.cap_units, self.max_units is None),
            (weekend, self.cap_weekends, self.max_weekends is None),
        ]
        axes += [(int(t == s), self.type_max[t], False) for t in self.tracked]
        options: list[list[int]] = []
        for value, (by, cap, saturate) in zip(res, axes, strict=True):
            if saturate and value == cap:
                options.append(list(range(max(cap - by, 0), cap + 1)))
            else:
                options.append([value - by] if value - by >= 0 else [])
        return list(itertools.product(*options))


def _first(values: np.ndarray, want: float, may: np.ndarray) -> tuple[int, ...] | None:
    """The first index of ``values`` at ``want`` where ``may`` (broadcast on its last axes) allows."""
    hits = np.argwhere((np.abs(values - want) < 0.5) & may)
    return None if len(hits) == 0 else tuple(int(v) for v in hits[0])


def _request_costs(rm: RosterModel, types: list[str]) -> np.ndarray:
    """Penalty points of the requests denied by each day's choice (column 0: off), as
    :func:`models.roster.rules.requests` charges them."""
    inp = rm.inp
    out = np.zeros((inp.days, len(types) + 1), dtype=np.int64)
    if inp.requests is None:
        return out
    for r in inp.requests.itertuples(index=False):
        d = inp.day_index(r.date)
        if not 0 <= d < inp.days:
            continue
        for c in range(len(types) + 1):
            s = types[c - 1] if c else None
            works = s is not None and (0, d, s) in rm.x
            if r.shift_id:
                hit = works and s == r.shift_id
            else:
                hit = works
            denied = (not hit) if r.kind == "on" else hit
            out[d, c] += int(r.weight) * int(denied)
    return out
