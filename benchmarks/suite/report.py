"""The report of a suite run: markdown tables, a performance profile and time-against-size plots.

``write_report(table, out)`` writes ``report.md`` and PNG figures (matplotlib's Agg canvas, no
display needed) into ``out``:

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
from benchmarks.suite.profile import case_seconds, growth_exponent, performance_profile, solve_times

PROFILE_TAUS = (1.0, 1.5, 2.0, 5.0, 10.0, 100.0, math.inf)
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
                "no plan": int(ran["status"].isin(["no_solution", "infeasible", "unbounded"]).sum()),
                "timeout/killed/error": int(ran["status"].isin(["timeout", "killed", "error"]).sum()),
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


def _canvas_figure(width: float = 6.4, height: float = 4.4) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def plot_profile(times: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Draw the performance profile of ``times`` to ``path``; return it at :data:`PROFILE_TAUS`."""
    profile = performance_profile(times)
    fig = _canvas_figure()
    ax = fig.add_subplot()
    finite = profile.index[np.isfinite(profile.index)]
    right = max(2.0, float(finite.max()) * 1.25) if len(finite) else 2.0
    for backend in profile.columns:
        taus = np.append(profile.index.to_numpy(), right)
        rho = np.append(profile[backend].to_numpy(), profile[backend].iloc[-1])
        ax.step(taus, rho, where="post", label=backend)
    ax.set_xscale("log", base=2)
    ax.set_xlim(1.0, right)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("tau: time within this factor of the fastest backend")
    ax.set_ylabel("share of problems solved to optimality")
    ax.set_title(f"Performance profile ({len(profile.columns)} backends, {len(times.dropna())} problems)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    return performance_profile(times, np.array(PROFILE_TAUS))


def plot_scaling(frame: pd.DataFrame, model: str, path: Path) -> pd.DataFrame:
    """Log-log seconds against size for ``model``; one line per family and backend, with exponents."""
    fig = _canvas_figure()
    ax = fig.add_subplot()
    fits = []
    for (family, backend), g in frame.groupby(["family", "backend"], sort=False):
        points = g.groupby("size_value")["seconds"].median().sort_index()
        x, y = points.index.to_numpy(float), points.to_numpy(float)
        fit = growth_exponent(x, y)
        label = f"{family} / {backend}"
        if fit is not None:
            label += f" (t ~ n^{fit[0]:.2f})"
            xs = np.geomspace(x.min(), x.max(), 20)
            ax.plot(xs, fit[1] * xs ** fit[0], linestyle="--", linewidth=0.8, color="grey")
        ax.plot(x, y, marker="o", label=label)
        fits.append(
            {
                "model": model,
                "family": family,
                "backend": backend,
                "sizes": len(x),
                "smallest": x.min(),
                "largest": x.max(),
                "exponent": None if fit is None else fit[0],
                "coefficient": None if fit is None else fit[1],
            }
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("size (zone-site pairs for location models; see the size column)")
    ax.set_ylabel("build + solve seconds (solved to optimality)")
    ax.set_title(f"{model}: time against size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    return pd.DataFrame(fits)


def _run_meta(out: Path) -> dict[str, Any]:
    path = out / "run.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def write_report(
    table: pd.DataFrame, out: Path, *, title: str = "Benchmark results", notes: Iterable[str] = ()
) -> list[Path]:
    """Write ``report.md`` and the figures for ``table`` (rows of :data:`COLUMNS`) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    meta = _run_meta(out)
    frame = table.copy()
    frame["seconds"] = case_seconds(frame)
    written: list[Path] = []
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
    lines += [
        "Seconds are wall-clock: build (read + formulate + hand-off) plus solve, as each backend "
        "reports them; `wall s` is the case's whole process. Peak memory is the resident memory "
        "of the case's process tree. Timings on a shared machine are noisy.",
        "",
        "## Summary by family and backend",
        "",
        _markdown(
            summary_table(frame),
            {"total s": ".2f", "total s (optimal)": ".2f", "wall s": ".1f", "sgm s": ".3g", "peak MB": ".0f"},
        ),
        "",
    ]
    published = frame[frame["published"].notna() & (frame["status"] != "skipped")]
    if not published.empty:
        cols = [
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
        lines += [
            "## Published values",
            "",
            _markdown(
                published[cols],
                {
                    "objective": ".10g",
                    "bound": ".10g",
                    "published": ".10g",
                    "relative_error": ".2e",
                    "seconds": ".3g",
                },
            ),
            "",
        ]
    if frame.loc[frame["status"] != "skipped", "backend"].nunique() >= 2:
        lines += [
            "## Side by side",
            "",
            "Build + solve seconds of each backend on each case (repeats separated by /); a status "
            "is shown where the case was not solved to optimality.",
            "",
            _markdown(side_by_side(frame)),
            "",
        ]
    times = solve_times(frame)
    complete = times.dropna(how="any") if not times.empty else times
    lines += ["## Performance profile", ""]
    if times.shape[1] >= 2 and len(complete):
        path = out / "profile.png"
        at = plot_profile(times, path)
        written.append(path)
        shown = at.reset_index()
        shown["tau"] = [f"{t:g}" for t in shown["tau"]]
        lines += [
            f"![performance profile]({path.name})",
            "",
            f"Share of the {len(complete)} problems every backend attempted that each solved to "
            "optimality within tau times the fastest backend's seconds (tau = inf: solved at all).",
            "",
            _markdown(shown, {c: ".2f" for c in at.columns}),
            "",
        ]
    else:
        lines += ["(needs two or more backends on the same problems)", ""]
    lines += ["## Time against size", ""]
    # A size known only once the case is built (size_value NaN, e.g. sact-imported) is not plotted.
    solved = frame[(frame["status"] == "optimal") & frame["size_value"].notna()]
    fits = []
    for model, g in solved.groupby("model", sort=False):
        path = out / f"scaling-{model}.png"
        fits.append(plot_scaling(g, str(model), path))
        written.append(path)
        lines += [f"![{model}: time against size]({path.name})", ""]
    if fits:
        lines += [
            "Growth exponent b of the least-squares fit log t = a + b log n (numpy.polyfit), cases "
            "solved to optimality; median over repeats.",
            "",
            _markdown(
                pd.concat(fits, ignore_index=True),
                {"exponent": ".2f", "coefficient": ".3g", "smallest": ".6g", "largest": ".6g"},
            ),
            "",
        ]
    else:
        lines += ["(no case solved to optimality)", ""]
    lines += overrun_lines(frame)
    further = extra_tables(frame)
    if further:
        lines += [
            "## Further figures",
            "",
            "Figures a family reports beside status, objective, bound and gap (its docstring says what "
            "each means), from the rows' `extra` column.",
            "",
        ]
        for family, figures in further:
            formats = {c: ".7g" for c in figures.columns} | {"repeat": ".0f"}
            lines += [f"### {family}", "", _markdown(figures, formats), ""]
    cols = [
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
    lines += [
        "## Every row",
        "",
        _markdown(
            frame[cols],
            {
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
            },
        ),
        "",
    ]
    notes = list(notes)
    if notes:
        lines += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return [path, *written]
