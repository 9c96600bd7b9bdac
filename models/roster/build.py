"""The detailed-rota CP-SAT model of an input (the formulation is in :mod:`models.roster`).

Its own module, so that the searches (:mod:`models.roster.search`) and the solve that dispatches
to them (:mod:`models.roster.solve`) both build the model without importing each other.
"""

from __future__ import annotations

from models.roster.input import RosterInput
from models.roster.parameters import RosterParameters
from models.roster.rules import FAMILIES
from models.roster.vars import RosterModel, make_variables


def build_roster_model(
    inp: RosterInput, params: RosterParameters | None = None, *, elastic: bool = False
) -> RosterModel:
    """Build the CP-SAT model of ``inp`` (no solve). ``elastic``: hard rules become penalties."""
    rm = make_variables(inp, params or RosterParameters(), elastic)
    for family in FAMILIES:
        family(rm)
    rm.model.minimize(sum(t.weight * t.amount for t in rm.terms))
    return rm
