"""Counts in the users' words: a number and its noun agreeing ("1 vacancy", "2 vacancies").

Messages and reports name how many of something there are; "1 vacancies" or "1 zones" reads as a
careless tool and makes a planner doubt the figure beside it.  :func:`count` writes the number
(with an optional format spec) and the noun in the singular exactly when the number is 1.
"""

from __future__ import annotations

_INVARIANT = frozenset({"staff", "people"})
"""Nouns whose plural is the singular."""


def plural(noun: str) -> str:
    """The regular English plural of ``noun`` (its last word): vacancy -> vacancies, PA -> PAs."""
    if noun in _INVARIANT or noun.split(" ")[-1] in _INVARIANT:
        return noun
    if noun.endswith("y") and len(noun) > 1 and noun[-2].lower() not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    return noun + "s"


def count(n: float, noun: str, plural_form: str | None = None, spec: str = "") -> str:
    """``n`` formatted by ``spec`` (default: as written) and ``noun`` agreeing with it.

    Parameters
    ----------
    n
        How many; singular exactly when it prints as 1 (so 1.0 with spec ``g`` is "1 PA", while
        0.5 or 1.5 take the plural, as in "1.5 PAs").
    noun
        The singular noun, e.g. ``"vacancy"``; words after the counted noun go after the call.
    plural_form
        The plural when it is not the regular one of :func:`plural`.
    spec
        A format spec for the number, e.g. ``",.0f"`` or ``"g"``.
    """
    text = format(n, spec)
    one = text.replace(",", "") in {"1", "1.0"} or (not spec and n == 1)
    return f"{text} {noun if one else (plural_form or plural(noun))}"
