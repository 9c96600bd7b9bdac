"""The report of a suite run: markdown tables, a performance profile and time-against-size plots.

``write_report(table, out)`` writes ``report.md`` and PNG figures (drawn by
:mod:`benchmarks.suite.plots` on matplotlib's Agg canvas, no display needed) into ``out``, one
function per section:

* a summary per family and backend (tasks, solved, total and shifted-geometric-mean seconds,
  peak memory), the published-value check, every row;
* ``profile.png``: the Dolan-Moré performance profile across backends (when two or more
  backends attempted the same problems), with its values at a few ratios;
* the cases whose solve ran past its time limit by more than 10 % + 2 s
  (:mod:`benchmarks.suite.overrun`);
* ``scaling-<model>.png``: log-log time against size per model, one line per family and
  backend, with the fitted growth exponent (cases solved to optimality only).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.suite.overrun import overrun_lines
from benchmarks.suite.plots import PROFILE_TAUS, plot_profile, plot_scaling
from benchmarks.suite.profile import case_seconds, compared_problems, solve_times

__all__ = [
    "PROFILE_TAUS",
    "SHIFT_SECONDS",
    "extra_tables",
    "plot_profile",
    "plot_scaling",
    "shifted_geometric_mean",
    "side_by_side",
    "summary_table",
    "write_report",
]

PUBLISHED_COLUMNS = [
    "case",
    "size",
    "backend",
    "repeat",
    "status",
    "objective",
    "bound",
    "published",
    "published_kind",
    "relative_error",
    "check",
    "seconds",
]
ROW_COLUMNS = [
    "case",
    "family",
    "size",
    "backend",
    "repeat",
    "time_limit",
    "status",
    "objective",
    "bound",
    "gap",
    "build_seconds",
    "solve_seconds",
    "wall_seconds",
    "overrun_seconds",
    "peak_memory_mb",
    "published",
    "relative_error",
    "check",
    "note",
]
SHIFT_SECONDS = 1.0  # shift of the shifted geometric mean, so that tiny times do not dominate


def shifted_geometric_mean(values: Iterable[float], shift: float = SHIFT_SECONDS) -> float:
    arr = np.asarray(list(values), dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return float("nan")
    return float(np.exp(np.log(arr + shift).mean()) - shift)


def _fmt(value: Any, spec: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | float | np.integer | np.floating):
        return format(float(value), spec)
    return str(value)


def _markdown(frame: pd.DataFrame, formats: dict[str, str] | None = None) -> str:
    if frame.empty:
        return "(none)"
    formats = formats or {}
    shown = frame.copy().astype(object)
    for column in shown.columns:
        spec = formats.get(column, ".4g")
        shown[column] = [_fmt(v, spec) for v in shown[column]]
    return shown.to_markdown(index=False, disable_numparse=True)


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per family and backend: tasks, outcomes, seconds (total, solved only, shifted geometric mean)."""
    frame = table.copy()
    frame["seconds"] = case_seconds(frame)
    rows = []
    for (family, backend), g in frame.groupby(["family", "backend"], sort=False):
        ran = g[g["status"] != "skipped"]
        solved = ran[ran["status"] == "optimal"]
        rows.append(
            {
                "family": family,
                "backend": backend,
                "tasks": len(ran),
                "optimal": len(solved),
                "feasible": int((ran["status"] == "feasible").sum()),
                "infeasible": int((ran["status"] == "infeasible").sum()),  # proven: an answer
                "no plan": int(ran["status"].isin(["no_solution", "unbounded"]).sum()),
                "timeout/killed/error": int(ran["status"].isin(["timeout", "killed", "error"]).sum()),
                "interrupted": int((ran["status"] == "interrupted").sum()),  # Ctrl-C: a rerun runs them
                "skipped": int((g["status"] == "skipped").sum()),
                "total s": ran["seconds"].sum(),
                "total s (optimal)": solved["seconds"].sum(),
                "wall s": pd.to_numeric(ran["wall_seconds"], errors="coerce").sum(),
                "sgm s": shifted_geometric_mean(ran["seconds"]),
                "peak MB": pd.to_numeric(ran["peak_memory_mb"], errors="coerce").max(),
                "published ok": int((ran["check"] == "ok").sum()),
                "mismatch": int((ran["check"] == "mismatch").sum()),
            }
        )
    return pd.DataFrame(rows)


def side_by_side(table: pd.DataFrame) -> pd.DataFrame:
    """Cases x backends: seconds when solved to optimality, else the status and seconds."""
    frame = table[table["status"] != "skipped"].copy()
    frame["seconds"] = case_seconds(frame)
    frame["cell"] = [
        f"{t:.3g} s" if status == "optimal" else f"{status} ({t:.3g} s)" if np.isfinite(t) else str(status)
        for status, t in zip(frame["status"], frame["seconds"].fillna(np.nan), strict=True)
    ]
    frame["problem"] = frame["case"].astype(str) + " (" + frame["size"].astype(str) + ")"
    order = list(dict.fromkeys(frame["problem"]))
    pivot = frame.pivot_table(index="problem", columns="backend", values="cell", aggfunc=" / ".join)
    return pivot.reindex(order).reset_index().rename(columns={"problem": "case"})


def extra_tables(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Per family (and model, where a family has several) whose rows carry ``extra`` figures: a
    title and a table of case, size, backend, repeat and one column per figure (in the order
    first seen); rows without figures are left out."""
    out: list[tuple[str, pd.DataFrame]] = []
    if "extra" not in table.columns:
        return out
    models_per_family = table.groupby("family", sort=False)["model"].nunique()
    for (family, model), g in table.groupby(["family", "model"], sort=False):
        rows = []
        for row in g.itertuples(index=False):
            text = row.extra
            if not isinstance(text, str) or not text.strip():
                continue
            figures = json.loads(text)
            head = {"case": row.case, "size": row.size, "backend": row.backend, "repeat": row.repeat}
            rows.append(head | {k: _cell(v) for k, v in figures.items()})
        if rows:
            title = str(family) if models_per_family[family] == 1 else f"{family} ({model})"
            out.append((title, pd.DataFrame(rows)))
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _run_meta(out: Path) -> dict[str, Any]:
    path = out / "run.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _preamble_lines(title: str, meta: dict[str, Any]) -> list[str]:
    """The title, the run's description, machine and settings, and what the seconds mean."""
    lines = [f"# {title}", ""]
    if meta.get("description"):
        lines += [str(meta["description"]), ""]
    if meta.get("machine"):
        lines += [str(meta["machine"]), ""]
    if meta.get("settings"):
        s = meta["settings"]
        lines += [
            "Settings (suite defaults; entries may override, see each row): "
            + ", ".join(f"{k} {v}" for k, v in s.items()),
            f"Cases ran in parallel on: {meta.get('scheduler')} "
            f"({meta.get('workers') or 'default'} workers).",
            "",
        ]
    return lines + [
        "Seconds are wall-clock: build (read + formulate + hand-off) plus solve, as each backend "
        "reports them; `wall s` is the case's whole process. Peak memory is the resident memory "
        "of the case's process tree. Timings on a shared machine are noisy.",
        "",
    ]


def _summary_lines(frame: pd.DataFrame) -> list[str]:
    """The summary section: :func:`summary_table` per family and backend."""
    formats = {
        "total s": ".2f",
        "total s (optimal)": ".2f",
        "wall s": ".1f",
        "sgm s": ".3g",
        "peak MB": ".0f",
    }
    return ["## Summary by family and backend", "", _markdown(summary_table(frame), formats), ""]


def _published_lines(frame: pd.DataFrame) -> list[str]:
    """The published-value section: rows that ran on a case with a published value (none: no section)."""
    published = frame[frame["published"].notna() & (frame["status"] != "skipped")]
    if published.empty:
        return []
    formats = {
        "objective": ".10g",
        "bound": ".10g",
        "published": ".10g",
        "relative_error": ".2e",
        "seconds": ".3g",
    }
    return ["## Published values", "", _markdown(published[PUBLISHED_COLUMNS], formats), ""]


def _side_by_side_lines(frame: pd.DataFrame) -> list[str]:
    """The side-by-side section: :func:`side_by_side`, when two or more backends ran."""
    if frame.loc[frame["status"] != "skipped", "backend"].nunique() < 2:
        return []
    return [
        "## Side by side",
        "",
        "Build + solve seconds of each backend on each case (repeats separated by /); a status "
        "is shown where the case was not solved to optimality.",
        "",
        _markdown(side_by_side(frame)),
        "",
    ]


def _profile_lines(frame: pd.DataFrame, out: Path) -> tuple[list[str], list[Path]]:
    """The performance-profile section and ``profile.png`` (when two or more backends share problems)."""
    times = solve_times(frame)
    complete = compared_problems(times)
    lines = ["## Performance profile", ""]
    if complete.shape[1] < 2 or not len(complete):
        return lines + ["(needs two or more backends on the same problems)", ""], []
    path = out / "profile.png"
    at = plot_profile(complete, path)
    shown = at.reset_index()
    shown["tau"] = [f"{t:g}" for t in shown["tau"]]
    lines += [
        f"![performance profile]({path.name})",
        "",
        f"Share of the {len(complete)} problems {', '.join(complete.columns)} all attempted that "
        "each solved (to optimality, or proved infeasible) within tau times the fastest backend's "
        "seconds (tau = inf: solved at all).",
        "",
        _markdown(shown, {c: ".2f" for c in at.columns}),
        "",
    ]
    return lines, [path]


def _scaling_lines(frame: pd.DataFrame, out: Path) -> tuple[list[str], list[Path]]:
    """The time-against-size section and one ``scaling-<model>.png`` per model, with growth exponents."""
    lines = ["## Time against size", ""]
    # A size known only once the case is built (size_value NaN, e.g. sact-imported) is not plotted.
    solved = frame[(frame["status"] == "optimal") & frame["size_value"].notna()]
    fits = []
    written: list[Path] = []
    for model, g in solved.groupby("model", sort=False):
        path = out / f"scaling-{model}.png"
        fits.append(plot_scaling(g, str(model), path))
        written.append(path)
        lines += [f"![{model}: time against size]({path.name})", ""]
    if not fits:
        return lines + ["(no case solved to optimality)", ""], written
    formats = {"exponent": ".2f", "coefficient": ".3g", "smallest": ".6g", "largest": ".6g"}
    lines += [
        "Growth exponent b of the least-squares fit log t = a + b log n (numpy.polyfit), cases "
        "solved to optimality; median over repeats.",
        "",
        _markdown(pd.concat(fits, ignore_index=True), formats),
        "",
    ]
    return lines, written


def _further_lines(frame: pd.DataFrame) -> list[str]:
    """The further-figures section: one table per :func:`extra_tables` entry (none: no section)."""
    further = extra_tables(frame)
    if not further:
        return []
    lines = [
        "## Further figures",
        "",
        "Figures a family reports beside status, objective, bound and gap (its docstring says what "
        "each means), from the rows' `extra` column.",
        "",
    ]
    for family, figures in further:
        formats = {c: ".7g" for c in figures.columns} | {"repeat": ".0f"}
        lines += [f"### {family}", "", _markdown(figures, formats), ""]
    return lines


def _row_lines(frame: pd.DataFrame) -> list[str]:
    """The every-row section: :data:`ROW_COLUMNS` of every row."""
    formats = {
        "objective": ".10g",
        "bound": ".10g",
        "published": ".10g",
        "gap": ".2e",
        "relative_error": ".2e",
        "build_seconds": ".3g",
        "solve_seconds": ".4g",
        "wall_seconds": ".3g",
        "overrun_seconds": ".3g",
        "peak_memory_mb": ".0f",
        "repeat": ".0f",
        "time_limit": ".4g",
    }
    return ["## Every row", "", _markdown(frame[ROW_COLUMNS], formats), ""]


def _notes_lines(notes: Iterable[str]) -> list[str]:
    """The notes section, one bullet per note (none: no section)."""
    notes = list(notes)
    return ["## Notes", "", *[f"- {n}" for n in notes], ""] if notes else []


def write_report(
    table: pd.DataFrame, out: Path, *, title: str = "Benchmark results", notes: Iterable[str] = ()
) -> list[Path]:
    """Write ``report.md`` and the figures for ``table`` (rows of :data:`COLUMNS`) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    frame = table.copy()
    frame["seconds"] = case_seconds(frame)
    profile, profile_figures = _profile_lines(frame, out)
    scaling, scaling_figures = _scaling_lines(frame, out)
    lines = [
        *_preamble_lines(title, _run_meta(out)),
        *_summary_lines(frame),
        *_published_lines(frame),
        *_side_by_side_lines(frame),
        *profile,
        *scaling,
        *overrun_lines(frame),
        *_further_lines(frame),
        *_row_lines(frame),
        *_notes_lines(notes),
    ]
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return [path, *profile_figures, *scaling_figures]
