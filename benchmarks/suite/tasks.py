"""From a suite to tasks (case x backend x repeat), and the results row every task ends as.

A backend a suite asks for that is not installed here gives a ``skipped`` row with the reason,
never an error; ``all`` means every installed backend that the case's family can use.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from benchmarks.suite.backends import installed_backends, unavailable_reason
from benchmarks.suite.definition import Settings, Suite
from benchmarks.suite.registry import Case, CasesUnavailable, Context, PartlyUnavailable, get_family
from solvers import Status

COLUMNS = (
    "key",
    "suite",
    "case",
    "family",
    "model",
    "size",
    "size_value",
    "backend",
    "repeat",
    "status",
    "objective",
    "bound",
    "gap",
    "build_seconds",
    "solve_seconds",
    "wall_seconds",
    "overrun_seconds",
    "peak_memory_mb",
    "published",
    "published_kind",
    "relative_error",
    "check",
    "note",
    "extra",
    "time_limit",
    "gap_limit",
    "threads",
    "seed",
    "finished_at",
)
"""Columns of every results row, in order. ``extra``: a family's further figures as a JSON object
(see :class:`~benchmarks.suite.registry.CaseResult`), empty when it has none. ``overrun_seconds``:
seconds the case's solve ran past its time limit (:mod:`benchmarks.suite.overrun`)."""

NOT_RUN = ("skipped",)
"""Statuses of rows that do not count as finished (a later run tries them again)."""

RETRY_STATUSES = (*(s.value for s in Status), "timeout", "killed", "mismatch")
"""What ``--retry`` may name: a solve's statuses, the harness's (a case past its wall-clock or
memory limit), and ``mismatch`` (a result that contradicted a published optimum)."""


class PublishedValueMismatch(Exception):
    """A case's result contradicts its published optimum: the model or the data is wrong."""

    def __init__(self, rows: list[Mapping[str, Any]], outcome: Any = None):
        self.rows = rows
        self.outcome = outcome  # the runner's BenchOutcome, everything written before raising
        lines = [f"{len(rows)} result(s) contradict the published optimum:"]
        lines += [f"  {r['case']} with {r['backend']}: {r['note']}" for r in rows]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Task:
    """One run: a case, a backend, a repeat index, and the settings it runs under."""

    suite: str
    case: Case
    backend: str
    repeat: int
    settings: Settings

    @property
    def key(self) -> str:
        return f"{self.case.key}|{self.backend}|{self.repeat}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "case": self.case.to_dict(),
            "backend": self.backend,
            "repeat": self.repeat,
            "settings": self.settings.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Task:
        return cls(
            suite=str(data["suite"]),
            case=Case.from_dict(data["case"]),
            backend=str(data["backend"]),
            repeat=int(data["repeat"]),
            settings=Settings(**data["settings"]),
        )


class SuiteEntryError(ValueError):
    """A suite entry whose family's keys cannot be read (a size not NxM, seeds not a list)."""


class ReadKeys(Mapping[str, Any]):
    """A suite entry's own keys, remembering which of them its family read."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self._spec = spec
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return self._spec[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._spec)

    def __len__(self) -> int:
        return len(self._spec)


def _refuse_unread(spec: ReadKeys, cases: list[Case], where: str) -> None:
    """SuiteEntryError for an entry that makes no case, or has a key its family never read.

    A misspelt key (``size:`` for ``sizes:``, ``seed:`` for ``seeds:``) would otherwise run
    nothing, or the family's default, and say nothing.
    """
    if not cases:
        given = ", ".join(sorted(spec)) or "none"
        raise SuiteEntryError(f"{where}: makes no case (its keys: {given})")
    unread = sorted(set(spec) - spec.read)
    if unread:
        known = ", ".join(sorted(spec.read)) or "none"
        raise SuiteEntryError(f"{where}: unknown key(s) {', '.join(unread)} (read: {known})")


@dataclass(frozen=True)
class SuitePlan:
    """Tasks to run, ``skipped`` rows for backends not installed, and notes for absent cases."""

    tasks: tuple[Task, ...]
    skipped: tuple[dict[str, Any], ...]
    notes: tuple[str, ...]


def plan_suite(suite: Suite, context: Context) -> SuitePlan:
    """Expand every entry of ``suite`` into tasks; missing solvers and data become notes."""
    tasks: list[Task] = []
    skipped: list[dict[str, Any]] = []
    notes: list[str] = []
    seen: set[str] = set()
    for number, entry in enumerate(suite.entries, start=1):
        family = get_family(entry.family)
        spec = ReadKeys(entry.spec)
        where = f"{suite.path or suite.name}: cases item {number} ({family.name})"
        try:
            cases = family.expand(spec, context)
            _refuse_unread(spec, cases, where)
        except PartlyUnavailable as exc:
            notes.append(f"{exc} (skipped)")
            cases = exc.cases
        except CasesUnavailable as exc:
            notes.append(f"{exc} (cases skipped)")
            continue
        except (ValueError, TypeError, KeyError) as exc:
            raise SuiteEntryError(f"{where}: {exc}") from None
        for case in cases:
            usable = family.backends_for(case)
            if entry.backends is None:
                chosen = [b for b in installed_backends() if b in usable]
                for missing in (b for b in usable if b not in chosen):
                    why = unavailable_reason(missing)
                    if why and why not in notes:
                        notes.append(why)
            else:
                chosen = list(entry.backends)
            for backend in chosen:
                reason: str | None = None
                if backend not in usable:
                    reason = f"{backend} cannot solve {family.name} cases (it can: {', '.join(usable)})"
                else:
                    reason = unavailable_reason(backend)
                for r in range(entry.settings.repeat):
                    task = Task(suite.name, case, backend, r, entry.settings)
                    if task.key in seen:
                        continue
                    seen.add(task.key)
                    if reason is None:
                        tasks.append(task)
                    else:
                        skipped.append(base_row(task) | {"status": "skipped", "note": reason})
                        if reason not in notes:
                            notes.append(reason)
    return SuitePlan(tuple(tasks), tuple(skipped), tuple(notes))


def base_row(task: Task) -> dict[str, Any]:
    """A results row holding what is known before the task runs."""
    c, s = task.case, task.settings
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        key=task.key,
        suite=task.suite,
        case=c.name,
        family=c.family,
        model=c.model,
        size=c.size,
        size_value=c.size_value,
        backend=task.backend,
        repeat=task.repeat,
        published=c.published,
        published_kind=c.published_kind,
        note="",
        extra="",
        check="",
        time_limit=s.time_limit,
        gap_limit=s.gap,
        threads=s.threads,
        seed=s.seed,
        finished_at=dt.datetime.now().isoformat(timespec="seconds"),
    )
    return row


def check_published(row: dict[str, Any], case: Case) -> dict[str, Any]:
    """Fill ``relative_error`` and ``check`` against the case's published value.

    ``check`` is ``ok`` or ``mismatch`` for a published optimum, ``-`` without one (or for a
    best-known value, which is not checked).  With ``tol`` the larger of the published absolute
    tolerance and 1e-7 of the value, and ``g`` the gap the solve stopped at, it is a mismatch when

    * any plan is better than the optimum: objective < published - tol;
    * a proven-optimal solve has its bound above the optimum: bound > published + tol;
    * a proven-optimal solve's objective is further from the optimum than its gap allows:
      objective > published + tol + g |objective| (with gap 0: any difference beyond tol).
    """
    pub, obj, bound = case.published, row.get("objective"), row.get("bound")
    if pub is None or obj is None or not math.isfinite(obj):
        row["check"] = "-" if pub is None or case.published_kind != "optimum" else ""
        return row
    row["relative_error"] = (obj - pub) / max(abs(pub), 1e-9)
    if case.published_kind != "optimum":
        row["check"] = "-"
        return row
    # solvers meet constraints to about 1e-7 relative, so objectives may differ by as much
    tol = max(case.tolerance, 1e-7 * abs(pub))
    allowed_gap = float(row.get("gap_limit") or 0.0) * abs(obj)
    problem = ""
    if obj < pub - tol:
        problem = f"a plan with objective {obj:.10g} is better than the published optimum {pub:.10g}"
    elif row.get("status") == "optimal":
        finite_bound = bound if bound is not None and math.isfinite(bound) else None
        if (finite_bound is not None and finite_bound > pub + tol) or obj > pub + tol + allowed_gap:
            shown = f" (bound {finite_bound:.10g})" if finite_bound is not None else ""
            problem = (
                f"proven optimal objective {obj:.10g}{shown} differs from the published optimum "
                f"{pub:.10g} (relative error {row['relative_error']:+.3g})"
            )
    row["check"] = "mismatch" if problem else "ok"
    if problem:
        row["note"] = "; ".join(n for n in (row.get("note"), problem) if n)
    return row
