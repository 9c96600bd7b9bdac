"""Numbers in the output tables: every float to a fixed number of decimals, by what its column holds.

The plan's tables hold floats as the solver and the arithmetic left them: ``60.79499999999993``
attendances, a share of ``1.0000000000000007``.  Planners open the files in Excel, where such
figures look wrong (a share above one) though the plan is right.  Every table written as CSV
(:func:`optimiser.exports.safe.write_csv`) or as an Excel sheet
(:func:`optimiser.exports.workbook.write_workbook`) goes through :func:`rounded_frame` first:

* shares and other fractions, :data:`SHARE_DECIMALS` (6): ``share``, ``utilisation``, ``gap``,
  ``within_*``, ``served_within_*``, ``*_share``, ``*_factor`` and a frontier's ``target`` and ``achieved``;
  six decimals keep a frontier's targets (set to six decimals) and an access target's margin
  (0.949999 is not 0.95) exact;
* a discount factor (``discount_factor``), :data:`DISCOUNT_DECIMALS` (10): a roll-out year's
  ``total`` times it gives its ``discounted_total`` to the penny (at 6 decimals it was up to
  £4 off on a year of £12M);
* money, :data:`MONEY_DECIMALS` (2, pounds and pence): ``cost``, ``*_cost``, ``saving``,
  ``penalty``, ``*_penalty``, ``recharge``, ``total``, ``*_total`` and the roll-out's cost
  components ``running``, ``capital``, ``closures``, ``patient_travel``, ``drug_transport``;
* everything else, :data:`DEFAULT_DECIMALS` (4): minutes, attendances, doses, chair hours, hours,
  PAs, miles, seconds, objectives.

A dotted column name (``costs.total``, ``quintile_1.within_30`` of a comparison) is judged by its
last part that is not a number (``within_30_by_year.2026`` by ``within_30_by_year``).  Integer
and boolean columns, text and dates are left as they are; a float cell in a column of mixed cells
is rounded like a float column.  A float is written as the shortest text
that reads back as the rounded value, so a whole number stays ``3.0``, not ``3.0000``, and the
cell never has more decimals than its column's precision; ``-0.0`` is written as ``0.0``.

Rounding happens only when a table is written: the independent checker checks the plan in memory,
``summary.json`` keeps full precision, and a warm start (:mod:`optimiser.warm_start`) reads only
``sites.csv``'s whole chairs and open flags.  Shares are kept within [0, 1] where they are
computed (:mod:`models.sact.access`), so ``summary.json`` and the tables agree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

SHARE_DECIMALS = 6
"""Decimals of shares, proportions, utilisation, gaps and factors."""
DISCOUNT_DECIMALS = 10
"""Decimals of a discount factor, which multiplies millions of pounds."""
MONEY_DECIMALS = 2
"""Decimals of money (pounds)."""
DEFAULT_DECIMALS = 4
"""Decimals of every other float: minutes, attendances, doses, hours, PAs, miles, seconds."""

SHARE_COLUMNS = re.compile(
    r"^(share|utilisation|gap|target|achieved|(served_)?within_\w+|\w+_share|\w+_factor)$"
)
MONEY_COLUMNS = re.compile(
    r"^(cost|\w+_cost|saving|penalty|\w+_penalty|recharge|total|\w+_total"
    r"|running|capital|closures|patient_travel|drug_transport)$"
)


def column_decimals(column: Any) -> int:
    """The decimals a float in ``column`` is written to (see the module docstring)."""
    parts = [part.strip().lower() for part in str(column).split(".")]
    while len(parts) > 1 and parts[-1].isdigit():  # a year (``within_30_by_year.2026``)
        parts.pop()
    name = parts[-1]
    if name == "discount_factor":
        return DISCOUNT_DECIMALS
    if SHARE_COLUMNS.match(name):
        return SHARE_DECIMALS
    if MONEY_COLUMNS.match(name):
        return MONEY_DECIMALS
    return DEFAULT_DECIMALS


def _round_cell(value: Any, decimals: int) -> Any:
    """A float cell rounded (``-0.0`` as ``0.0``; NaN and infinities as they are); others unchanged."""
    if isinstance(value, float | np.floating) and math.isfinite(value):
        return float(round(float(value), decimals)) + 0.0
    return value


def table_of_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``rows`` as a table in which a column whose every given value is a whole number stays whole
    (pandas' nullable ``Int64``) where some row has none: a comparison with a run without a plan
    wrote its sites and chairs as ``11.0`` and ``102.0``."""
    table = pd.DataFrame(list(rows), columns=None if columns is None else list(columns))
    whole = [column for column in table.columns if _whole_numbers([row.get(column) for row in rows])]
    return table.astype({column: "Int64" for column in whole})


def _whole_numbers(values: list[Any]) -> bool:
    """Whether the values given (None and NaN are none) are all integers, and there are some."""
    given = [value for value in values if value is not None and not pd.isna(value)]
    return bool(given) and all(
        isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_) for value in given
    )


def rounded_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every float rounded to its column's decimals."""
    out = frame.copy()
    for column in out.columns:
        series, decimals = out[column], column_decimals(column)
        if pd.api.types.is_float_dtype(series):
            out[column] = series.round(decimals) + 0.0
        elif series.dtype == object:
            out[column] = series.map(lambda value, d=decimals: _round_cell(value, d))
    return out
