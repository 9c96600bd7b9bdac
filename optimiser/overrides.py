"""Change an instance without editing its files: parameters, sites forced open or closed, demand.

Planners ask "what if": demand grows 68 %, a site must stay open, another closes, the access
target rises.  An :class:`Overrides` says so; :func:`apply_overrides` applies it to the instance
as read from disk (tables still text), so the result is validated exactly as the files are and a
bad override is reported by its key (``--set demand_grwth: unknown parameter``), exit 2.

What ``open`` and ``close`` mean depends on the kind:

==========  ==============================================  ==============================================
kind        open SITE                                       close SITE
==========  ==============================================  ==============================================
``sact``    the site must deliver SACT (``must_open``)      no SACT at the site (``max_chairs`` 0, never
                                                            opened; today's chairs there close)
``ooh``     the site keeps a rota of its own for every      no rota is based at the site (``can_host``
            service (``keeps_own_rota``)                    false): its services are covered from others
==========  ==============================================  ==============================================

``scale_demand`` multiplies the demand of zones (sact: ``attendances``, or ``population`` where
attendances are estimated) chosen by ``zone_id``, by ``district`` where the zones table has one,
or ``*`` for all.  ``remove`` drops candidate sites (sact) with their travel rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import yaml

from optimiser.errors import InputError, Problem
from optimiser.instance_files import RawInstance, load_yaml
from optimiser.schema import Parameter, validate_parameters

KEYS = ("set", "open", "close", "scale_demand", "remove")
"""The keys a scenario may use, in the order they are applied."""


@dataclass(frozen=True)
class Overrides:
    """Changes to one instance; ``source`` names where they come from in messages."""

    source: str = "command line"
    set: Mapping[str, Any] = field(default_factory=dict)
    open: tuple[str, ...] = ()
    close: tuple[str, ...] = ()
    scale_demand: Mapping[str, float] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    options: Mapping[str, str] = field(default_factory=dict)
    """Keys given by a command-line option of their own (``{"open": "--open"}``): named by it."""

    def where(self, key: str) -> tuple[str, str | None]:
        """The source and column naming ``key`` in a problem: ``--open`` alone, else the source
        (``--set``, a scenario) and the key."""
        option = self.options.get(key)
        return (option, None) if option is not None else (self.source, key)

    @property
    def empty(self) -> bool:
        return not (self.set or self.open or self.close or self.scale_demand or self.remove)

    def to_dict(self) -> dict[str, Any]:
        """The overrides as a scenario entry (only the keys used)."""
        out: dict[str, Any] = {}
        for key in KEYS:
            value = getattr(self, key)
            if value:
                out[key] = dict(value) if isinstance(value, Mapping) else list(value)
        return out

    def merged(self, other: Overrides) -> Overrides:
        """These overrides, then ``other`` on top (its parameters win)."""
        return Overrides(
            source=f"{self.source} + {other.source}" if not self.empty else other.source,
            set={**self.set, **other.set},
            open=(*self.open, *other.open),
            close=(*self.close, *other.close),
            scale_demand={**self.scale_demand, **other.scale_demand},
            remove=(*self.remove, *other.remove),
            options={**self.options, **other.options},
        )


def parse_assignments(items: Iterable[str], source: str = "--set") -> dict[str, Any]:
    """``["demand_growth=0.68", "single_source=true"]`` -> typed values (YAML scalars)."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(Problem(source, f"'{item}' is not NAME=VALUE", column=key or None))
            continue
        try:
            values[key] = load_yaml(text) if text.strip() else None
        except yaml.YAMLError:
            values[key] = text
    if problems:
        raise InputError(problems)
    return values


def overrides_from_mapping(data: Any, source: str) -> Overrides:
    """An :class:`Overrides` from a scenario entry (``{set: {...}, open: [...], ...}``)."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise InputError(
            [Problem(source, "a scenario is a mapping of set / open / close / scale_demand / remove")]
        )
    problems: list[Problem] = []
    for key in data:
        if key not in KEYS:
            problems.append(
                Problem(source, f"unknown key '{key}'; expected: {', '.join(KEYS)}", column=str(key))
            )
    values: dict[str, Any] = {}
    for key in ("set", "scale_demand"):
        value = data.get(key) or {}
        if not isinstance(value, Mapping):
            problems.append(Problem(source, f"'{key}' must be a mapping of name: value", column=key))
            value = {}
        values[key] = {str(k): v for k, v in value.items()}
    for key in ("open", "close", "remove"):
        value = data.get(key) or []
        if isinstance(value, str | int):
            value = [value]
        if not isinstance(value, list):
            problems.append(Problem(source, f"'{key}' must be a list of site ids", column=key))
            value = []
        values[key] = tuple(str(v) for v in value)
    for name, factor in values["scale_demand"].items():
        if isinstance(factor, bool) or not isinstance(factor, int | float) or not factor >= 0:
            problems.append(
                Problem(
                    source, f"'{factor}' is not a factor >= 0 for '{name}'", column=f"scale_demand.{name}"
                )
            )
    if problems:
        raise InputError(problems)
    return Overrides(source=source, **values)


def apply_overrides(raw: RawInstance, specs: tuple[Parameter, ...], overrides: Overrides) -> RawInstance:
    """``raw`` with ``overrides`` applied; raise InputError naming the override key for bad ones."""
    if overrides.empty:
        return raw
    problems = _check_parameters(overrides, specs)
    tables = dict(raw.tables)
    edit = _EDITS.get(raw.kind)
    if edit is None:
        for key in ("open", "close", "scale_demand", "remove"):
            if getattr(overrides, key):
                source, column = overrides.where(key)
                words = f"does not apply to '{raw.kind}' instances (only to {', '.join(_EDITS)})"
                problems.append(Problem(source, words, column=column))
    else:
        tables = edit(tables, overrides, problems)
    if problems:
        raise InputError(problems)
    return dataclasses.replace(raw, parameters={**raw.parameters, **overrides.set}, tables=tables)


def _check_parameters(overrides: Overrides, specs: tuple[Parameter, ...]) -> list[Problem]:
    """Problems of the overridden parameters alone, named by their key."""
    if not overrides.set:
        return []
    _, found = validate_parameters(dict(overrides.set), specs, overrides.source)
    keys = {f"parameters.{k}" for k in overrides.set}
    return [
        dataclasses.replace(p, column=(p.column or "").removeprefix("parameters."))
        for p in found
        if p.column in keys
    ]


def _ids(frame: pd.DataFrame, column: str) -> set[str]:
    return set(frame[column].astype(str).str.strip()) if column in frame.columns else set()


def _unknown(ids: Iterable[str], known: set[str], key: str, what: str, ov: Overrides) -> list[Problem]:
    source, column = ov.where(key)
    return [Problem(source, f"unknown {what} '{i}'", column=column) for i in ids if i not in known]


def _opened_and_closed(ov: Overrides, site: str) -> Problem:
    """A site both opened and closed (or removed), named by what gave each: ``--open and --close``
    on the command line (they were blamed on --set, column 'open'), else the source and key."""
    opened = ov.where("open")
    closed = ov.where("close" if site in ov.close else "remove")
    words = f"site '{site}' is both opened and closed"
    if opened[1] is None and closed[1] is None:
        return Problem(f"{opened[0]} and {closed[0]}", words)
    return Problem(ov.source, words, column="open")


def _set_where(frame: pd.DataFrame, key: str, ids: Iterable[str], values: Mapping[str, str]) -> pd.DataFrame:
    frame = frame.copy()
    rows = frame[key].astype(str).str.strip().isin(set(ids))
    for column, value in values.items():
        if column not in frame.columns:
            frame[column] = ""
        frame.loc[rows, column] = value
    return frame


def _edit_sact(
    tables: dict[str, pd.DataFrame], ov: Overrides, problems: list[Problem]
) -> dict[str, pd.DataFrame]:
    sites = tables.get("sites", pd.DataFrame())
    known = _ids(sites, "site_id")
    for key in ("open", "close", "remove"):
        problems += _unknown(getattr(ov, key), known, key, "site", ov)
    both = set(ov.open) & (set(ov.close) | set(ov.remove))
    problems += [_opened_and_closed(ov, s) for s in sorted(both)]
    # the option wins over the sites table both ways: --close a must_open site, --open a
    # must_close one (refused as 'must_open and must_close are both true' in sites.csv's row)
    sites = _set_where(sites, "site_id", ov.open, {"must_open": "true", "must_close": "false"})
    sites = _set_where(sites, "site_id", ov.close, {"must_open": "false", "must_close": "true"})
    if ov.remove:
        gone = set(ov.remove)
        sites = sites[~sites["site_id"].astype(str).str.strip().isin(gone)]
        for table, columns in (("travel", ("site_id",)), ("site_travel", ("from_site", "to_site"))):
            if table in tables:
                frame = tables[table]
                keep = pd.Series(True, index=frame.index)
                for column in columns:
                    if column in frame.columns:
                        keep &= ~frame[column].astype(str).str.strip().isin(gone)
                tables[table] = frame[keep]
    tables["sites"] = sites
    if ov.scale_demand:
        tables["zones"] = _scale_zones(tables.get("zones", pd.DataFrame()), ov, problems)
    return tables


def _scale_zones(zones: pd.DataFrame, ov: Overrides, problems: list[Problem]) -> pd.DataFrame:
    zones = zones.copy()
    ids = zones["zone_id"].astype(str).str.strip() if "zone_id" in zones.columns else pd.Series(dtype=str)
    district = zones["district"].astype(str).str.strip() if "district" in zones.columns else None
    factor = pd.Series(1.0, index=zones.index)
    for name, value in ov.scale_demand.items():
        rows = pd.Series(True, index=zones.index) if name == "*" else ids == name
        if district is not None and name != "*":
            rows |= district == name
        if not rows.any():
            problems.append(
                Problem(ov.source, f"no zone or district '{name}'", column=f"scale_demand.{name}")
            )
        factor[rows] *= float(value)
    for column in ("attendances", "population"):
        if column not in zones.columns:
            continue
        text = zones[column].astype(str).str.strip()
        number = pd.to_numeric(text, errors="coerce")
        given = number.notna()
        if column == "population" and "attendances" in zones.columns:
            given &= pd.to_numeric(zones["attendances"], errors="coerce").isna() | (factor == 1.0)
        scaled = (number * factor).where(given)
        zones[column] = text.where(~(given & (factor != 1.0)), scaled.map(lambda v: f"{v:.6g}"))
    return zones


def _edit_ooh(
    tables: dict[str, pd.DataFrame], ov: Overrides, problems: list[Problem]
) -> dict[str, pd.DataFrame]:
    sites = tables.get("sites", pd.DataFrame())
    known = _ids(sites, "site_id")
    for key in ("open", "close"):
        problems += _unknown(getattr(ov, key), known, key, "site", ov)
    problems += [_opened_and_closed(ov, s) for s in sorted(set(ov.open) & set(ov.close))]
    if ov.scale_demand or ov.remove:
        problems.append(Problem(ov.source, "scale_demand and remove do not apply to 'ooh' instances"))
    tables["sites"] = _set_where(sites, "site_id", ov.open, {"keeps_own_rota": "true"})
    if "rotas" in tables:
        tables["rotas"] = _set_where(tables["rotas"], "site_id", ov.close, {"can_host": "false"})
    return tables


_EDITS = {"sact": _edit_sact, "rollout": _edit_sact, "ooh": _edit_ooh}
