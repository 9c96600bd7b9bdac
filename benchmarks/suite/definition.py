"""Suite definitions: a YAML file naming case families, backends and settings.

Format (``benchmarks/suites/<name>.yaml``)::

    name: smoke
    description: tiny cases for tests and CI, seconds each
    settings:            # every key optional; defaults in :class:`Settings`
      time_limit: 20     # solver seconds per case
      gap: 1.0e-4        # relative gap to stop at
      threads: 1         # solver threads (cases run in parallel: keep threads x workers <= cores)
      seed: 0            # solver random seed
      repeat: 1          # identical runs of every case and backend
      wall_limit: 120    # seconds a case's process may live (default time_limit x 1.5 + 60)
      memory_limit_mb: 2048   # the case's process tree is killed above this resident memory
    backends: [highs, pyomo-highs]    # or "all": every installed backend the family can use
    cases:
      - family: sact-generated        # then the family's own keys
        sizes: [20x4, 40x6]
        seeds: [0]
      - family: pmed
        instances: [pmed1]
        backends: [highs, spopt-pulp-cbc]   # an entry may name its own backends ...
        settings: {time_limit: 60}          # ... and override settings
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from benchmarks.suite.backends import KNOWN_BACKENDS
from solvers import SolveOptions

SUITES_DIR = Path(__file__).resolve().parents[1] / "suites"


@dataclass(frozen=True)
class Settings:
    """Limits and solver settings of a suite (or of one entry).

    time_limit : solver seconds (None: none). gap : relative gap. threads : solver threads
    (None: the solver's default). seed : solver seed. repeat : identical runs per case and
    backend. wall_limit : seconds before the case's process is killed (None: time_limit x 1.5 +
    60, or one hour without a time limit). memory_limit_mb : resident memory of the case's
    process tree before it is killed (None: no limit).
    """

    time_limit: float | None = 60.0
    gap: float = 1e-4
    threads: int | None = 1
    seed: int = 0
    repeat: int = 1
    wall_limit: float | None = None
    memory_limit_mb: float | None = 4096.0

    def options(self) -> SolveOptions:
        return SolveOptions(time_limit=self.time_limit, gap=self.gap, threads=self.threads, seed=self.seed)

    def wall_seconds(self) -> float:
        if self.wall_limit is not None:
            return float(self.wall_limit)
        if self.time_limit is None:
            return 3600.0
        return float(self.time_limit) * 1.5 + 60.0

    def merged(self, overrides: Mapping[str, Any] | None) -> Settings:
        """These settings with ``overrides`` (None values in overrides are ignored)."""
        if not overrides:
            return self
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        values: dict[str, Any] = {k: _setting(k, v) for k, v in overrides.items() if v is not None}
        return replace(self, **values)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# The least each setting may be, and whether the least itself is allowed.
SETTING_MINIMUM: dict[str, tuple[float, bool]] = {
    "time_limit": (0.0, False),
    "gap": (0.0, True),
    "wall_limit": (0.0, False),
    "memory_limit_mb": (0.0, False),
    "threads": (1, True),
    "seed": (0, True),
    "repeat": (1, True),
}
WHOLE_SETTINGS = ("threads", "seed", "repeat")


def _setting(name: str, value: Any) -> float | int:
    """``value`` of setting ``name`` as its number; ValueError naming it when not one or too small."""
    whole = name in WHOLE_SETTINGS
    kind = "a whole number" if whole else "a number"
    least, allowed = SETTING_MINIMUM[name]
    try:
        number: float | int = float(value)
        if whole:
            if number != int(number):
                raise ValueError
            number = int(number)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"setting {name}: {value!r} is not {kind}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"setting {name}: {value!r} is not {kind}")
    if number < least or (number == least and not allowed):
        bound = f"at least {least:g}" if allowed else f"above {least:g}"
        raise ValueError(f"setting {name}: {value!r} must be {bound}")
    return number


@dataclass(frozen=True)
class Entry:
    """One ``cases:`` item: a family, its own keys, its backends (None = all installed), settings."""

    family: str
    spec: Mapping[str, Any]
    backends: tuple[str, ...] | None
    settings: Settings


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    entries: tuple[Entry, ...]
    settings: Settings
    path: Path | None = None

    def overridden(
        self,
        *,
        backends: tuple[str, ...] | None = None,
        all_backends: bool = False,
        settings: Mapping[str, Any] | None = None,
    ) -> Suite:
        """The suite with the command line's backends and settings imposed on every entry.

        A new ``time_limit`` beyond what an entry's ``wall_limit`` allows (time_limit x 1.5 + 60)
        drops that wall limit, so that the case is not killed before its solver may stop.
        """

        def merge(current: Settings) -> Settings:
            merged = current.merged(settings)
            limit = (settings or {}).get("time_limit")
            if limit is not None and merged.wall_limit is not None and merged.wall_limit < limit * 1.5 + 60:
                merged = replace(merged, wall_limit=None)
            return merged

        entries = []
        for e in self.entries:
            chosen = None if all_backends else (backends if backends is not None else e.backends)
            entries.append(Entry(e.family, e.spec, chosen, merge(e.settings)))
        return replace(self, entries=tuple(entries), settings=merge(self.settings))


def _backends(value: Any, where: str) -> tuple[str, ...] | None:
    if value is None or value == "all":
        return None
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where}: backends must be 'all' or a list of backend names")
    names = tuple(str(v) for v in value)
    unknown = [n for n in names if n not in KNOWN_BACKENDS]
    if unknown:
        known = ", ".join(KNOWN_BACKENDS)
        raise ValueError(f"{where}: unknown backend(s) {', '.join(unknown)}; known: {known}")
    return names


def _merged(settings: Settings, overrides: Any, where: str) -> Settings:
    """``settings`` with a suite file's ``overrides``; ValueError prefixed with ``where``."""
    if overrides is not None and not isinstance(overrides, Mapping):
        raise ValueError(f"{where} must be a mapping of setting: value")
    try:
        return settings.merged(overrides)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def parse_suite(data: Mapping[str, Any], name: str, path: Path | None = None) -> Suite:
    """A :class:`Suite` from the mapping of a suite file; raises ValueError on a malformed file."""
    from benchmarks.suite.registry import families

    where = str(path or name)
    if not isinstance(data, Mapping) or not isinstance(data.get("cases"), list):
        raise ValueError(f"{where}: a suite file needs a 'cases:' list")
    unknown = sorted(set(data) - {"name", "description", "settings", "backends", "cases"})
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}")
    settings = _merged(Settings(), data.get("settings"), f"{where}: settings")
    default_backends = _backends(data.get("backends", ["highs"]), where)
    entries = []
    known = families()
    for i, raw in enumerate(data["cases"], start=1):
        if not isinstance(raw, Mapping) or "family" not in raw:
            raise ValueError(f"{where}: cases item {i} needs a 'family:'")
        family = str(raw["family"])
        if family not in known:
            raise ValueError(f"{where}: cases item {i}: unknown family {family!r}; known: {', '.join(known)}")
        spec = {k: v for k, v in raw.items() if k not in ("family", "backends", "settings")}
        item = f"{where}: cases item {i}"
        backends = _backends(raw["backends"], item) if "backends" in raw else default_backends
        own = _merged(settings, raw.get("settings"), f"{where}: cases item {i}: settings")
        entries.append(Entry(family, spec, backends, own))
    return Suite(
        name=str(data.get("name", name)),
        description=str(data.get("description", "")),
        entries=tuple(entries),
        settings=settings,
        path=path,
    )


def suite_names() -> list[str]:
    """Names of the suites shipped in ``benchmarks/suites/``."""
    return sorted(p.stem for p in SUITES_DIR.glob("*.yaml"))


def load_suite(name_or_path: str | Path) -> Suite:
    """A shipped suite by name (``smoke``, ``pmed``, ...) or a suite file by path."""
    path = Path(name_or_path)
    if not path.is_file():
        path = SUITES_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        raise ValueError(f"no suite {str(name_or_path)!r}; shipped suites: {', '.join(suite_names())}")
    with path.open(encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not a readable YAML suite file: {_yaml_problem(exc)}") from None
    return parse_suite(data, path.stem, path)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """The parser's problem and where, 1-based as an editor counts lines and columns."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return str(problem)
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
