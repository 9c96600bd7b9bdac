"""The figures of a suite report: the performance profile and time-against-size plots.

Drawn on matplotlib's Agg canvas (no display needed) and saved as PNG; each function also returns
the figures it plotted as a table, for the report's markdown.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.suite.profile import growth_exponent, performance_profile

PROFILE_TAUS = (1.0, 1.5, 2.0, 5.0, 10.0, 100.0, math.inf)


def _canvas_figure(width: float = 6.4, height: float = 4.4) -> Any:
    """A matplotlib figure on an Agg canvas, ``width`` by ``height`` inches at 110 dpi."""
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


SIZE_AXIS = {
    "sact": "zones x candidate sites",
    "rollout": "zones x sites x years",
    "ooh": "sites x services",
    "ooh-cross-trust": "sites x services",
    "cover": "oncologists x weeks",
    "rostering": "staff x days",
    "roster": "staff x days",
}
"""What each model's ``size_value`` counts (the families' ``Case.size_value``), for the x axis."""


def size_axis(model: str) -> str:
    """The x-axis label of ``model``'s time-against-size plot."""
    meaning = SIZE_AXIS.get(model)
    return f"size: {meaning}" if meaning else "size (see the size column)"


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
    ax.set_xlabel(size_axis(model))
    ax.set_ylabel("build + solve seconds (solved to optimality)")
    ax.set_title(f"{model}: time against size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    return pd.DataFrame(fits)
