"""The instance a run was solved from, as the report's maps need it, or why it cannot be had.

A run folder names its instance (``run.json``: ``instance``); the maps draw zones and sites from
it.  When that folder has moved or changed since the run, the report is still written, without
the maps, and says so (:func:`map_note`) rather than dropping them silently; ``optimiser report
RUN --instance PATH`` names the instance's new place.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from optimiser.errors import InputError
from optimiser.exports.safe import plain_text


@lru_cache(maxsize=2)
def _load(instance: str) -> Any:
    from optimiser.kinds import load_instance

    return load_instance(Path(instance))


def loaded_instance(instance: Path) -> Any | None:
    """The loaded instance (read once per report), or None when it cannot be read."""
    try:
        return _load(str(instance))
    except InputError:
        return None


PLAN_FILES = ("sites.csv", "schedule.csv", "coverage.csv")
"""A run's tables naming its sites by ``site_id`` (SACT, roll-out, OOH): the first one held is read."""


def sites_not_held(run: Path, loaded: Any) -> list[str]:
    """The sites of the run folder ``run``'s plan that the ``loaded`` instance does not hold, in
    order: the instance changed since the run (imported again with other candidates, or another
    instance of the same name), and its map would draw the zones with none of the plan's sites."""
    plan = next((run / name for name in PLAN_FILES if (run / name).is_file()), None)
    sites = loaded.raw.tables.get("sites")
    if plan is None or sites is None or "site_id" not in sites.columns:
        return []
    planned = pd.read_csv(plan, dtype=str, keep_default_na=False)
    if "site_id" not in planned.columns:
        return []
    held = set(sites["site_id"].astype(str).str.strip())
    return [s for s in dict.fromkeys(planned["site_id"].map(plain_text)) if s not in held]


def run_instance_loaded(run: Path, instance: Path) -> Any | None:
    """The loaded ``instance`` when it can draw the run folder ``run``'s map: readable and holding
    every site of the plan (None otherwise: :func:`run_map_note` says why)."""
    loaded = loaded_instance(instance)
    return None if loaded is None or sites_not_held(run, loaded) else loaded


MAX_NAMED = 5
"""Sites named in a note before 'and N more'."""


def _sites_named(ids: list[str]) -> str:
    shown = ", ".join(ids[:MAX_NAMED])
    return shown + (f" and {len(ids) - MAX_NAMED} more" if len(ids) > MAX_NAMED else "")


def map_note(instance: Path) -> str | None:
    """Why the run's instance cannot be mapped (None when it can): a sentence for the report."""
    if not str(instance) or str(instance) == ".":
        return "No map: the run does not name its instance; give it with --instance PATH."
    try:
        _load(str(instance))
    except InputError as exc:
        reason = "it is not there" if not instance.exists() else f"it cannot be read: {exc.problems[0]}"
        return (
            f"No map: the instance the run was solved from, {instance}, {reason}. "
            f"Give its new place with `optimiser report RUN --instance PATH`."
        )
    return None


MAPPED_KINDS = ("sact", "rollout", "ooh")
"""Kinds of run whose report draws a map from the run's instance."""


def run_meta(run: Path) -> dict[str, Any]:
    """The run folder's ``run.json`` (empty when it has none)."""
    meta_file = run / "run.json"
    return json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}


def run_instance(run: Path, instance: Path | None = None) -> Path:
    """Where the run's instance is: ``instance`` when given, else the folder ``run.json`` names."""
    return instance if instance is not None else Path(run_meta(run).get("instance", ""))


def instance_mismatch(run: Path, instance: Path) -> str | None:
    """Why ``instance`` (``--instance``) is not the one the run folder ``run`` was solved from:
    another kind or another name than ``run.json`` records (None when it matches, or cannot be
    read: :func:`map_note` says that). Another kind's instance crashed the report; another
    region's drew its zones under the run's plan without a word."""
    meta = run_meta(run)
    loaded = loaded_instance(instance)
    if loaded is None:
        return None
    kind, name = loaded.kind.name, loaded.raw.name
    if kind != meta.get("kind", kind) or name != meta.get("name", name):
        return (
            f"--instance {instance} is the {kind} instance '{name}', but {run} was solved from the "
            f"{meta.get('kind')} instance '{meta.get('name')}'"
        )
    missing = sites_not_held(run, loaded)
    if missing:
        return (
            f"--instance {instance} does not hold the sites of {run}'s plan ({_sites_named(missing)}): "
            "it is not the instance the run was solved from, or it has changed since"
        )
    return None


def run_map_note(run: Path, instance: Path | None = None) -> str | None:
    """Why the report of the run folder ``run`` has no map (None when it has one or needs none)."""
    kind = run_meta(run).get("kind", "")
    if kind not in MAPPED_KINDS:
        return None
    where = run_instance(run, instance)
    note = map_note(where)
    loaded = None if note else loaded_instance(where)
    missing = [] if loaded is None else sites_not_held(run, loaded)
    if missing:
        return (
            f"No map: the instance at {where} does not hold the plan's sites ({_sites_named(missing)}); "
            "it has changed since the run. Give the instance it was solved from with "
            "`optimiser report RUN --instance PATH`."
        )
    return note
