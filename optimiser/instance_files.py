"""Read an instance folder: ``instance.yaml`` plus CSV tables, or the same tables as workbook sheets.

An instance folder holds

* ``instance.yaml``: ``kind``, ``name``, optional ``description`` and ``workbook``, and
  ``parameters`` (a mapping; every parameter has a documented default);
* one ``<table>.csv`` per table, or one ``.xlsx`` workbook (named by ``workbook:`` or the only
  workbook in the folder) with one sheet per table.

Cells are read as text and typed by the kind's schema, so a bad cell is reported, not guessed.
A CSV cell the engine wrote formula-safe (``'+B``: :mod:`optimiser.exports.safe`) is read as it
was (``+B``), so a run's tables can be given back as input (``assignments.csv`` as
``published.csv``).

Hostile input is refused with a problem, never followed: every file must resolve (symbolic links
followed) inside the instance folder; ``instance.yaml`` may not use YAML anchors or aliases (``&``,
``*``: a few lines of them expand to gigabytes) nor give a key twice, and is at most
:data:`MAX_YAML_BYTES`; a workbook is at most :data:`MAX_WORKBOOK_BYTES` uncompressed and each
sheet at most :data:`MAX_SHEET_ROWS` rows.
"""

from __future__ import annotations

import csv as csv_module
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from optimiser.errors import InputError, Problem
from optimiser.exports.safe import plain_frame

INSTANCE_FILE = "instance.yaml"
MAX_YAML_BYTES = 1_000_000  # bytes of instance.yaml
MAX_WORKBOOK_BYTES = 128 * 1024 * 1024  # bytes of a workbook's contents once uncompressed (128 MiB)
MAX_SHEET_ROWS = 1_000_000  # data rows of one workbook sheet
MAX_ROWS_LISTED = 5  # rows named one by one for a problem that repeats on many rows
BLANK_LINE = re.compile(r"^[ \t,]*\r?$", re.MULTILINE)
"""A line of nothing but commas and spaces (an empty line, or an Excel row of empty cells)."""
SEP_LINE = re.compile(r"sep=[^\r\n]?(?=\r?\n|$)", re.IGNORECASE)
"""Excel's separator hint, a first line such as ``sep=,`` (read, it would be taken for the header)."""
_TOP_KEYS = {"kind", "name", "description", "workbook", "parameters", "source", "licence", "travel"}


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
    travel: Any = None  # ``{graph: FILE}``: travel minutes from a road graph in the folder


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, but a date that does not exist (2025-02-30) stays text, so that the
    parameter's own check names it, where YAML's timestamp would raise ValueError."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def load_yaml(text: str) -> Any:
    """The value of the YAML ``text`` as the safe loader reads it, impossible dates kept as text."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)


def read_yaml(path: Path) -> dict[str, Any]:
    """The mapping in the YAML file ``path``; anchors and aliases are refused, not expanded."""
    shown = str(path)
    if not path.is_file():
        raise InputError([Problem(shown, "file not found")])
    if path.stat().st_size > MAX_YAML_BYTES:
        raise InputError([Problem(shown, f"larger than {MAX_YAML_BYTES:,} bytes; is it the right file?")])
    try:
        text = path.read_text(encoding="utf-8")
        _refuse_aliases(text, shown)
        _refuse_repeated_keys(yaml.compose(text, Loader=yaml.SafeLoader), shown)
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise InputError([Problem(shown, f"not valid YAML: {getattr(exc, 'problem', exc)}", row)]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(shown, "not a UTF-8 text file")]) from None
    except RecursionError:
        raise InputError([Problem(shown, "nested too deeply to be an instance file")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(shown, "expected a mapping of keys (kind, name, parameters, ...)")])
    return data


def _refuse_aliases(text: str, shown: str) -> None:
    """Raise InputError at the first anchor (``&a``) or alias (``*a``): parsed, never expanded."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            mark = event.start_mark  # the parser always sets it; the stubs allow None
            raise InputError(
                [
                    Problem(
                        shown,
                        "YAML anchors and aliases (& and *) are not allowed; write each value out",
                        None if mark is None else mark.line + 1,
                    )
                ]
            )


def _refuse_repeated_keys(node: yaml.Node | None, shown: str) -> None:
    """Raise InputError at a key given twice in one mapping (YAML would keep only the last)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    row = key.start_mark.line + 1
                    raise InputError(
                        [Problem(shown, f"key '{key.value}' is given twice", row, str(key.value))]
                    )
                seen.add(key.value)
            _refuse_repeated_keys(value, shown)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_repeated_keys(item, shown)


def _inside(folder: Path, file: Path) -> bool:
    """Whether ``file`` (symbolic links followed) lies inside ``folder``."""
    try:
        file.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _outside_problem(folder: Path, file: Path, shown: str, column: str | None = None) -> Problem | None:
    """A problem when ``file`` is outside ``folder`` or not a regular file, else None."""
    if not _inside(folder, file):
        where = f"'{file}' lies outside the instance folder {folder}; copy it in"
        return Problem(shown, where, column=column)
    if not file.is_file():
        return Problem(shown, f"'{file}' is not a regular file", column=column)
    return None


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
    if meta_file.exists() and (outside := _outside_problem(path, meta_file, str(meta_file))) is not None:
        raise InputError([outside])
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
    problems += _not_text(meta, shown)
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
        travel=meta.get("travel"),
    )


_TEXT_KEYS = ("name", "description", "source", "licence", "workbook")
"""Top keys of ``instance.yaml`` holding text (a number, as ``name: 2026``, is read as its text)."""


def _not_text(meta: dict[str, Any], shown: str) -> list[Problem]:
    """A text key given a list or a mapping: ``name: [a]`` was read as the text "['a']"."""
    shapes: dict[type, str] = {list: "a list", dict: "a mapping"}
    return [
        Problem(shown, f"{key} must be text, not {shapes[type(meta[key])]}", column=key)
        for key in _TEXT_KEYS
        if type(meta.get(key)) in shapes
    ]


def _read_tables(
    folder: Path, workbook: Any, shown_yaml: str
) -> tuple[dict[str, pd.DataFrame], dict[str, str], list[Problem]]:
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    problems: list[Problem] = []
    book, problems = _find_workbook(folder, workbook, shown_yaml)
    if book is not None:
        sheets, problem = _read_workbook(book)
        if problem is not None:
            problems.append(problem)
        for sheet, frame in sheets.items():
            name = str(sheet).strip()
            if name in tables:
                problems.append(Problem(f"{book}[{sheet}]", f"sheet '{name}' appears twice in the workbook"))
                continue
            tables[name] = frame
            files[name] = f"{book}[{sheet}]"
    for csv in sorted(folder.glob("*.csv")):
        name = csv.stem
        if name in tables:
            problems.append(Problem(str(csv), f"table '{name}' is also a sheet of {files[name]}; keep one"))
            continue
        if (outside := _outside_problem(folder, csv, str(csv))) is not None:
            problems.append(outside)
            continue
        frame, found = read_csv_table(csv)
        problems += found
        if frame is None:
            continue
        tables[name] = frame
        files[name] = str(csv)
    problems += _tables_not_read(folder)
    return tables, files, problems


def _tables_not_read(folder: Path) -> list[Problem]:
    """A file ending .CSV or .Csv (as Windows, which ignores case, lets it be): passed over as a
    table, it left only 'required table ... is missing' beside the file the user can see."""
    return [
        Problem(str(path), f"not read: a table's file name ends in .csv; rename it {path.stem}.csv")
        for path in sorted(folder.iterdir())
        if path.suffix.lower() == ".csv" and path.suffix != ".csv"
    ]


def named_by_first_row(raw: pd.DataFrame) -> pd.DataFrame:
    """A table read without a header (``header=None``), its first row made the column names as
    written: pandas' own header reading renames a repeated name (``lat``, ``lat.1``), which would
    hide the repetition from validation.  A blank name is ``Unnamed: <position>``, as pandas names it."""
    if raw.empty:
        return pd.DataFrame()
    names = [str(cell) if str(cell).strip() else f"Unnamed: {i}" for i, cell in enumerate(raw.iloc[0])]
    return raw.iloc[1:].set_axis(names, axis=1).reset_index(drop=True)


def read_csv_table(csv: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The CSV file ``csv`` as text cells, or None with the problems that stop it being read.

    A row with more fields than the header (a comma at the end of the line, as some exports
    write) is refused by its row: read as it is, pandas would take the first column for an index
    and shift every other one, or drop the extra cells unseen.
    """
    shown = str(csv)
    data = csv.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        message = (
            f"not UTF-8 text (byte 0x{byte}, perhaps an accented letter saved in another encoding); "
            "save it as 'CSV UTF-8 (Comma delimited)'"
        )
        return None, [Problem(shown, message, line)]
    if (sep := SEP_LINE.match(text)) is not None:
        message = f"Excel's '{sep.group(0)}' line comes before the header; delete it (the header comes first)"
        return None, [Problem(shown, message, 1)]
    if (separator := _other_separator(text)) is not None:
        message = f"cells separated by {separator!r}, not commas; save it as 'CSV UTF-8 (Comma delimited)'"
        return None, [Problem(shown, message, 1)]
    blank_lines = BLANK_LINE.search(text.rstrip("\r\n")) is not None
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            header=None,
            skip_blank_lines=not blank_lines,
        )
    except pd.errors.EmptyDataError:
        return pd.DataFrame(), []
    except pd.errors.ParserError as exc:  # rows longer than the header, named one by one
        return None, _long_rows(text, shown) or [Problem(shown, f"cannot be read as CSV: {str(exc).strip()}")]
    frame = _without_blank_rows(raw) if blank_lines else named_by_first_row(raw)
    return (
        plain_frame(frame) if "'" in text else frame
    ), []  # a file without a quote has nothing to read back


def _other_separator(text: str) -> str | None:
    """``;`` or a tab when the header holds one and no comma (Excel in many languages saves its
    'CSV' so: read with commas, the header was one unknown column and every column 'missing')."""
    header = text.split("\n", 1)[0]
    if "," in header:
        return None
    return next((s for s in (";", "\t") if s in header), None)


def _without_blank_rows(raw: pd.DataFrame) -> pd.DataFrame:
    """``raw`` (read with its blank lines, header=None) without the rows whose every cell is blank
    (a workbook's empty rows after its table are dropped alike), named by its first row;
    ``attrs["rows"]`` holds each record's row in the file (header = row 1), so a problem after a
    blank line names the row an editor or spreadsheet shows, not one row above it (an Excel row
    of empty cells, ``,,,``, was refused as missing values)."""
    blank = raw.fillna("").apply(lambda column: column.str.strip() == "").all(axis=1).to_numpy()
    kept = raw[~blank]
    frame = named_by_first_row(kept)
    frame.attrs["rows"] = (kept.index[1:] + 1).to_numpy()
    return frame


def _long_rows(text: str, shown: str) -> list[Problem]:
    """Each row of ``text`` with more fields than its header (the first :data:`MAX_ROWS_LISTED`,
    then how many more), or the reason it cannot be read as CSV; read only when pandas refused
    the file, so a good file is read once, by pandas."""
    records = csv_module.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    header: list[str] | None = None
    long_rows: list[Problem] = []
    try:
        for record in records:
            if header is None:
                header = record
            elif len(record) > len(header):
                long_rows.append(
                    Problem(
                        shown,
                        f"{len(record)} fields, but the header has {len(header)}; remove the extra "
                        "cells (a comma at the end of the line?)",
                        records.line_num,
                    )
                )
    except csv_module.Error as exc:
        return [Problem(shown, f"cannot be read as CSV: {exc}", records.line_num)]
    if len(long_rows) > MAX_ROWS_LISTED:
        more = len(long_rows) - MAX_ROWS_LISTED
        long_rows = long_rows[:MAX_ROWS_LISTED]
        long_rows.append(Problem(shown, f"{more} more rows have more fields than the header"))
    return long_rows


def _find_workbook(folder: Path, workbook: Any, shown_yaml: str) -> tuple[Path | None, list[Problem]]:
    """The workbook to read (named by ``workbook:`` or the only one in the folder), or None."""
    if workbook:
        book = folder / str(workbook)
        if not (book.exists() or book.is_symlink()):
            missing = f"workbook '{workbook}' not found beside it"
            return None, [Problem(shown_yaml, missing, column="workbook")]
        outside = _outside_problem(folder, book, shown_yaml, column="workbook")
        return (None, [outside]) if outside is not None else (book, [])
    books = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))
    if len(books) > 1:
        listed = ", ".join(p.name for p in books)
        return None, [Problem(str(folder), f"more than one workbook ({listed}); name one with 'workbook:'")]
    if not books:
        return None, []
    outside = _outside_problem(folder, books[0], str(books[0]))
    return (None, [outside]) if outside is not None else (books[0], [])


def _read_workbook(book: Path) -> tuple[dict[str, pd.DataFrame], Problem | None]:
    """Every sheet of ``book`` as text, within :data:`MAX_WORKBOOK_BYTES` and :data:`MAX_SHEET_ROWS`."""
    try:
        with zipfile.ZipFile(book) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return {}, Problem(str(book), "cannot be read as an Excel workbook (not an .xlsx file)")
    if size > MAX_WORKBOOK_BYTES:
        return {}, Problem(
            str(book),
            f"unpacks to {size:,} bytes, above the limit of {MAX_WORKBOOK_BYTES:,}; "
            "split it, or give the large tables as CSV files",
        )
    try:
        sheets = pd.read_excel(
            book,
            sheet_name=None,
            dtype=str,
            keep_default_na=False,
            engine="openpyxl",
            header=None,
            nrows=MAX_SHEET_ROWS + 2,  # the header row and one row too many
        )
    except Exception as exc:  # openpyxl raises many types for a damaged file
        return {}, Problem(str(book), f"cannot be read as an Excel workbook ({exc.__class__.__name__})")
    sheets = {sheet: named_by_first_row(frame) for sheet, frame in sheets.items()}
    for sheet, frame in sheets.items():
        if len(frame) > MAX_SHEET_ROWS:
            return {}, Problem(
                f"{book}[{sheet}]", f"more than {MAX_SHEET_ROWS:,} rows; give the large tables as CSV files"
            )
    return sheets, None


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

    Refuses to replace an existing folder unless ``force``, and even then unless ``generate`` or
    ``import`` wrote it (:func:`optimiser.outputs.instance_folder`: only the files it wrote are
    replaced, a user's other files kept); the folder appears whole or not at all.
    """
    from optimiser.outputs import instance_folder

    meta: dict[str, Any] = {"kind": kind, "name": name}
    if description:
        meta["description"] = description
    meta["parameters"] = dict(parameters)
    with instance_folder(Path(folder), force=force) as tmp:
        (tmp / INSTANCE_FILE).write_text(
            yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        for table, frame in tables.items():
            frame.to_csv(tmp / f"{table}.csv", index=False)
    return Path(folder)
