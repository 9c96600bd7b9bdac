"""Small formatters the kinds share: money for the terminal, numbers for JSON, rounded tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from models.common.words import status_words

if TYPE_CHECKING:
    from solvers import SolveResult


def money(value: float | None) -> str:
    """Pounds to the pound, a minus sign before the £ (``-£1,200``); ``n/a`` for no value."""
    if value is None or pd.isna(value):
        return "n/a"
    return f"-£{-value:,.0f}" if value < -0.5 else f"£{abs(value):,.0f}"


def solver_status(r: SolveResult) -> str:
    """The result's status in the summaries' words (:func:`models.common.words.status_words`): an
    optimal plan with its gap still open is "optimal within the <--gap> gap asked"."""
    return status_words(r.status.value, r.gap, r.options.get("gap"))


def gap_percent(gap: float | None) -> str:
    """A relative gap as a percentage: two decimals, four under 0.01 % (so 0.0024 % is not 0.00 %)."""
    if gap is None:
        return "n/a"
    return f"{gap:.4%}" if 0 < gap < 1e-4 else f"{gap:.2%}"


def number_or_none(value: Any) -> float | None:
    """A float for JSON, or None for a missing value (NaN, None)."""
    return None if value is None or pd.isna(value) else float(value)


def rounded_floats(frame: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """The float columns rounded to ``decimals`` (pence, hundredths of a minute), so sums read cleanly."""
    floats = frame.select_dtypes("float").columns
    return frame.assign(**{c: frame[c].round(decimals) for c in floats})
