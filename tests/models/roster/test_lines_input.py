"""One person's rota input for pricing (:func:`models.roster.lines.person_rota_input`): rows of
the validated input taken as they are, not validated again, must equal what re-validation gives."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from instances.generators.rostering import generate
from models.roster.curtois_qu import read_instance, to_roster_input
from models.roster.input import RosterInput
from models.roster.lines import person_rota_input
from tests.conftest import benchmark_file

TABLES = ("staff", "shifts", "cover", "rules", "leave", "preassigned", "requests", "history",
          "forbidden_successions", "published")  # fmt: skip


def _inputs() -> list[RosterInput]:
    ward = generate(5, 14, seed=3, history_days=3)
    rota = pd.DataFrame(
        [(ward.staff["staff_id"][0], ward.first_date, ward.shifts["shift_id"][0])],
        columns=["staff_id", "date", "shift_id"],
    )
    inst = read_instance(benchmark_file("shift-scheduling", "Instance3.txt"))
    return [ward, ward.replace(published=rota), to_roster_input(inst)]


@pytest.mark.parametrize("index", range(3))
def test_each_persons_input_equals_the_revalidated_one(index: int) -> None:
    """A generated ward with history, the same re-rostered from a published rota, and Curtois & Qu
    Instance3 (requests, leave as days off, per-person rules): every table of every person's input
    equals the table validation gives for the same rows, and the other fields are the input's."""
    inp = _inputs()[index]
    for staff_id in inp.staff["staff_id"].astype(str):
        fast = person_rota_input(inp, staff_id)
        slow = inp.replace(**{name: getattr(fast, name) for name in TABLES})
        for name in TABLES:
            mine, theirs = getattr(fast, name), getattr(slow, name)
            assert (mine is None) == (theirs is None), name
            if mine is not None:
                pd.testing.assert_frame_equal(mine, theirs, check_dtype=True, obj=name)
        for field in dataclasses.fields(RosterInput):
            if field.name not in TABLES:
                assert getattr(fast, field.name) == getattr(inp, field.name)
