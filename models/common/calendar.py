"""Bank holidays of England and Wales, from the maintained ``holidays`` package.

Rotas repeat weekly cover patterns and MDTs meet on fixed weekdays; on a bank holiday neither
happens as usual.  :func:`bank_holidays` gives the dates between two days, with local additions
(a trust's own closure day) and removals (a holiday the service works as normal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import holidays

REGION = ("GB", "ENG")
"""Country and subdivision whose bank holidays apply (England; Wales has the same dates)."""


def bank_holidays(
    first: dt.date,
    last: dt.date,
    *,
    add: Iterable[dt.date] = (),
    remove: Iterable[dt.date] = (),
) -> dict[dt.date, str]:
    """Bank holidays from ``first`` to ``last`` inclusive, by date with their names.

    ``add`` dates are treated as holidays ("local holiday"); ``remove`` dates are not, even if the
    calendar has them.
    """
    if last < first:
        return {}
    country, subdiv = REGION
    calendar = holidays.country_holidays(country, subdiv=subdiv, years=range(first.year, last.year + 1))
    days = {d: str(name) for d, name in calendar.items() if first <= d <= last}
    for d in add:
        if first <= d <= last:
            days.setdefault(d, "local holiday")
    for d in remove:
        days.pop(d, None)
    return dict(sorted(days.items()))
