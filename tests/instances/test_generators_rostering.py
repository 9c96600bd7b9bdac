"""The generated ward rotas are valid instances of ``kind: roster`` as files would be."""

from __future__ import annotations

import pytest

from instances.generators.rostering import generate
from optimiser.kinds import KINDS
from optimiser.kinds.base import input_from_tables
from optimiser.kinds.roster_schema import tables_of


@pytest.mark.parametrize(("staff", "days", "seed"), [(30, 84, 38), (30, 84, 39), (6, 14, 1)])
def test_generated_rotas_are_valid_instances(staff: int, days: int, seed: int) -> None:
    """Seeds 38 and 39 draw requests to work on a leave day: the loader notes them (they are
    denied on every rota) and the instance stays valid, as its recorded benchmarks were made."""
    inp = generate(staff, days, seed)
    assert len(inp.requests) > 0 and not inp.leave.empty
    tables, parameters = tables_of(inp)
    case = input_from_tables(KINDS["roster"], tables, parameters)
    away = set(zip(inp.leave["staff_id"], inp.leave["date"], strict=True))
    on = inp.requests[inp.requests["kind"] == "on"]
    clash = away & set(zip(on["staff_id"], on["date"], strict=True))
    assert bool(clash) == (seed in (38, 39))
    assert any("requests to work fall on" in note for note in case.notes) == bool(clash)
