"""Constraint families of the detailed-rota model, one function each (numbered as in :mod:`models.roster`).

Every family reads the rules of each person's group, and for each rule either adds hard
constraints or named penalty terms (:meth:`RosterModel.pattern`, :meth:`RosterModel.limit`).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from ortools.sat.python import cp_model

from models.common.words import count as counted
from models.roster.input import Rule, parse_list
from models.roster.vars import BIG, RosterModel


def _minutes(hours: float) -> int:
    return round(hours * 60)


def _as_int(lit: object) -> object:
    """A literal as a 0-1 term of a linear constraint (CP-SAT reads a negated literal as ``1 - v``)."""
    if isinstance(lit, bool):
        return int(lit)
    return lit


def cover(rm: RosterModel) -> None:
    """(2) ``m_r <= n_r = sum_{p has skill k} x[p, d, s] <= M_r``;
    ``under_r = max(0, q_r - n_r)``, ``over_r = max(0, n_r - q_r)``."""
    skills = [set(parse_list(s)) for s in rm.inp.staff["skills"]]
    for r in rm.inp.cover.itertuples(index=False):
        d = rm.inp.day_index(r.date)
        who = [p for p in range(len(rm.staff)) if not r.skill or r.skill in skills[p]]
        n = sum(rm.x[(p, d, r.shift_id)] for p in who if (p, d, r.shift_id) in rm.x)
        detail = f"{r.shift_id}" + (f" ({r.skill})" if r.skill else "")
        hi = r.maximum if r.maximum >= 0 else None
        if r.minimum > 0:
            rm.limit(rm.hard_structural(), "cover_minimum", None, d, detail, n, lo=r.minimum)
        if hi is not None:
            rm.limit(rm.hard_structural(), "cover_maximum", None, d, detail, n, hi=hi)
        if not rm.elastic:
            rm.limit(("soft", r.under_weight), "under_cover", None, d, detail, n, lo=r.preferred)
            rm.limit(("soft", r.over_weight), "over_cover", None, d, detail, n, hi=r.preferred)


def _close_pairs(rm: RosterModel, need: int) -> list[tuple[str, str, int, int]]:
    """(a, b, k, d): shift ``b`` on day ``d + k`` starts less than ``need`` minutes (elapsed)
    after shift ``a`` on day ``d`` ends, for every known ``d`` with ``d + k`` in the horizon."""
    clock = rm.clock
    reach = math.ceil((clock.longest_reach() + need + 60) / 1440)
    out = []
    for k in range(1, reach + 1):
        for d in range(max(rm.first_known_day, -k), rm.inp.days - k):
            for a in rm.shifts:
                for b in rm.shifts:
                    if clock.gap(d, a, k, b) < need:
                        out.append((a, b, k, d))
    return out


def rest_between_shifts(rm: RosterModel) -> None:
    """(3) ``x[p, d, a] + x[p, d+k, b] <= 1`` when ``start(d+k, b) - end(d, a) < 60 R`` in elapsed
    (UTC) minutes (rule ``min_rest_hours``), and for every listed succession ``(a, b)`` with ``k = 1``."""
    succ = [(r.first, r.second) for r in rm.inp.forbidden_successions.itertuples(index=False)]
    pairs_by_need: dict[int, list[tuple[str, str, int, int]]] = {}
    for p in range(len(rm.staff)):
        for a, b in succ:
            for d in range(max(rm.first_known_day, -1), rm.inp.days - 1):
                rm.pattern(
                    rm.hard_structural(), "forbidden_succession", p, d, f"{a} then {b}",
                    [rm.assign(p, d, a), rm.assign(p, d + 1, b)],
                )  # fmt: skip
        rule = rm.rule(p, "min_rest_hours")
        if rule is None:
            continue
        need, mode = _minutes(rule.limit), rm.mode(rule)
        if need not in pairs_by_need:
            pairs_by_need[need] = _close_pairs(rm, need)
        for a, b, k, d in pairs_by_need[need]:
            rm.pattern(
                mode, "min_rest_hours", p, d, f"{a} then {b}" + (f" {k} days later" if k > 1 else ""),
                [rm.assign(p, d, a), rm.assign(p, d + k, b)],
            )  # fmt: skip


def _runs(
    rm: RosterModel,
    p: int,
    seq: dict[tuple[int, int], object],
    what: str,
    max_rule: str | None,
    min_rule: str | None,
    off: bool = False,
) -> None:
    """Max and min run lengths of ``seq`` (True = in the run; ``off`` flips it) over the known days.

    Max ``L``: every window of ``L + 1`` known days touching the horizon holds at most ``L`` (soft:
    one unit per window fully in the run). Min ``L``: no run of length ``l < L`` framed by two
    known days outside the run (soft: ``L - l`` units); runs touching the edge of the known days
    are exempt, as the benchmark's boundary rule says.
    """
    first, last = rm.first_known_day, rm.inp.days - 1

    def lit(d: int) -> object:
        v = seq[(p, d)]
        if not off:
            return v
        return (not v) if isinstance(v, bool) else v.Not()

    def neg(d: int) -> object:
        v = seq[(p, d)]
        if off:
            return v
        return (not v) if isinstance(v, bool) else v.Not()

    rule = rm.rule(p, max_rule) if max_rule else None
    if rule is not None:
        limit = int(rule.limit)
        mode = rm.mode(rule)
        for start in range(max(first, -limit), last - limit + 1):
            window = list(range(start, start + limit + 1))
            if mode[0] == "hard" and not off:
                rm.limit(mode, max_rule, p, start + limit, what, sum(lit(d) for d in window), hi=limit)
            else:
                rm.pattern(mode, max_rule, p, start + limit, what, [lit(d) for d in window])
    rule = rm.rule(p, min_rule) if min_rule else None
    if rule is not None:
        limit = int(math.ceil(rule.limit))
        mode = rm.mode(rule)
        if mode[0] == "hard":
            # A run starting on d >= 0 (framed by d - 1) lasts limit days or reaches the last day:
            # lit(d + j) >= lit(d) - lit(d - 1), j < limit: the same rotas as forbidding short framed
            # runs, with a tighter LP. A run begun in the history binds only if it reaches day 0.
            for start in range(first + 1, last + 1):
                if start < 0:
                    begun = lit(start - 1) is False and all(lit(d) is True for d in range(start, 0))
                    if not begun:
                        continue
                for j in range(1, min(limit, last - start + 1)):
                    if start + j <= 0:
                        continue
                    a = lit(start + j)
                    rise = lit(0) if start < 0 else lit(start)
                    fall = False if start < 0 else lit(start - 1)
                    terms = (_as_int(a), _as_int(rise), _as_int(fall))
                    if all(isinstance(t, int) for t in terms):
                        if terms[0] < terms[1] - terms[2]:
                            rm.model.add_bool_or([])  # fixed by leave and history: infeasible
                        continue
                    rm.model.add(terms[0] >= terms[1] - terms[2])
            return
        for length in range(1, limit):
            for start in range(first + 1, last - length + 1):
                if start + length - 1 < 0:
                    continue
                lits = (
                    [neg(start - 1)] + [lit(d) for d in range(start, start + length)] + [neg(start + length)]
                )
                rm.pattern(
                    mode, min_rule, p, max(start, 0), f"{what} run of {length}", lits, amount=limit - length
                )


def consecutive_days(rm: RosterModel) -> None:
    """(4) Runs of working days (``max_consecutive_days``, ``min_consecutive_days``) and of days off
    (``min_consecutive_days_off``) on ``work[p, d]``."""
    for p in range(len(rm.staff)):
        _runs(rm, p, rm.work, "working days", "max_consecutive_days", "min_consecutive_days")
        _runs(rm, p, rm.work, "days off", None, "min_consecutive_days_off", off=True)


def night_blocks(rm: RosterModel) -> None:
    """(5) ``max_consecutive_nights`` on ``night[p, d]``; ``rest_after_nights_hours``: no
    ``x[p, d, a] ∧ ¬night[p, d+1] ∧ x[p, d+k, b]`` (a night) with ``start(d+k, b) - end(d, a) < 60 R``
    in elapsed minutes; the shifts ``b`` too close on one day are one pattern on ``work[p, d+k]``
    (or ``night[p, d+k]``) when they are all the shifts (all the night shifts) p may work then."""
    nights = [s for s, i in rm.shifts.items() if i.night]
    if not nights:
        return
    pairs_by_need: dict[int, list[tuple[str, str, int, int]]] = {}
    for p in range(len(rm.staff)):
        _runs(rm, p, rm.night, "nights", "max_consecutive_nights", None)
        rule = rm.rule(p, "rest_after_nights_hours")
        if rule is None:
            continue
        need, mode = _minutes(rule.limit), rm.mode(rule)
        if need not in pairs_by_need:
            pairs_by_need[need] = [
                q
                for q in _close_pairs(rm, need)
                if q[0] in nights and not (q[2] == 1 and rm.shifts[q[1]].night)
            ]
        grouped: dict[tuple[str, int, int], list[str]] = {}
        for a, b, k, d in pairs_by_need[need]:
            grouped.setdefault((a, k, d), []).append(b)
        for (a, k, d), close in grouped.items():
            after = rm.night[(p, d + 1)]
            gap = [] if k == 1 else [(not after) if isinstance(after, bool) else after.Not()]
            for detail, then in _any_of(rm, p, d + k, close):
                rm.pattern(
                    mode,
                    "rest_after_nights_hours",
                    p,
                    d + k,
                    f"{detail} after nights ending {a}",
                    [rm.assign(p, d, a), *gap, *then],
                )


def _any_of(rm: RosterModel, p: int, e: int, close: list[str]) -> list[tuple[str, list[object]]]:
    """Literals "person p works one of the shifts ``close`` on day e", as few conjunctions as
    possible: ``work[p, e]`` when they are every shift p may work that day, ``night[p, e]`` when
    every night shift, else one per shift (at most one shift a day, so the patterns' sum is the
    same either way)."""
    can = [s for s in rm.shifts if (p, e, s) in rm.x]
    hit = [s for s in can if s in close]
    if not hit:
        return []
    nights = {s for s in can if rm.shifts[s].night}
    work, night = rm.work[(p, e)], rm.night[(p, e)]
    detail = "|".join(hit)
    if len(hit) == len(can):
        return [(detail, [work])]
    if set(hit) == nights:
        return [(detail, [night])]
    return [(s, [rm.x[(p, e, s)]]) for s in hit]


def paid_hours(rm: RosterModel) -> None:
    """(6) Paid minutes ``h[p, d] = sum_s paid_s x[p, d, s]``: every 7-day window ``<= 60 L``
    (``max_hours_7_days``, history included; a window whose longest possible shifts stay within
    the limit is left out); horizon total ``<= 60 L D / 7``
    (``max_average_weekly_hours``; on a horizon longer than ``reference_weeks``, every reference
    period instead: :func:`_reference_periods`), within ``60 (c D / 7 - credit) ± 60 t D / 7``
    (``contract_hours_tolerance``), within ``max_total_hours``/``min_total_hours``. A model of some of
    the horizon's days (``rm.outside``) adds the rota's minutes outside them to the total, and reads
    ``D`` and the credit of the whole horizon."""
    days = rm.inp.days
    credit: dict[str, float] = rm.inp.leave.groupby("staff_id")["credit_hours"].sum().to_dict()
    out = rm.outside
    if out is not None:
        credit = out.credit
    contract = rm.inp.staff["contract_hours_week"].tolist()
    for p in range(len(rm.staff)):
        total = rm.paid_total(p, range(days))
        if out is not None:
            total = total + out.minutes.get(p, 0)
        rule = rm.rule(p, "max_hours_7_days")
        if rule is not None:
            hi = _minutes(rule.limit)
            for start in range(rm.first_known_day, max(rm.first_known_day, days - 7) + 1):
                window = range(start, min(start + 7, days))
                if window[-1] < 0 or rm.most_paid(p, window) <= hi:
                    continue  # all history, or cannot exceed the limit (leave, short shifts)
                rm.limit(
                    rm.mode(rule),
                    "max_hours_7_days",
                    p,
                    start,
                    "7 days from this date",
                    rm.paid_total(p, window),
                    hi=hi,
                    unit=60,
                )
        horizon = days if out is None else out.days
        rule = rm.rule(p, "max_average_weekly_hours")
        if rule is not None and not _reference_periods(rm, p, rule):
            hi = math.floor(rule.limit * 60 * horizon / 7 + 1e-6)
            rm.limit(rm.mode(rule), "max_average_weekly_hours", p, None, "", total, hi=hi, unit=60)
        rule = rm.rule(p, "contract_hours_tolerance")
        if rule is not None and contract[p] > 0:
            target = contract[p] * 60 * horizon / 7 - 60 * credit.get(rm.staff[p], 0.0)
            band = rule.limit * 60 * horizon / 7
            lo, hi = math.ceil(target - band - 1e-6), math.floor(target + band + 1e-6)
            rm.limit(
                rm.mode(rule), "contract_hours_tolerance", p, None, "", total, lo=max(lo, 0), hi=hi, unit=60
            )
        for name, side in (("max_total_hours", "hi"), ("min_total_hours", "lo")):
            rule = rm.rule(p, name)
            if rule is not None:
                rm.limit(rm.mode(rule), name, p, None, "", total, unit=60, **{side: _minutes(rule.limit)})


def _reference_periods(rm: RosterModel, p: int, rule: Rule) -> bool:
    r"""``max_average_weekly_hours`` over every reference period of :math:`R` = 7
    ``reference_weeks`` consecutive days of the horizon (rolling): paid minutes :math:`\le 60 L R / 7`,
    through the running total :math:`H_{pd} = \sum_{d' < d} h_{pd'}` (:func:`_running_minutes`: two
    terms a period, not :math:`R`); the horizon days outside a model of some of them add their known
    minutes (``rm.reference``); a period that cannot exceed the limit is left out. False (nothing
    built) when the horizon is no longer than :math:`R`: then its own days are the period."""
    period = 7 * rm.params.reference_weeks
    ref = rm.reference
    offset, horizon = (0, rm.inp.days) if ref is None else (ref.offset, ref.horizon_days)
    if horizon <= period:
        return False
    days = rm.inp.days
    outside = {} if ref is None else ref.minutes.get(p, {})
    # known[h]: minutes outside the model on horizon days before h; most[d]: the most paid
    # minutes of model days before d
    known = [
        0,
        *itertools.accumulate(
            0 if offset <= h < offset + days else outside.get(h, 0) for h in range(horizon)
        ),
    ]
    most = [0, *itertools.accumulate(max(rm.paid_terms(p, d)[1], default=0) for d in range(days))]
    hi = math.floor(rule.limit * 60 * period / 7 + 1e-6)
    running: list[Any] | None = None
    for start in range(horizon - period + 1):
        first, stop = max(start - offset, 0), min(start + period - offset, days)
        if first >= stop:
            continue  # wholly outside the model: constants, checked where they were rostered
        constant = known[start + period] - known[start]
        if constant + most[stop] - most[first] <= hi:
            continue
        running = running or _running_minutes(rm, p, most)
        rm.limit(
            rm.mode(rule),
            "max_average_weekly_hours",
            p,
            start - offset,
            f"{counted(rm.params.reference_weeks, 'week')} from this date",
            running[stop] - running[first] + constant,
            hi=hi,
            unit=60,
        )
    return True


def _running_minutes(rm: RosterModel, p: int, most: list[int]) -> list[Any]:
    r""":math:`H_{pd}` for d = 0 .. days: person p's paid minutes before model day d (0 at d = 0; a
    day without a shift to work carries the total over)."""
    running: list[Any] = [0]
    for d in range(rm.inp.days):
        lits, minutes = rm.paid_terms(p, d)
        if not lits:
            running.append(running[-1])
            continue
        total = rm.model.new_int_var(0, most[d + 1], f"paid_before[{rm.staff[p]},{d + 1}]")
        rm.model.add(total == running[-1] + cp_model.LinearExpr.weighted_sum(lits, minutes))
        running.append(total)
    return running


def _outside(rm: RosterModel, what: str, p: int) -> int:
    """Person p's count ``what`` (``weekends``, ``nights``, ``on_calls``) outside the model's days."""
    return 0 if rm.outside is None else int(getattr(rm.outside, what).get(p, 0))


def weekend_literals(rm: RosterModel, p: int) -> list[tuple[int, object]]:
    """(Saturday-or-Sunday index, literal "works that weekend") for every weekend touching the horizon."""
    if p in rm.weekend_cache:
        return rm.weekend_cache[p]
    out: list[tuple[int, object]] = []
    for sat, sun in rm.inp.weekends():
        days = [d for d in (sat, sun) if d is not None]
        lits = [rm.work[(p, d)] for d in days]
        lits = [v for v in lits if v is not False]
        if not lits:
            out.append((days[0], False))
        elif len(lits) == 1:
            out.append((days[0], lits[0]))
        else:
            b = rm.model.new_bool_var(f"weekend[{rm.staff[p]},{days[0]}]")
            rm.model.add_max_equality(b, lits)
            out.append((days[0], b))
    rm.weekend_cache[p] = out
    return out


def weekends(rm: RosterModel) -> None:
    """(7) ``sum_w weekend[p, w] <= L`` (``max_weekends``);
    ``work[p, sat] = work[p, sun]`` (``whole_weekends``)."""
    for p in range(len(rm.staff)):
        rule = rm.rule(p, "max_weekends")
        if rule is not None:
            worked = sum(lit for _, lit in weekend_literals(rm, p)) + _outside(rm, "weekends", p)
            rm.limit(rm.mode(rule), "max_weekends", p, None, "", worked, hi=int(rule.limit))
        rule = rm.rule(p, "whole_weekends")
        if rule is not None:
            mode = rm.mode(rule)
            for sat, sun in rm.inp.weekends():
                if sat is None or sun is None:
                    continue
                ws, wu = rm.work[(p, sat)], rm.work[(p, sun)]
                nws = (not ws) if isinstance(ws, bool) else ws.Not()
                nwu = (not wu) if isinstance(wu, bool) else wu.Not()
                rm.pattern(mode, "whole_weekends", p, sat, "Saturday only", [ws, nwu])
                rm.pattern(mode, "whole_weekends", p, sat, "Sunday only", [nws, wu])


def shift_types(rm: RosterModel) -> None:
    """(8) ``sum_d x[p, d, s]`` within ``min/max_shifts_of_type``; shifts lasting longer than
    ``max_shift_hours`` on their date (elapsed time) and (``preferred_shifts``) outside the
    person's preferred types counted against the rule."""
    preferred = [parse_list(v) for v in rm.inp.staff["preferred_shifts"]]
    for p in range(len(rm.staff)):
        counts = {s: sum(rm.x[(p, d, s)] for d in range(rm.inp.days) if (p, d, s) in rm.x) for s in rm.shifts}
        for s, count in counts.items():
            count = count + (0 if rm.outside is None else rm.outside.shifts.get((p, s), 0))
            for name, side in (("max_shifts_of_type", "hi"), ("min_shifts_of_type", "lo")):
                rule = rm.rule(p, name, s)
                if rule is not None:
                    rm.limit(rm.mode(rule), name, p, None, s, count, **{side: int(rule.limit)})
        rule = rm.rule(p, "max_shift_hours")
        if rule is not None:
            most = math.floor(rule.limit * 60 + 1e-9)
            long = [k for k in rm.x if k[0] == p and rm.clock.elapsed(k[1], k[2]) > most]
            detail = "|".join(sorted({k[2] for k in long}))
            rm.limit(rm.mode(rule), "max_shift_hours", p, None, detail, sum(rm.x[k] for k in long), hi=0)
        rule = rm.rule(p, "preferred_shifts")
        if rule is not None and preferred[p]:
            other = [s for s in rm.shifts if s not in preferred[p]]
            rm.limit(
                rm.mode(rule),
                "preferred_shifts",
                p,
                None,
                "|".join(other),
                sum(counts[s] for s in other),
                hi=0,
            )


def requests(rm: RosterModel) -> None:
    """(9) Denied requests: on ``s`` pays ``w (1 - x[p, d, s])``, on any shift ``w (1 - work)``,
    off ``s`` pays ``w x[p, d, s]``, off the day ``w work[p, d]``."""
    if rm.elastic:
        return
    pos = {s: i for i, s in enumerate(rm.staff)}
    for r in rm.inp.requests.itertuples(index=False):
        p, d = pos[r.staff_id], rm.inp.day_index(r.date)
        lit = rm.assign(p, d, r.shift_id) if r.shift_id else rm.work[(p, d)]
        denied = 1 - lit if r.kind == "on" else lit
        rule = "shift_on_request" if r.kind == "on" else "shift_off_request"
        rm.add_term(
            rule, p, d, r.shift_id or "day", int(denied) if isinstance(denied, bool) else denied, r.weight
        )


def fairness(rm: RosterModel) -> None:
    """(10) Within each group of two or more: ``max_p n_p - min_p n_p <= L`` for nights, weekends and
    on-call shifts (``fair_nights``, ``fair_weekends``, ``fair_on_calls``)."""
    members: dict[str, list[int]] = {}
    for p, g in enumerate(rm.groups):
        members.setdefault(g, []).append(p)
    for group, people in members.items():
        if len(people) < 2:
            continue
        for name in ("fair_nights", "fair_weekends", "fair_on_calls"):
            rule = rm.rule(people[0], name)
            if rule is None or rm.mode(rule)[0] == "skip":
                continue
            counts = []
            for p in people:
                if name == "fair_weekends":
                    counts.append(
                        sum(lit for _, lit in weekend_literals(rm, p)) + _outside(rm, "weekends", p)
                    )
                else:
                    flag = "night" if name == "fair_nights" else "on_call"
                    mine = sum(rm.x[k] for k in rm.x if k[0] == p and getattr(rm.shifts[k[2]], flag))
                    counts.append(mine + _outside(rm, "nights" if flag == "night" else "on_calls", p))
            most, least = rm.model.new_int_var(0, BIG, "most"), rm.model.new_int_var(0, BIG, "least")
            rm.model.add_max_equality(most, counts)
            rm.model.add_min_equality(least, counts)
            rm.limit(rm.mode(rule), name, None, None, f"group {group}", most - least, hi=int(rule.limit))


def changes(rm: RosterModel) -> None:
    """(11) Re-rostering: ``c[p, d] = 1 - x[p, d, s0]`` (published shift ``s0``) or ``work[p, d]`` (was off);
    pay ``change_weight`` each and keep ``sum c <= max_changes``. Days before the first changeable
    date are fixed as published when the variables are made (:func:`make_variables`)."""
    published = rm.inp.published
    if published is None or published.empty:
        return
    pos = {s: i for i, s in enumerate(rm.staff)}
    before = {
        (pos[r.staff_id], rm.inp.day_index(r.date)): r.shift_id for r in published.itertuples(index=False)
    }
    total = 0
    for p in range(len(rm.staff)):
        for d in range(rm.inp.days):
            s0 = before.get((p, d))
            changed = 1 - rm.assign(p, d, s0) if s0 else rm.work[(p, d)]
            changed = int(changed) if isinstance(changed, bool) else changed
            total = total + changed
            if not rm.elastic:
                rm.add_term("change", p, d, f"was {s0 or 'off'}", changed, rm.params.change_weight)
    limit = rm.params.max_changes
    if limit is not None:
        rm.limit(rm.hard_structural(), "max_changes", None, None, "", total, hi=limit)


FAMILIES = (
    cover,
    rest_between_shifts,
    consecutive_days,
    night_blocks,
    paid_hours,
    weekends,
    shift_types,
    requests,
    fairness,
    changes,
)
"""Every constraint family, in the order of the formulation."""
