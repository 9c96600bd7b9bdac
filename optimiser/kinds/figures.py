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


def saving_words(saving: float | None) -> tuple[str, str]:
    """A plan's saving on today as a reader says it: ``("Saving", "£1,200")``, or ``("Extra
    cost", "£1,200")`` when the plan costs more than today (it read "Saving -£1,672,262")."""
    if saving is not None and not pd.isna(saving) and saving < -0.5:
        return "Extra cost", money(-saving)
    return "Saving", money(saving)


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


def decided_gap_words(
    decided: dict[str, float | None] | None, fixed: float, in_every_plan: str | None = None
) -> str:
    """The gap in pounds beside its share when a constant every plan pays, ``fixed`` (the fixed
    cost and least chairs of the sites every plan opens), is left out of the share
    (summary.json's ``decided_gap``, :func:`models.common.constant.decided_gap`): the share is of
    the cost the plan decides, not of the objective printed beside it.  ``in_every_plan``: the
    words that say what ``fixed`` is (by default the SACT plan's words)."""
    if decided is None or fixed <= 0 or (decided["absolute"] or 0.0) < 0.005:
        return ""
    said = in_every_plan or (
        f"{money(fixed)} is in every plan: the fixed cost and least chairs of the sites every plan opens"
    )
    return f" ({money(decided['absolute'])} of the {money(decided['decided_cost'])} the plan decides; {said})"
