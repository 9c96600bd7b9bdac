"""The detailed-rota CP-SAT model of an input (the formulation is in :mod:`models.roster`).

Its own module, so that the searches (:mod:`models.roster.search`) and the solve that dispatches
to them (:mod:`models.roster.solve`) both build the model without importing each other.
"""

from __future__ import annotations

import time

from models.roster.input import RosterInput
from models.roster.parameters import RosterParameters
from models.roster.rules import FAMILIES
from models.roster.vars import RosterModel, make_variables


class BuildStopped(Exception):
    """The run's deadline came while the model was built (:func:`build_roster_model`)."""


def build_roster_model(
    inp: RosterInput,
    params: RosterParameters | None = None,
    *,
    elastic: bool = False,
    deadline: float | None = None,
) -> RosterModel:
    """Build the CP-SAT model of ``inp`` (no solve). ``elastic``: hard rules become penalties.
    ``deadline`` (:func:`time.monotonic` seconds): :class:`BuildStopped` is raised when it has
    passed before a rule family is added, so a run does not build past its time limit (a 60 x 364
    rota takes 6-8 s, its night blocks up to 1.8 s of it)."""
    rm = make_variables(inp, params or RosterParameters(), elastic)
    for family in FAMILIES:
        if deadline is not None and time.monotonic() > deadline:
            raise BuildStopped
        family(rm)
    rm.model.minimize(sum(t.weight * t.amount for t in rm.terms))
    return rm
