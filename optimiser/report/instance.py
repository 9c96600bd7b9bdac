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

from optimiser.errors import InputError


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
    if kind == meta.get("kind", kind) and name == meta.get("name", name):
        return None
    return (
        f"--instance {instance} is the {kind} instance '{name}', but {run} was solved from the "
        f"{meta.get('kind')} instance '{meta.get('name')}'"
    )


def run_map_note(run: Path, instance: Path | None = None) -> str | None:
    """Why the report of the run folder ``run`` has no map (None when it has one or needs none)."""
    kind = run_meta(run).get("kind", "")
    return map_note(run_instance(run, instance)) if kind in MAPPED_KINDS else None
