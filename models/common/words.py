"""Figures in the users' words: a number and its noun agreeing ("1 vacancy", "2 vacancies"), and
a solver's status as a reader should take it.

Messages and reports name how many of something there are; "1 vacancies" or "1 zones" reads as a
careless tool and makes a planner doubt the figure beside it.  :func:`count` writes the number
(with an optional format spec) and the noun in the singular exactly when the number is 1.

A solver calls a plan "optimal" once it is within the gap it was asked for (HiGHS's
``mip_rel_gap``, CP-SAT's ``relative_gap_limit``): with ``--gap 0.01`` a plan 0.9 % above its bound is
"optimal".  Beside "gap 0.88%" a board reads that as a contradiction, so :func:`status_words` says
"optimal within the 1.00% gap asked" unless the gap is closed (:data:`CLOSED_GAP`).
"""

from __future__ import annotations

CLOSED_GAP = 1e-6
"""Relative gap at or under which an optimal plan is called optimal without qualification."""

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


def minutes(value: float) -> str:
    """Minutes to the hundredth, without trailing zeros (49.6, 45, 0.05): whole minutes said a site
    49.6 minutes away from a rota under a 49.5-minute cap was '50 min away, 0 min over the
    50-minute response time' (an out-of-hours finding)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def status_words(status: str, gap: float | None, asked: object = None) -> str:
    """``status`` ("optimal", "feasible", ...) as the summaries print it: an optimal plan whose
    relative ``gap`` to its bound is still open reads "optimal within the <asked> gap asked" (the
    run's ``--gap``, ``asked``, when it is a number; else "optimal within the gap asked")."""
    if status != "optimal" or gap is None or gap <= CLOSED_GAP:
        return status
    if isinstance(asked, (int, float)) and not isinstance(asked, bool):
        return f"optimal within the {asked:.2%} gap asked"
    return "optimal within the gap asked"
