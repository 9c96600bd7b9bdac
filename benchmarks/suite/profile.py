r"""Numbers the report draws: Dolan-Moré performance profiles and growth exponents.

Performance profile (Dolan & Moré 2002).  With :math:`t_{p,s}` the time backend :math:`s` takes
to solve problem :math:`p` to proven optimality, or to prove it infeasible (:math:`\infty` when it
does neither),

.. math:: r_{p,s} = \frac{t_{p,s}}{\min_{s'} t_{p,s'}}, \qquad
          \rho_s(\tau) = \frac{|\{p : r_{p,s} \le \tau\}|}{|P|},

so :math:`\rho_s(1)` is the share of problems on which :math:`s` was fastest and
:math:`\rho_s(\infty)` the share it solved at all.  A problem no backend solved counts against
every backend.  Only problems that every compared backend attempted enter the profile.

Growth exponent: the slope :math:`b` of the least-squares line
:math:`\log_{10} t = a + b \log_{10} n` (``numpy.polyfit``), so time grows like :math:`n^b`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SOLVED = ("optimal", "infeasible")
"""The statuses of a solved task: proven optimal, or proven to have no plan (an answer as well)."""


def case_seconds(table: pd.DataFrame) -> pd.Series:
    """Build plus solve seconds of each row (the time a backend is charged)."""
    build = pd.to_numeric(table["build_seconds"], errors="coerce").fillna(0.0)
    solve = pd.to_numeric(table["solve_seconds"], errors="coerce")
    return build + solve


def solve_times(table: pd.DataFrame) -> pd.DataFrame:
    """Problems x backends: median seconds over repeats when solved (:data:`SOLVED`), else inf.

    Rows are ``family/case``; backends that did not attempt a problem leave NaN (rows ``skipped``
    count as not attempted).
    """
    rows = table[table["status"] != "skipped"].copy()
    if rows.empty:
        return pd.DataFrame()
    rows["problem"] = rows["family"].astype(str) + "/" + rows["case"].astype(str)
    seconds = case_seconds(rows)
    rows["t"] = np.where(rows["status"].isin(SOLVED), seconds, np.inf)
    return rows.pivot_table(index="problem", columns="backend", values="t", aggfunc="median")


def compared_problems(times: pd.DataFrame) -> pd.DataFrame:
    """The backends a profile compares and the problems they all attempted.

    Of the sets of two or more backends that attempted a problem together, the one sharing the
    most problems (then the larger set): a suite whose one case runs on its own backend (smoke's
    rota on ``cpsat``) still compares the backends that share the rest.  Empty when no two
    backends share a problem.
    """
    if times.empty:
        return times
    attempted = times.notna()
    together = {frozenset(times.columns[row]) for row in attempted.to_numpy()}
    candidates = [s for s in together if len(s) >= 2]
    if not candidates:
        return times.iloc[0:0, 0:0]

    def problems(backends: frozenset[str]) -> pd.Series:
        return attempted[sorted(backends)].all(axis=1)

    chosen = max(candidates, key=lambda s: (int(problems(s).sum()), len(s), sorted(s)))
    return times.loc[problems(chosen), sorted(chosen)]


def performance_ratios(times: pd.DataFrame) -> pd.DataFrame:
    """:math:`r_{p,s}` for the problems every backend attempted (inf where not solved)."""
    complete = times.dropna(how="any")
    best = complete.min(axis=1)
    ratios = complete.div(best.where(np.isfinite(best) & (best > 0)), axis=0)
    # a problem nobody solved: every ratio inf; a zero best time: the fastest has ratio 1
    ratios[~np.isfinite(complete)] = np.inf
    zero = best <= 0
    if zero.any():
        ratios.loc[zero] = np.where(complete.loc[zero] <= 0, 1.0, np.inf)
    return ratios.fillna(np.inf)


def performance_profile(times: pd.DataFrame, taus: np.ndarray | None = None) -> pd.DataFrame:
    """:math:`\\rho_s(\\tau)` for each backend (columns) at each ``tau`` (index).

    ``taus`` defaults to 1 and every finite ratio that occurs, sorted.
    """
    ratios = performance_ratios(times)
    if taus is None:
        finite = ratios.to_numpy()[np.isfinite(ratios.to_numpy())]
        taus = np.unique(np.concatenate([[1.0], finite]))
    taus = np.asarray(taus, dtype=float)
    n = len(ratios)
    solved = np.isfinite(ratios)  # an unsolved problem counts at no tau, not even tau = inf
    data = {
        s: [(solved[s] & (ratios[s] <= tau)).sum() / n if n else np.nan for tau in taus]
        for s in ratios.columns
    }
    return pd.DataFrame(data, index=pd.Index(taus, name="tau"))


def growth_exponent(sizes: np.ndarray, seconds: np.ndarray) -> tuple[float, float] | None:
    """(exponent b, coefficient 10**a) of the fit t = 10**a n**b, or None with fewer than 2 sizes."""
    sizes = np.asarray(sizes, dtype=float)
    seconds = np.asarray(seconds, dtype=float)
    keep = np.isfinite(sizes) & np.isfinite(seconds) & (sizes > 0) & (seconds > 0)
    sizes, seconds = sizes[keep], seconds[keep]
    if len(np.unique(sizes)) < 2:
        return None
    slope, intercept = np.polyfit(np.log10(sizes), np.log10(seconds), 1)
    return float(slope), float(10.0**intercept)
