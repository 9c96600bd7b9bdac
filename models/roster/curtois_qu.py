"""The Curtois & Qu employee shift-scheduling benchmark: read an instance, score and write a roster.

Three independent pieces:

* :func:`read_instance` parses the benchmark's text format (``SECTION_*`` blocks) into a
  :class:`CurtoisQuInstance` and :func:`to_roster_input` maps it onto the rota model's
  :class:`~models.roster.input.RosterInput` (every benchmark constraint hard, the objective
  the benchmark's soft penalties).
* :func:`score_roster` is the benchmark's own penalty function on a roster (employee -> shift id
  per day, "" for a day off), written from the benchmark's definition and not from the rota
  model, so a test can hold the two against each other. It also lists hard-constraint breaches.
* :func:`write_roster` / :func:`read_roster` handle the benchmark's XML roster (solution) format.

Definition, as published, with the boundary rule that reproduces the published optima: the
minimum-consecutive-shifts and minimum-consecutive-days-off rules do not apply to a run that
touches the first or last day of the horizon. Day 0 is a Monday.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models.roster.input import RosterInput

FIRST_MONDAY = dt.date(2024, 1, 1)
"""Date given to day 0 when mapping onto the rota model (any Monday gives the same rota)."""

Roster = dict[str, list[str]]
"""Employee id -> shift id on each day of the horizon ("" = off)."""


@dataclass(frozen=True)
class CQShift:
    shift_id: str
    minutes: int
    not_followed_by: tuple[str, ...]


@dataclass(frozen=True)
class CQEmployee:
    employee_id: str
    max_shifts: tuple[tuple[str, int], ...]  # (shift id, most shifts of it)
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int

    def limits(self) -> tuple:
        return (
            self.max_shifts,
            self.max_total_minutes,
            self.min_total_minutes,
            self.max_consecutive_shifts,
            self.min_consecutive_shifts,
            self.min_consecutive_days_off,
            self.max_weekends,
        )


@dataclass(frozen=True)
class CQRequest:
    employee_id: str
    day: int
    shift_id: str
    weight: int


@dataclass(frozen=True)
class CQCover:
    day: int
    shift_id: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class CurtoisQuInstance:
    name: str
    horizon: int
    shifts: tuple[CQShift, ...]
    employees: tuple[CQEmployee, ...]
    days_off: tuple[tuple[str, tuple[int, ...]], ...]
    on_requests: tuple[CQRequest, ...]
    off_requests: tuple[CQRequest, ...]
    cover: tuple[CQCover, ...]


@dataclass(frozen=True)
class CQScore:
    """A roster's benchmark penalty, its parts, and any hard constraint it breaks."""

    penalty: int
    on_requests: int
    off_requests: int
    cover: int
    violations: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        return not self.violations


def read_instance(source: str | Path, name: str | None = None) -> CurtoisQuInstance:
    """Parse an instance from a path, or from the text itself (when it contains ``SECTION_``)."""
    if isinstance(source, str) and "SECTION_" in source:
        text, name = source, name or "instance"
    else:
        path = Path(source)
        if not path.exists():
            raise ValueError(f"Curtois & Qu instance {path} does not exist")
        text, name = path.read_text(), name or path.stem
    sections: dict[str, list[list[str]]] = {}
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            sections[current] = []
        elif current is None:
            raise ValueError(f"{name}, line {number}: data before the first SECTION_ header")
        else:
            sections[current].append([f.strip() for f in line.split(",")])
    for needed in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_COVER"):
        if needed not in sections:
            raise ValueError(f"{name}: missing section {needed}")
    try:
        horizon = int(sections["SECTION_HORIZON"][0][0])
        shifts = tuple(
            CQShift(r[0], int(r[1]), tuple(s for s in (r[2] if len(r) > 2 else "").split("|") if s))
            for r in sections["SECTION_SHIFTS"]
        )
        employees = tuple(
            CQEmployee(
                r[0],
                tuple((k, int(v)) for k, v in (p.split("=") for p in r[1].split("|") if p)),
                int(r[2]),
                int(r[3]),
                int(r[4]),
                int(r[5]),
                int(r[6]),
                int(r[7]),
            )
            for r in sections["SECTION_STAFF"]
        )
        days_off = tuple(
            (r[0], tuple(int(d) for d in r[1:] if d)) for r in sections.get("SECTION_DAYS_OFF", [])
        )

        def requests(key: str) -> tuple[CQRequest, ...]:
            return tuple(CQRequest(r[0], int(r[1]), r[2], int(r[3])) for r in sections.get(key, []))

        on, off = requests("SECTION_SHIFT_ON_REQUESTS"), requests("SECTION_SHIFT_OFF_REQUESTS")
        cover = tuple(
            CQCover(int(r[0]), r[1], int(r[2]), int(r[3]), int(r[4])) for r in sections["SECTION_COVER"]
        )
    except (IndexError, ValueError) as exc:
        raise ValueError(f"{name}: malformed line ({exc})") from None
    if horizon < 1 or horizon % 7:
        raise ValueError(f"{name}: horizon {horizon} is not a positive multiple of 7")
    return CurtoisQuInstance(name, horizon, shifts, employees, days_off, on, off, cover)


def to_roster_input(inst: CurtoisQuInstance, first_date: dt.date = FIRST_MONDAY) -> RosterInput:
    """The rota model's input: one rule group per distinct set of employee limits, all rules hard."""
    if first_date.weekday() != 0:
        raise ValueError(f"first_date {first_date} must be a Monday (the benchmark's day 0 is a Monday)")
    staff, rules = _limit_groups(inst)

    def date(day: int) -> dt.date:
        return first_date + dt.timedelta(days=day)

    cover = [
        {
            "date": date(c.day),
            "shift_id": c.shift_id,
            "preferred": c.requirement,
            "under_weight": c.under_weight,
            "over_weight": c.over_weight,
        }
        for c in inst.cover
    ]
    leave = [{"staff_id": e, "date": date(d), "reason": "day off"} for e, days in inst.days_off for d in days]
    requests = [
        {
            "staff_id": r.employee_id,
            "date": date(r.day),
            "shift_id": r.shift_id,
            "kind": kind,
            "weight": r.weight,
        }
        for kind, asked in (("on", inst.on_requests), ("off", inst.off_requests))
        for r in asked
    ]
    return RosterInput(
        staff=staff,
        shifts=pd.DataFrame([{"shift_id": s.shift_id, "length_minutes": s.minutes} for s in inst.shifts]),
        first_date=first_date,
        days=inst.horizon,
        cover=pd.DataFrame(cover),
        rules=rules,
        leave=pd.DataFrame(leave, columns=["staff_id", "date", "reason"]),
        requests=pd.DataFrame(requests, columns=["staff_id", "date", "shift_id", "kind", "weight"]),
        forbidden_successions=pd.DataFrame(
            [{"first": s.shift_id, "second": n} for s in inst.shifts for n in s.not_followed_by],
            columns=["first", "second"],
        ),
        timezone="UTC",  # the benchmark's days have no clock changes
        name=inst.name,
    )


def _limit_groups(inst: CurtoisQuInstance) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The staff and rules tables: one rule group per distinct set of employee limits, all hard."""
    groups: dict[tuple, str] = {}
    staff, rules = [], []
    for e in inst.employees:
        if e.limits() not in groups:
            group = groups[e.limits()] = f"limits-{len(groups) + 1}"
            rules += [(group, "max_shifts_of_type", s, n) for s, n in e.max_shifts]
            rules += [
                (group, "max_total_hours", "", e.max_total_minutes / 60),
                (group, "min_total_hours", "", e.min_total_minutes / 60),
                (group, "max_consecutive_days", "", e.max_consecutive_shifts),
                (group, "min_consecutive_days", "", e.min_consecutive_shifts),
                (group, "min_consecutive_days_off", "", e.min_consecutive_days_off),
                (group, "max_weekends", "", e.max_weekends),
            ]
        staff.append({"staff_id": e.employee_id, "group": groups[e.limits()]})
    table = [
        {"group": g, "rule": r, "shift": s, "limit": v, "hard": True, "weight": 1} for g, r, s, v in rules
    ]
    return pd.DataFrame(staff), pd.DataFrame(table)


def roster_from_assignments(
    inst: CurtoisQuInstance, assignments: pd.DataFrame, first_date: dt.date = FIRST_MONDAY
) -> Roster:
    """An assignments table (``staff_id``, ``date``, ``shift_id``) as a benchmark roster."""
    roster = {e.employee_id: [""] * inst.horizon for e in inst.employees}
    for a in assignments.itertuples(index=False):
        roster[a.staff_id][(pd.Timestamp(a.date).date() - first_date).days] = a.shift_id
    return roster


def _runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """(start, length) of every run of True."""
    out, start = [], None
    for i, f in enumerate([*flags, False]):
        if f and start is None:
            start = i
        elif not f and start is not None:
            out.append((start, i - start))
            start = None
    return out


def score_roster(inst: CurtoisQuInstance, roster: Mapping[str, Sequence[str]]) -> CQScore:
    """The benchmark's objective of ``roster`` and the hard constraints it breaks (with the boundary rule)."""
    h = inst.horizon
    lengths = {s.shift_id: s.minutes for s in inst.shifts}
    banned_next = {s.shift_id: set(s.not_followed_by) for s in inst.shifts}
    days_off = dict(inst.days_off)
    bad: list[str] = []
    for e in inst.employees:
        row = list(roster.get(e.employee_id, [""] * h))
        if len(row) != h:
            bad.append(f"{e.employee_id}: roster has {len(row)} days, horizon is {h}")
            continue
        for d, s in enumerate(row):
            if s and s not in lengths:
                bad.append(f"{e.employee_id} day {d}: unknown shift {s!r}")
        row = [s if s in lengths else "" for s in row]
        for d in range(h - 1):
            if row[d] and row[d + 1] in banned_next[row[d]]:
                bad.append(f"{e.employee_id} day {d}: {row[d + 1]} may not follow {row[d]}")
        for s, most in e.max_shifts:
            if row.count(s) > most:
                bad.append(f"{e.employee_id}: {row.count(s)} {s} shifts, at most {most}")
        minutes = sum(lengths[s] for s in row if s)
        if not e.min_total_minutes <= minutes <= e.max_total_minutes:
            bad.append(
                f"{e.employee_id}: {minutes} minutes, outside {e.min_total_minutes}..{e.max_total_minutes}"
            )
        worked = [bool(s) for s in row]
        for start, length in _runs(worked):
            if length > e.max_consecutive_shifts:
                most = e.max_consecutive_shifts
                bad.append(f"{e.employee_id} day {start}: {length} shifts in a row, at most {most}")
            inside = start > 0 and start + length < h
            if inside and length < e.min_consecutive_shifts:
                least = e.min_consecutive_shifts
                bad.append(f"{e.employee_id} day {start}: {length} shifts in a row, at least {least}")
        for start, length in _runs([not w for w in worked]):
            inside = start > 0 and start + length < h
            if inside and length < e.min_consecutive_days_off:
                bad.append(
                    f"{e.employee_id} day {start}: {length} days off in a row, "
                    f"at least {e.min_consecutive_days_off}"
                )
        weekends = sum(worked[w * 7 + 5] or worked[w * 7 + 6] for w in range(h // 7))
        if weekends > e.max_weekends:
            bad.append(f"{e.employee_id}: {weekends} weekends worked, at most {e.max_weekends}")
        for d in days_off.get(e.employee_id, ()):
            if 0 <= d < h and worked[d]:
                bad.append(f"{e.employee_id} day {d}: works on a day off")
    on = sum(r.weight for r in inst.on_requests if roster.get(r.employee_id, [""] * h)[r.day] != r.shift_id)
    off = sum(r.weight for r in inst.off_requests if roster.get(r.employee_id, [""] * h)[r.day] == r.shift_id)
    cover = 0
    for c in inst.cover:
        n = sum(1 for e in inst.employees if roster.get(e.employee_id, [""] * h)[c.day] == c.shift_id)
        cover += c.under_weight * max(0, c.requirement - n) + c.over_weight * max(0, n - c.requirement)
    return CQScore(on + off + cover, on, off, cover, tuple(bad))


def write_roster(
    inst: CurtoisQuInstance,
    roster: Mapping[str, Sequence[str]],
    penalty: int | None = None,
    instance_file: str | None = None,
) -> str:
    """The roster in the benchmark's XML solution format (``<Roster>`` with ``<Assign>`` per shift)."""
    root = ET.Element(
        "Roster",
        {
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:noNamespaceSchemaLocation": "Roster.xsd",
        },
    )
    ET.SubElement(root, "SchedulingPeriodFile").text = instance_file or f"{inst.name}.ros"
    ET.SubElement(root, "Penalty").text = str(
        score_roster(inst, roster).penalty if penalty is None else penalty
    )
    for e in inst.employees:
        node = ET.SubElement(root, "Employee", {"ID": e.employee_id})
        for day, shift in enumerate(roster.get(e.employee_id, ())):
            if shift:
                assign = ET.SubElement(node, "Assign")
                ET.SubElement(assign, "Day").text = str(day)
                ET.SubElement(assign, "Shift").text = shift
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def read_roster(inst: CurtoisQuInstance, xml_text: str) -> Roster:
    """Parse a roster in the benchmark's XML solution format."""
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        raise ValueError(f"roster XML is malformed: {exc}") from None
    roster = {e.employee_id: [""] * inst.horizon for e in inst.employees}
    for node in root.iter("Employee"):
        eid = node.get("ID", "")
        if eid not in roster:
            raise ValueError(f"roster XML: unknown employee {eid!r}")
        for assign in node.iter("Assign"):
            day = int(assign.findtext("Day", "-1"))
            if not 0 <= day < inst.horizon:
                raise ValueError(f"roster XML: employee {eid} day {day} outside 0..{inst.horizon - 1}")
            roster[eid][day] = assign.findtext("Shift", "")
    return roster


def best_known(path: str | Path) -> pd.DataFrame:
    """``best_known.csv``: instance, weeks, employees, shift_types, lower bound, best known solution."""
    return pd.read_csv(path)
