"""Fuzzing each kind's loader: a mutated instance is loaded or refused with InputError, nothing else.

Issue 17 ("done when"): each bundled instance (one per kind) is copied, then hypothesis changes
cells, headers, rows and parameters to hostile values (non-finite and huge numbers, dates out of
range, formulas, control characters, ids of other rows) and
:func:`optimiser.kinds.load_instance` must either return a loaded instance or raise
:class:`optimiser.errors.InputError` naming the problem: never a traceback.

:data:`QUICK_EXAMPLES` examples per kind run in the quick suite and :data:`CI_EXAMPLES` in the
``slow`` one, which CI runs too (both derandomised, so CI is repeatable); a second ``slow`` variant
runs :data:`SLOW_EXAMPLES` random ones when ``OPTIMISER_FUZZ_MANY`` is set.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instances import bundled_path
from optimiser.errors import InputError
from optimiser.kinds import load_instance

KINDS = ("lsc-sact-districts", "lsc-ooh", "lsc-cover", "lsc-sact-nurses")
QUICK_EXAMPLES = 25  # about 2 s a kind; the slow suite runs CI_EXAMPLES
CI_EXAMPLES = 200
SLOW_EXAMPLES = 1000
SMALLER = {"lsc-sact-nurses": {"days": 14}}  # a shorter rota: the same tables, quicker to load

NASTY_CELLS = (
    "",
    " ",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "1e309",
    "-1e309",
    "1e20",
    "-1e20",
    "1e12",
    "-1",
    "0",
    "-0",
    "0.5",
    "1e-320",
    "2",
    "100000",
    "9999-12-28",
    "-1253",
    "0001-01-01",
    "2026-02-30",
    "2025-03-10",
    "2025-03-03T25:00",
    "00:00",
    "24:00",
    "25:61",
    "-07:30",
    "Mon",
    "Sun",
    "Funday",
    "true",
    "FALSE",
    "yes",
    "maybe",
    "=1+1",
    "@SUM(A1)",
    "+44",
    "a\nb",
    "a\tb",
    "\x00",
    "\x1b[31m",
    "é",
    "😀",
    "|",
    "||",
    "a|b",
    "*",
    "x" * 300,
    "1,000",
    "£5",
    "None",
    "null",
    "NA",
)
NASTY_PARAMETERS: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1,
    2,
    0.5,
    -0.5,
    1e309,
    -1e309,
    float("nan"),
    10**20,
    1e20,
    "abc",
    "",
    "2026-01-01",
    "9999-12-28",
    "-1253",
    [1, 2],
    {"a": 1},
    "inf",
    "Europe/Nowhere",
    "America/New_York",
)


@functools.cache
def source(name: str) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """The bundled instance ``name``: its instance.yaml mapping and its tables as text."""
    folder = bundled_path(name)
    assert folder is not None, name
    meta = yaml.safe_load((folder / "instance.yaml").read_text(encoding="utf-8"))
    meta["parameters"] = {**(meta.get("parameters") or {}), **SMALLER.get(name, {})}
    tables = {
        csv.stem: pd.read_csv(csv, dtype=str, keep_default_na=False) for csv in sorted(folder.glob("*.csv"))
    }
    return meta, tables


def parameter_names(name: str) -> list[str]:
    from optimiser.kinds import KINDS as REGISTRY

    kind = REGISTRY[source(name)[0]["kind"]]
    return sorted({p.name for p in kind.parameters} | set(source(name)[0]["parameters"]))


@st.composite
def mutation(draw: st.DrawFn, name: str) -> tuple[str, ...]:
    """One change to the instance, as a tuple saying what to do where."""
    meta, tables = source(name)
    what = draw(st.sampled_from(["cell", "cell", "cell", "cell", "header", "rows", "parameter"]))
    if what == "parameter":
        key = draw(st.sampled_from(parameter_names(name)))
        value = draw(st.sampled_from(NASTY_PARAMETERS) | st.text(max_size=6) | st.floats() | st.integers())
        return ("parameter", key, value)
    table = draw(st.sampled_from(sorted(tables)))
    frame = tables[table]
    columns = list(frame.columns)
    if what == "header":
        col = draw(st.sampled_from(columns))
        op = draw(st.sampled_from(["drop", "twice_with_space", "rename", "upper", "blank"]))
        return ("header", table, col, op, draw(st.text(max_size=6)))
    if what == "rows":
        op = draw(st.sampled_from(["empty", "first_only", "duplicate_first", "drop_first", "drop_table"]))
        return ("rows", table, op)
    col = draw(st.sampled_from(columns))
    row = draw(st.integers(0, max(len(frame) - 1, 0)))
    others = frame[col].tolist() or [""]
    value = draw(st.sampled_from(NASTY_CELLS) | st.sampled_from(others) | st.text(max_size=8))
    return ("cell", table, col, row, value)


def apply(name: str, changes: list[tuple[Any, ...]]) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    meta, tables = source(name)
    meta = {**meta, "parameters": dict(meta["parameters"])}
    tables = {k: v.copy() for k, v in tables.items()}
    for change in changes:
        if change[0] == "parameter":
            meta["parameters"][change[1]] = change[2]
        elif change[0] == "cell":
            _, table, col, row, value = change
            if table in tables and col in tables[table].columns and row < len(tables[table]):
                tables[table].loc[tables[table].index[row], col] = value
        elif change[0] == "header":
            _header(tables, *change[1:])
        elif change[0] == "rows" and change[1] in tables:
            _rows(tables, change[1], change[2])
    return meta, tables


def _header(tables: dict[str, pd.DataFrame], table: str, col: str, op: str, text: str) -> None:
    frame = tables.get(table)
    if frame is None or col not in frame.columns:
        return
    if op == "drop":
        tables[table] = frame.drop(columns=[col])
    elif op == "twice_with_space":
        copy = frame[[col]].copy()
        copy.columns = [col + " "]
        tables[table] = pd.concat([frame, copy], axis=1)
    else:
        new = {"rename": text, "upper": col.upper(), "blank": ""}[op]
        tables[table] = frame.rename(columns={col: new})


def _rows(tables: dict[str, pd.DataFrame], table: str, op: str) -> None:
    frame = tables[table]
    if op == "drop_table":
        del tables[table]
    elif op == "empty":
        tables[table] = frame.iloc[:0]
    elif op == "first_only":
        tables[table] = frame.iloc[:1]
    elif op == "duplicate_first":
        tables[table] = pd.concat([frame.iloc[:1], frame])
    elif op == "drop_first":
        tables[table] = frame.iloc[1:]


def load_mutated(name: str, changes: list[tuple[Any, ...]]) -> None:
    """Write the mutated instance to a temporary folder and load it: InputError is the only failure."""
    meta, tables = apply(name, changes)
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        folder = Path(tmp) / name
        folder.mkdir()
        (folder / "instance.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
        for table, frame in tables.items():
            frame.to_csv(folder / f"{table}.csv", index=False)
        try:
            load_instance(folder)
        except InputError as exc:
            assert exc.problems, "an InputError must name at least one problem"
            for problem in exc.problems:
                assert problem.file and problem.message


def fuzz(name: str, examples: int, derandomize: bool) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=derandomize,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(changes=st.lists(mutation(name), min_size=1, max_size=3))
    def run(changes: list[tuple[Any, ...]]) -> None:
        load_mutated(name, changes)

    run()


@pytest.mark.parametrize("name", KINDS)
def test_each_bundled_instance_loads_unchanged(name: str) -> None:
    """The fuzz's starting point is valid: a failure below is the mutation's doing."""
    load_mutated(name, [])


@pytest.mark.parametrize("name", KINDS)
def test_fuzzed_instance_loads_or_is_refused(name: str) -> None:
    fuzz(name, QUICK_EXAMPLES, derandomize=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", KINDS)
def test_fuzzed_instance_loads_or_is_refused_more(name: str) -> None:
    fuzz(name, CI_EXAMPLES, derandomize=True)


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("OPTIMISER_FUZZ_MANY"),
    reason="1,000 random examples a kind take minutes: set OPTIMISER_FUZZ_MANY=1 for a slow run",
)
@pytest.mark.parametrize("name", KINDS)
def test_fuzzed_instance_loads_or_is_refused_many(name: str) -> None:
    fuzz(name, SLOW_EXAMPLES, derandomize=False)
