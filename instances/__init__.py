"""Bundled illustrative instances (one folder each) and generators for any size."""

from __future__ import annotations

from pathlib import Path

BUNDLED_DIR = Path(__file__).resolve().parent
DEFAULT_INSTANCE = "lsc-sact"


def bundled_instances() -> list[str]:
    """Names of the instance folders shipped with the package."""
    return sorted(p.parent.name for p in BUNDLED_DIR.glob("*/instance.yaml"))


def bundled_path(name: str) -> Path | None:
    """The folder of bundled instance ``name``, or None."""
    path = BUNDLED_DIR / name
    return path if (path / "instance.yaml").is_file() else None


def bundled_folder(name: str) -> Path:
    """The folder of bundled instance ``name``; ValueError naming the bundled ones when there is none."""
    path = bundled_path(name)
    if path is None:
        raise ValueError(f"no bundled instance {name!r}; bundled: {', '.join(bundled_instances())}")
    return path
