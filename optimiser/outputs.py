"""Output folders: a run's files appear together or not at all, and nothing the engine did not write
is ever deleted.

Two kinds of folder are written:

* a *run folder* (:func:`run_folder`, ``optimiser solve``): it holds a marker file
  :data:`RUN_MARKER` with the run's id and ``run.json`` listing the files the run wrote.  With
  ``--force`` an existing run folder is replaced only if it carries the marker; only the files its
  ``run.json`` lists (and ``run.json`` and the marker) are replaced; any other file a user put
  there is kept, at the same place.  A folder holding an instance, an ancestor of the instance
  folder, the working directory or one of its ancestors is never replaced.
* an instance folder (:func:`instance_folder`, ``generate`` and ``import``): it holds a marker
  :data:`INSTANCE_MARKER` listing the files written.  With ``force`` only a folder with the marker
  is replaced, and only the files it lists; a user's README, scenarios, runs and notes stay.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RUN_MARKER = ".optimiser-run"
"""The file that marks a folder as a run folder written by the engine; it holds the run's id."""
RUN_FILE = "run.json"
INSTANCE_FILE = "instance.yaml"
SLUG_LENGTH = 60  # characters kept of an instance name in a default run folder name


class OutputExistsError(Exception):
    """The output folder may not be written: it exists, is a file, or is not the engine's to replace."""


def new_run_id(now: dt.datetime | None = None) -> str:
    """A run id: local time to the second and 8 random hex digits (``20260101-120000-1a2b3c4d``)."""
    now = now or dt.datetime.now()
    return f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"


def safe_slug(name: str, fallback: str = "run") -> str:
    """``name`` as one harmless file name: letters, digits, ``-`` and ``_`` only, no leading dot.

    ``../../escaped`` -> ``escaped``; ``/tmp/x y`` -> ``tmp-x-y``; at most :data:`SLUG_LENGTH`
    characters; ``fallback`` when nothing readable is left.
    """
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", str(name)).strip("-_")[:SLUG_LENGTH].strip("-_")
    return slug or fallback


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _existing_ancestor(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return Path(path.anchor)


def _common_refusal(target: Path) -> str | None:
    """Why no folder may be written at ``target`` at all (whatever ``force`` says), or None."""
    if target.is_symlink():
        return f"{target} is a symbolic link; give the folder itself"
    if target.exists() and not target.is_dir():
        return f"{target} exists and is not a folder; it is left as it is"
    if not target.exists():
        parent = _existing_ancestor(target.parent)
        if not parent.is_dir():
            return f"{target} cannot be made: {parent} is not a folder"
    absolute = target.resolve()
    if target.exists() and _is_within(Path.cwd().resolve(), absolute) and not _empty_working_folder(target):
        return f"{target} is the working folder or holds it; it is never replaced (an empty one is used)"
    return None


def _empty_working_folder(target: Path) -> bool:
    """Whether ``target`` is the working folder and empty: a folder made for the output (mkdir
    results; cd results; --out .), used as the batch commands use it, the files moved into it."""
    return target.is_dir() and target.resolve() == Path.cwd().resolve() and not any(target.iterdir())


def _first_refusal(target: Path, force: bool, marker: str) -> tuple[bool, str | None]:
    """The refusals every folder the engine writes shares, as (decided, reason): decided when no
    folder may be written at ``target`` (:func:`_common_refusal`), when it does not exist yet or is
    an empty folder (no reason: a folder made for the output holds nothing to lose), or when it
    exists and ``force`` is not given (``--force`` advised only where the folder carries
    ``marker``, the one folder it would replace)."""
    reason = _common_refusal(target)
    if reason is not None or not target.exists() or not any(target.iterdir()):
        return True, reason
    if force:
        return False, None
    if (target / marker).is_file():
        return True, f"{target} already exists; choose another --out or add --force to replace it"
    return (
        True,
        f"{target} already exists and was not written by optimiser (it has no {marker} file); choose another",
    )


def run_folder_refusal(target: Path, *, force: bool, instance: Path | None = None) -> str | None:
    """Why ``target`` may not become a run folder, or None.  Checked before a solve and again when
    the run is written."""
    target = Path(target)
    decided, reason = _first_refusal(target, force, RUN_MARKER)
    if decided:
        return reason
    absolute = target.resolve()
    if (target / INSTANCE_FILE).exists():
        return f"{target} holds an instance ({INSTANCE_FILE}); --force never replaces it"
    if instance is not None and _is_within(Path(instance).resolve(), absolute):
        return f"{target} holds the instance {instance}; --force never replaces it"
    if not (target / RUN_MARKER).is_file():
        return (
            f"{target} was not written by optimiser (it has no {RUN_MARKER} file); "
            "--force replaces only run folders; choose another --out"
        )
    return None


@contextmanager
def run_folder(
    target: Path, run_id: str, *, force: bool = False, instance: Path | None = None
) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it becomes ``target`` in one rename.

    The marker :data:`RUN_MARKER` (holding ``run_id``) is added.  An existing ``target`` is
    replaced only with ``force`` and only when :func:`run_folder_refusal` allows it; the files
    its ``run.json`` does not list are moved into the new folder first, so a user's notes stay.
    On any error the temporary folder is removed and ``target`` is untouched.
    """
    target = Path(os.path.abspath(target))
    reason = run_folder_refusal(target, force=force, instance=instance)
    if reason is not None:
        raise OutputExistsError(reason)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_folder(target)
    try:
        yield tmp
        (tmp / RUN_MARKER).write_text(run_id + "\n", encoding="utf-8")
        reason = run_folder_refusal(target, force=force, instance=instance)
        if reason is not None:
            raise OutputExistsError(reason)
        if target.exists():
            _keep_user_files(target, tmp, _owned_files(target))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap(target, tmp)


def _umask() -> int:
    """The process's umask (reading it means setting it: set back at once)."""
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _new_folder(target: Path) -> Path:
    """A new empty folder beside ``target`` that will become it, with the mode a new folder gets.

    ``mkdtemp`` makes its folder 0700, private to its owner: a run folder shared with a colleague
    (a group-readable umask, a shared drive) came out unreadable to them.  The temporary name is
    still private by being new; the mode is what ``mkdir`` would give (0777 less the umask).
    """
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_umask())
    return tmp


def _owned_files(folder: Path, listing: str = RUN_FILE) -> set[str]:
    """The files (relative, ``/``-separated) the engine wrote into ``folder``: those the JSON file
    ``listing`` lists under ``files`` (a run's run.json, a generated instance's marker)."""
    owned = {RUN_MARKER, RUN_FILE} if listing == RUN_FILE else {listing}
    try:
        meta = json.loads((folder / listing).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return owned
    files = meta.get("files") if isinstance(meta, dict) else None
    if isinstance(files, list):
        owned |= {f for f in files if isinstance(f, str)}
    return owned


def _user_entries(folder: Path, owned: set[str], prefix: str = "") -> list[str]:
    """Entries of ``folder`` (relative paths) that hold no owned file: whole user folders, user files."""
    entries: list[str] = []
    for entry in sorted(os.listdir(folder / prefix if prefix else folder)):
        rel = f"{prefix}{entry}"
        path = folder / rel
        if path.is_dir() and not path.is_symlink():
            if any(o.startswith(rel + "/") for o in owned):
                entries += _user_entries(folder, owned, rel + "/")
            else:
                entries.append(rel)
        elif rel not in owned:
            entries.append(rel)
    return entries


def _keep_user_files(old: Path, new: Path, owned: set[str]) -> None:
    """Move the user's files from ``old`` into ``new`` at the same places; refuse a clash."""
    entries = _user_entries(old, owned)
    clashes = [e for e in entries if (new / e).exists() or (new / e).is_symlink()]
    if clashes:
        raise OutputExistsError(
            f"{old} holds files of yours with the names of files it would write ({', '.join(clashes[:5])}); "
            "nothing was replaced: move them, or choose another --out"
        )
    moved: list[str] = []
    try:
        for rel in entries:
            (new / rel).parent.mkdir(parents=True, exist_ok=True)
            os.rename(old / rel, new / rel)
            moved.append(rel)
    except OSError:
        for rel in reversed(moved):
            os.rename(new / rel, old / rel)
        raise


def _swap(target: Path, tmp: Path) -> None:
    """``tmp`` becomes ``target``; an old ``target`` (only engine files left in it) is deleted after.
    The empty working folder is kept (a shell is in it) and the files moved into it."""
    if _empty_working_folder(target):
        for entry in sorted(os.listdir(tmp)):
            os.rename(tmp / entry, target / entry)
        tmp.rmdir()
        return
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.rename(target, old / "previous")
    os.rename(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


INSTANCE_MARKER = ".optimiser-instance"
"""The file that marks a folder as an instance written by ``generate`` or ``import``; it lists
the files written (JSON ``{"files": [...]}``)."""


FORCE_HELP = (
    "Replace a folder that generate or import wrote (it carries the .optimiser-instance marker): only "
    "the files it wrote; your README, scenarios, runs and notes there are kept. Never an instance of yours."
)


def instance_folder_refusal(target: Path, *, force: bool) -> str | None:
    """Why ``target`` may not become a generated or imported instance folder, or None."""
    target = Path(target)
    decided, reason = _first_refusal(target, force, INSTANCE_MARKER)
    if decided:
        return reason
    if not (target / INSTANCE_MARKER).is_file():
        return (
            f"{target} was not written by optimiser generate or import (it has no {INSTANCE_MARKER} "
            "file); --force replaces only such a folder, never an instance of yours; choose another"
        )
    return None


@contextmanager
def instance_folder(target: Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it becomes ``target`` in one rename.

    The marker :data:`INSTANCE_MARKER` lists the files written.  An existing ``target`` is replaced
    only with ``force`` and only when it carries the marker (an instance ``generate`` or ``import``
    wrote, never one a user made); the files its marker does not list (a README, scenarios.yaml,
    run folders, notes) are moved into the new folder first, so nothing of the user's is lost; a
    user's file with the name of a file written refuses the whole replacement.  The working folder
    and its ancestors, a file and a symbolic link are always refused.  On any error the temporary
    folder is removed and ``target`` is untouched.
    """
    target = Path(os.path.abspath(target))
    reason = instance_folder_refusal(target, force=force)
    if reason is not None:
        raise OutputExistsError(reason)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_folder(target)
    try:
        yield tmp
        written = sorted(str(p.relative_to(tmp).as_posix()) for p in tmp.rglob("*") if p.is_file())
        (tmp / INSTANCE_MARKER).write_text(json.dumps({"files": written}, indent=1) + "\n", encoding="utf-8")
        reason = instance_folder_refusal(target, force=force)
        if reason is not None:
            raise OutputExistsError(reason)
        if target.exists():
            _keep_user_files(target, tmp, _owned_files(target, INSTANCE_MARKER))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap(target, tmp)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary file beside ``path``; on success it replaces ``path`` in one rename.

    A symbolic link at ``path`` is replaced, never followed, so no file it points to (a user's,
    anywhere) is written; a reader never sees a half-written file; on any error ``path`` is left
    as it was.  The file gets the permissions a new file gets (the umask), not ``mkstemp``'s 0600.
    """
    path = Path(path)
    handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save_figure(figure: Any, path: Path) -> None:
    """A matplotlib ``figure`` saved as ``path`` (its format from the suffix) through
    :func:`replacing`: a symbolic link there is replaced, never written through (``optimiser
    report`` once drew regret.svg over the file such a link pointed to)."""
    with replacing(path) as tmp:
        figure.savefig(tmp, format=path.suffix.lstrip("."))


def list_in_run(folder: Path, name: str) -> None:
    """Add ``name`` to the files the run folder ``folder``'s ``run.json`` lists (when it has one),
    so that ``solve --force`` over the folder replaces it with the run's other files."""
    path = folder / RUN_FILE
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if not isinstance(meta, dict) or not isinstance(meta.get("files"), list) or name in meta["files"]:
        return
    meta["files"] = [*meta["files"], name]
    with replacing(path) as tmp:
        write_json(tmp, meta)


def owned_by_run(folder: Path, name: str) -> bool:
    """Whether the run folder ``folder``'s ``run.json`` lists ``name`` among the files it wrote."""
    return name in _owned_files(folder)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Strict JSON (RFC 8259): NaN and infinities are written as null, never as NaN/Infinity."""
    text = json.dumps(strict(data), indent=2, default=_json_default, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def strict(value: Any) -> Any:
    """``value`` with every non-finite float (also numpy's) replaced by None, recursively."""
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
        return strict(float(value))
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return strict(value.tolist())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
