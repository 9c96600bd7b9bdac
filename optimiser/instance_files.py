"""Read an instance folder: ``instance.yaml`` plus CSV tables, or the same tables as workbook sheets.

An instance folder holds

* ``instance.yaml``: ``kind``, ``name``, optional ``description`` and ``workbook``, and
  ``parameters`` (a mapping; every parameter has a documented default);
* one ``<table>.csv`` per table, or one ``.xlsx`` workbook (named by ``workbook:`` or the only
  workbook in the folder) with one sheet per table.

Cells are read as text and typed by the kind's schema, so a bad cell is reported, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from optimiser.errors import InputError, Problem

INSTANCE_FILE = "instance.yaml"
_TOP_KEYS = {"kind", "name", "description", "workbook", "parameters", "source", "licence"}


@dataclass(frozen=True)
class RawInstance:
    """An instance as found on disk, before the kind's schema types it."""

    path: Path
    kind: str
    name: str
    description: str
    parameters: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    files: dict[str, str]  # table name -> where it came from, as shown in messages


def read_yaml(path: Path) -> dict[str, Any]:
    shown = str(path)
    if not path.is_file():
        raise InputError([Problem(shown, "file not found")])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise InputError([Problem(shown, f"not valid YAML: {getattr(exc, 'problem', exc)}", row)]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(shown, "not a UTF-8 text file")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(shown, "expected a mapping of keys (kind, name, parameters, ...)")])
    return data


def read_instance(path: str | Path, table_names: tuple[str, ...] | None = None) -> RawInstance:
    """Read the folder ``path`` (or its ``instance.yaml``); tables are read as text."""
    path = Path(path)
    if path.is_file() and path.name == INSTANCE_FILE:
        path = path.parent
    if not path.exists():
        raise InputError([Problem(str(path), "no such instance folder")])
    if not path.is_dir():
        raise InputError(
            [Problem(str(path), f"an instance is a folder holding {INSTANCE_FILE} and its tables")]
        )
    meta_file = path / INSTANCE_FILE
    meta = read_yaml(meta_file)
    shown = str(meta_file)
    problems: list[Problem] = []
    for key in meta:
        if key not in _TOP_KEYS:
            problems.append(
                Problem(
                    shown, f"unknown key '{key}'; expected: {', '.join(sorted(_TOP_KEYS))}", column=str(key)
                )
            )
    kind = meta.get("kind")
    if not isinstance(kind, str) or not kind:
        problems.append(Problem(shown, "the instance's kind is missing", column="kind"))
    parameters = meta.get("parameters") or {}
    if not isinstance(parameters, dict):
        problems.append(Problem(shown, "parameters must be a mapping of name: value", column="parameters"))
        parameters = {}
    tables, files, table_problems = _read_tables(path, meta.get("workbook"), shown)
    problems += table_problems
    if problems:
        raise InputError(problems)
    return RawInstance(
        path=path,
        kind=str(kind),
        name=str(meta.get("name") or path.name),
        description=str(meta.get("description") or ""),
        parameters=parameters,
        tables=tables,
        files=files,
    )


def _read_tables(
    folder: Path, workbook: Any, shown_yaml: str
) -> tuple[dict[str, pd.DataFrame], dict[str, str], list[Problem]]:
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    problems: list[Problem] = []
    books = (
        [Path(workbook)]
        if workbook
        else sorted(p.name for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))
    )
    books = [Path(b) for b in books]
    if workbook and not (folder / books[0]).is_file():
        problems.append(Problem(shown_yaml, f"workbook '{workbook}' not found beside it", column="workbook"))
        books = []
    if len(books) > 1:
        problems.append(
            Problem(
                str(folder),
                f"more than one workbook ({', '.join(map(str, books))}); name one with 'workbook:'",
            )
        )
        books = []
    if books:
        book = folder / books[0]
        try:
            sheets = pd.read_excel(book, sheet_name=None, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a damaged file
            problems.append(
                Problem(str(book), f"cannot be read as an Excel workbook ({exc.__class__.__name__})")
            )
            sheets = {}
        for sheet, frame in sheets.items():
            tables[str(sheet).strip()] = frame
            files[str(sheet).strip()] = f"{book}[{sheet}]"
    for csv in sorted(folder.glob("*.csv")):
        name = csv.stem
        if name in tables:
            problems.append(Problem(str(csv), f"table '{name}' is also a sheet of {files[name]}; keep one"))
            continue
        try:
            tables[name] = pd.read_csv(csv, dtype=str, keep_default_na=False, skipinitialspace=True)
        except pd.errors.EmptyDataError:
            tables[name] = pd.DataFrame()
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(csv), f"cannot be read as CSV: {str(exc).strip()}"))
            continue
        files[name] = str(csv)
    return tables, files, problems


def write_instance(
    folder: str | Path,
    kind: str,
    name: str,
    parameters: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    description: str = "",
    *,
    force: bool = False,
) -> Path:
    """Write an instance folder (instance.yaml + one CSV per table) atomically.

    Refuses to replace an existing folder unless ``force``; the folder appears whole or not at all.
    """
    from optimiser.outputs import atomic_folder

    meta: dict[str, Any] = {"kind": kind, "name": name}
    if description:
        meta["description"] = description
    meta["parameters"] = dict(parameters)
    with atomic_folder(Path(folder), force=force) as tmp:
        (tmp / INSTANCE_FILE).write_text(
            yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        for table, frame in tables.items():
            frame.to_csv(tmp / f"{table}.csv", index=False)
    return Path(folder)
