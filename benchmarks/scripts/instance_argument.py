"""The instance a benchmark script is given: a bundled instance's name or an instance folder."""

from __future__ import annotations

from pathlib import Path

from instances import bundled_path
from optimiser.kinds import load_instance
from optimiser.kinds.base import LoadedInstance


def instance_folder(argument: str) -> Path | None:
    """The folder of ``argument``, a bundled instance's name or an instance folder; else None."""
    folder = Path(argument) if Path(argument).is_dir() else bundled_path(argument)
    return folder if folder is not None and folder.is_dir() else None


def loaded_instance(argument: str) -> LoadedInstance:
    """``argument`` read as ``optimiser solve`` reads it; exit naming it when it is neither a
    bundled instance nor an instance folder."""
    folder = instance_folder(argument)
    if folder is None:
        raise SystemExit(f"{argument} is neither a bundled instance nor an instance folder")
    return load_instance(folder)
