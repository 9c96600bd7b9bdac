"""Write a comparison of solved variants: one table as CSV, workbook and Markdown, and the report."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from optimiser.exports.safe import write_csv
from optimiser.exports.workbook import write_workbook
from optimiser.outputs import replacing
from optimiser.scenarios import compare_runs, plan_differences

HEADLINE = (
    "scenario",
    "status",
    "check",
    "gap",
    "annual_cost",
    "unserved_attendances",
    "costs.unserved_penalty",
    "sites_open",
    "chairs",
    "access.mean_minutes",
    "access.p95_minutes",
    "access.within_30",
    "access.within_45",
    "access.within_60",
)
"""Columns shown first (those a run reports); every other figure follows.  ``annual_cost`` is
what a SACT plan costs a year (``costs.total`` less ``costs.unserved_penalty``, which prices
unserved attendances in the objective only: growth-68 of lsc-sact-districts showed £274,555,292
as its cost, £267,179,120 of it penalty)."""


def ordered(table: pd.DataFrame) -> pd.DataFrame:
    first = [c for c in HEADLINE if c in table.columns]
    return table[first + [c for c in table.columns if c not in first]]


def markdown(table: pd.DataFrame, columns: int = len(HEADLINE)) -> str:
    """A Markdown table of the first ``columns`` columns (the full table is in the CSV)."""
    from optimiser.report import readable

    shown = table.iloc[:, :columns].copy()
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            shown[column] = shown[column].map(readable)
    return shown.to_markdown(index=False, disable_numparse=True)


def text_table(table: pd.DataFrame, widest: int = 40) -> str:
    """A table for the terminal: numbers as :func:`optimiser.report.readable` writes them
    (thousands separated, no exponents), blanks for missing values, text cut at ``widest``
    characters (the CSV and the report hold it whole)."""
    from optimiser.report import readable

    shown = table.copy()
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_bool_dtype(values):
            continue
        if pd.api.types.is_numeric_dtype(values):
            shown[column] = values.map(readable)
        else:
            text = values.map(lambda v: "" if pd.isna(v) else str(v))
            shown[column] = text.map(lambda v: v if len(v) <= widest else v[: widest - 3] + "...")
    return shown.to_string(index=False)


def write_comparison(
    out: Path,
    kind: str,
    runs: Mapping[str, Path],
    *,
    title: str,
    report: bool = True,
    extra: Mapping[str, pd.DataFrame] | None = None,
    unsolved: Mapping[str, str] | None = None,
) -> list[str]:
    """comparison.csv/.xlsx/.md and differences.csv (and report.html) in ``out``; the names written.
    ``unsolved``: the status of each run that wrote no ``summary.json`` (else 'not run'): a solve
    killed above the memory limit read 'not run' in the table, 'killed' on the terminal."""
    out.mkdir(parents=True, exist_ok=True)
    table = ordered(compare_runs(runs, unsolved))
    differences = plan_differences(kind, runs)
    # each file replaces its old self in one rename: a symbolic link there is never followed
    for name, frame in {"comparison": table, "differences": differences, **dict(extra or {})}.items():
        with replacing(out / f"{name}.csv") as tmp:
            write_csv(frame, tmp)
    sheets = {"comparison": table, "differences": differences, **dict(extra or {})}
    with replacing(out / "comparison.xlsx") as tmp:
        write_workbook(tmp, sheets)
    lines = [f"# {title}", "", markdown(table), ""]
    if len(differences):
        lines += ["## Plan differences against the first", "", markdown(differences, 6), ""]
    for name, frame in (extra or {}).items():
        lines += [f"## {name}", "", markdown(frame), ""]
    with replacing(out / "comparison.md") as tmp:
        tmp.write_text("\n".join(lines), encoding="utf-8")
    files = ["comparison.csv", "comparison.xlsx", "comparison.md", "differences.csv"]
    files += [f"{name}.csv" for name in extra or {}]
    if report:
        from optimiser.report import write_report_files

        files += [path.name for path in write_report_files(out)]
    return files
