"""A number option that must be finite: click's ``FloatRange`` lets ``nan`` and ``inf`` through
(every comparison with ``nan`` is false, and ``inf`` has no maximum to break), and
``--time-limit nan`` then ran with no limit at all (an lsc-sact scenarios run took 172 s, its
summaries saying ``time_limit: null``) and ``--gap nan`` stopped a solve at a gap of 3.8 %."""

from __future__ import annotations

import math
from typing import Any

import click


class FiniteFloatRange(click.FloatRange):
    """A :class:`click.FloatRange` that refuses ``nan`` and ``inf`` (exit 2, naming the option)."""

    name = "finite float range"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number
