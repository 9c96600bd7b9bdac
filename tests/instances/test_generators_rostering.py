"""The generated ward rotas are valid instances of ``kind: roster`` as files would be."""

from __future__ import annotations

import pytest

from instances.generators.rostering import generate
from optimiser.kinds import KINDS
from optimiser.kinds.base import input_from_tables
from optimiser.kinds.roster_schema import tables_of


@pytest.mark.parametrize(("staff", "days", "seed"), [(30, 84, 38), (30, 84, 39), (6, 14, 1)])
def test_no_request_to_work_on_a_leave_day(staff: int, days: int, seed: int) -> None:
    """Seeds 38 and 39 drew such requests: validation now refuses them, as it does pre-assignments."""
    inp = generate(staff, days, seed)
    away = set(zip(inp.leave["staff_id"], inp.leave["date"], strict=True))
    on = inp.requests[inp.requests["kind"] == "on"]
    assert not away & set(zip(on["staff_id"], on["date"], strict=True))
    assert len(inp.requests) > 0 and not inp.leave.empty
    tables, parameters = tables_of(inp)
    input_from_tables(KINDS["roster"], tables, parameters)
