"""Atomic output folders: a run's files appear together or not at all, and nothing is overwritten
unless the user says ``--force``."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class OutputExistsError(Exception):
    """The output folder exists and the user did not ask to replace it."""


@contextmanager
def atomic_folder(target: Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it replaces ``target`` in one rename.

    An existing ``target`` is refused unless ``force``; with ``force`` it is moved aside and
    deleted only after the new folder is in place.  On any error the temporary folder is removed
    and ``target`` is untouched.
    """
    target = Path(target)
    if target.exists() and not force:
        raise OutputExistsError(f"{target} already exists; choose another --out or add --force to replace it")
    if target.exists() and not target.is_dir():
        raise OutputExistsError(f"{target} exists and is not a folder; it is left as it is")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.rename(target, old / "previous")
    os.rename(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Strict JSON (RFC 8259): NaN and infinities are written as null, never as NaN/Infinity."""
    text = json.dumps(strict(data), indent=2, default=_json_default, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def strict(value: Any) -> Any:
    """``value`` with every non-finite float (also numpy's) replaced by None, recursively."""
    import math

    import numpy as np

    if isinstance(value, dict):
        return {str(k): strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


def _json_default(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def safe_name(name: str, fallback: str = "instance") -> str:
    """``name`` as one safe folder name: no separators, no leading dots, at most 64 characters."""
    import re

    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(name)).strip("-.")
    return slug[:64] or fallback
