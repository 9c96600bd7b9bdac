"""Small formatters the kinds share: money for the terminal, numbers for JSON, rounded tables."""

from __future__ import annotations

from typing import Any

import pandas as pd


def money(value: float | None) -> str:
    """Pounds to the pound, a minus sign before the £ (``-£1,200``); ``n/a`` for no value."""
    if value is None or pd.isna(value):
        return "n/a"
    return f"-£{-value:,.0f}" if value < -0.5 else f"£{abs(value):,.0f}"


def number_or_none(value: Any) -> float | None:
    """A float for JSON, or None for a missing value (NaN, None)."""
    return None if value is None or pd.isna(value) else float(value)


def rounded_floats(frame: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """The float columns rounded to ``decimals`` (pence, hundredths of a minute), so sums read cleanly."""
    floats = frame.select_dtypes("float").columns
    return frame.assign(**{c: frame[c].round(decimals) for c in floats})
