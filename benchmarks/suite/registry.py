"""The benchmark registry: case families contributed by the models, and the published values.

A *family* is one kind of case: SACT instances generated at a size, the OR-Library p-median
set, the Curtois & Qu rosters, ...  Each model contributes its families from one module,
``benchmarks/suite/cases_<model>.py``, with one function ``families() -> list[Family]``; adding
a model's cases means writing that module and naming it in :data:`FAMILY_MODULES`.

A family does two things, both pure functions of plain data so that a case can be handed to a
fresh process as JSON:

* ``expand(entry, context) -> list[Case]`` turns one entry of a suite file (a mapping such as
  ``{"family": "pmed", "instances": "all"}``) into cases, each carrying its published value;
  it raises :class:`CasesUnavailable` when none can be made here, and
  :class:`PartlyUnavailable` (holding the others) when some cannot: either becomes a note;
* ``solve(case, backend, options, context) -> SolveResult`` loads, builds and solves one case
  with one backend (the runner calls it in a subprocess under wall-clock and memory limits).
  A :class:`CaseResult` (a SolveResult) adds further figures to the row, as JSON in ``extra``.

Published optimal or best-known values live in ``benchmarks/published.csv`` (set, instance,
value, kind, absolute tolerance, source), copied from the sets' own tables.
"""

from __future__ import annotations

import csv
import importlib
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from solvers import SolveOptions, SolveResult

FAMILY_MODULES = (
    "benchmarks.suite.cases_sact",
    "benchmarks.suite.cases_imported",
    "benchmarks.suite.cases_orlib",
    "benchmarks.suite.cases_shift",
    "benchmarks.suite.cases_ooh",
    "benchmarks.suite.cases_cover",
    "benchmarks.suite.cases_roster",
)
"""Modules that contribute families; each defines ``families() -> list[Family]``."""

MODULES_ENV = "OPTIMISER_BENCH_FAMILIES"
"""Environment variable naming further family modules (comma-separated), e.g. a test's probes."""

PUBLISHED_FILE = Path(__file__).resolve().parents[1] / "published.csv"
REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_ENV = "OPTIMISER_BENCH_DATA"
"""Environment variable naming the folder of public sets (``pmed/``, ``cap/``, ``shift-scheduling/``)."""


class CasesUnavailable(Exception):
    """A suite entry whose cases cannot be made here (e.g. the public files are absent)."""


class PartlyUnavailable(CasesUnavailable):
    """Some of an entry's cases cannot be made here: ``cases`` holds the others, to be run.

    The message (a note in the report) says what was left out and why.
    """

    def __init__(self, message: str, cases: list[Case]) -> None:
        super().__init__(message)
        self.cases = cases


@dataclass(frozen=True)
class Context:
    """Where cases find their files.

    data_dir : folder holding the public sets (``pmed/``, ``cap/``, ``shift-scheduling/``), or
        None when there is none on this machine.
    """

    data_dir: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"data_dir": None if self.data_dir is None else str(self.data_dir)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Context:
        raw = data.get("data_dir")
        return cls(data_dir=None if raw is None else Path(raw))


@dataclass(frozen=True)
class Case:
    """One benchmark instance, described by plain data.

    Attributes
    ----------
    family : name of the family that builds and solves it.
    name : unique within the family, e.g. ``pmed6`` or ``sact-200x20-s0``.
    model : the engine's model it exercises (``sact``, ``rostering``, ...); plots group by it.
    size : human-readable size, e.g. ``200x20`` (zones x sites) or ``n=200 p=5``.
    size_value : one number that grows with the size, for time-against-size plots.
    params : JSON-able parameters the family's ``solve`` reads (file name, seed, ...).
    published : published optimal or best-known objective, or None.
    published_kind : ``"optimum"`` (proven) or ``"best_known"``; only an optimum is checked.
    tolerance : absolute tolerance when comparing with ``published`` (in objective units).
    backends : backends that can solve this case; None means the family's.
    """

    family: str
    name: str
    model: str
    size: str
    size_value: float
    params: Mapping[str, Any] = field(default_factory=dict)
    published: float | None = None
    published_kind: str | None = None
    tolerance: float = 1e-6
    backends: tuple[str, ...] | None = None

    @property
    def key(self) -> str:
        return f"{self.family}/{self.name}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "name": self.name,
            "model": self.model,
            "size": self.size,
            "size_value": self.size_value,
            "params": dict(self.params),
            "published": self.published,
            "published_kind": self.published_kind,
            "tolerance": self.tolerance,
            "backends": None if self.backends is None else list(self.backends),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Case:
        values = dict(data)
        if values.get("backends") is not None:
            values["backends"] = tuple(values["backends"])
        return cls(**values)


@dataclass(frozen=True)
class CaseResult(SolveResult):
    """A :class:`~solvers.SolveResult` with further figures of the case, for its results row.

    extra : JSON-able figures a family reports beside status, objective, bound and gap (e.g. the
        other stages of a lexicographic model, the independent check's verdict, seconds of a
        stage outside build and solve). The runner writes them, as JSON, to the row's ``extra``
        column, and the report tabulates them per family.
    """

    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, result: SolveResult, **extra: Any) -> CaseResult:
        """``result`` with ``extra`` figures (added to any it already carries)."""
        fields_ = {name: getattr(result, name) for name in SolveResult.__dataclass_fields__}
        before = dict(result.extra) if isinstance(result, CaseResult) else {}
        return cls(**fields_, extra={**before, **extra})

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "extra": plain(dict(self.extra))}


def plain(value: Any) -> Any:
    """``value`` with numpy scalars as Python numbers, NaN as None and tuples as lists (JSON-able)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


Expand = Callable[[Mapping[str, Any], Context], list[Case]]
Solve = Callable[[Case, str, SolveOptions, Context], SolveResult]


@dataclass(frozen=True)
class Family:
    """A kind of case: how a suite entry becomes cases, and how one case is solved.

    backends : every backend that can solve the family's cases (installed or not).
    """

    name: str
    model: str
    description: str
    backends: tuple[str, ...]
    expand: Expand
    solve: Solve

    def backends_for(self, case: Case) -> tuple[str, ...]:
        return case.backends if case.backends is not None else self.backends


def families() -> dict[str, Family]:
    """Every registered family by name, from :data:`FAMILY_MODULES` and ``$OPTIMISER_BENCH_FAMILIES``."""
    extra = tuple(m.strip() for m in os.environ.get(MODULES_ENV, "").split(",") if m.strip())
    return _families((*FAMILY_MODULES, *extra))


@lru_cache(maxsize=8)
def _families(modules: tuple[str, ...]) -> dict[str, Family]:
    found: dict[str, Family] = {}
    for module_name in modules:
        module = importlib.import_module(module_name)
        for fam in module.families():
            if fam.name in found:
                raise ValueError(f"benchmark family {fam.name!r} is registered twice ({module_name})")
            found[fam.name] = fam
    return found


def get_family(name: str) -> Family:
    fams = families()
    if name not in fams:
        raise KeyError(f"unknown benchmark family {name!r}; known: {', '.join(sorted(fams))}")
    return fams[name]


@dataclass(frozen=True)
class Published:
    """A published objective: ``kind`` is ``optimum`` (proven) or ``best_known``."""

    value: float
    kind: str
    tolerance: float
    source: str


@lru_cache(maxsize=1)
def published_values() -> dict[tuple[str, str], Published]:
    """Published values by (set, instance) from ``benchmarks/published.csv``."""
    table: dict[tuple[str, str], Published] = {}
    with PUBLISHED_FILE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            table[(row["set"], row["instance"])] = Published(
                value=float(row["value"]),
                kind=row["kind"],
                tolerance=float(row["abs_tolerance"]),
                source=row["source"],
            )
    return table


def with_published(case: Case, set_name: str) -> Case:
    """``case`` carrying the published value of ``set_name``/``case.name``, when there is one."""
    pub = published_values().get((set_name, case.name))
    if pub is None:
        return case
    return Case(
        **{**case.__dict__, "published": pub.value, "published_kind": pub.kind, "tolerance": pub.tolerance}
    )


def default_data_dir() -> Path | None:
    """``$OPTIMISER_BENCH_DATA``, else ``../shared/benchmarks`` beside the repository, if present."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    candidate = REPO_ROOT.parent / "shared" / "benchmarks"
    return candidate if candidate.is_dir() else None


def data_folder(context: Context, subfolder: str, family: str) -> Path:
    """``context.data_dir / subfolder``, or :class:`CasesUnavailable` saying what is missing."""
    if context.data_dir is None:
        raise CasesUnavailable(
            f"{family}: no folder of public benchmark sets here (set --data or ${DATA_ENV})"
        )
    folder = context.data_dir / subfolder
    if not folder.is_dir():
        raise CasesUnavailable(f"{family}: {folder} not found (set --data or ${DATA_ENV})")
    return folder


def select_names(entry: Mapping[str, Any], available: list[str], family: str) -> list[str]:
    """The instances an entry asks for: ``instances: all`` (default) or a list of names."""
    wanted = entry.get("instances", "all")
    if wanted == "all":
        return available
    if isinstance(wanted, str):
        wanted = [wanted]
    missing = [w for w in wanted if w not in available]
    if missing:
        raise CasesUnavailable(f"{family}: instance(s) {', '.join(missing)} not found")
    return list(wanted)
