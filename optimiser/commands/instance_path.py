"""Where the instance a command names lives: a folder, or a bundled instance's name."""

from __future__ import annotations

from pathlib import Path


def resolve_instance(path: str) -> Path:
    """A folder path, or the name of a bundled instance."""
    from instances import bundled_path

    candidate = Path(path)
    if candidate.exists():
        return candidate
    bundled = bundled_path(path)
    return bundled if bundled is not None else candidate
