"""How far a case's solve ran past its time limit, and which cases ran past it by too much.

``--time-limit`` is the wall-clock budget of the whole solve (issue 17): a case's overrun is

    overrun = max(0, t - L)

with ``t`` the wall seconds of the case's solve in its worker process (reading or generating the
instance, every phase of the solve and the check; not the process start-up and imports) and ``L``
its time limit.  A case whose process was stopped (timeout, killed) has no solve time; its whole
process's wall seconds stand in.  A case is *over budget* when

    overrun > OVERRUN_SHARE * L + OVERRUN_GRACE_SECONDS

(10 % + 2 s by default).  Without a time limit there is no overrun (empty).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

OVERRUN_SHARE = 0.10
"""Share of the time limit a solve may run past it (0.10 = 10 %)."""
OVERRUN_GRACE_SECONDS = 2.0
"""Seconds a solve may run past its time limit on top of :data:`OVERRUN_SHARE`."""


def overrun_seconds(seconds: Any, time_limit: Any) -> float | None:
    """Seconds ``seconds`` ran past ``time_limit`` (0 within it); None without either figure."""
    try:
        t, limit = float(seconds), float(time_limit)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(t) and math.isfinite(limit)):
        return None
    return max(t - limit, 0.0)


def allowed_overrun(time_limit: float) -> float:
    """Seconds a case with ``time_limit`` may run past it: 10 % of the limit + 2 s by default."""
    return OVERRUN_SHARE * float(time_limit) + OVERRUN_GRACE_SECONDS


def over_budget(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a results table whose ``overrun_seconds`` exceeds :func:`allowed_overrun`."""
    if frame.empty or "overrun_seconds" not in frame:
        return frame.iloc[0:0]
    over = pd.to_numeric(frame["overrun_seconds"], errors="coerce")
    limit = pd.to_numeric(frame["time_limit"], errors="coerce")
    return frame[(over > OVERRUN_SHARE * limit + OVERRUN_GRACE_SECONDS).fillna(False)]


def overrun_lines(frame: pd.DataFrame) -> list[str]:
    """The report's section: the worst overrun, and every case over budget with its figures."""
    over = pd.to_numeric(frame.get("overrun_seconds", pd.Series(dtype=float)), errors="coerce").dropna()
    lines = ["## Time limit overrun", ""]
    if over.empty:
        return lines + ["(no case with a time limit reported its solve time)", ""]
    lines += [
        f"Seconds each solve ran past its time limit (`overrun_seconds`); a case may run "
        f"{OVERRUN_SHARE:.0%} of its limit + {OVERRUN_GRACE_SECONDS:g} s past it. "
        f"Worst: {over.max():.2f} s over {len(over)} case(s).",
        "",
    ]
    bad = over_budget(frame)
    if bad.empty:
        return lines + ["No case ran past its allowance.", ""]
    rows = [
        f"- {r['case']} with {r['backend']} (repeat {r['repeat']}): {float(r['overrun_seconds']):.2f} s "
        f"past its {float(r['time_limit']):g} s limit (allowed {allowed_overrun(r['time_limit']):.2f} s), "
        f"status {r['status']}"
        for _, r in bad.iterrows()
    ]
    return lines + [f"{len(bad)} case(s) ran past their allowance:", "", *rows, ""]
